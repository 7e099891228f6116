/// A compiled multi-literal matcher: every literal of the catalog in one automaton over bytes.
///
/// The automaton is Aho–Corasick's, over ASCII-folded bytes so that case-insensitive literals need no case
/// expansion (see `Tables`). Bytes are first mapped to equivalence classes (bytes no literal tells apart share a
/// class), which keeps the transition table small. An ordinary catalog gets a full row of next states per state
/// (one lookup per byte); a very large set keeps only the trie's edges and failure states, so that memory stays
/// proportional to the literals. Match states are numbered last, so the scan loop tests one comparison per byte.
///
/// In front of the automaton sits a `Prefilter`: while no partial match is in progress (the start state), the
/// scan jumps to the next position where some literal may start, and steps the automaton from there until it is
/// back in the start state. Catalog literals are rare in logs, so most bytes are skipped by a SIMD search instead
/// of stepped through. Occurrences are reported exactly as without it.
///
/// Complexity: `scan` is O(n) in the input with no allocation (amortised, for the sparse shape): a SIMD test for
/// each skipped position, one step for each position the automaton goes through; building is O(L × C) once at
/// start-up for L bytes of literals and C byte classes.
public final class LiteralAutomaton {
    /// Whether `scan` may skip bytes with a prefilter.
    public enum PrefilterChoice: Sendable, Hashable {
        /// Uses one when the literals make it selective (an estimated candidate at most every 8 positions), with
        /// the fastest code path of this CPU.
        case automatic
        /// Steps the automaton through every byte (for comparisons).
        case disabled
    }

    /// One literal to find.
    public struct Literal: Hashable, Sendable {
        public var bytes: [UInt8]
        public var ignoreCase: Bool

        public init(_ text: String, ignoreCase: Bool = false) {
            self.bytes = Array(text.utf8)
            self.ignoreCase = ignoreCase
        }

        func accepts(_ position: Int, _ byte: UInt8) -> Bool {
            let want = bytes[position]
            return ignoreCase ? Self.fold(want) == Self.fold(byte) : want == byte
        }

        static func fold(_ byte: UInt8) -> UInt8 {
            (byte >= 0x41 && byte <= 0x5a) ? byte | 0x20 : byte
        }
    }

    public let literals: [Literal]
    /// Byte → class.
    private let classOf: [UInt8]
    private let classCount: Int
    /// The next states: full rows of 16- or 32-bit states, or the trie for a set too large for full rows (see
    /// `Tables`).
    private let rows: Rows
    /// States at or above this number report literals.
    private let firstMatchState: UInt32
    /// For match state `s`, the literals it reports are `outputs[outputStart[s - firstMatchState] ..< outputStart[s - firstMatchState + 1]]`.
    private let outputStart: [Int32]
    private let outputs: [Int32]
    /// Literals whose occurrences are confirmed byte for byte: the automaton folds ASCII case.
    private let confirm: [Bool]
    /// Finds where a literal may start; nil when it would not pay for itself or was not wanted.
    let prefilter: Prefilter?
    /// The prefilter for sets too large for `prefilter`'s buckets, used when that one is not worthwhile.
    let hashPrefilter: HashPrefilter?
    /// The search `scan` jumps with, used without reference counting; the prefilters above keep it valid.
    private let search: Jump?

    /// One of the prefilters' searches.
    enum Jump {
        case fingerprint(Prefilter.Search)
        case hash(HashPrefilter.Search)

        /// Where the automaton starts next, and the position it must get past before it may stop in its start
        /// state (see `HashPrefilter.Search.next`); both `count` when no literal can start in `from ..< count`.
        @inline(__always)
        func next(_ bytes: UnsafePointer<UInt8>, _ count: Int, from: Int) -> (start: Int, through: Int) {
            switch self {
            case .fingerprint(let search):
                let start = search.next(bytes, count, from: from)
                return (start, start)
            case .hash(let search):
                return search.next(bytes, count, from: from)
            }
        }
    }

    /// Compiles `literals` (none may be empty).
    ///
    /// Complexity: O(L × C) for L bytes of literals and C ≤ 256 byte classes (see `Tables`), plus the
    /// prefilter's construction.
    public convenience init(_ literals: [Literal], prefilter: PrefilterChoice = .automatic) {
        switch prefilter {
        case .automatic:
            // The fingerprint search is the faster when it is selective and its buckets are small: each position
            // that passes is confirmed against every literal of its buckets. Large sets fill the 8 buckets; the
            // hashed prefixes stay selective far longer and confirm nothing themselves.
            let candidate = literals.count <= Self.maximumFingerprintLiterals ? Prefilter(literals) : nil
            if let candidate, candidate.isWorthwhile {
                self.init(literals, prefilter: candidate)
            } else {
                let hashed = HashPrefilter(literals)
                self.init(
                    literals, prefilter: nil,
                    hashPrefilter: hashed.passShare <= Prefilter.maximumPassShare ? hashed : nil)
            }
        case .disabled:
            self.init(literals, prefilter: nil)
        }
    }

    /// Above this many literals the hashed-prefix prefilter is used: with about 12 literals to a bucket, confirming
    /// a fingerprint candidate costs more than the hash filter's false candidates do (measured with 1,059 literals:
    /// the fingerprint search took 84% of a scan).
    static let maximumFingerprintLiterals = 96

    /// Compiles `literals` with the hashed-prefix prefilter, however unselective (for tests).
    convenience init(_ literals: [Literal], forcingHashPrefilter: Void) {
        self.init(literals, prefilter: nil, hashPrefilter: HashPrefilter(literals))
    }

    /// Compiles `literals` with a prefilter on `path`, however unselective (for tests).
    convenience init(_ literals: [Literal], forcingPrefilterPath path: Prefilter.Path) {
        self.init(literals, prefilter: Prefilter(literals, path: path))
    }

    /// Compiles `literals` into the sparse shape however few they are, without a prefilter (for tests).
    convenience init(_ literals: [Literal], forcingSparse: Void) {
        self.init(literals, prefilter: nil, maximumDenseEntries: 0)
    }

    /// Compiles `literals` into full rows of 32-bit states however few they are, without a prefilter (for tests).
    convenience init(_ literals: [Literal], forcingWide: Void) {
        self.init(literals, prefilter: nil, maximumNarrowStates: 0)
    }

    /// The shape of the rows (see `Tables`).
    var shape: String {
        switch rows {
        case .narrow: "narrow"
        case .wide: "wide"
        case .sparse: "sparse"
        }
    }

    /// The prefilters must have been built from `literals`; at most one is used.
    private init(
        _ literals: [Literal], prefilter: Prefilter?, hashPrefilter: HashPrefilter? = nil,
        maximumDenseEntries: Int = LiteralAutomaton.maximumDenseEntries,
        maximumNarrowStates: Int = LiteralAutomaton.maximumNarrowStates
    ) {
        precondition(literals.allSatisfy { !$0.bytes.isEmpty }, "empty literal")
        self.literals = literals
        self.prefilter = prefilter
        self.hashPrefilter = prefilter == nil ? hashPrefilter : nil
        if let prefilter {
            self.search = .fingerprint(prefilter.search)
        } else if let hashPrefilter {
            self.search = .hash(hashPrefilter.search)
        } else {
            self.search = nil
        }

        let tables = Self.buildTables(
            literals, maximumDenseEntries: maximumDenseEntries, maximumNarrowStates: maximumNarrowStates)
        self.classOf = tables.classOf
        self.classCount = tables.classCount
        self.rows = tables.rows
        self.firstMatchState = tables.firstMatchState
        self.outputStart = tables.outputStart
        self.outputs = tables.outputs
        self.confirm = tables.confirm
    }

    /// Calls `found` with the index of every literal occurrence in `bytes` (a literal found several times is
    /// reported each time), in the order the occurrences end.
    ///
    /// Complexity: O(n) for n bytes, plus O(1) per occurrence.
    @inline(__always)
    public func scan(_ bytes: UnsafeRawBufferPointer, _ found: (Int) -> Void) {
        scanEnds(bytes) { literal, _ in found(literal) }
    }

    /// Calls `found` with the index of every literal occurrence in `bytes` and the offset just past its last byte,
    /// in the order the occurrences end (occurrences ending at the same byte by literal index).
    ///
    /// Complexity: O(n) for n bytes, plus O(1) per occurrence.
    @inline(__always)
    public func scanEnds(_ bytes: UnsafeRawBufferPointer, _ found: (_ literal: Int, _ end: Int) -> Void) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        let classCount = Int(self.classCount)
        let input = base.assumingMemoryBound(to: UInt8.self)
        let count = bytes.count
        classOf.withUnsafeBufferPointer { classes in
            // The dense steps are safe because callers pass i < count, classes has 256 entries, and every
            // state * classCount + class is inside the table the constructor built.
            switch rows {
            case .narrow(let rows):
                rows.withUnsafeBufferPointer { table in
                    drive(input, count, found) { state, i in
                        UInt32(table[Int(state) &* classCount &+ Int(classes[Int(input[i])])])
                    }
                }
            case .wide(let rows):
                rows.withUnsafeBufferPointer { table in
                    drive(input, count, found) { state, i in
                        table[Int(state) &* classCount &+ Int(classes[Int(input[i])])]
                    }
                }
            case .sparse(let root, let sparse):
                // Follows failure states to one with the byte's child; the start state has a full row.
                root.withUnsafeBufferPointer { table in
                    drive(input, count, found) { state, i in
                        let byteClass = classes[Int(input[i])]
                        var s = state
                        while s != 0 {
                            if let next = sparse.child(s, byteClass) { return next }
                            s = sparse.fail[Int(s)]
                        }
                        return table[Int(byteClass)]
                    }
                }
            }
        }
    }

    /// The scan loop of `scanEnds`, with `step` giving the state after the byte at `i` (`i < count`).
    @inline(__always)
    private func drive(
        _ input: UnsafePointer<UInt8>, _ count: Int, _ found: (_ literal: Int, _ end: Int) -> Void,
        _ step: (UInt32, Int) -> UInt32
    ) {
        let firstMatch = self.firstMatchState
        @inline(__always) func report(_ state: UInt32, _ end: Int) {
            let slot = Int(state - firstMatch)
            for k in Int(outputStart[slot])..<Int(outputStart[slot + 1]) {
                let literal = Int(outputs[k])
                if confirm[literal] && !occurs(literal, endingAt: end) { continue }
                found(literal, end)
            }
        }
        // A case-sensitive literal's folded form was found ending at `end`; its bytes decide. Safe because
        // an occurrence lies wholly inside the scanned bytes: the automaton starts at 0 in the start state
        // and only restarts there, so end - length >= 0.
        @inline(__always) func occurs(_ literal: Int, endingAt end: Int) -> Bool {
            let bytes = literals[literal].bytes
            let start = end &- bytes.count
            for j in 0..<bytes.count where input[start &+ j] != bytes[j] { return false }
            return true
        }
        guard let search else {
            var state: UInt32 = 0
            var i = 0
            while i < count {
                state = step(state, i)
                i &+= 1
                if state >= firstMatch { report(state, i) }
            }
            return
        }
        // Jumping is exact: in the start state no partial match is pending, and the prefilter skips only
        // positions that start no literal. A partial match begun at a skipped position is missing from
        // the state the automaton has after a jump, but it would have died unreported.
        var i = 0
        while true {
            let jump = search.next(input, count, from: i)
            guard jump.start < count else { return }
            i = jump.start
            var state: UInt32 = 0
            repeat {
                state = step(state, i)
                i &+= 1
                if state >= firstMatch { report(state, i) }
            } while (state != 0 || i <= jump.through) && i < count
        }
    }
}
