/// Verification, the last step of matching: does a candidate record satisfy a rule's regex, and what values do
/// its named groups extract?
///
/// The one interface the regex engine is used through, so that the engine can change without touching the
/// matcher. Each matcher owns one verifier (a compiled `Regex` keeps lazily built state, so verifiers on different
/// threads share none). A record is made a `String` once, on its first candidate rule, and only then.
///
/// Complexity: one regex run per candidate rule; the engine decides the rest.
struct Verifier {
    /// Each rule's regex; `nil` for a rule without one.
    private let regexes: [Regex<AnyRegexOutput>?]
    private let groupNames: [[String]]

    /// Compiles the rules' patterns. Patterns were checked when the catalog was loaded, so each compiles.
    /// Unicode-scalar semantics: a log line is matched as the characters it holds, not as grapheme clusters
    /// (which would, for one, make `\r\n` a single character), and it is faster.
    init(_ table: RuleTable) {
        regexes = table.rules.map { rule in
            rule.definition.regex.flatMap { try? Regex($0).matchingSemantics(.unicodeScalar) }
        }
        groupNames = table.rules.map(\.definition.groupNames)
    }

    /// The text of the record being verified, made on first use.
    struct Subject {
        let bytes: UnsafeRawBufferPointer
        fileprivate var text: String?

        init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }
    }

    /// The values `rule` extracts from the subject (empty for a rule without regex or without named groups), or
    /// `nil` when its regex does not match.
    func verify(rule: Int, _ subject: inout Subject) -> [(name: String, value: String)]? {
        guard let regex = regexes[rule] else { return [] }
        let text = subject.text ?? String(decoding: subject.bytes, as: UTF8.self)
        subject.text = text
        guard let found = try? regex.firstMatch(in: text) else { return nil }
        var values: [(name: String, value: String)] = []
        for name in groupNames[rule] {
            if let value = found.output[name]?.substring, !value.isEmpty { values.append((name, String(value))) }
        }
        return values
    }
}
