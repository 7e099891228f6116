extension LiteralAutomaton {
    /// The transition tables of the automaton, built as Aho–Corasick's automaton over the ASCII-folded literals.
    ///
    /// Folding puts `A` and `a` in one class, so a case-insensitive literal is one path of the trie, never
    /// 2^letters of them. A case-sensitive literal with letters then matches a few strings too many (its other
    /// cases): its occurrences are confirmed byte for byte when reported (`confirm`), which costs nothing until
    /// the automaton is in one of its match states. Bytes no literal holds share one class.
    ///
    /// Two shapes, one meaning:
    /// - **dense** (a catalog of ordinary size): a full row of next states per state, one lookup per byte; the
    ///   states are 16-bit numbers while there are at most 65,536 of them (the built-in catalog's three automata
    ///   have about 11,000 each), which halves the rows' memory and the time to build and page them in;
    /// - **sparse** (when the rows would take more than `maximumDenseEntries`, as 100,000 literals would): each
    ///   state keeps only its trie children and its failure state, and a step follows failure states until one
    ///   has the byte's child (amortised O(1) per byte, as Aho–Corasick's original automaton). Memory is then
    ///   proportional to the total length of the literals.
    ///
    /// Complexity: O(L × C) time for L bytes of literals and C classes (distinct folded bytes, plus one); memory
    /// O(L) plus, when dense, O(S × C) for S ≤ L + 1 states.
    struct Tables {
        /// Byte → class.
        var classOf: [UInt8]
        var classCount: Int
        var rows: Rows
        /// States at or above this number have outputs.
        var firstMatchState: UInt32
        /// For match state `s`, its literals are `outputs[outputStart[s - firstMatchState] ..< outputStart[s - firstMatchState + 1]]`,
        /// in ascending order.
        var outputStart: [Int32]
        var outputs: [Int32]
        /// For each literal: whether an occurrence must be confirmed against the input bytes.
        var confirm: [Bool]
    }

    /// The next states. Dense: `state * classCount + class` → next state; state 0 is the start (the trie's root).
    enum Rows {
        case narrow([UInt16])
        case wide([UInt32])
        /// The start state's full row, and the trie for the others.
        case sparse(root: [UInt32], Sparse)
    }

    /// The trie's edges and failure states of a sparse automaton.
    struct Sparse {
        /// State `s`'s children are `childClass[childStart[s] ..< childStart[s + 1]]`, with their states in
        /// `childState` at the same places.
        var childStart: [Int32]
        var childClass: [UInt8]
        var childState: [UInt32]
        /// The longest proper suffix of a state's path that is a path of the trie; 0 for the start state.
        var fail: [UInt32]

        /// The next state from `state` (not the start state, which has a full row) on `byteClass`, or `nil` when
        /// the failure state must be tried. O(children).
        @inline(__always)
        func child(_ state: UInt32, _ byteClass: UInt8) -> UInt32? {
            let s = Int(state)
            var k = Int(childStart[s])
            let end = Int(childStart[s + 1])
            while k < end {
                if childClass[k] == byteClass { return childState[k] }
                k &+= 1
            }
            return nil
        }
    }

    /// Dense rows beyond this many entries (16 MiB) make the automaton sparse. The built-in catalog takes about
    /// 620,000 (547 literals, 58 classes); a scan builds three automata (the matcher's and two candidate gates).
    static let maximumDenseEntries = 1 << 22

    /// Dense rows hold 16-bit states up to this many states.
    static let maximumNarrowStates = 1 << 16

    static func buildTables(
        _ literals: [Literal], maximumDenseEntries: Int = maximumDenseEntries,
        maximumNarrowStates: Int = maximumNarrowStates
    ) -> Tables {
        // Classes: one per distinct folded byte of the literals, one for every other byte.
        var classOfByte = [Int](repeating: -1, count: 256)
        var classCount = 1  // class 0: bytes no literal holds
        for literal in literals {
            for byte in literal.bytes where classOfByte[Int(Literal.fold(byte))] < 0 {
                classOfByte[Int(Literal.fold(byte))] = classCount
                classCount += 1
            }
        }
        precondition(classCount <= 256, "at most 255 distinct folded bytes")
        let classOf = (0..<256).map { UInt8(max(0, classOfByte[Int(Literal.fold(UInt8($0)))])) }

        // The trie, each node's children in a list: first child, next sibling, and the class on the edge in.
        var firstChild: [Int32] = [-1]
        var nextSibling: [Int32] = [-1]
        var edgeClass: [UInt8] = [0]
        // The literals each state reports: those ending at it, then (below) its failure state's. Empty arrays
        // take no memory of their own.
        var outputs: [[Int32]] = [[]]
        func forEachChild(of node: Int, _ body: (Int) -> Void) {
            var k = firstChild[node]
            while k >= 0 {
                body(Int(k))
                k = nextSibling[Int(k)]
            }
        }
        func child(_ node: Int, _ byteClass: UInt8) -> Int? {
            var k = firstChild[node]
            while k >= 0 {
                if edgeClass[Int(k)] == byteClass { return Int(k) }
                k = nextSibling[Int(k)]
            }
            return nil
        }
        for (index, literal) in literals.enumerated() {
            var node = 0
            for byte in literal.bytes {
                let byteClass = classOf[Int(byte)]
                if let next = child(node, byteClass) {
                    node = next
                    continue
                }
                let new = Int32(firstChild.count)
                firstChild.append(-1)
                nextSibling.append(firstChild[node])
                edgeClass.append(byteClass)
                outputs.append([])
                firstChild[node] = new
                node = Int(new)
            }
            outputs[node].append(Int32(index))
        }
        let stateCount = firstChild.count

        // Breadth first: a state's failure state is shallower, so its outputs are complete already.
        var fail = [Int32](repeating: 0, count: stateCount)
        var queue: [Int32] = [0]
        queue.reserveCapacity(stateCount)
        var head = 0
        while head < queue.count {
            let node = Int(queue[head])
            head += 1
            forEachChild(of: node) { next in
                var target = 0
                if node != 0 {
                    var f = Int(fail[node])
                    while true {
                        if let found = child(f, edgeClass[next]) {
                            target = found
                            break
                        }
                        if f == 0 { break }
                        f = Int(fail[f])
                    }
                }
                fail[next] = Int32(target)
                if !outputs[target].isEmpty { outputs[next] += outputs[target] }
                queue.append(Int32(next))
            }
        }

        // Renumber so that states with outputs come last; the root has none and stays 0.
        var newNumber = [UInt32](repeating: 0, count: stateCount)
        var order: [Int32] = []
        order.reserveCapacity(stateCount)
        for state in 0..<stateCount where outputs[state].isEmpty { order.append(Int32(state)) }
        let firstMatch = order.count
        for state in 0..<stateCount where !outputs[state].isEmpty { order.append(Int32(state)) }
        for (new, old) in order.enumerated() { newNumber[Int(old)] = UInt32(new) }
        var outputStart: [Int32] = [0]
        var flat: [Int32] = []
        for old in order[firstMatch...] {
            flat += outputs[Int(old)].sorted()
            outputStart.append(Int32(flat.count))
        }
        outputs = []

        // The start state's row: its child on a class, else itself.
        var rootRow = [UInt32](repeating: 0, count: classCount)
        forEachChild(of: 0) { rootRow[Int(edgeClass[$0])] = newNumber[$0] }
        let rows: Rows
        // Each row from its failure state's row, overwritten by its own children; breadth-first order (the queue)
        // fills a failure state's row before the rows that copy it.
        func dense<State: FixedWidthInteger & UnsignedInteger>(_: State.Type) -> [State] {
            [State](unsafeUninitializedCapacity: stateCount * classCount) { buffer, initialized in
                // Safe because every state is in the queue once, so each row is initialised once, the start
                // state's first, and a failure state's row before it is copied; the rows are whole rows of states
                // below stateCount, inside the buffer, and distinct (a state is not its own failure state).
                let base = buffer.baseAddress!
                for c in 0..<classCount { (base + c).initialize(to: State(rootRow[c])) }
                for old in queue.dropFirst() {
                    let row = Int(newNumber[Int(old)]) * classCount
                    let failRow = Int(newNumber[Int(fail[Int(old)])]) * classCount
                    (base + row).initialize(from: base + failRow, count: classCount)
                    forEachChild(of: Int(old)) { buffer[row + Int(edgeClass[$0])] = State(newNumber[$0]) }
                }
                initialized = stateCount * classCount
            }
        }
        if stateCount * classCount <= maximumDenseEntries {
            rows = stateCount <= maximumNarrowStates ? .narrow(dense(UInt16.self)) : .wide(dense(UInt32.self))
        } else {
            var childStart = [Int32](repeating: 0, count: stateCount + 1)
            var childClass: [UInt8] = []
            var childState: [UInt32] = []
            childClass.reserveCapacity(stateCount)
            childState.reserveCapacity(stateCount)
            var newFail = [UInt32](repeating: 0, count: stateCount)
            for (new, old) in order.enumerated() {
                childStart[new] = Int32(childClass.count)
                newFail[new] = newNumber[Int(fail[Int(old)])]
                forEachChild(of: Int(old)) { k in
                    childClass.append(edgeClass[k])
                    childState.append(newNumber[k])
                }
            }
            childStart[stateCount] = Int32(childClass.count)
            rows = .sparse(
                root: rootRow,
                Sparse(childStart: childStart, childClass: childClass, childState: childState, fail: newFail))
        }
        let confirm = literals.map { literal in
            !literal.ignoreCase && literal.bytes.contains { ($0 | 0x20) &- UInt8(ascii: "a") < 26 }
        }
        return Tables(
            classOf: classOf, classCount: classCount, rows: rows,
            firstMatchState: UInt32(firstMatch), outputStart: outputStart, outputs: flat, confirm: confirm)
    }
}
