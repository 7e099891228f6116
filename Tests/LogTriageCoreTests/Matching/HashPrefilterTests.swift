import Testing

@testable import LogTriageCore

/// The automaton jumping with the hashed-gram prefilter reports exactly what it reports stepping through every
/// byte, for random literal sets (short literals, case folding, shared grams, grams deep into a literal) and
/// random texts with occurrences planted at the edges.
@Suite struct HashPrefilterTests {
    typealias Literal = LiteralAutomaton.Literal

    static func occurrences(_ automaton: LiteralAutomaton, _ text: [UInt8]) -> [[Int]] {
        var found: [[Int]] = []
        text.withUnsafeBytes { raw in automaton.scanEnds(raw) { found.append([$0, $1]) } }
        return found
    }

    @Test(arguments: 0..<40)
    func hashJumpsReportWhatEveryByteReports(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let alphabet = Array("abcxyzAB \\\"u/0-:worker already".utf8)
        // Above 1,024 grams the large table is tested instead: both searches are covered.
        let literalCount = [1, 3, 20, 150, 700, 1500].randomElement(using: &random)!
        let literals = (0..<literalCount).map { _ in
            let length = Int.random(in: 1...24, using: &random)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &random)! }
            var literal = Literal(String(decoding: bytes, as: UTF8.self), ignoreCase: Bool.random(using: &random))
            literal.bytes = bytes
            return literal
        }
        let reference = LiteralAutomaton(literals, prefilter: .disabled)
        let hashed = LiteralAutomaton(literals, forcingHashPrefilter: ())
        #expect(hashed.hashPrefilter != nil)
        for _ in 0..<20 {
            var text = (0..<Int.random(in: 0...600, using: &random)).map { _ in alphabet.randomElement(using: &random)!
            }
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                let literal = literals.randomElement(using: &random)!
                let at = [0, text.count, Int.random(in: 0...text.count, using: &random)].randomElement(using: &random)!
                let spelled = literal.bytes.map { literal.ignoreCase && Bool.random(using: &random) ? $0 ^ 0x20 : $0 }
                text.insert(contentsOf: spelled, at: min(at, text.count))
            }
            #expect(Self.occurrences(hashed, text) == Self.occurrences(reference, text), "seed \(seed)")
        }
    }

    /// Large sets choose the hashed prefilter on their own; small ones the fingerprint.
    @Test func theChoiceFollowsTheSetSize() {
        var random = SplitMix64(seed: 5)
        func word() -> String {
            String((0..<12).map { _ in "bcdfghjklmnpqrstvwxz".randomElement(using: &random)! })
        }
        let large = LiteralAutomaton((0..<1000).map { _ in Literal("timeout " + word()) })
        #expect(large.hashPrefilter != nil && large.prefilter == nil)
        let small = LiteralAutomaton(["connect() failed", "Out of memory"].map { Literal($0) })
        #expect(small.prefilter != nil && small.hashPrefilter == nil)
    }
}
