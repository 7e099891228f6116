/// Text from logs and file names made safe to print: every character a terminal would act on is shown instead.
///
/// Anything that reaches a terminal from a log (evidence, extracted values, sources) or from a file name goes
/// through `visible(_:)`: C0 controls as `^X` (a newline as `⏎`), DEL as `^?`, C1 controls (U+0080–U+009F, among
/// them CSI U+009B and OSC U+009D) as `\xHH`, and the bidirectional controls that reorder what is shown (U+061C,
/// U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) as `\u{HHHH}`. A byte of a file name that is not UTF-8 (see
/// `PathName`) is shown as `\xHH`; in log text, invalid UTF-8 was already replaced when the text was made. The JSON
/// report escapes the same characters as `\uHHHH` and shows a file name's byte as `\xHH` too, adding the name's
/// exact bytes in base64 beside it.
///
/// Complexity: O(length).
public enum TerminalText {
    /// Whether a terminal could act on `scalar`, or it could change the order in which text is shown.
    public static func isHazard(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069,
            0x10_FF80...0x10_FFFF:
            true
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
            case _ where PathName.escapedByte(scalar) != nil:
                out += "\\x" + String(PathName.escapedByte(scalar)!, radix: 16, uppercase: true)
            case _ where isHazard(scalar):
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension TerminalText {
    /// `text` with every line wider than `width` columns broken at spaces (or anywhere, for a long word), the
    /// continuation lines indented under the line's text: four columns more than the line, or under the text of a
    /// numbered (`1. `) or bulleted (`- `) step. ANSI colour sequences take no room and are closed at a break and
    /// opened again on the next line; wide (East Asian) characters take two columns. Widths under 20 leave the
    /// text as it is.
    ///
    /// Complexity: O(length).
    public static func wrap(_ text: String, width: Int) -> String {
        guard width >= 20 else { return text }
        var out = ""
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        for line in lines {
            for piece in wrapLine(Substring(line), width: width) { out += piece + "\n" }
        }
        return text.hasSuffix("\n") || text.isEmpty ? out : String(out.dropLast())
    }

    private struct Unit {
        var text: String
        var width: Int
        var isSpace: Bool
        /// An SGR sequence (`ESC [ … m`): no width; sets or, for `ESC [ 0 m`, clears the style.
        var isStyle: Bool
    }

    private static func units(_ line: Substring) -> [Unit] {
        var units: [Unit] = []
        var characters = line[...]
        while let character = characters.first {
            if character == "\u{1b}", let end = characters.firstIndex(of: "m"), characters.dropFirst().first == "[" {
                units.append(Unit(text: String(characters[...end]), width: 0, isSpace: false, isStyle: true))
                characters = characters[characters.index(after: end)...]
                continue
            }
            characters = characters.dropFirst()
            units.append(
                Unit(text: String(character), width: columns(character), isSpace: character == " ", isStyle: false))
        }
        return units
    }

    /// The columns a terminal gives `character`: 0 for a combining mark, 2 for a wide one, else 1.
    static func columns(_ character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark: return 0
        default: break
        }
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F,
            0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return 2
        default: return 1
        }
    }

    private static func wrapLine(_ line: Substring, width: Int) -> [String] {
        let all = units(line)
        guard all.reduce(0, { $0 + $1.width }) > width else { return [String(line)] }
        let indent = all.prefix { $0.isSpace }.count
        var hang = indent + 4
        let body = String(line.dropFirst(indent).prefix(8))
        if let marker = body.firstIndex(of: " "), body[..<marker].hasSuffix("."),
            body[..<marker].dropLast().allSatisfy(\.isNumber), marker > body.index(after: body.startIndex)
        {
            hang = indent + body.distance(from: body.startIndex, to: marker) + 1
        } else if body.hasPrefix("- ") {
            hang = indent + 2
        }
        hang = min(hang, width / 2)
        let hangPrefix = Array(repeating: Unit(text: " ", width: 1, isSpace: true, isStyle: false), count: hang)

        // The width of the word each unit belongs to (0 for spaces).
        var wordWidth = Array(repeating: 0, count: all.count)
        var wordStart = 0
        for index in 0...all.count where index == all.count || all[index].isSpace {
            let total = all[wordStart..<index].reduce(0) { $0 + $1.width }
            for member in wordStart..<index { wordWidth[member] = total }
            wordStart = index + 1
        }
        var lines: [[Unit]] = []
        var current = Array(all.prefix(indent))
        var used = indent
        var start = indent  // units of indentation at the start of `current`
        var lastSpace: Int?
        for (index, unit) in all.enumerated().dropFirst(indent) {
            if !unit.isStyle && used + unit.width > width && used > start {
                // A word that would not fit on the next line either is broken where it is.
                if !unit.isSpace, let space = lastSpace, hang + wordWidth[index] <= width {
                    let rest = Array(current[(space + 1)...])
                    lines.append(Array(current[..<space]))
                    current = hangPrefix + rest
                } else {
                    lines.append(current)
                    current = hangPrefix
                }
                start = hang
                used = current.reduce(0) { $0 + $1.width }
                lastSpace = current.indices.last { $0 > start && current[$0].isSpace }
                if unit.isSpace && used == hang { continue }
            }
            current.append(unit)
            used += unit.width
            if unit.isSpace && current.count > start { lastSpace = current.count - 1 }
        }
        lines.append(current)

        // Close a style still open at a break and open it again after the next line's indentation.
        var result: [String] = []
        var active: String?
        for units in lines {
            var text = ""
            var opened = false
            for unit in units {
                if !opened && !unit.isSpace, let style = active {
                    text += style
                    opened = true
                }
                if !unit.isSpace { opened = true }
                text += unit.text
                if unit.isStyle { active = unit.text == "\u{1b}[0m" ? nil : unit.text }
            }
            while text.hasSuffix(" ") { text.removeLast() }
            if active != nil { text += "\u{1b}[0m" }
            result.append(text)
        }
        return result
    }
}
