/// A forward-only reader of one JSON value in a byte buffer, for the JSON-lines formats.
///
/// The caller walks the structure it cares about (`beginObject`/`nextMember`, `beginArray`/`nextElement`), reads
/// the strings it needs into its own reusable buffers with escapes resolved, and skips the rest. Nothing allocates.
/// Keys are returned as written, escapes unresolved: docker and journalctl never escape their ASCII key names.
///
/// Strings are decoded leniently in one respect: raw control bytes and invalid UTF-8 are passed through as they
/// are, since a log line is worth more than strictness.
struct JSONScanner {
    /// Why a JSON text could not be read, and where.
    struct Failure: Error, CustomStringConvertible {
        enum Reason {
            case unexpectedEnd, unexpectedByte(UInt8), invalidEscape, invalidNumber, tooDeep, trailingBytes
        }
        var reason: Reason
        /// 0-based index in the scanned bytes.
        var position: Int

        var description: String {
            switch reason {
            case .unexpectedEnd: return "the JSON text ends early"
            case .unexpectedByte(let b):
                let shown = (0x21...0x7E).contains(b) ? "'\(Character(Unicode.Scalar(b)))'" : "byte \(b)"
                return "unexpected \(shown) at column \(position + 1)"
            case .invalidEscape: return "invalid escape at column \(position + 1)"
            case .invalidNumber: return "invalid number at column \(position + 1)"
            case .tooDeep: return "nesting deeper than \(JSONScanner.maxDepth) levels"
            case .trailingBytes: return "text after the JSON value at column \(position + 1)"
            }
        }
    }

    /// The kind of the next value.
    enum Kind { case object, array, string, number, bool, null }

    /// Deepest nesting `skipValue` follows; deeper input is rejected rather than recursed into.
    static let maxDepth = 64

    private let bytes: UnsafeRawBufferPointer
    private var position = 0
    /// True right after `{` or `[`, when the next member or element needs no comma.
    private var atContainerStart = false

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The kind of the next value, after skipping whitespace. O(whitespace).
    mutating func peekKind() throws(Failure) -> Kind {
        switch try peek() {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case let b: throw Failure(reason: .unexpectedByte(b), position: position)
        }
    }

    /// Consumes `{`. O(whitespace).
    mutating func beginObject() throws(Failure) {
        try expect(UInt8(ascii: "{"))
        atContainerStart = true
    }

    /// The next member's key, leaving the scanner at its value; `nil` once `}` is consumed. O(key length).
    mutating func nextMember() throws(Failure) -> UnsafeRawBufferPointer? {
        guard try separator(closing: UInt8(ascii: "}")) else { return nil }
        let key = try readRawString()
        try expect(UInt8(ascii: ":"))
        return key
    }

    /// Consumes `[`. O(whitespace).
    mutating func beginArray() throws(Failure) {
        try expect(UInt8(ascii: "["))
        atContainerStart = true
    }

    /// True when another element follows (the scanner is then at it); false once `]` is consumed. O(whitespace).
    mutating func nextElement() throws(Failure) -> Bool {
        try separator(closing: UInt8(ascii: "]"))
    }

    /// Reads a string, appending its bytes with escapes resolved to `out`. O(string length).
    ///
    /// `\uXXXX` becomes UTF-8, surrogate pairs are joined, and a lone surrogate becomes U+FFFD.
    mutating func readString(into out: inout [UInt8]) throws(Failure) {
        try expect(UInt8(ascii: "\""))
        var runStart = position
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                // Safe because runStart <= position < bytes.count.
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<position]))
                position += 1
                if b == UInt8(ascii: "\"") { return }
                try readEscape(into: &out)
                runStart = position
            } else {
                position += 1
            }
        }
        throw Failure(reason: .unexpectedEnd, position: position)
    }

    /// Steps over a string that uses only the short escapes (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`) and
    /// says whether its value ends with a newline (`\n` last). Throws `invalidEscape` for any other escape,
    /// `\u` included, so that the caller decodes the string in full instead. O(string length), in `memchr` steps.
    mutating func skimString() throws(Failure) -> Bool {
        try expect(UInt8(ascii: "\""))
        var searchFrom = position
        var lastEscape = (end: -1, byte: UInt8(0))
        while true {
            guard let quote = bytes.firstIndex(of: UInt8(ascii: "\""), from: searchFrom) else {
                throw Failure(reason: .unexpectedEnd, position: bytes.count)
            }
            // Walk the escapes before this quote; the one that escapes the quote itself means the string goes on.
            var escapedQuote = false
            while let slash = bytes.firstIndex(of: UInt8(ascii: "\\"), from: position), slash < quote {
                // Safe because slash < quote < bytes.count.
                let escaped = bytes[slash + 1]
                switch escaped {
                case UInt8(ascii: "\""):
                    escapedQuote = true  // slash + 1 == quote: `quote` is the first quote after `position`
                case UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
                    UInt8(ascii: "r"), UInt8(ascii: "t"):
                    break
                default:
                    throw Failure(reason: .invalidEscape, position: slash)
                }
                position = slash + 2
                lastEscape = (slash + 2, escaped)
            }
            if escapedQuote {
                searchFrom = quote + 1
                continue
            }
            position = quote + 1
            return lastEscape.end == quote && lastEscape.byte == UInt8(ascii: "n")
        }
    }

    /// Reads a string and returns its bytes as written, escapes unresolved. O(string length).
    mutating func readRawString() throws(Failure) -> UnsafeRawBufferPointer {
        try expect(UInt8(ascii: "\""))
        let start = position
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\""):
                position += 1
                return UnsafeRawBufferPointer(rebasing: bytes[start..<(position - 1)])
            case UInt8(ascii: "\\"): position += 2  // the escaped byte cannot end the string
            default: position += 1
            }
        }
        throw Failure(reason: .unexpectedEnd, position: bytes.count)
    }

    /// Reads an integer from 0 to 255, as journalctl writes the bytes of a binary value. O(digits).
    mutating func readByteValue() throws(Failure) -> UInt8 {
        let start = position
        var value = 0
        while position < bytes.count, case let d = bytes[position] &- UInt8(ascii: "0"), d < 10, value <= 255 {
            value = value * 10 + Int(d)
            position += 1
        }
        guard position > start, value <= 255 else { throw Failure(reason: .invalidNumber, position: start) }
        return UInt8(value)
    }

    /// Skips one value of any kind, checking its syntax. O(value length).
    mutating func skipValue() throws(Failure) {
        try skipValue(depth: 0)
    }

    /// Checks that only whitespace remains. O(whitespace).
    mutating func expectEnd() throws(Failure) {
        skipWhitespace()
        guard position == bytes.count else { throw Failure(reason: .trailingBytes, position: position) }
    }

    // MARK: - Pieces

    private mutating func skipValue(depth: Int) throws(Failure) {
        guard depth < Self.maxDepth else { throw Failure(reason: .tooDeep, position: position) }
        switch try peekKind() {
        case .object:
            try beginObject()
            while try nextMember() != nil { try skipValue(depth: depth + 1) }
        case .array:
            try beginArray()
            while try nextElement() { try skipValue(depth: depth + 1) }
        case .string: _ = try readRawString()
        case .number: try skipNumber()
        case .bool: if !skipLiteral("true") { try skipLiteralOrFail("false") }
        case .null: try skipLiteralOrFail("null")
        }
    }

    /// Handles what comes between members or elements: true when one follows, false after consuming `closing`.
    private mutating func separator(closing: UInt8) throws(Failure) -> Bool {
        let b = try peek()
        if b == closing {
            position += 1
            atContainerStart = false  // the container just closed is a finished value of its parent
            return false
        }
        if atContainerStart {
            atContainerStart = false
        } else {
            guard b == UInt8(ascii: ",") else { throw Failure(reason: .unexpectedByte(b), position: position) }
            position += 1
            skipWhitespace()
        }
        return true
    }

    /// Reads the escape after a backslash.
    private mutating func readEscape(into out: inout [UInt8]) throws(Failure) {
        guard position < bytes.count else { throw Failure(reason: .unexpectedEnd, position: position) }
        let b = bytes[position]
        position += 1
        switch b {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(b)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try readHex4()
            if (0xD800...0xDBFF).contains(scalar) {
                // A high surrogate joins the low surrogate escaped right after it; anything else leaves it lone.
                var lookahead = self
                if lookahead.position + 1 < bytes.count, bytes[lookahead.position] == UInt8(ascii: "\\"),
                    bytes[lookahead.position + 1] == UInt8(ascii: "u")
                {
                    lookahead.position += 2
                    let low = try lookahead.readHex4()
                    if (0xDC00...0xDFFF).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        self = lookahead
                    }
                }
            }
            Self.appendUTF8(scalar, to: &out)
        default:
            throw Failure(reason: .invalidEscape, position: position - 2)
        }
    }

    private mutating func readHex4() throws(Failure) -> UInt32 {
        guard position + 4 <= bytes.count else { throw Failure(reason: .unexpectedEnd, position: bytes.count) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[position]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw Failure(reason: .invalidEscape, position: position)
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// Appends `scalar` as UTF-8; surrogates, which cannot be encoded, become U+FFFD.
    private static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0xD800...0xDFFF:
            out.append(0xEF)
            out.append(0xBF)
            out.append(0xBD)
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    private mutating func skipNumber() throws(Failure) {
        let start = position
        if byte(position) == UInt8(ascii: "-") { position += 1 }
        guard skipDigits() else { throw Failure(reason: .invalidNumber, position: start) }
        if byte(position) == UInt8(ascii: ".") {
            position += 1
            guard skipDigits() else { throw Failure(reason: .invalidNumber, position: start) }
        }
        if byte(position) | 0x20 == UInt8(ascii: "e") {
            position += 1
            if byte(position) == UInt8(ascii: "+") || byte(position) == UInt8(ascii: "-") { position += 1 }
            guard skipDigits() else { throw Failure(reason: .invalidNumber, position: start) }
        }
    }

    /// Skips a run of digits; false when there was none.
    private mutating func skipDigits() -> Bool {
        let start = position
        while byte(position) &- UInt8(ascii: "0") < 10 { position += 1 }
        return position > start
    }

    private mutating func skipLiteral(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        for i in 0..<count where bytes[position + i] != word.utf8Start[i] { return false }
        position += count
        return true
    }

    private mutating func skipLiteralOrFail(_ word: StaticString) throws(Failure) {
        guard skipLiteral(word) else { throw Failure(reason: .unexpectedByte(bytes[position]), position: position) }
    }

    /// The next non-whitespace byte, not consumed.
    private mutating func peek() throws(Failure) -> UInt8 {
        skipWhitespace()
        guard position < bytes.count else { throw Failure(reason: .unexpectedEnd, position: position) }
        return bytes[position]
    }

    private mutating func expect(_ expected: UInt8) throws(Failure) {
        let b = try peek()
        guard b == expected else { throw Failure(reason: .unexpectedByte(b), position: position) }
        position += 1
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): position += 1
            default: return
            }
        }
    }

    /// The byte at `i`, or 0 past the end.
    private func byte(_ i: Int) -> UInt8 { i < bytes.count ? bytes[i] : 0 }
}
