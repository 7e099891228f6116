import Testing

@testable import LogTriageCore

@Suite struct IncidentTallyTests {
    static let incidents = (0..<3).map { i in
        ClassifierTests.incident("incident-\(i)", rules: [ClassifierTests.rule("r", ["x"])])
    }

    struct Event {
        var incident: Int
        var evidence: Evidence
        var values: [(name: String, value: String)]
    }

    static func randomEvents(_ count: Int, _ random: inout SplitMix64) -> [Event] {
        (0..<count).map { n in
            // Times over about an hour, so that places keep more minutes than `PlaceSpan.marksKept` allows.
            let time: Int64? =
                Int.random(in: 0..<5, using: &random) == 0
                ? nil : Int64.random(in: 0..<120, using: &random) * 37_000_000 + Int64.random(in: 0..<3, using: &random)
            let file = ["f", "a/var/log/x.log", "b/var/log/y.log"][Int.random(in: 0..<3, using: &random)]
            let evidence = Evidence(
                source: "s\(Int.random(in: 0..<4, using: &random))", file: file, line: n + 1, offset: Int64(n),
                time: time, text: "record \(n)", rule: "rule-\(Int.random(in: 0..<5, using: &random))")
            let values = (0..<Int.random(in: 0..<3, using: &random)).map { _ in
                (name: "v\(Int.random(in: 0..<2, using: &random))", value: "\(Int.random(in: 0..<15, using: &random))")
            }
            return Event(incident: Int.random(in: 0..<3, using: &random), evidence: evidence, values: values)
        }
    }

    static func tally(_ events: ArraySlice<Event>, maxEvidence: Int) -> IncidentTally {
        var tally = IncidentTally(incidents: incidents, maxEvidence: maxEvidence)
        for event in events { tally.add(event.evidence, incident: event.incident, values: event.values) }
        return tally
    }

    /// Counting input in pieces and merging the pieces in order gives what counting it in one go gives, for any
    /// cut: what makes `--jobs` invisible in the report.
    @Test(arguments: 0..<200)
    func mergingPiecesEqualsCountingInOneGo(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let events = Self.randomEvents(Int.random(in: 0..<400, using: &random), &random)
        let maxEvidence = Int.random(in: 1...5, using: &random)
        let whole = Self.tally(events[...], maxEvidence: maxEvidence).reports()

        var cuts = (0..<Int.random(in: 0..<6, using: &random)).map { _ in
            Int.random(in: 0...events.count, using: &random)
        }
        cuts = ([0] + cuts + [events.count]).sorted()
        var merged = IncidentTally(incidents: Self.incidents, maxEvidence: maxEvidence)
        for (from, to) in zip(cuts, cuts.dropFirst()) {
            merged.merge(Self.tally(events[from..<to], maxEvidence: maxEvidence))
        }
        #expect(merged.reports() == whole, "seed \(seed), cuts \(cuts)")
    }

    /// A tally holds entries only for the incidents it counted, handed out in incident order whatever order they
    /// were counted in; values for an incident not counted make no entry.
    @Test func onlyCountedIncidentsHaveEntries() {
        func evidence(_ line: Int) -> Evidence {
            Evidence(source: "s", file: "f", line: line, offset: 0, time: nil, text: "", rule: "r")
        }
        var tally = IncidentTally(incidents: Self.incidents, maxEvidence: 3)
        #expect(tally.isEmpty && tally.counted.isEmpty)
        tally.mergeValues([], incident: 1)
        tally.add(evidence(1), incident: 2, values: [])
        tally.add(evidence(2), incident: 0, values: [(name: "v", value: "1")])
        tally.add(evidence(3), incident: 2, values: [])
        #expect(!tally.isEmpty)
        #expect(tally.counted.map(\.incident) == [0, 2])
        #expect(tally.counted.map(\.entry.count) == [1, 2])
        #expect(tally.entry(1).count == 0)
        #expect(tally.entry(0).values == ["v": ["1"]])
    }

    /// The shown evidence follows the documented preference, checked on a hand-made case: the third kind of
    /// evidence replaces the newest record of a kind shown twice.
    @Test func evidencePrefersDistinctRules() {
        func event(_ line: Int, _ rule: String) -> Evidence {
            Evidence(source: "s", file: "f", line: line, offset: 0, time: nil, text: "", rule: rule)
        }
        let events = [event(1, "a"), event(2, "a"), event(3, "a"), event(4, "b"), event(5, "c"), event(6, "b")]
        let shown = IncidentTally.selectEvidence(events, maxEvidence: 3)
        #expect(shown.map(\.line) == [1, 4, 5])
    }
}
