/// What classification has counted per incident: counts, first and last seen, sources, evidence and values.
///
/// A tally can be merged with the tally of later input (`merge(_:)`), with exactly the result of counting both
/// inputs one after the other: that is how files scanned in parallel give the same report as one sequential scan.
/// To make that exact while staying bounded, each incident keeps not only its shown evidence but the events that
/// could still become shown evidence after a merge: the first `maxEvidence` and the first of each rule. Any later
/// event of a rule already seen can never be shown (see `selectEvidence`), so dropping it changes nothing.
public struct IncidentTally: Sendable {
    struct Entry: Codable, Sendable {
        var count = 0
        var firstSeen: Int64?
        var lastSeen: Int64?
        var sources: [String] = []
        /// Candidates for display in input order: the first `maxEvidence` events and the first of each rule.
        var events: [Evidence] = []
        var rulesSeen: Set<String> = []
        var values: [String: [String]] = [:]
        /// The last event counted, shown as well when it is not among the first.
        var latest: Evidence?
        /// Where the events were found, in order of first sight; at most `maxPlaces`.
        var places: [PlaceSpan] = []

        init() {}

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            count = try container.decode(Int.self, forKey: .count)
            firstSeen = try container.decodeIfPresent(Int64.self, forKey: .firstSeen)
            lastSeen = try container.decodeIfPresent(Int64.self, forKey: .lastSeen)
            sources = try container.decode([String].self, forKey: .sources)
            events = try container.decode([Evidence].self, forKey: .events)
            rulesSeen = try container.decode(Set<String>.self, forKey: .rulesSeen)
            values = try container.decode([String: [String]].self, forKey: .values)
            latest = try container.decodeIfPresent(Evidence.self, forKey: .latest)
            // Absent in state written before places were kept.
            places = try container.decodeIfPresent([PlaceSpan].self, forKey: .places) ?? []
        }
    }

    public let incidents: [Incident]
    public let maxEvidence: Int
    /// Distinct values kept per value name.
    static let maxValues = 10
    /// Places kept per incident; records at further places still count, but the diagnosis does not see them.
    static let maxPlaces = 64
    /// The entries of the incidents counted, by incident number. A tally of input that found nothing holds
    /// nothing: the tallies of the sets that finished before their turn to be merged wait with little weight.
    private var entries: [Int: Entry] = [:]
    /// The place of the file last counted in: records come file by file, and finding a place splits the path.
    private var lastPlace: (file: String, place: Place)?

    public init(incidents: [Incident], maxEvidence: Int) {
        self.incidents = incidents
        self.maxEvidence = max(1, maxEvidence)
    }

    /// What was counted for `incident` (an empty entry when nothing was). O(1).
    func entry(_ incident: Int) -> Entry { entries[incident] ?? Entry() }

    /// The incidents counted, in incident order, with their entries. O(k log k) for k incidents counted.
    var counted: [(incident: Int, entry: Entry)] {
        entries.filter { $0.value.count > 0 }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Sets what was counted for `incident` from a stored entry (the state store's). O(1).
    mutating func restore(_ entry: Entry, incident: Int) {
        entries[incident] = entry
    }

    /// Whether nothing was counted.
    public var isEmpty: Bool { entries.values.allSatisfy { $0.count == 0 } }

    /// Counts one record as evidence for `incident`. O(sources + values) of that incident.
    mutating func add(_ evidence: Evidence, incident: Int, values: [(name: String, value: String)]) {
        if lastPlace?.file != evidence.file { lastPlace = (evidence.file, Place.of(file: evidence.file)) }
        let place = lastPlace!.place
        let maxEvidence = maxEvidence
        update(incident) { entry in
            entry.addEvent(evidence, index: entry.count, maxEvidence: maxEvidence)
            entry.count += 1
            entry.latest = evidence
            if let time = evidence.time {
                entry.firstSeen = min(entry.firstSeen ?? time, time)
                entry.lastSeen = max(entry.lastSeen ?? time, time)
            }
            if !entry.sources.contains(evidence.source) { entry.sources.append(evidence.source) }
            entry.addPlace(PlaceSpan(evidence, place: place))
        }
        mergeValues(values, incident: incident)
    }

    /// Adds values found in a record already counted for `incident`.
    mutating func mergeValues(_ values: [(name: String, value: String)], incident: Int) {
        guard !values.isEmpty else { return }
        update(incident) { entry in
            for (name, value) in values { entry.addValue(value, name: name) }
        }
    }

    /// Changes the entry of `incident` in place, made empty first if there is none. O(1) beyond `body`.
    private mutating func update(_ incident: Int, _ body: (inout Entry) -> Void) {
        body(&entries[incident, default: Entry()])
    }

    /// Appends the tally of input that came after this one's. O(size of `other`).
    public mutating func merge(_ other: IncidentTally) {
        precondition(
            other.incidents.count == incidents.count && other.maxEvidence == maxEvidence, "tallies differ")
        // Each incident's entry merges on its own, so the order the incidents come in does not matter.
        for (incident, theirs) in other.entries where theirs.count > 0 {
            var entry = entries[incident] ?? Entry()
            for (position, event) in theirs.events.enumerated() {
                // The event's index in the other input: exact for its first `maxEvidence`, and at least
                // `maxEvidence` for the rest, which is all `addEvent` needs to know.
                entry.addEvent(event, index: entry.count + min(position, maxEvidence), maxEvidence: maxEvidence)
            }
            entry.count += theirs.count
            if let latest = theirs.latest { entry.latest = latest }
            if let first = theirs.firstSeen { entry.firstSeen = min(entry.firstSeen ?? first, first) }
            if let last = theirs.lastSeen { entry.lastSeen = max(entry.lastSeen ?? last, last) }
            for source in theirs.sources where !entry.sources.contains(source) { entry.sources.append(source) }
            for span in theirs.places { entry.addPlace(span) }
            for (name, list) in theirs.values.sorted(by: { $0.key < $1.key }) {
                for value in list { entry.addValue(value, name: name) }
            }
            entries[incident] = entry
        }
    }

    /// The incidents found, most severe first, then root causes first, then by count; with the root-cause links
    /// `Diagnosis` finds.
    public func reports() -> [IncidentReport] {
        var reports: [IncidentReport] = []
        for (index, entry) in counted {
            let incident = incidents[index]
            var names = incident.valueLabels.map(\.name)
            for name in entry.values.keys.sorted() where !names.contains(name) { names.append(name) }
            let values = names.compactMap { name -> IncidentReport.Value? in
                guard let list = entry.values[name], !list.isEmpty else { return nil }
                return .init(name: name, label: incident.label(for: name), values: list)
            }
            reports.append(
                IncidentReport(
                    incident: incident, count: entry.count, firstSeen: entry.firstSeen, lastSeen: entry.lastSeen,
                    sources: entry.sources, evidence: Self.selectEvidence(entry.events, maxEvidence: maxEvidence),
                    latest: entry.latest,
                    values: values, leadsTo: [], causedBy: [], places: entry.places))
        }
        for link in Diagnosis.links(among: reports) {
            reports[link.cause].leadsTo.append(reports[link.effect].incident.id)
            reports[link.effect].causedBy.append(reports[link.cause].incident.id)
        }
        return reports.sorted {
            ($0.incident.severity.rank, $0.isRootCause ? 0 : 1, -$0.count, $0.incident.id)
                < ($1.incident.severity.rank, $1.isRootCause ? 0 : 1, -$1.count, $1.incident.id)
        }
    }

    /// The evidence shown: the first `maxEvidence` records, except that a rule not shown yet replaces the newest
    /// record of a rule shown more than once, so that each kind of evidence is shown once if it can be.
    ///
    /// Once a rule is shown it stays shown (only a rule shown twice gives up a record), so an event whose rule was
    /// seen before, arriving when `maxEvidence` records are shown, is never taken: the events `Entry` drops.
    /// O(events × maxEvidence).
    static func selectEvidence(_ events: [Evidence], maxEvidence: Int) -> [Evidence] {
        var shown: [(order: Int, item: Evidence)] = []
        for (order, event) in events.enumerated() {
            if shown.count < maxEvidence {
                shown.append((order, event))
            } else if !shown.contains(where: { $0.item.rule == event.rule }) {
                var counts: [String: Int] = [:]
                for entry in shown { counts[entry.item.rule, default: 0] += 1 }
                if let victim = shown.lastIndex(where: { counts[$0.item.rule]! > 1 }) {
                    shown[victim] = (order, event)
                    shown.sort { $0.order < $1.order }
                }
            }
        }
        return shown.map(\.item)
    }
}

extension IncidentTally.Entry {
    /// Keeps `event` if it can still be shown: it is among the first `maxEvidence` (`index` is its position among
    /// all of this incident's events) or the first of its rule.
    mutating func addEvent(_ event: Evidence, index: Int, maxEvidence: Int) {
        let firstOfRule = rulesSeen.insert(event.rule).inserted
        if index < maxEvidence || firstOfRule { events.append(event) }
    }

    /// Counts `span` into the span of its place (made on first sight, while fewer than `maxPlaces` are kept).
    mutating func addPlace(_ span: PlaceSpan) {
        if let index = places.firstIndex(where: { $0.place == span.place }) {
            places[index].absorb(span)
        } else if places.count < IncidentTally.maxPlaces {
            places.append(span)
        }
    }

    mutating func addValue(_ value: String, name: String) {
        var list = values[name, default: []]
        guard list.count < IncidentTally.maxValues && !list.contains(value) else { return }
        list.append(value)
        values[name] = list
    }
}
