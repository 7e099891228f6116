/// Remediation text with the values found filled in: a catalog's remediation writes `<port>`, `<unit>`,
/// `<upstream>` … where an extracted value of that name belongs, and the report puts the first value found there.
///
/// Values come from logs, which strangers write, and remediation is copied into a shell: a value is filled in only
/// when it is made of characters that mean nothing to a shell (letters, digits and `._:/@%+=,-`). Anything else,
/// and a name with no value found, keeps the generic `<name>`. O(text × values).
public enum Remediation {
    public static func filled(_ report: IncidentReport) -> String {
        var text = report.incident.remediation
        for value in report.values {
            guard let first = value.values.first, isInert(first) else { continue }
            text = text.replacingOccurrences(of: "<\(value.name)>", with: first)
        }
        return text
    }

    /// Whether `value` can stand in a shell command as it is.
    static func isInert(_ value: String) -> Bool {
        !value.isEmpty && value.count <= 256
            && value.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                        || "._:/@%+=,-".unicodeScalars.contains(scalar))
            }
    }
}
