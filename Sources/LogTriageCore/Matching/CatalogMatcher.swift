import Foundation

/// The matching stage of the pipeline: which evidence rules of the catalog does one record's message satisfy?
///
/// Every literal of every rule (triggers, `not` literals and context literals) is compiled into one
/// `LiteralAutomaton`, so a record costs one pass over its bytes however large the catalog. Only records in which
/// the automaton finds a trigger literal are verified further: `not` literals, then the rule's regex through the
/// `Verifier`. Context (another record nearby) spans records and is left to classification, which
/// gets here the context literals each record contains.
///
/// Complexity: `match` is O(n) in the message for records without a candidate, plus one regex run per candidate
/// rule.
public final class CatalogMatcher {
    /// A rule the record satisfies (before context), with the values its regex extracted.
    public struct Hit {
        /// Index into the rule table's `rules`.
        public var rule: Int
        public var values: [(name: String, value: String)]
    }

    enum Role { case trigger, reject, context }

    /// What every matcher of one catalog shares, built once per scan: the rule table, the automaton of all the
    /// catalog's literals, and the roles each literal plays. Matchers running on several threads use one program.
    public final class Program: @unchecked Sendable {
        // Sendable because every stored property is immutable after `init`, the automaton's `scan` only reads its
        // tables, and `regexes` is Sendable (it locks).
        public let table: RuleTable
        /// The gates decoders use to skip the lines of a chunk that hold none of the table's literals.
        public let gates: CandidateGates
        let automaton: LiteralAutomaton
        /// For each automaton literal, the rules it plays a role in.
        let roles: [[(rule: Int, role: Role)]]
        /// The rules' regexes, compiled as the matchers first need them.
        let regexes: RuleRegexes

        private enum Part {
            case automaton(LiteralAutomaton)
            case gate(CandidateGate)
        }

        /// Builds the automata, on up to `threads` threads. O(total literal length) plus the automata's
        /// construction.
        public init(_ table: RuleTable, threads: Int = availableCores) {
            var literalIndex: [LiteralAutomaton.Literal: Int] = [:]
            var literals: [LiteralAutomaton.Literal] = []
            var roles: [[(rule: Int, role: Role)]] = []
            func add(_ text: String, ignoreCase: Bool, rule: Int, role: Role) {
                let literal = LiteralAutomaton.Literal(text, ignoreCase: ignoreCase)
                let index: Int
                if let existing = literalIndex[literal] {
                    index = existing
                } else {
                    index = literals.count
                    literalIndex[literal] = index
                    literals.append(literal)
                    roles.append([])
                }
                roles[index].append((rule, role))
            }
            for (ruleIndex, rule) in table.rules.enumerated() {
                let definition = rule.definition
                for text in definition.any {
                    add(text, ignoreCase: definition.ignoreCase, rule: ruleIndex, role: .trigger)
                }
                for text in definition.not {
                    add(text, ignoreCase: definition.ignoreCase, rule: ruleIndex, role: .reject)
                }
                for text in definition.context?.any ?? [] {
                    add(text, ignoreCase: definition.ignoreCase, rule: ruleIndex, role: .context)
                }
            }
            self.table = table
            self.roles = roles
            self.regexes = RuleRegexes(table)
            // The three automata are built side by side: most of a small scan's start-up is spent here.
            let ordered = CandidateGates.literals(table)
            let encodings: [CandidateGate.Encoding?] = [nil, .verbatim, .jsonString]
            let parts = encodings.concurrentMap(threads: threads) { encoding -> Part in
                guard let encoding else { return .automaton(LiteralAutomaton(literals)) }
                return .gate(CandidateGate(ordered, encoding: encoding))
            }
            guard case .automaton(let automaton) = parts[0], case .gate(let verbatim) = parts[1],
                case .gate(let jsonString) = parts[2]
            else { preconditionFailure("concurrentMap keeps the order of its elements") }
            self.automaton = automaton
            self.gates = CandidateGates(verbatim: verbatim, jsonString: jsonString)
        }
    }

    public let program: Program
    public var rules: [RuleTable.Rule] { program.table.rules }
    /// Verification of candidates, this matcher's own.
    private var verifier: Verifier

    // Per-record scratch, reused so that matching allocates nothing for records without candidates.
    private var triggered: [Bool]
    private var rejected: [Bool]
    private var contextSeen: [Bool]
    private var touched: [Int] = []

    /// A matcher with a program of its own.
    public convenience init(catalog: Catalog) {
        self.init(program: Program(RuleTable(catalog)))
    }

    /// A matcher sharing `program`. O(rules).
    public init(program: Program) {
        self.program = program
        let rules = program.table.rules
        self.verifier = Verifier(program.regexes)
        self.triggered = Array(repeating: false, count: rules.count)
        self.rejected = Array(repeating: false, count: rules.count)
        self.contextSeen = Array(repeating: false, count: rules.count)
    }

    /// Rules whose regex hit its match limit on the last message matched (usually empty).
    public private(set) var limitReached: [Int] = []

    /// Finds the rules `message` satisfies and the rules whose context literals it contains.
    ///
    /// `hits` and `contextRules` are cleared and filled; passing the same arrays each time avoids allocation.
    /// Rules whose regex was cut off by its match limit are not hits; they are listed in `limitReached`.
    public func match(_ message: UnsafeRawBufferPointer, hits: inout [Hit], contextRules: inout [Int]) {
        hits.removeAll(keepingCapacity: true)
        contextRules.removeAll(keepingCapacity: true)
        if !limitReached.isEmpty { limitReached.removeAll(keepingCapacity: true) }
        let roles = program.roles
        program.automaton.scan(message) { literal in
            for (rule, role) in roles[literal] {
                if !triggered[rule] && !rejected[rule] && !contextSeen[rule] { touched.append(rule) }
                switch role {
                case .trigger: triggered[rule] = true
                case .reject: rejected[rule] = true
                case .context: contextSeen[rule] = true
                }
            }
        }
        guard !touched.isEmpty else { return }
        touched.sort()
        for rule in touched {
            if contextSeen[rule] { contextRules.append(rule) }
            if triggered[rule] && !rejected[rule] {
                switch verifier.verify(rule: rule, message) {
                case .satisfied(let values): hits.append(Hit(rule: rule, values: values))
                case .notSatisfied: break
                case .limitReached: limitReached.append(rule)
                }
            }
            triggered[rule] = false
            rejected[rule] = false
            contextSeen[rule] = false
        }
        touched.removeAll(keepingCapacity: true)
    }
}
