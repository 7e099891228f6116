import Testing

@testable import LogTriageCore

@Suite struct LiteralAutomatonTests {
    /// Every (literal, end position) pair, found the slow and obvious way.
    static func naive(_ literals: [LiteralAutomaton.Literal], _ text: [UInt8]) -> [[Int]] {
        var found = [[Int]](repeating: [], count: text.count)
        for (index, literal) in literals.enumerated() where literal.bytes.count <= text.count {
            for start in 0...(text.count - literal.bytes.count) {
                let matches = literal.bytes.indices.allSatisfy { literal.accepts($0, text[start + $0]) }
                if matches { found[start + literal.bytes.count - 1].append(index) }
            }
        }
        return found.map { $0.sorted() }
    }

    /// Where the automaton reports each literal: occurrences ending at `end` are those found in `text[...end]`
    /// and not in `text[..<end]`. Slow, but independent of the automaton's internals.
    static func scan(_ automaton: LiteralAutomaton, _ text: [UInt8]) -> [[Int]] {
        text.withUnsafeBytes { raw in
            (0..<text.count).map { end in
                var found: [Int] = []
                automaton.scan(UnsafeRawBufferPointer(rebasing: raw[...end])) { found.append($0) }
                automaton.scan(UnsafeRawBufferPointer(rebasing: raw[..<end])) {
                    found.remove(at: found.firstIndex(of: $0)!)
                }
                return found.sorted()
            }
        }
    }

    @Test func overlappingAndNestedLiteralsAreAllFound() {
        let literals = ["he", "she", "his", "hers", "ushers"].map { LiteralAutomaton.Literal($0) }
        let automaton = LiteralAutomaton(literals)
        let text = Array("ushers and his hershe".utf8)
        #expect(Self.scan(automaton, text) == Self.naive(literals, text))
        var counts = [Int](repeating: 0, count: literals.count)
        text.withUnsafeBytes { automaton.scan($0) { counts[$0] += 1 } }
        #expect(counts == [3, 2, 1, 2, 1])
    }

    @Test func caseInsensitiveLiteralsMatchAnyCaseOnlyWhereAsked() {
        let literals = [
            LiteralAutomaton.Literal("Out of memory", ignoreCase: true), LiteralAutomaton.Literal("OOMKilled"),
        ]
        let automaton = LiteralAutomaton(literals)
        for (text, expected) in [("OUT OF MEMORY", [0]), ("out of Memory", [0]), ("oomkilled", []), ("OOMKilled", [1])]
        {
            var found: [Int] = []
            Array(text.utf8).withUnsafeBytes { automaton.scan($0) { found.append($0) } }
            #expect(found == expected, "\(text)")
        }
    }

    @Test func randomLiteralSetsAgreeWithNaiveSearch() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcAB\\x\"0".utf8)
        for _ in 0..<60 {
            let literals = (0..<Int.random(in: 1...12, using: &generator)).map { _ in
                LiteralAutomaton.Literal(
                    String(
                        decoding: (0..<Int.random(in: 1...5, using: &generator)).map { _ in
                            alphabet.randomElement(using: &generator)!
                        }, as: UTF8.self),
                    ignoreCase: Bool.random(using: &generator))
            }
            let automaton = LiteralAutomaton(literals)
            let text = (0..<80).map { _ in alphabet.randomElement(using: &generator)! }
            #expect(
                Self.scan(automaton, text) == Self.naive(literals, text),
                "\(literals) in \(String(decoding: text, as: UTF8.self))")
        }
    }

    @Test func emptyInputFindsNothing() {
        let automaton = LiteralAutomaton([.init("abc")])
        var called = false
        automaton.scan(UnsafeRawBufferPointer(start: nil, count: 0)) { _ in called = true }
        #expect(!called)
    }
}
