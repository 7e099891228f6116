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

    init(fileName: String) {
        var name = Substring(fileName)
        var compressed = false
        if name.hasSuffix(".gz") {
            name = name.dropLast(3)
            compressed = true
        }
        // x.log.3 / x.log.3.gz
        if let dot = name.lastIndex(of: "."), dot != name.startIndex {
            let digits = name[name.index(after: dot)...]
            if !digits.isEmpty, digits.count <= 6, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
                let n = Int(digits)
            {
                base = String(name[..<dot])
                age = .numbered(n)
                return
            }
        }
        // kubelet: 0.log.20250102-150405
        if let dot = name.lastIndex(of: "."), dot != name.startIndex {
            let stamp = name[name.index(after: dot)...]
            let parts = stamp.split(separator: "-")
            if parts.count == 2, parts[0].count == 8, parts[1].count == 6,
                stamp.allSatisfy({ $0 == "-" || ($0.isASCII && $0.isNumber) })
            {
                base = String(name[..<dot])
                age = .dated(String(parts[0] + parts[1]))
                return
            }
        }
        // x.log-20250102 / x.log-2025010203 / x.log-2025-01-02
        if let dash = name.lastIndex(of: "-"), dash != name.startIndex {
            let stamp = name[name.index(after: dash)...]
            let digitsOnly = stamp.filter { $0 != "-" }
            if digitsOnly.count >= 8, digitsOnly.count <= 14, digitsOnly.allSatisfy({ $0.isASCII && $0.isNumber }),
                stamp.hasPrefix("19") || stamp.hasPrefix("20")
            {
                base = String(name[..<dash])
                age = .dated(String(digitsOnly))
                return
            }
        }
        // A lone `x.gz` is its own set.
        base = compressed ? fileName : String(name)
        age = .live
    }
}
