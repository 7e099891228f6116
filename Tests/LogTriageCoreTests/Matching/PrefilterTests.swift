import CPrefilter
import Testing

@testable import LogTriageCore

@Suite struct PrefilterTests {
    typealias Literal = LiteralAutomaton.Literal

    static let supportedPaths = Prefilter.Path.allCases.filter(\.isSupported)

    // MARK: - References

    /// Whether all of `literal` occurs at `start` of `text`.
    static func occurs(_ literal: Literal, _ text: [UInt8], at start: Int) -> Bool {
        start + literal.bytes.count <= text.count
            && literal.bytes.indices.allSatisfy { literal.accepts($0, text[start + $0]) }
    }

    /// Every position where some literal occurs: what the prefilter must never miss.
    static func starts(_ literals: [Literal], _ text: [UInt8]) -> [Int] {
        text.indices.filter { start in literals.contains { occurs($0, text, at: start) } }
    }

    /// Every position where some literal's first 8 bytes occur and the whole literal fits: exactly what the
    /// prefilter reports. Literals are looked up by their first byte, so that megabytes stay affordable.
    static func confirmedStarts(_ literals: [Literal], _ text: [UInt8]) -> [Int] {
        var byFirstByte = [[Literal]](repeating: [], count: 256)
        for literal in literals {
            for byte in 0..<256 where literal.accepts(0, UInt8(byte)) { byFirstByte[byte].append(literal) }
        }
        return text.indices.filter { start in
            byFirstByte[Int(text[start])].contains { literal in
                start + literal.bytes.count <= text.count
                    && (0..<min(8, literal.bytes.count)).allSatisfy { literal.accepts($0, text[start + $0]) }
            }
        }
    }

    /// Every position that passes the fingerprint stage, from the prefilter's buckets: for some bucket, each of
    /// the first `width` bytes (zero past the end) has its low and its high nibble among those the bucket's
    /// literals have there.
    static func fingerprintPasses(_ prefilter: Prefilter, _ literals: [Literal], _ text: [UInt8]) -> [Int] {
        var buckets = [[Prefilter.Nibbles]?](repeating: nil, count: Prefilter.bucketCount)
        for (literal, bucket) in zip(literals, prefilter.bucketOfLiteral) {
            buckets[bucket] = Prefilter.merge(
                buckets[bucket], Prefilter.fingerprint(of: literal, width: prefilter.width))
        }
        return text.indices.filter { start in
            buckets.contains { bucket in
                guard let bucket else { return false }
                return bucket.indices.allSatisfy { position in
                    let byte = start + position < text.count ? text[start + position] : 0
                    return bucket[position].low >> (byte & 15) & 1 == 1 && bucket[position].high >> (byte >> 4) & 1 == 1
                }
            }
        }
    }

    /// Every position `next` reports, one search after another.
    static func candidates(_ prefilter: Prefilter, _ text: [UInt8], unconfirmed: Bool = false) -> [Int] {
        text.withUnsafeBufferPointer { buffer in
            var found: [Int] = []
            guard let base = buffer.baseAddress else { return found }
            var position = 0
            while true {
                position =
                    unconfirmed
                    ? prefilter.nextUnconfirmed(base, buffer.count, from: position)
                    : prefilter.next(base, buffer.count, from: position)
                guard position < buffer.count else { break }
                found.append(position)
                position += 1
            }
            return found
        }
    }

    // MARK: - Random inputs

    /// 1 to `maximumCount` literals of 1 to 40 bytes, with shared prefixes, mixed case rules, and bytes from a
    /// small alphabet (so that literals occur by chance), from log text, or from all 256 values.
    static func randomLiterals(_ maximumCount: Int, _ alphabet: [UInt8], using generator: inout SplitMix64) -> [Literal]
    {
        var literals: [Literal] = []
        for _ in 0..<Int.random(in: 1...maximumCount, using: &generator) {
            var bytes: [UInt8]
            if let earlier = literals.randomElement(using: &generator), Int.random(in: 0..<3, using: &generator) == 0 {
                // A shared prefix: the start of an earlier literal, then something else.
                bytes = Array(earlier.bytes.prefix(Int.random(in: 1...earlier.bytes.count, using: &generator)))
            } else {
                bytes = []
            }
            let length = Int.random(in: 1...40, using: &generator)
            while bytes.count < length { bytes.append(alphabet.randomElement(using: &generator)!) }
            var literal = Literal("", ignoreCase: Bool.random(using: &generator))
            literal.bytes = bytes
            literals.append(literal)
        }
        return literals
    }

    static let smallAlphabet = Array("abAB c\u{0}".utf8)
    static let textAlphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFXYZ0123456789 .:-/\"'()[]_=\n".utf8)
    static let allBytes = (0...255).map { UInt8($0) }

    /// Random text from `alphabet` with literals planted at the very start, the very end and a few places between.
    static func randomText(
        _ count: Int, _ alphabet: [UInt8], planting literals: [Literal], using generator: inout SplitMix64
    ) -> [UInt8] {
        var text = (0..<count).map { _ in alphabet.randomElement(using: &generator)! }
        guard count > 0 else { return text }
        var places = [0, count]
        for _ in 0..<Int.random(in: 0...3, using: &generator) {
            places.append(Int.random(in: 0...count, using: &generator))
        }
        for place in places {
            let literal = literals.randomElement(using: &generator)!
            plant(literal, in: &text, at: place == count ? count - literal.bytes.count : place, using: &generator)
        }
        // And a literal cut off by the end, which must not be reported: its first bytes are there, it does not fit.
        let cut = literals.randomElement(using: &generator)!
        if cut.bytes.count > 1 {
            var partial = cut
            partial.bytes = Array(cut.bytes.prefix(min(count, Int.random(in: 1..<cut.bytes.count, using: &generator))))
            plant(partial, in: &text, at: count - partial.bytes.count, using: &generator)
        }
        return text
    }

    /// Writes `literal` at `start` (if it fits), in a random case where the case does not matter.
    static func plant(_ literal: Literal, in text: inout [UInt8], at start: Int, using generator: inout SplitMix64) {
        guard start >= 0, start + literal.bytes.count <= text.count else { return }
        for (offset, byte) in literal.bytes.enumerated() {
            let other = byte ^ 0x20
            text[start + offset] = literal.accepts(offset, other) && Bool.random(using: &generator) ? other : byte
        }
    }

    // MARK: - The prefilter

    @Test func pathNumbersAreTheCOnes() {
        #expect(Prefilter.Path.scalar.rawValue == Int32(CPF_PATH_SCALAR))
        #expect(Prefilter.Path.ssse3.rawValue == Int32(CPF_PATH_SSSE3))
        #expect(Prefilter.Path.avx2.rawValue == Int32(CPF_PATH_AVX2))
        #expect(Prefilter.Path.scalar.isSupported)
        #expect(Prefilter.Path.fastest.isSupported)
    }

    @Test func everyBufferLengthUpTo200MatchesTheReferences() {
        for length in 0...200 {
            let seed = UInt64(length)
            var generator = SplitMix64(seed: seed)
            let alphabet = [Self.smallAlphabet, Self.textAlphabet, Self.allBytes][length % 3]
            let literals = Self.randomLiterals(length % 5 == 0 ? 300 : 12, alphabet, using: &generator)
            let text = Self.randomText(length, alphabet, planting: literals, using: &generator)
            let expected = Self.confirmedStarts(literals, text)
            #expect(Set(Self.starts(literals, text)).isSubset(of: expected), "seed \(seed)")
            var fingerprint: [Int]?
            for path in Self.supportedPaths {
                let prefilter = Prefilter(literals, path: path)
                #expect(Self.candidates(prefilter, text) == expected, "seed \(seed), \(path)")
                let passes = Self.fingerprintPasses(prefilter, literals, text)
                #expect(Self.candidates(prefilter, text, unconfirmed: true) == passes, "seed \(seed), \(path)")
                #expect(fingerprint == nil || fingerprint == passes, "the paths group literals alike")
                fingerprint = passes
                // A search from anywhere finds the first candidate at or after it, and never one past the end.
                text.withUnsafeBufferPointer { buffer in
                    for from in 0...length {
                        let first = expected.first { $0 >= from } ?? length
                        #expect(prefilter.next(buffer.baseAddress!, length, from: from) == first, "seed \(seed)")
                        let firstPass = passes.first { $0 >= from } ?? length
                        #expect(
                            prefilter.nextUnconfirmed(buffer.baseAddress!, length, from: from) == firstPass,
                            "seed \(seed)")
                    }
                }
            }
        }
    }

    @Test func occurrencesAcrossEveryBlockBoundaryAreFound() {
        var generator = SplitMix64(seed: 7)
        for round in 0..<12 {
            let literals = Self.randomLiterals(40, Self.textAlphabet, using: &generator)
            let prefilters = Self.supportedPaths.map { Prefilter(literals, path: $0) }
            for count in [130, 131, 161, 197] {
                // Text that starts no literal, so that only the planted occurrence is expected.
                let filler = Self.textAlphabet.filter { byte in !literals.contains { $0.accepts(0, byte) } }
                guard !filler.isEmpty else { continue }
                for start in 0...64 {
                    for literal in literals.shuffled(using: &generator).prefix(2) {
                        var text = (0..<count).map { _ in filler.randomElement(using: &generator)! }
                        let end = count - literal.bytes.count - start % 3
                        Self.plant(literal, in: &text, at: start, using: &generator)
                        Self.plant(literal, in: &text, at: end, using: &generator)
                        let expected = Self.confirmedStarts(literals, text)
                        #expect(Set(Self.starts(literals, text)).isSubset(of: expected))
                        if start + literal.bytes.count <= end {
                            #expect(expected.contains(start) && expected.contains(end))
                        }
                        for prefilter in prefilters {
                            #expect(
                                Self.candidates(prefilter, text) == expected,
                                "round \(round), \(prefilter.path), \(count) bytes, at \(start)")
                        }
                    }
                }
            }
        }
    }

    @Test func megabytesOfTextMatchTheReference() {
        var generator = SplitMix64(seed: 42)
        let literals = Self.randomLiterals(60, Self.textAlphabet, using: &generator).map { literal in
            // Catalog-like: at least 4 bytes, so that the gate in front of confirmation is used.
            var longer = literal
            while longer.bytes.count < 4 { longer.bytes.append(0x2e) }
            return longer
        }
        var text = (0..<3_000_000).map { _ in Self.textAlphabet.randomElement(using: &generator)! }
        for place in stride(from: 0, to: text.count, by: 997) {
            Self.plant(literals.randomElement(using: &generator)!, in: &text, at: place, using: &generator)
        }
        let expected = Self.confirmedStarts(literals, text)
        #expect(expected.count > 3000)
        for path in Self.supportedPaths {
            #expect(Self.candidates(Prefilter(literals, path: path), text) == expected, "\(path)")
        }
    }

    @Test func theEndIsReadAsZeroBytesButNothingPastItIsReported() {
        // Literals with zero bytes pass the fingerprint where the input ends in their first bytes (the SIMD tail
        // tests a zero-padded copy), but only confirmed occurrences that fit are reported, and no search returns
        // a position past the end.
        var aZero = Literal("a")
        aZero.bytes.append(0)
        var zeros = Literal("")
        zeros.bytes = [0, 0, 0, 0]
        for literals in [[Literal("\u{0}")], [aZero], [zeros], [aZero, zeros, Literal("xyz")]] {
            for path in Self.supportedPaths {
                let prefilter = Prefilter(literals, path: path)
                for count in 0...80 {
                    for ending in [Array("x".utf8), Array("a".utf8)] {
                        let text = Array(repeating: UInt8(ascii: "x"), count: max(0, count - 1)) + ending.prefix(count)
                        let passes = Self.fingerprintPasses(prefilter, literals, text)
                        #expect(Self.candidates(prefilter, text, unconfirmed: true) == passes, "\(path), \(count)")
                        #expect(Self.candidates(prefilter, text) == Self.confirmedStarts(literals, text))
                        text.withUnsafeBufferPointer { buffer in
                            for from in 0..<count {
                                let first = passes.first { $0 >= from } ?? count
                                #expect(prefilter.nextUnconfirmed(buffer.baseAddress!, count, from: from) == first)
                                #expect(prefilter.next(buffer.baseAddress!, count, from: from) == count)
                            }
                        }
                    }
                }
            }
        }
        // The padding is seen: "a" then the end passes the fingerprint of "a\0".
        let text = Array("xxxa".utf8)
        #expect(Self.candidates(Prefilter([aZero], path: .scalar), text, unconfirmed: true) == [3])
    }

    @Test func noLiteralsMeansNoCandidates() {
        let text = Array("anything at all".utf8)
        for path in Self.supportedPaths {
            #expect(Self.candidates(Prefilter([], path: path), text).isEmpty)
        }
    }

    // MARK: - The fallback rule

    @Test func theCatalogLiteralsAreSelective() throws {
        let catalog = try TestSupport.repositoryCatalog()
        var literals: [Literal] = []
        for rule in catalog.incidents.flatMap(\.evidence) {
            for text in rule.any + rule.not + (rule.context?.any ?? []) {
                literals.append(Literal(text, ignoreCase: rule.ignoreCase))
            }
        }
        // Past `maximumFingerprintLiterals` the automaton uses the hashed prefixes, which must be selective.
        #expect(literals.count > LiteralAutomaton.maximumFingerprintLiterals)
        let hashed = HashPrefilter(literals)
        #expect(hashed.passShare <= Prefilter.maximumPassShare, "estimated pass share \(hashed.passShare)")
        #expect(LiteralAutomaton(literals).hashPrefilter != nil)
    }

    @Test func unselectiveLiteralsFallBackToThePlainAutomaton() {
        // A space, or common letters, start too many positions.
        let vowels = ["a", "e", "i", "o", "u"].map { Literal($0, ignoreCase: true) }
        for literals in [[Literal(" ")], vowels, [Literal("rare literal"), Literal(" ")]] {
            #expect(!Prefilter(literals).isWorthwhile, "\(literals)")
            #expect(LiteralAutomaton(literals).prefilter == nil)
        }
        // Thousands of literals fill every bucket (the automaton follows the verdict, as above; building one of
        // 3000 literals is slow in a debug build).
        var generator = SplitMix64(seed: 3)
        let many = (0..<3000).map { _ in
            Literal(
                String(
                    decoding: (0..<6).map { _ in Self.textAlphabet.randomElement(using: &generator)! }, as: UTF8.self))
        }
        #expect(!Prefilter(many).isWorthwhile)
        #expect(LiteralAutomaton([Literal("rare literal")]).prefilter != nil)
        #expect(LiteralAutomaton([Literal("rare literal")], prefilter: .disabled).prefilter == nil)
    }

    @Test func similarLiteralsShareABucket() {
        // Eight distinct first bytes plus variants of one: the variants join it rather than spreading out.
        let literals = ["apple", "banana", "cherry", "damson", "elder", "fig", "grape", "kiwi", "apricot", "appendix"]
            .map { Literal($0) }
        let buckets = Prefilter(literals).bucketOfLiteral
        #expect(buckets[8] == buckets[0] && buckets[9] == buckets[0])
        #expect(Set(buckets).count == 8)
    }
}
