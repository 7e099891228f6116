import Foundation

/// Verification, the last step of matching: does a candidate record satisfy a rule's regex, and what values do
/// its named groups extract?
///
/// The one interface the regex engine is used through (`BoundedRegex`, PCRE2 with a match limit), so that the
/// engine can change without touching the matcher. Each matcher owns one verifier: a regex's match data is the
/// verifier's own, while the compiled patterns (`RuleRegexes`) are shared by the verifiers of one scan. Regexes
/// run on the record's bytes; only the values extracted become strings.
///
/// Complexity: one bounded regex run per candidate rule; a rule's pattern is compiled when a candidate first needs
/// it, once per scan, and its match data made once per verifier.
struct Verifier {
    private let compiled: RuleRegexes
    /// Each rule's regex with its named groups' numbers, made on first use.
    private var regexes: [Slot]

    private enum Slot {
        case unknown
        /// The rule has no regex (or, out of memory, none could be made).
        case none
        case regex(BoundedRegex, groups: [(name: String, number: Int32)])
    }

    /// The outcome of verifying one rule.
    enum Outcome {
        /// The values the rule extracts (empty for a rule without regex or named groups).
        case satisfied([(name: String, value: String)])
        case notSatisfied
        /// The regex's match limit cut the match off; the record does not count for the rule.
        case limitReached
    }

    init(_ compiled: RuleRegexes) {
        self.compiled = compiled
        regexes = Array(repeating: .unknown, count: compiled.count)
    }

    /// Verifies `rule` on a record's message.
    mutating func verify(rule: Int, _ message: UnsafeRawBufferPointer) -> Outcome {
        if case .unknown = regexes[rule] {
            if let (code, groups) = compiled.code(rule: rule), let regex = try? BoundedRegex(code: code) {
                regexes[rule] = .regex(regex, groups: groups)
            } else {
                regexes[rule] = .none
            }
        }
        guard case .regex(let regex, let groups) = regexes[rule] else { return .satisfied([]) }
        switch regex.match(message) {
        case .noMatch: return .notSatisfied
        case .limitReached: return .limitReached
        case .matched:
            var values: [(name: String, value: String)] = []
            for (name, number) in groups {
                if let bytes = regex.group(number, in: message), !bytes.isEmpty {
                    values.append((name, String(decoding: bytes, as: UTF8.self)))
                }
            }
            return .satisfied(values)
        }
    }
}

/// The rules' compiled regexes, shared by the verifiers of one scan. A pattern is compiled (with the JIT) when a
/// verifier first asks for it: in a given archive most rules never see a candidate, and compiling all of the
/// built-in catalog's patterns (about 240) took 4 ms of every job's start.
final class RuleRegexes: @unchecked Sendable {
    // Safe because `patterns` and `groupNames` are immutable, `codes` is read and written only while `lock` is
    // held, and a `BoundedRegex.Code` is only read once made.
    private let patterns: [String?]
    private let groupNames: [[String]]
    private let lock = NSLock()
    private var codes: [Compiled?]

    private enum Compiled {
        case none
        case code(BoundedRegex.Code, groups: [(name: String, number: Int32)])
    }

    init(_ table: RuleTable) {
        patterns = table.rules.map(\.definition.regex)
        groupNames = table.rules.map(\.definition.groupNames)
        codes = Array(repeating: nil, count: table.rules.count)
    }

    var count: Int { patterns.count }

    /// Rule `rule`'s compiled pattern and its named groups' numbers, or nil when it has none. Patterns were checked
    /// when the catalog was loaded, so each compiles (short of memory).
    func code(rule: Int) -> (BoundedRegex.Code, [(name: String, number: Int32)])? {
        lock.lock()
        defer { lock.unlock() }
        if codes[rule] == nil {
            if let pattern = patterns[rule], let code = try? BoundedRegex.Code(pattern) {
                let groups = groupNames[rule].compactMap { name in code.groupNumber(name).map { (name, $0) } }
                codes[rule] = .code(code, groups: groups)
            } else {
                codes[rule] = Compiled.none
            }
        }
        guard case .code(let code, let groups) = codes[rule] else { return nil }
        return (code, groups)
    }
}
