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
            let text = (0..<80).map { _ in alphabet.randomElement(using: &generator)! }
            let sparse = LiteralAutomaton(literals, forcingSparse: ())
            let wide = LiteralAutomaton(literals, forcingWide: ())
            #expect(sparse.shape == "sparse" && wide.shape == "wide")
            #expect(LiteralAutomaton(literals).shape == "narrow")
            for automaton in [LiteralAutomaton(literals), wide, sparse] {
                #expect(
                    Self.scan(automaton, text) == Self.naive(literals, text),
                    "\(literals) in \(String(decoding: text, as: UTF8.self))")
            }
        }
    }

    /// Past 65,536 states the rows hold 32-bit states by themselves, and past the dense limit the automaton is
    /// sparse; both find what the naive search finds.
    @Test func largeSetsChangeShapeByThemselves() {
        var generator = SplitMix64(seed: 7)
        let alphabet = Array("abcdefghijklmnop".utf8)
        // 9,000 random 12-letter literals: about 76,000 trie states (few shared prefixes past three letters).
        let literals = (0..<9_000).map { _ in
            LiteralAutomaton.Literal(
                String(decoding: (0..<12).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self))
        }
        var text = (0..<4_000).map { _ in alphabet.randomElement(using: &generator)! }
        for k in stride(from: 0, to: 3_900, by: 97) {
            text.replaceSubrange(k..<k + 12, with: literals[k % literals.count].bytes)
        }
        // Every literal has 12 bytes: the naive search looks each 12-byte window up.
        var indices: [[UInt8]: [Int]] = [:]
        for (index, literal) in literals.enumerated() { indices[literal.bytes, default: []].append(index) }
        var naive: [[Int]] = []
        for end in 12...text.count {
            for index in indices[Array(text[end - 12..<end])] ?? [] { naive.append([index, end]) }
        }
        #expect(naive.count >= 40)
        for automaton in [
            LiteralAutomaton(literals, prefilter: .disabled), LiteralAutomaton(literals, forcingSparse: ()),
        ] {
            var found: [[Int]] = []
            text.withUnsafeBytes { raw in automaton.scanEnds(raw) { found.append([$0, $1]) } }
            #expect(found.sorted { ($0[1], $0[0]) < ($1[1], $1[0]) } == naive, "\(automaton.shape)")
        }
        #expect(LiteralAutomaton(literals, prefilter: .disabled).shape == "wide")
    }

    @Test func emptyInputFindsNothing() {
        let automaton = LiteralAutomaton([.init("abc")])
        var called = false
        automaton.scan(UnsafeRawBufferPointer(start: nil, count: 0)) { _ in called = true }
        #expect(!called)
    }
}

/// The automaton with its prefilter, each code path forced, against the automaton alone.
@Suite struct PrefilteredScanTests {
    typealias Literal = LiteralAutomaton.Literal

    /// Every occurrence as (literal, end offset), in the order `scanEnds` reports them.
    static func occurrences(_ automaton: LiteralAutomaton, _ text: [UInt8]) -> [[Int]] {
        var found: [[Int]] = []
        text.withUnsafeBytes { raw in automaton.scanEnds(raw) { found.append([$0, $1]) } }
        return found
    }

    /// The automaton alone, then with each supported code path of the prefilter forced on however unselective
    /// the literals, then in the sparse shape and with 32-bit rows, then as `init` chooses.
    static func variants(_ literals: [Literal]) -> [LiteralAutomaton] {
        [LiteralAutomaton(literals, prefilter: .disabled)]
            + PrefilterTests.supportedPaths.map { LiteralAutomaton(literals, forcingPrefilterPath: $0) }
            + [
                LiteralAutomaton(literals, forcingSparse: ()), LiteralAutomaton(literals, forcingWide: ()),
                LiteralAutomaton(literals),
            ]
    }

    @Test func prefilteredScansReportExactlyWhatThePlainScanReports() {
        for seed in UInt64(0)..<150 {
            var generator = SplitMix64(seed: seed)
            let alphabet = [PrefilterTests.smallAlphabet, PrefilterTests.textAlphabet][Int(seed % 2)]
            let literals = PrefilterTests.randomLiterals(30, alphabet, using: &generator).map { literal in
                var shorter = literal
                shorter.bytes = Array(literal.bytes.prefix(Int.random(in: 1...12, using: &generator)))
                return shorter
            }
            let automata = Self.variants(literals)
            for count in [0, 1, 2, 3, 17, 33, 34, 35, 64, 65, 66, 67, Int.random(in: 68...300, using: &generator)] {
                let text = PrefilterTests.randomText(count, alphabet, planting: literals, using: &generator)
                let plain = Self.occurrences(automata[0], text)
                // The plain scan agrees with the naive search: same literals ending at each position.
                var byEnd = [[Int]](repeating: [], count: count)
                for occurrence in plain { byEnd[occurrence[1] - 1].append(occurrence[0]) }
                #expect(byEnd.map { $0.sorted() } == LiteralAutomatonTests.naive(literals, text), "seed \(seed)")
                for automaton in automata.dropFirst() {
                    #expect(
                        Self.occurrences(automaton, text) == plain,
                        "seed \(seed), \(count) bytes, prefilter \(automaton.prefilter.map { "\($0.path)" } ?? "off")")
                }
                // `scan` reports the same literals in the same order as `scanEnds`.
                var literalsFound: [Int] = []
                text.withUnsafeBytes { raw in automata[1].scan(raw) { literalsFound.append($0) } }
                #expect(literalsFound == plain.map { $0[0] })
            }
        }
    }

    @Test func aMegabyteOfLogLinesWithCatalogLiterals() throws {
        let catalog = try TestSupport.repositoryCatalog()
        var literals: [Literal] = []
        for rule in catalog.incidents.flatMap(\.evidence) {
            for text in rule.any + rule.not + (rule.context?.any ?? []) {
                literals.append(Literal(text, ignoreCase: rule.ignoreCase))
            }
        }
        var generator = SplitMix64(seed: 11)
        let words = [
            "GET", "/api/login", "HTTP/1.1", "200", "connect()", "failed", "upstream", "container", "status=0",
            "worker", "Booting", "pid", "INFO", "ERROR", "address", "in", "use", "could", "not", "be", "resolved",
            "Connection", "refused", "while", "connecting", "to", "is", "unhealthy", "{\"log\":\"", "\\n\"}", "'",
            ": ", "(", ")", "[Server]", "task=mysqld", "Found", "option",
        ]
        var text: [UInt8] = []
        while text.count < 1_000_000 {
            if Int.random(in: 0..<40, using: &generator) == 0 {
                let literal = literals.randomElement(using: &generator)!
                text += literal.bytes.map { literal.ignoreCase && Bool.random(using: &generator) ? $0 ^ 0x20 : $0 }
            } else {
                text += Array(words.randomElement(using: &generator)!.utf8)
            }
            text.append(Int.random(in: 0..<12, using: &generator) == 0 ? 0x0a : 0x20)
        }
        let automata = Self.variants(literals)
        let plain = Self.occurrences(automata[0], text)
        #expect(plain.count > 500)
        #expect(
            automata.last!.prefilter != nil || automata.last!.hashPrefilter != nil,
            "the catalog's literals are selective")
        for automaton in automata.dropFirst() {
            #expect(Self.occurrences(automaton, text) == plain, "\(automaton.prefilter.map { "\($0.path)" } ?? "off")")
        }
        // Line by line, as the matcher scans records.
        var start = 0
        var byLine: [[Int]] = []
        var plainByLine: [[Int]] = []
        text.withUnsafeBytes { raw in
            for (index, byte) in text.enumerated() where byte == 0x0a {
                let line = UnsafeRawBufferPointer(rebasing: raw[start...index])
                automata[0].scanEnds(line) { plainByLine.append([$0, start + $1]) }
                automata.last!.scanEnds(line) { byLine.append([$0, start + $1]) }
                start = index + 1
            }
        }
        #expect(byLine == plainByLine)
    }
}
