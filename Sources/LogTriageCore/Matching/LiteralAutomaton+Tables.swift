extension LiteralAutomaton {
    /// The transition tables of the automaton, built as Aho–Corasick's automaton over the ASCII-folded literals.
    ///
    /// Folding puts `A` and `a` in one class, so a case-insensitive literal is one path of the trie, never
    /// 2^letters of them. A case-sensitive literal with letters then matches a few strings too many (its other
    /// cases): its occurrences are confirmed byte for byte when reported (`confirm`), which costs nothing until
    /// the automaton is in one of its match states. Bytes no literal holds share one class.
    ///
    /// Complexity: O(L + S × C) time and O(S × C) memory for L bytes of literals, S ≤ L + 1 states (the trie's
    /// nodes) and C classes (distinct folded bytes, plus one): each state's row is filled once, from its failure
    /// state's row, in breadth-first order.
    struct Tables {
        /// Byte → class.
        var classOf: [UInt8]
        var classCount: Int
        /// `state * classCount + class` → next state; state 0 is the start (the trie's root).
        var transitions: [UInt32]
        /// States at or above this number have outputs.
        var firstMatchState: UInt32
        /// For match state `s`, its literals are `outputs[outputStart[s - firstMatchState] ..< outputStart[s - firstMatchState + 1]]`,
        /// in ascending order.
        var outputStart: [Int32]
        var outputs: [Int32]
        /// For each literal: whether an occurrence must be confirmed against the input bytes.
        var confirm: [Bool]
    }

    static func buildTables(_ literals: [Literal]) -> Tables {
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

        // The trie, rows filled with -1 for "no child yet".
        var table = [Int32](repeating: -1, count: classCount)
        var own: [[Int32]] = [[]]
        for (index, literal) in literals.enumerated() {
            var node = 0
            for byte in literal.bytes {
                let slot = node * classCount + Int(classOf[Int(byte)])
                if table[slot] < 0 {
                    table[slot] = Int32(own.count)
                    own.append([])
                    table += repeatElement(-1, count: classCount)
                }
                node = Int(table[slot])
            }
            own[node].append(Int32(index))
        }
        let stateCount = own.count

        // Breadth first: a state's failure state is shallower, so its row and outputs are complete already.
        var fail = [Int](repeating: 0, count: stateCount)
        var outputs = own
        var queue: [Int] = []
        queue.reserveCapacity(stateCount)
        for c in 0..<classCount {
            let child = table[c]
            if child < 0 {
                table[c] = 0
            } else {
                fail[Int(child)] = 0
                queue.append(Int(child))
            }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            let failRow = fail[state] * classCount
            for c in 0..<classCount {
                let slot = state * classCount + c
                let child = table[slot]
                if child < 0 {
                    table[slot] = table[failRow + c]
                } else {
                    let target = Int(table[failRow + c])
                    fail[Int(child)] = target
                    if !outputs[target].isEmpty { outputs[Int(child)] += outputs[target] }
                    queue.append(Int(child))
                }
            }
        }

        // Renumber so that states with outputs come last; the root has none and stays 0.
        var order = Array(0..<stateCount).filter { outputs[$0].isEmpty }
        let firstMatch = order.count
        order += (0..<stateCount).filter { !outputs[$0].isEmpty }
        var newNumber = [Int](repeating: 0, count: stateCount)
        for (new, old) in order.enumerated() { newNumber[old] = new }
        var transitions = [UInt32](repeating: 0, count: stateCount * classCount)
        for old in 0..<stateCount {
            let from = old * classCount
            let to = newNumber[old] * classCount
            for c in 0..<classCount { transitions[to + c] = UInt32(newNumber[Int(table[from + c])]) }
        }
        var outputStart: [Int32] = [0]
        var flat: [Int32] = []
        for old in order[firstMatch...] {
            flat += outputs[old].sorted()
            outputStart.append(Int32(flat.count))
        }
        let confirm = literals.map { literal in
            !literal.ignoreCase && literal.bytes.contains { ($0 | 0x20) &- UInt8(ascii: "a") < 26 }
        }
        return Tables(
            classOf: classOf, classCount: classCount, transitions: transitions,
            firstMatchState: UInt32(firstMatch), outputStart: outputStart, outputs: flat, confirm: confirm)
    }
}
