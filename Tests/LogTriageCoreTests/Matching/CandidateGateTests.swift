import Testing

@testable import LogTriageCore

/// The gate may let through a line without evidence but must never hold back one whose decoded message holds a
/// literal: checked on random messages, each spelled the ways JSON writers spell strings.
@Suite struct CandidateGateTests {
    static let literals = [
        LiteralAutomaton.Literal("connect() failed"), LiteralAutomaton.Literal("Say \"hi\""),
        LiteralAutomaton.Literal("C:\\temp\\x"), LiteralAutomaton.Literal("a/b/c"),
        LiteralAutomaton.Literal("<script>"), LiteralAutomaton.Literal("tab\there"),
        LiteralAutomaton.Literal("CaSe InSeNsItIvE", ignoreCase: true),
        LiteralAutomaton.Literal("caf\u{e9} cr\u{e8}me"),
    ]
    static let pieces = [
        "connect() failed", "connect() faile", "Say \"hi\"", "Say \"h", "C:\\temp\\x", "C:\\temp", "a/b/c", "a/b",
        "<script>", "<scrip", "tab\there", "tab\t", "case insensitive", "CASE INSENSITIVE", "caf\u{e9} cr\u{e8}me",
        "caf\u{e9}", "plain words", " ", "\u{1}", "\u{2028}", "&", ">",
    ]

    enum Spelling: CaseIterable { case docker, shortOnly, escapedSlash, asciiOnly, everythingEscaped }

    /// `text` as a JSON string body, spelled as some writer would.
    static func spell(_ text: String, _ spelling: Spelling) -> [UInt8] {
        var out = ""
        for scalar in text.unicodeScalars {
            let v = scalar.value
            func u() -> String {
                v > 0xFFFF
                    ? String(format: "\\u%04x\\u%04x", 0xD800 + ((v - 0x10000) >> 10), 0xDC00 + ((v - 0x10000) & 0x3FF))
                    : String(format: "\\u%04x", v)
            }
            switch (scalar, spelling) {
            case (_, .everythingEscaped): out += u()
            case ("\"", _): out += "\\\""
            case ("\\", _): out += "\\\\"
            case ("\n", _): out += "\\n"
            case ("\t", _): out += "\\t"
            case ("/", .escapedSlash): out += "\\/"
            case ("<", .docker), (">", .docker), ("&", .docker), ("\u{2028}", .docker): out += u()
            case (_, .asciiOnly) where v > 0x7f: out += u()
            case (_, _) where v < 0x20: out += u()
            default: out.unicodeScalars.append(scalar)
            }
        }
        return Array(out.utf8)
    }

    @Test(arguments: Spelling.allCases)
    func jsonGateNeverMissesALiteral(spelling: Spelling) {
        let gate = CandidateGate(Self.literals, encoding: .jsonString)
        var random = SplitMix64(seed: 99)
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 1...6, using: &random)).map { _ in Self.pieces.randomElement(using: &random)!
            }
            .joined(separator: Bool.random(using: &random) ? " " : "")
            let holds = Self.literals.contains { literal in
                let bytes = Array(text.utf8)
                return bytes.count >= literal.bytes.count
                    && (0...(bytes.count - literal.bytes.count)).contains { start in
                        literal.bytes.indices.allSatisfy { literal.accepts($0, bytes[start + $0]) }
                    }
            }
            let line = Array(#"{"log":""#.utf8) + Self.spell(text, spelling) + Array(#"\n","stream":"stdout"}"#.utf8)
            var ends: [Int] = []
            line.withUnsafeBytes { gate.ends(in: $0, into: &ends) }
            if holds { #expect(!ends.isEmpty, "\(spelling): \(String(decoding: line, as: UTF8.self))") }
        }
    }

    @Test func verbatimGateFindsLiteralsAsWritten() {
        let gate = CandidateGate(Self.literals, encoding: .verbatim)
        var ends: [Int] = []
        Array("x CASE insensitive y".utf8).withUnsafeBytes { gate.ends(in: $0, into: &ends) }
        #expect(ends == [18])
        ends.removeAll()
        Array("nothing here".utf8).withUnsafeBytes { gate.ends(in: $0, into: &ends) }
        #expect(ends.isEmpty)
    }

    /// The framer marks exactly the lines in which a gate literal ends; lines spanning chunks are candidates.
    @Test func framerMarksOnlyLinesWithALiteral() {
        struct Lines: LineFormat {
            var seen: [(Int, Bool)] = []
            init(context: DecoderContext) {}
            mutating func decode<S: RecordSink>(_ line: FramedLine, into sink: inout S) {
                seen.append((line.number, line.isCandidate))
            }
        }
        let gate = CandidateGate([LiteralAutomaton.Literal("boom")], encoding: .verbatim)
        let text = Array("quiet\nboom here\nquiet again\nboo\nm\nlast boom".utf8)
        for chunk in [1, 3, 7, text.count] {
            var framer = LineFramer(maxLineBytes: 100, gate: gate)
            var format = Lines(context: DecoderContext(defaultYear: 2025))
            var sink = CollectingSink()
            text.withUnsafeBytes { raw in
                var start = 0
                while start < raw.count {
                    let end = min(start + chunk, raw.count)
                    framer.feed(UnsafeRawBufferPointer(rebasing: raw[start..<end]), to: &format, sink: &sink)
                    start = end
                }
            }
            framer.endOfFile(to: &format, sink: &sink)
            let marks = format.seen.map(\.1)
            #expect(format.seen.map(\.0) == [1, 2, 3, 4, 5, 6])
            if chunk == text.count {
                #expect(marks == [false, true, false, false, false, true])
            } else {
                // Lines cut by a chunk boundary are candidates; the others are marked exactly.
                #expect(marks[1] && marks[5], "chunk \(chunk)")
            }
        }
    }
}
