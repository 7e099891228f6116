/// The reporting stage's view of a `PatternTest`: per rule, the records matched (with values) and rejected (with
/// the reason), then a summary line; what `logtriage patterns test` prints.
public struct PatternTestReport {
    public var test: PatternTest
    public var sample: PatternTest.Sample
    /// Records listed per rule and list; 0 lists all.
    public var maxShown: Int
    /// Also list the records no rule tested matched.
    public var showMisses: Bool
    /// Show rules no record touched as well (when particular incidents are tested).
    public var everyRule: Bool

    public init(test: PatternTest, sample: PatternTest.Sample, maxShown: Int, showMisses: Bool, everyRule: Bool) {
        self.test = test
        self.sample = sample
        self.maxShown = maxShown
        self.showMisses = showMisses
        self.everyRule = everyRule
    }

    public func render() -> String {
        var out = ""
        out += "\(test.records.count) record\(test.records.count == 1 ? "" : "s") read"
        out += ", \(test.examined) with a literal of a rule tested"
        if sample.truncated { out += " (only the first \(test.records.count) were kept)" }
        out += ".\n"
        for result in test.results where everyRule || !result.matched.isEmpty || !result.rejected.isEmpty {
            out += "\n\(result.incident) / \(result.rule): \(result.matched.count) matched, "
            out += "\(result.rejected.count) rejected\n"
            if result.matched.isEmpty && result.rejected.isEmpty { out += "  no record contains one of its literals\n" }
            out += list(result.matched, mark: "matched ") { outcome in
                outcome.values.map { "\($0.name)=\(TerminalText.visible($0.value))" }.joined(separator: " ")
            }
            out += list(result.rejected, mark: "rejected") { $0.rejection ?? "" }
        }
        if showMisses {
            out += "\nRecords no rule tested matched (\(test.unmatched.count)):\n"
            let shown = maxShown == 0 ? test.unmatched[...] : test.unmatched.prefix(maxShown)
            for index in shown { out += "  " + place(index) + "\n      " + text(index) + "\n" }
            if shown.count < test.unmatched.count { out += "  … and \(test.unmatched.count - shown.count) more\n" }
        }
        out += "\n" + summary()
        return out
    }

    private func list(
        _ outcomes: [PatternTest.Outcome], mark: String, detail: (PatternTest.Outcome) -> String
    ) -> String {
        var out = ""
        let shown = maxShown == 0 ? outcomes[...] : outcomes.prefix(maxShown)
        for outcome in shown {
            let extra = detail(outcome)
            out += "  \(mark) \(place(outcome.record))" + (extra.isEmpty ? "" : "  \(extra)") + "\n"
            out += "      " + text(outcome.record) + "\n"
        }
        if shown.count < outcomes.count { out += "  … and \(outcomes.count - shown.count) more \(mark)\n" }
        return out
    }

    private func place(_ index: Int) -> String {
        let record = test.records[index]
        var place = "\(TerminalText.visible(record.file)):\(record.line)"
        if record.source != record.file { place = TerminalText.visible(record.source) + " " + place }
        return place
    }

    private func text(_ index: Int) -> String {
        let text = test.records[index].text
        let shown = text.count > 200 ? String(text.prefix(200)) + "…" : text
        return TerminalText.visible(shown)
    }

    /// `Summary: 25 records; 12 matched 3 rules of 2 incidents; 2 rejected (regex 1, not 1, context 0); …`.
    func summary() -> String {
        let matchedRules = test.results.count { !$0.matched.isEmpty }
        let incidents = Set(test.results.filter { !$0.matched.isEmpty }.map(\.incident))
        let rejected = test.results.flatMap(\.rejected)
        let kinds = [("regex", "the regex"), ("not", "`not`"), ("context", "no record of")].map { name, marker in
            "\(name) \(rejected.count { $0.rejection?.contains(marker) == true })"
        }
        let matchedRecords = test.records.count - test.unmatched.count
        var line =
            "Summary: \(test.records.count) records; \(matchedRecords) matched \(matchedRules) rule"
            + "\(matchedRules == 1 ? "" : "s") of \(incidents.count) incident\(incidents.count == 1 ? "" : "s"); "
            + "\(rejected.count) rejected (\(kinds.joined(separator: ", "))); \(test.unmatched.count) matched no rule"
        if !showMisses && !test.unmatched.isEmpty { line += " (--show-misses lists them)" }
        line += ".\n"
        // What `scan` counted for the same sample: the same numbers, unless the fast path and the rules disagree.
        for (id, count) in test.matchedRecords.sorted(by: { $0.key < $1.key }) {
            let scanned = sample.result.incidents.first { $0.incident.id == id }?.count ?? 0
            if scanned != count && !sample.truncated {
                line += "Warning: scan counts \(scanned) records for \(id), the rules \(count); please report this.\n"
            }
        }
        return line
    }
}
