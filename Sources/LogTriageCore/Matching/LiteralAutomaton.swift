/// A compiled multi-literal matcher: every literal of the catalog in one deterministic automaton over bytes.
///
/// The automaton is Aho–Corasick's idea built directly as a DFA by subset construction over (literal, position)
/// pairs, so ASCII case-insensitive literals need no case expansion: a position simply accepts a set of bytes.
/// Bytes are first mapped to equivalence classes (bytes no literal tells apart share a class), which keeps the
/// transition table small. Match states are numbered last, so the scan loop tests one comparison per byte.
///
/// Complexity: `scan` is O(n) in the input with one table lookup per byte and no allocation; building is
/// O(states × classes × literals) once at start-up.
public final class LiteralAutomaton {
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

    public init(_ literals: [Literal]) {
        precondition(literals.allSatisfy { !$0.bytes.isEmpty }, "empty literal")
        self.literals = literals

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
    /// reported each time).
    ///
    /// Complexity: O(n) for n bytes, plus O(1) per occurrence.
    @inline(__always)
    public func scan(_ bytes: UnsafeRawBufferPointer, _ found: (Int) -> Void) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        let classCount = Int(self.classCount)
        let firstMatch = self.firstMatchState
        let input = base.assumingMemoryBound(to: UInt8.self)
        let count = bytes.count
        classOf.withUnsafeBufferPointer { classes in
            transitions.withUnsafeBufferPointer { table in
                var state: UInt32 = 0
                var i = 0
                while i < count {
                    // safe because i < count, classes has 256 entries, and every state * classCount + class is
                    // inside the table the constructor built
                    let cls = Int(classes[Int(input[i])])
                    state = table[Int(state) &* classCount &+ cls]
                    if state >= firstMatch {
                        let slot = Int(state - firstMatch)
                        for k in Int(outputStart[slot])..<Int(outputStart[slot + 1]) {
                            found(Int(outputs[k]))
                        }
                    }
                    i &+= 1
                }
            }
        }
    }
}
