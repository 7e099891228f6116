/// How a file name places the file in a rotated set: `x.log.3.gz`, `x.log.1`, `x.log-20250102.gz`, `x.log`.
///
/// Complexity: O(n) in the name's length.
struct RotationName: Equatable {
    /// The name of the live file the set rotates from (`x.log`).
    var base: String
    /// Sorts older files first within one set.
    var age: Age

    enum Age: Comparable {
        /// logrotate `dateext` names: older dates first.
        case dated(String)
        /// Numbered rotations: a higher number is older, so it sorts first.
        case numbered(Int)
        /// The live file, newest.
        case live

        static func < (lhs: Age, rhs: Age) -> Bool {
            switch (lhs, rhs) {
            case let (.dated(a), .dated(b)): return a < b
            case let (.numbered(a), .numbered(b)): return a > b
            case (.dated, _): return true
            case (.numbered, .live): return true
            default: return false
            }
        }
    }

    /// Parses `fileName` as bytes: the marks it looks for (`.`, `-`, digits, `.gz`) are ASCII, and a name is a
    /// run of bytes, not of characters.
    init(fileName: String) {
        var name = fileName
        (base, age) = name.withUTF8 { Self.parse($0, fileName) }
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ fileName: String) -> (String, Age) {
        let dot = UInt8(ascii: "."), dash = UInt8(ascii: "-")
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        func digits(_ range: Range<Int>) -> String { text(range).filter { $0 != "-" } }
        var end = bytes.count
        let compressed =
            end >= 3 && bytes[end - 3] == dot && bytes[end - 2] == UInt8(ascii: "g")
            && bytes[end - 1] == UInt8(ascii: "z")
        if compressed { end -= 3 }
        if let lastDot = bytes[..<end].lastIndex(of: dot), lastDot != 0 {
            let stamp = lastDot + 1..<end
            // x.log.3 / x.log.3.gz
            if !stamp.isEmpty, stamp.count <= 6, bytes[stamp].allSatisfy(isDigit), let n = Int(text(stamp)) {
                return (text(0..<lastDot), .numbered(n))
            }
            // kubelet: 0.log.20250102-150405 (runs of digits between dashes; empty runs do not count)
            let runs = bytes[stamp].split(separator: dash)
            if runs.count == 2, runs[0].count == 8, runs[1].count == 6,
                bytes[stamp].allSatisfy({ $0 == dash || isDigit($0) })
            {
                return (text(0..<lastDot), .dated(digits(stamp)))
            }
        }
        // x.log-20250102 / x.log-2025010203 / x.log-2025-01-02
        if let lastDash = bytes[..<end].lastIndex(of: dash), lastDash != 0 {
            let stamp = bytes[(lastDash + 1)..<end]
            let digitCount = stamp.count { $0 != dash }
            if digitCount >= 8, digitCount <= 14, stamp.allSatisfy({ $0 == dash || isDigit($0) }),
                stamp.starts(with: [0x31, 0x39]) || stamp.starts(with: [0x32, 0x30])
            {
                return (text(0..<lastDash), .dated(digits(lastDash + 1..<end)))
            }
        }
        // A lone `x.gz` is its own set.
        return (compressed ? fileName : text(0..<end), .live)
    }
}
