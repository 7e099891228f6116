/// Verification, the last step of matching: does a candidate record satisfy a rule's regex, and what values do
/// its named groups extract?
///
/// The one interface the regex engine is used through (`BoundedRegex`, PCRE2 with a match limit), so that the
/// engine can change without touching the matcher. Each matcher owns one verifier: a compiled regex holds its
/// match data, so verifiers on different threads share none. Regexes run on the record's bytes; only the values
/// extracted become strings.
///
/// Complexity: one bounded regex run per candidate rule.
struct Verifier {
    /// Each rule's regex; `nil` for a rule without one.
    private let regexes: [BoundedRegex?]
    /// Each rule's named groups, with their numbers.
    private let groups: [[(name: String, number: Int32)]]

    /// The outcome of verifying one rule.
    enum Outcome {
        /// The values the rule extracts (empty for a rule without regex or named groups).
        case satisfied([(name: String, value: String)])
        case notSatisfied
        /// The regex's match limit cut the match off; the record does not count for the rule.
        case limitReached
    }

    /// Compiles the rules' patterns. Patterns were checked when the catalog was loaded, so each compiles.
    init(_ table: RuleTable) {
        regexes = table.rules.map { rule in rule.definition.regex.flatMap { try? BoundedRegex($0) } }
        groups = zip(table.rules, regexes).map { rule, regex in
            guard let regex else { return [] }
            return rule.definition.groupNames.compactMap { name in regex.groupNumber(name).map { (name, $0) } }
        }
    }

    /// Verifies `rule` on a record's message.
    func verify(rule: Int, _ message: UnsafeRawBufferPointer) -> Outcome {
        guard let regex = regexes[rule] else { return .satisfied([]) }
        switch regex.match(message) {
        case .noMatch: return .notSatisfied
        case .limitReached: return .limitReached
        case .matched:
            var values: [(name: String, value: String)] = []
            for (name, number) in groups[rule] {
                if let bytes = regex.group(number, in: message), !bytes.isEmpty {
                    values.append((name, String(decoding: bytes, as: UTF8.self)))
                }
            }
            return .satisfied(values)
        }
    }
}
