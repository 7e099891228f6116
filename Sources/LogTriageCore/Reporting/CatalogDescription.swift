/// Describes one catalog incident for `logtriage patterns show`: its evidence rules and remediation, so an
/// operator can read what logtriage knows without opening YAML.
public enum CatalogDescription {
    public static func render(_ incident: Incident) -> String {
        var out = "\(incident.title)\n"
        out += "id: \(incident.id)\nseverity: \(incident.severity.rawValue)\ndefined in: \(incident.definedIn)\n\n"
        out += "\(incident.summary)\n\n"
        out += "Evidence (a record matching any rule):\n"
        for rule in incident.evidence {
            out += "  \(rule.name):\n"
            out +=
                "    contains any of: " + rule.any.map { "\"\($0)\"" }.joined(separator: ", ")
                + (rule.ignoreCase ? " (ignoring case)" : "") + "\n"
            if let regex = rule.regex { out += "    and matches: \(regex)\n" }
            if !rule.not.isEmpty {
                out += "    but none of: " + rule.not.map { "\"\($0)\"" }.joined(separator: ", ") + "\n"
            }
            if let context = rule.context {
                out +=
                    "    with, within \(context.within) records of the same source, one of: "
                    + context.any.map { "\"\($0)\"" }.joined(separator: ", ") + "\n"
            }
        }
        if !incident.valueLabels.isEmpty {
            out +=
                "\nValues extracted: " + incident.valueLabels.map { "\($0.label) (\($0.name))" }.joined(separator: ", ")
                + "\n"
        }
        if !incident.leadsTo.isEmpty {
            out += "\nCommonly leads to: " + incident.leadsTo.joined(separator: ", ") + "\n"
        }
        out += "\nRemediation:\n"
        for line in incident.remediation.split(separator: "\n", omittingEmptySubsequences: false) {
            out += line.isEmpty ? "\n" : "  \(line)\n"
        }
        if !incident.references.isEmpty {
            out += "\nReferences (where each wording comes from):\n"
            for reference in incident.references { out += "  \(reference)\n" }
        }
        return out
    }
}
