/// Text from logs and file names made safe to print: every character a terminal would act on is shown instead.
///
/// Anything that reaches a terminal from a log (evidence, extracted values, sources) or from a file name goes
/// through `visible(_:)`: C0 controls as `^X` (a newline as `⏎`), DEL as `^?`, C1 controls (U+0080–U+009F, among
/// them CSI U+009B and OSC U+009D) as `\xHH`, and the bidirectional controls that reorder what is shown (U+061C,
/// U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) as `\u{HHHH}`. Invalid UTF-8 was already replaced by U+FFFD when
/// the text was made. The JSON report escapes the same characters as `\uHHHH`.
///
/// Complexity: O(length).
public enum TerminalText {
    /// Whether a terminal could act on `scalar`, or it could change the order in which text is shown.
    public static func isHazard(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// `text` with every hazard shown visibly.
    public static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isHazard) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: out += "⏎"
            case 0x00...0x1F: out += "^" + String(UnicodeScalar(UInt8(scalar.value) + 0x40))
            case 0x7F: out += "^?"
            case 0x80...0x9F: out += "\\x" + String(scalar.value, radix: 16, uppercase: true)
            case _ where isHazard(scalar):
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
