/// A compiled multi-literal matcher: every literal of the catalog in one deterministic automaton over bytes.
///
/// The automaton is Aho–Corasick's idea built directly as a DFA by subset construction over (literal, position)
/// pairs, so ASCII case-insensitive literals need no case expansion: a position simply accepts a set of bytes.
/// Bytes are first mapped to equivalence classes (bytes no literal tells apart share a class), which keeps the
/// transition table small. Match states are numbered last, so the scan loop tests one comparison per byte.
///
/// In front of the automaton sits a `Prefilter`: while no partial match is in progress (the start state), the
/// scan jumps to the next position where some literal may start, and steps the automaton from there until it is
/// back in the start state. Catalog literals are rare in logs, so most bytes are skipped by a SIMD search instead
/// of stepped through. Occurrences are reported exactly as without it.
///
/// Complexity: `scan` is O(n) in the input with no allocation: a SIMD test for each skipped position, one table
/// lookup for each position the automaton steps through; building is O(states × classes × literals) once at
/// start-up.
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
    /// `state * classCount + class` → next state.
    private let transitions: [UInt32]
    /// States at or above this number report literals.
    private let firstMatchState: UInt32
    /// For match state `s`, the literals it reports are `outputs[outputStart[s - firstMatchState] ..< outputStart[s - firstMatchState + 1]]`.
    private let outputStart: [Int32]
    private let outputs: [Int32]
    /// Finds where a literal may start; nil when it would not pay for itself or was not wanted.
    let prefilter: Prefilter?
    /// `prefilter`'s search, which `scan` uses without reference counting; `prefilter` keeps it valid.
    private let search: Prefilter.Search?

    /// Compiles `literals` (none may be empty).
    ///
    /// Complexity: O(states × classes × literals).
    public convenience init(_ literals: [Literal], prefilter: PrefilterChoice = .automatic) {
        switch prefilter {
        case .automatic:
            let candidate = Prefilter(literals)
            self.init(literals, prefilter: candidate.isWorthwhile ? candidate : nil)
        case .disabled:
            self.init(literals, prefilter: nil)
        }
    }

    /// Compiles `literals` with a prefilter on `path`, however unselective (for tests).
    convenience init(_ literals: [Literal], forcingPrefilterPath path: Prefilter.Path) {
        self.init(literals, prefilter: Prefilter(literals, path: path))
    }

    /// `prefilter` must have been built from `literals`.
    private init(_ literals: [Literal], prefilter: Prefilter?) {
        precondition(literals.allSatisfy { !$0.bytes.isEmpty }, "empty literal")
        self.literals = literals
        self.prefilter = prefilter
        self.search = prefilter?.search

        // Byte classes: refine one class by each position's accepted set.
        var classOf = [Int](repeating: 0, count: 256)
        var classCount = 1
        var seenSets = Set<[Bool]>()
        for literal in literals {
            for position in literal.bytes.indices {
                let accepted = (0..<256).map { literal.accepts(position, UInt8($0)) }
                guard seenSets.insert(accepted).inserted else { continue }
                var remap: [Int: Int] = [:]
                var next = [Int](repeating: 0, count: 256)
                var count = 0
                for byte in 0..<256 {
                    let key = classOf[byte] * 2 + (accepted[byte] ? 1 : 0)
                    if let existing = remap[key] {
                        next[byte] = existing
                    } else {
                        remap[key] = count
                        next[byte] = count
                        count += 1
                    }
                }
                classOf = next
                classCount = count
            }
        }
        precondition(classCount <= 256)
        var representative = [UInt8](repeating: 0, count: classCount)
        for byte in (0..<256).reversed() { representative[classOf[byte]] = UInt8(byte) }

        // Literals whose first position accepts each class: the implicit "start anywhere" positions.
        var starters = [[Int]](repeating: [], count: classCount)
        for cls in 0..<classCount {
            for (index, literal) in literals.enumerated() where literal.accepts(0, representative[cls]) {
                starters[cls].append(index)
            }
        }

        // Subset construction. A state is the set of partial matches (literal, next position) plus the literals
        // completed on entering it.
        struct StateKey: Hashable {
            var partial: [Int64]
            var completed: [Int32]
        }
        func pack(_ literal: Int, _ position: Int) -> Int64 { Int64(literal) << 32 | Int64(position) }

        var keys: [StateKey] = [StateKey(partial: [], completed: [])]
        var index: [StateKey: Int] = [keys[0]: 0]
        var table: [Int] = []
        var pending = 0
        while pending < keys.count {
            let state = keys[pending]
            pending += 1
            for cls in 0..<classCount {
                let byte = representative[cls]
                var partial: [Int64] = []
                var completed: [Int32] = []
                func advance(_ literal: Int, _ position: Int) {
                    if position + 1 == literals[literal].bytes.count {
                        completed.append(Int32(literal))
                    } else {
                        partial.append(pack(literal, position + 1))
                    }
                }
                for packed in state.partial {
                    let literal = Int(packed >> 32), position = Int(packed & 0xffff_ffff)
                    if literals[literal].accepts(position, byte) { advance(literal, position) }
                }
                for literal in starters[cls] { advance(literal, 0) }
                partial.sort()
                completed.sort()
                let key = StateKey(partial: partial, completed: completed)
                let target: Int
                if let existing = index[key] {
                    target = existing
                } else {
                    target = keys.count
                    index[key] = target
                    keys.append(key)
                }
                table.append(target)
            }
        }

        // Renumber so that match states come last.
        let order = keys.indices.sorted {
            (keys[$0].completed.isEmpty ? 0 : 1, $0) < (keys[$1].completed.isEmpty ? 0 : 1, $1)
        }
        var newNumber = [Int](repeating: 0, count: keys.count)
        for (new, old) in order.enumerated() { newNumber[old] = new }
        var transitions = [UInt32](repeating: 0, count: table.count)
        for old in keys.indices {
            for cls in 0..<classCount {
                transitions[newNumber[old] * classCount + cls] = UInt32(newNumber[table[old * classCount + cls]])
            }
        }
        let firstMatch = order.firstIndex { !keys[$0].completed.isEmpty } ?? keys.count
        var outputStart: [Int32] = [0]
        var outputs: [Int32] = []
        for old in order[firstMatch...] {
            outputs += keys[old].completed
            outputStart.append(Int32(outputs.count))
        }
        // The start state must stay state 0; it has no completed literals, so it sorts first.
        assert(newNumber[0] == 0)

        self.classOf = classOf.map { UInt8($0) }
        self.classCount = classCount
        self.transitions = transitions
        self.firstMatchState = UInt32(firstMatch)
        self.outputStart = outputStart
        self.outputs = outputs
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
        let firstMatch = self.firstMatchState
        let input = base.assumingMemoryBound(to: UInt8.self)
        let count = bytes.count
        classOf.withUnsafeBufferPointer { classes in
            transitions.withUnsafeBufferPointer { table in
                // safe because callers pass i < count, classes has 256 entries, and every state * classCount +
                // class is inside the table the constructor built
                @inline(__always) func step(_ state: UInt32, _ i: Int) -> UInt32 {
                    table[Int(state) &* classCount &+ Int(classes[Int(input[i])])]
                }
                @inline(__always) func report(_ state: UInt32, _ end: Int) {
                    let slot = Int(state - firstMatch)
                    for k in Int(outputStart[slot])..<Int(outputStart[slot + 1]) { found(Int(outputs[k]), end) }
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
                    i = search.next(input, count, from: i)
                    guard i < count else { return }
                    var state: UInt32 = 0
                    repeat {
                        state = step(state, i)
                        i &+= 1
                        if state >= firstMatch { report(state, i) }
                    } while state != 0 && i < count
                }
            }
        }
    }
}
