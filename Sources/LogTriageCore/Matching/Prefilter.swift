import CPrefilter

/// Finds the positions where a literal may start, so that the literal automaton can skip every other byte.
///
/// It sits in Matching, in front of `LiteralAutomaton`: while the automaton has no partial match in progress (its
/// start state), `scan` jumps to the next position the prefilter reports and steps the automaton from there until
/// it is back in the start state. A position the prefilter skips starts no occurrence, so the jump loses nothing.
///
/// Two stages, in C (`CPrefilter`). First a fingerprint of each literal's first `width` bytes (3, or the longest
/// literal's length if that is shorter; a shorter literal passes any byte after its own). Literals are grouped
/// into 8 buckets, and for every fingerprint byte and bucket there are two sets: the low nibbles and the high
/// nibbles that the bucket's literals have there (an ASCII case-insensitive literal puts in both cases). A
/// position passes a bucket when every fingerprint byte has both nibbles in that bucket's sets: two table
/// shuffles per fingerprint byte for 16 or 32 positions at once (SSSE3, AVX2, chosen at run time), or a table
/// lookup per byte elsewhere. Then a passing position is confirmed on the first 8 bytes of the literals of the
/// buckets it passed, so what reaches the automaton are positions where a literal's first 8 bytes occur.
///
/// A bucket passes every combination of the nibbles its literals have, so literals with alike first bytes share
/// a bucket: they are placed greedily, most common fingerprint first, each where it adds the least to the
/// estimated share of passing positions (see `passShare`), then moved while a move lowers it.
///
/// Complexity: building is O(f × (b + m)) for f distinct fingerprints, b = 8 buckets and m literals per bucket,
/// with up to 256 operations per share estimate; `next` is O(d) for a candidate d bytes ahead, about 64 positions
/// per step on AVX2, plus O(m) for each position that passes the fingerprint.
final class Prefilter {
    /// A code path of the candidate search; all report exactly the same positions.
    enum Path: Int32, CaseIterable, CustomStringConvertible {
        case scalar = 0
        case ssse3 = 1
        case avx2 = 2

        /// Whether this CPU can run the path.
        var isSupported: Bool { cpf_path_supported(rawValue) != 0 }

        /// The fastest path this CPU runs.
        static let fastest: Path = [.avx2, .ssse3].first { $0.isSupported } ?? .scalar

        var description: String {
            switch self {
            case .scalar: "scalar"
            case .ssse3: "SSSE3"
            case .avx2: "AVX2"
            }
        }
    }

    /// Fingerprints are at most this many bytes.
    static let maximumWidth = Int(CPF_MAX_WIDTH)
    static let bucketCount = Int(CPF_BUCKETS)
    /// Candidates are confirmed on at most this many leading bytes of a literal.
    static let confirmedBytes = Int(CPF_CONFIRM_BYTES)

    /// The fallback rule: above this estimated share of positions passing the fingerprint, `LiteralAutomaton`
    /// steps through every byte instead. A position that passes costs about 3 ns when confirmation rejects it and
    /// about 10 ns when it is confirmed and the automaton runs (a return from C and a mispredicted branch or two);
    /// an automaton step costs about 2 ns per byte, the SIMD search under 0.1 ns. Measured on a log: literals
    /// starting 7% of positions still scan 3 times faster with the prefilter, 15% 1.7 times; the break-even is
    /// near one position in 4. 1 in 8 leaves room for an estimate off by a factor of 2.
    static let maximumPassShare = 1.0 / 8

    let path: Path
    let width: Int
    /// The estimated share of positions that pass the fingerprint: each bucket's share summed, as if bytes were
    /// independent, under whichever byte distribution (log text or uniform) gives more.
    let passShare: Double
    /// For each literal, its bucket.
    let bucketOfLiteral: [Int]
    /// Whether the estimate is low enough for the prefilter to pay for itself.
    var isWorthwhile: Bool { passShare <= Self.maximumPassShare }

    private let handle: OpaquePointer

    /// Builds the prefilter of `literals` for `path`, which must be supported.
    init(_ literals: [LiteralAutomaton.Literal], path: Path = .fastest) {
        precondition(path.isSupported, "\(path) is not supported by this CPU")
        precondition(literals.allSatisfy { !$0.bytes.isEmpty }, "empty literal")
        let width = min(Self.maximumWidth, literals.map(\.bytes.count).max() ?? 1)
        let prints = literals.map { Self.fingerprint(of: $0, width: width) }
        var distinct: [[Nibbles]] = []
        var distinctIndex: [[Nibbles]: Int] = [:]
        let printOfLiteral = prints.map { print in
            if let existing = distinctIndex[print] { return existing }
            distinctIndex[print] = distinct.count
            distinct.append(print)
            return distinct.count - 1
        }
        let bucketOfPrint = Self.assignBuckets(distinct)
        let bucketOfLiteral = printOfLiteral.map { bucketOfPrint[$0] }

        // Literals confirmed alike (same leading bytes, same case rule) need confirming once, at their shortest.
        struct Confirmation: Hashable {
            var prefix: [UInt8]
            var ignoreCase: Bool
        }
        var shortest: [Confirmation: (literal: Int, length: Int)] = [:]
        var confirmations: [Confirmation] = []
        for (index, literal) in literals.enumerated() {
            let prefix = literal.bytes.prefix(Self.confirmedBytes)
            let key = Confirmation(
                prefix: literal.ignoreCase ? prefix.map(LiteralAutomaton.Literal.fold) : Array(prefix),
                ignoreCase: literal.ignoreCase)
            if let existing = shortest[key] {
                if literal.bytes.count < existing.length { shortest[key] = (index, literal.bytes.count) }
            } else {
                shortest[key] = (index, literal.bytes.count)
                confirmations.append(key)
            }
        }

        guard let handle = cpf_create(Int32(width), path.rawValue, confirmations.count) else {
            fatalError("cannot allocate the prefilter")
        }
        for (literal, bucket) in zip(literals, bucketOfLiteral) {
            for position in 0..<width {
                if position < literal.bytes.count {
                    for byte in Self.accepted(literal, position) {
                        cpf_add(handle, Int32(bucket), Int32(position), byte)
                    }
                } else {
                    cpf_add_any(handle, Int32(bucket), Int32(position))
                }
            }
        }
        for key in confirmations {
            let index = shortest[key]!.literal
            let added = literals[index].bytes.withUnsafeBufferPointer {
                cpf_add_literal(
                    handle, Int32(bucketOfLiteral[index]), $0.baseAddress, $0.count, literals[index].ignoreCase ? 1 : 0)
            }
            precondition(added != 0)
        }
        guard cpf_finish(handle) != 0 else { fatalError("cannot allocate the prefilter") }

        var buckets = [[Nibbles]?](repeating: nil, count: Self.bucketCount)
        for (print, bucket) in bucketOfPrint.enumerated() {
            buckets[bucket] = Self.merge(buckets[bucket], distinct[print])
        }
        self.path = path
        self.width = width
        self.handle = handle
        self.bucketOfLiteral = bucketOfLiteral
        self.passShare = [Self.textModel, Self.uniformModel].map { model in
            min(1, buckets.compactMap { $0 }.reduce(0) { $0 + Self.share($1, model) })
        }.max()!
    }

    deinit {
        cpf_destroy(handle)
    }

    /// The first position in `from ..< count` of `bytes` where a literal's first bytes (up to 8) occur and the
    /// whole literal fits, or `count` if there is none.
    ///
    /// Complexity: O(result − from); reads only `bytes[from ..< count]`.
    @inline(__always)
    func next(_ bytes: UnsafePointer<UInt8>, _ count: Int, from: Int) -> Int {
        cpf_find(handle, bytes, count, from)
    }

    /// `next` without the prefilter object, so that a scan loop does no reference counting; valid while the
    /// prefilter lives.
    struct Search {
        fileprivate let handle: OpaquePointer

        /// As `Prefilter.next`.
        @inline(__always)
        func next(_ bytes: UnsafePointer<UInt8>, _ count: Int, from: Int) -> Int {
            cpf_find(handle, bytes, count, from)
        }
    }

    /// The search of this prefilter; the owner keeps the prefilter alive while using it.
    var search: Search { Search(handle: handle) }

    /// The first position in `from ..< count` that passes the fingerprint stage alone, or `count` (for tests
    /// and measurements).
    func nextUnconfirmed(_ bytes: UnsafePointer<UInt8>, _ count: Int, from: Int) -> Int {
        cpf_find_unconfirmed(handle, bytes, count, from)
    }

    // MARK: - Building

    /// The low and high nibbles allowed at one fingerprint byte, one bit per nibble value.
    struct Nibbles: Hashable {
        var low: UInt16
        var high: UInt16

        static let any = Nibbles(low: 0xffff, high: 0xffff)
    }

    /// The bytes `literal` accepts at `position`: the byte, and its other case for a case-insensitive letter.
    static func accepted(_ literal: LiteralAutomaton.Literal, _ position: Int) -> [UInt8] {
        let byte = literal.bytes[position]
        let other = byte ^ 0x20
        return literal.accepts(position, other) && other != byte ? [byte, other] : [byte]
    }

    static func fingerprint(of literal: LiteralAutomaton.Literal, width: Int) -> [Nibbles] {
        (0..<width).map { position in
            guard position < literal.bytes.count else { return .any }
            return accepted(literal, position).reduce(Nibbles(low: 0, high: 0)) {
                Nibbles(low: $0.low | 1 << ($1 & 15), high: $0.high | 1 << ($1 >> 4))
            }
        }
    }

    static func merge(_ bucket: [Nibbles]?, _ print: [Nibbles]) -> [Nibbles] {
        guard let bucket else { return print }
        return zip(bucket, print).map { Nibbles(low: $0.low | $1.low, high: $0.high | $1.high) }
    }

    /// The probability that a position passes a bucket, bytes drawn independently from `model`.
    static func share(_ print: [Nibbles], _ model: [Double]) -> Double {
        var product = 1.0
        for nibbles in print where nibbles != .any {
            var sum = 0.0
            var highs = nibbles.high
            while highs != 0 {
                let high = highs.trailingZeroBitCount
                highs &= highs - 1
                var lows = nibbles.low
                while lows != 0 {
                    sum += model[high << 4 | lows.trailingZeroBitCount]
                    lows &= lows - 1
                }
            }
            product *= sum
        }
        return product
    }

    /// A bucket for each distinct fingerprint, keeping the summed share of the buckets small under the text model.
    static func assignBuckets(_ prints: [[Nibbles]]) -> [Int] {
        let model = textModel
        guard prints.count > bucketCount else { return Array(prints.indices) }
        let order = prints.indices.sorted { share(prints[$0], model) > share(prints[$1], model) }
        var bucketOf = [Int](repeating: 0, count: prints.count)
        var members = [[Int]](repeating: [], count: bucketCount)
        func union(_ bucket: Int, without excluded: Int? = nil) -> [Nibbles]? {
            members[bucket].reduce(nil) { $1 == excluded ? $0 : merge($0, prints[$1]) }
        }
        // The bucket whose share grows least; on a tie (up to rounding) the lowest-numbered. The greedy pass fills
        // buckets in order, so a print that costs nothing extra in a used bucket joins it and leaves the empty
        // ones for others.
        func cheapest(_ print: Int, _ unions: [[Nibbles]?]) -> Int {
            var best = 0
            var bestIncrease = Double.infinity
            for bucket in 0..<bucketCount {
                let before = unions[bucket].map { share($0, model) } ?? 0
                let increase = share(merge(unions[bucket], prints[print]), model) - before
                if increase < bestIncrease * (1 - 1e-9) {
                    best = bucket
                    bestIncrease = increase
                }
            }
            return best
        }
        var unions = [[Nibbles]?](repeating: nil, count: bucketCount)
        for print in order {
            let bucket = cheapest(print, unions)
            bucketOf[print] = bucket
            members[bucket].append(print)
            unions[bucket] = merge(unions[bucket], prints[print])
        }
        // Moves that lower the sum, a few rounds at most.
        for _ in 0..<3 {
            var moved = false
            for print in order {
                let from = bucketOf[print]
                var without = unions
                without[from] = union(from, without: print)
                let to = cheapest(print, without)
                guard to != from else { continue }
                let before = share(unions[from]!, model) + (unions[to].map { share($0, model) } ?? 0)
                let after =
                    (without[from].map { share($0, model) } ?? 0) + share(merge(without[to], prints[print]), model)
                guard after < before * (1 - 1e-9) else { continue }
                members[from].removeAll { $0 == print }
                members[to].append(print)
                bucketOf[print] = to
                unions[from] = without[from]
                unions[to] = merge(without[to], prints[print])
                moved = true
            }
            if !moved { break }
        }
        return bucketOf
    }

    /// Every byte value equally likely.
    static let uniformModel = [Double](repeating: 1.0 / 256, count: 256)

    /// A rough distribution of bytes in log text, for placing literals in buckets and for the fallback rule:
    /// spaces, letters (English frequencies flattened halfway to uniform, as logs carry identifiers and hex),
    /// digits, punctuation; other bytes rare.
    static let textModel: [Double] = {
        var weight = [Double](repeating: 0.01, count: 256)
        for byte in 0x21...0x7e { weight[byte] = 0.1 }
        let english: [Double] = [
            8.2, 1.5, 2.8, 4.3, 12.7, 2.2, 2.0, 6.1, 7.0, 0.15, 0.8, 4.0, 2.4,
            6.7, 7.5, 1.9, 0.1, 6.0, 6.3, 9.1, 2.8, 1.0, 2.4, 0.15, 2.0, 0.07,
        ]
        let englishTotal = english.reduce(0, +)
        for (offset, frequency) in english.enumerated() {
            let letter = 0.5 * frequency / englishTotal + 0.5 / 26
            weight[0x61 + offset] = 40 * letter
            weight[0x41 + offset] = 6 * letter
        }
        for digit in 0x30...0x39 { weight[digit] = 1.2 }
        weight[0x20] = 14
        let punctuation: [(Character, Double)] = [
            (".", 2.5), (":", 2), ("-", 2), ("/", 2), ("\"", 2), ("_", 1), ("=", 1), (",", 1), ("\n", 0.7),
            ("(", 0.4), (")", 0.4), ("[", 0.4), ("]", 0.4), ("{", 0.3), ("}", 0.3), ("'", 0.3), ("\t", 0.2),
        ]
        for (character, share) in punctuation { weight[Int(character.asciiValue!)] = share }
        let total = weight.reduce(0, +)
        return weight.map { $0 / total }
    }()
}
