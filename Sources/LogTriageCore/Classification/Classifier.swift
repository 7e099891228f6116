/// The classification stage of the pipeline: rule hits → incidents with counts, times, sources, evidence, values
/// and root-cause links.
///
/// Rules with a `context` need another record of the same source nearby, before or after. Context literals seen
/// are remembered per source by record index; a candidate whose context has not been seen yet waits until the
/// window of `within` records has passed. A record counts once per incident whatever number of its rules match.
///
/// Complexity: O(1) per record without hits (one source lookup); O(rules hit) otherwise.
public final class Classifier {
    public let matcher: CatalogMatcher
    let maxEvidence: Int
    let maxValues = 10
    /// Longest evidence text kept, in bytes of UTF-8.
    let maxEvidenceText = 4096

    private var aggregates: [Aggregate]
    private var sources: [SourceState] = []
    private var sourceIndex: [String: Int] = [:]
    private var sequence = 0

    /// What a classifier is told about each record besides its message.
    public struct Location {
        public var source: Int
        public var file: String
        public var line: Int
        public var offset: Int64
        public var time: Int64?

        public init(source: Int, file: String, line: Int, offset: Int64, time: Int64?) {
            self.source = source
            self.file = file
            self.line = line
            self.offset = offset
            self.time = time
        }
    }

    struct Aggregate {
        var count = 0
        var firstSeen: Int64?
        var lastSeen: Int64?
        var sources: [String] = []
        var evidence: [(sequence: Int, item: Evidence)] = []
        var values: [String: [String]] = [:]
    }

    struct SourceState {
        var name: String
        var records = 0
        /// Rule → index of the last record of this source holding one of its context literals.
        var lastContext: [Int: Int] = [:]
        var pending: [Pending] = []
    }

    /// A record that satisfied a context rule before its context was seen.
    struct Pending {
        var index: Int
        var rule: Int
        var incident: Int
        var evidence: Evidence
        var values: [(name: String, value: String)]
        var sequence: Int
    }

    public init(matcher: CatalogMatcher, maxEvidence: Int = 3) {
        self.matcher = matcher
        self.maxEvidence = max(1, maxEvidence)
        self.aggregates = Array(repeating: Aggregate(), count: matcher.catalog.incidents.count)
    }

    /// The number for a source name, made once per distinct name.
    public func source(named name: String) -> Int {
        if let index = sourceIndex[name] { return index }
        sources.append(SourceState(name: name))
        sourceIndex[name] = sources.count - 1
        return sources.count - 1
    }

    /// Takes one record: its matcher hits and context literals, and where it was.
    /// `message` is only read when there is something to keep as evidence.
    public func observe(
        _ message: UnsafeRawBufferPointer, at location: Location, hits: [CatalogMatcher.Hit], contextRules: [Int]
    ) {
        let s = location.source
        sources[s].records += 1
        let index = sources[s].records
        if !contextRules.isEmpty {
            for rule in contextRules { sources[s].lastContext[rule] = index }
            confirmPending(source: s, index: index, contextRules: contextRules)
        }
        if !sources[s].pending.isEmpty { expirePending(source: s, index: index) }
        guard !hits.isEmpty else { return }

        sequence += 1
        let evidence = Evidence(
            source: sources[s].name, file: location.file, line: location.line, offset: location.offset,
            time: location.time, text: evidenceText(message), rule: "")
        var counted = Set<Int>()
        for hit in hits {
            let rule = matcher.rules[hit.rule]
            var item = evidence
            item.rule = rule.definition.name
            if let context = rule.definition.context {
                let seenAt = sources[s].lastContext[hit.rule]
                if seenAt == nil || index - seenAt! >= context.within {
                    if !counted.contains(rule.incident) {
                        sources[s].pending.append(
                            Pending(
                                index: index, rule: hit.rule, incident: rule.incident, evidence: item,
                                values: hit.values, sequence: sequence))
                    }
                    continue
                }
            }
            if counted.insert(rule.incident).inserted {
                // A context rule of the same incident waiting on this very record is now redundant.
                sources[s].pending.removeAll { $0.index == index && $0.incident == rule.incident }
                add(item, incident: rule.incident, values: hit.values, sequence: sequence)
            } else {
                mergeValues(hit.values, incident: rule.incident)
            }
        }
    }

    private func confirmPending(source s: Int, index: Int, contextRules: [Int]) {
        var kept: [Pending] = []
        var confirmed = Set<[Int]>()
        for pending in sources[s].pending {
            let within = matcher.rules[pending.rule].definition.context?.within ?? 0
            if contextRules.contains(pending.rule) && index - pending.index < within {
                // Count a record once per incident even if several of its rules were waiting.
                if confirmed.insert([pending.index, pending.incident]).inserted {
                    add(
                        pending.evidence, incident: pending.incident, values: pending.values, sequence: pending.sequence
                    )
                } else {
                    mergeValues(pending.values, incident: pending.incident)
                }
            } else {
                kept.append(pending)
            }
        }
        sources[s].pending = kept
    }

    private func expirePending(source s: Int, index: Int) {
        sources[s].pending.removeAll { pending in
            index - pending.index >= (matcher.rules[pending.rule].definition.context?.within ?? 0)
        }
    }

    private func evidenceText(_ message: UnsafeRawBufferPointer) -> String {
        let slice = UnsafeRawBufferPointer(rebasing: message[..<min(message.count, maxEvidenceText)])
        var text = String(decoding: slice, as: UTF8.self)
        if message.count > maxEvidenceText { text += "…" }
        return text
    }

    private func add(_ evidence: Evidence, incident: Int, values: [(name: String, value: String)], sequence: Int) {
        var aggregate = aggregates[incident]
        aggregate.count += 1
        if let time = evidence.time {
            aggregate.firstSeen = min(aggregate.firstSeen ?? time, time)
            aggregate.lastSeen = max(aggregate.lastSeen ?? time, time)
        }
        if !aggregate.sources.contains(evidence.source) { aggregate.sources.append(evidence.source) }
        if aggregate.evidence.count < maxEvidence {
            aggregate.evidence.append((sequence, evidence))
        } else if !aggregate.evidence.contains(where: { $0.item.rule == evidence.rule }) {
            // Prefer showing each kind of evidence once: replace the newest example of a rule shown twice.
            var counts: [String: Int] = [:]
            for entry in aggregate.evidence { counts[entry.item.rule, default: 0] += 1 }
            if let victim = aggregate.evidence.lastIndex(where: { counts[$0.item.rule]! > 1 }) {
                aggregate.evidence[victim] = (sequence, evidence)
                aggregate.evidence.sort { $0.sequence < $1.sequence }
            }
        }
        aggregates[incident] = aggregate
        mergeValues(values, incident: incident)
    }

    private func mergeValues(_ values: [(name: String, value: String)], incident: Int) {
        for (name, value) in values {
            var list = aggregates[incident].values[name, default: []]
            if list.count < maxValues && !list.contains(value) {
                list.append(value)
                aggregates[incident].values[name] = list
            }
        }
    }

    /// The incidents found, most severe first, then by count; with root-cause links between them.
    /// Pending context candidates whose window never saw the context are dropped: they are not evidence.
    public func finish() -> [IncidentReport] {
        let incidents = matcher.catalog.incidents
        var reports: [IncidentReport] = []
        for (index, aggregate) in aggregates.enumerated() where aggregate.count > 0 {
            let incident = incidents[index]
            var names = incident.valueLabels.map(\.name)
            for name in aggregate.values.keys.sorted() where !names.contains(name) { names.append(name) }
            let values = names.compactMap { name -> IncidentReport.Value? in
                guard let list = aggregate.values[name], !list.isEmpty else { return nil }
                return .init(name: name, label: incident.label(for: name), values: list)
            }
            reports.append(
                IncidentReport(
                    incident: incident, count: aggregate.count, firstSeen: aggregate.firstSeen,
                    lastSeen: aggregate.lastSeen, sources: aggregate.sources, evidence: aggregate.evidence.map(\.item),
                    values: values, leadsTo: [], causedBy: []))
        }
        let found = Dictionary(uniqueKeysWithValues: reports.enumerated().map { ($1.incident.id, $0) })
        for cause in reports.indices {
            for effectID in reports[cause].incident.leadsTo {
                guard let effect = found[effectID], effect != cause else { continue }
                // A cause cannot start after everything it is said to explain has ended.
                if let start = reports[cause].firstSeen, let end = reports[effect].lastSeen, start > end { continue }
                reports[cause].leadsTo.append(effectID)
                reports[effect].causedBy.append(reports[cause].incident.id)
            }
        }
        return reports.sorted {
            ($0.incident.severity.rank, $0.isRootCause ? 0 : 1, -$0.count, $0.incident.id)
                < ($1.incident.severity.rank, $1.isRootCause ? 0 : 1, -$1.count, $1.incident.id)
        }
    }
}
