/// The classification stage of the pipeline: rule hits → incidents with counts, times, sources, evidence, values
/// and root-cause links.
///
/// Rules with a `context` need another record of the same source nearby, before or after. Context literals seen
/// are remembered per source by record index; a candidate whose context has not been seen yet waits until the
/// window of `within` records has passed. A record counts once per incident whatever number of its rules match.
/// A classifier sees one stretch of input (a scan job's rotated sets); what it counts is an `IncidentTally`, which
/// merges with the tallies of other stretches in input order.
///
/// Complexity: O(1) per record without hits (one source lookup); O(rules hit) otherwise.
public final class Classifier {
    public let table: RuleTable
    /// Longest evidence text kept, in bytes of UTF-8.
    let maxEvidenceText = 4096

    private var counted: IncidentTally
    private var sourceTable = SourceTable()
    private var sources: [SourceState] = []

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

    struct SourceState {
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
    }

    /// Told of each record as it is counted for an incident (`newRecord`), and of values found in a record
    /// already counted (`newRecord` false): how the live pipeline reports and stores what `tail` finds.
    var onCount:
        ((_ incident: Int, _ evidence: Evidence, _ values: [(name: String, value: String)], _ newRecord: Bool) -> Void)?

    public init(rules: RuleTable, maxEvidence: Int = 3) {
        self.table = rules
        self.counted = IncidentTally(incidents: rules.incidents, maxEvidence: maxEvidence)
    }

    /// The number for a source name, made once per distinct name. O(name length).
    public func source(named name: String) -> Int {
        let number = sourceTable.number(for: name)
        if number == sources.count { sources.append(SourceState()) }
        return number
    }

    /// The number for a source named by a record's own bytes (a journald unit, a compose service). O(length).
    /// The name of source `number`.
    func sourceName(_ number: Int) -> String { sourceTable.names[number] }

    func source(namedBytes bytes: UnsafeRawBufferPointer) -> Int {
        let number = sourceTable.number(forBytes: bytes)
        if number == sources.count { sources.append(SourceState()) }
        return number
    }

    /// Takes one record that holds no literal of the catalog (most records): it only moves the source's context
    /// windows on. The same as `observe` with no hits and no context rules, without making a `Location`. O(1)
    /// unless context candidates wait.
    public func pass(source s: Int) {
        sources[s].records += 1
        if !sources[s].pending.isEmpty { expirePending(source: s, index: sources[s].records) }
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

        let evidence = Evidence(
            source: sourceTable.names[s], file: location.file, line: location.line, offset: location.offset,
            time: location.time, text: evidenceText(message), rule: "")
        var countedIncidents = Set<Int>()
        // Value names already given for an incident by an earlier (more specific) rule on this record: a later,
        // looser rule of the same incident does not add its own reading of them (`port: 80, 03`). Only a record
        // with more than one hit needs them.
        var namesGiven: [Int: Set<String>] = [:]
        for hit in hits {
            // The rule's fields are read in place: a copy of the whole rule costs a retain of each of its parts.
            let incident = table.rules[hit.rule].incident
            var item = evidence
            item.rule = table.rules[hit.rule].definition.name
            if let within = table.rules[hit.rule].definition.context?.within {
                let seenAt = sources[s].lastContext[hit.rule]
                if seenAt == nil || index - seenAt! >= within {
                    if !countedIncidents.contains(incident) {
                        sources[s].pending.append(
                            Pending(
                                index: index, rule: hit.rule, incident: incident, evidence: item,
                                values: hit.values))
                    }
                    continue
                }
            }
            if countedIncidents.insert(incident).inserted {
                // A context rule of the same incident waiting on this very record is now redundant.
                if !sources[s].pending.isEmpty {
                    sources[s].pending.removeAll { $0.index == index && $0.incident == incident }
                }
                count(item, incident: incident, values: hit.values)
                if hits.count > 1 { namesGiven[incident] = Set(hit.values.map(\.name)) }
            } else {
                let given = namesGiven[incident, default: []]
                let added = hit.values.filter { !given.contains($0.name) }
                guard !added.isEmpty else { continue }
                namesGiven[incident] = given.union(added.map(\.name))
                mergeValues(added, incident: incident, evidence: item)
            }
        }
    }

    private func confirmPending(source s: Int, index: Int, contextRules: [Int]) {
        var kept: [Pending] = []
        var confirmed = Set<[Int]>()
        for pending in sources[s].pending {
            let within = table.rules[pending.rule].definition.context?.within ?? 0
            if contextRules.contains(pending.rule) && index - pending.index < within {
                // Count a record once per incident even if several of its rules were waiting.
                if confirmed.insert([pending.index, pending.incident]).inserted {
                    count(pending.evidence, incident: pending.incident, values: pending.values)
                } else {
                    mergeValues(pending.values, incident: pending.incident, evidence: pending.evidence)
                }
            } else {
                kept.append(pending)
            }
        }
        sources[s].pending = kept
    }

    private func count(_ evidence: Evidence, incident: Int, values: [(name: String, value: String)]) {
        counted.add(evidence, incident: incident, values: values)
        onCount?(incident, evidence, values, true)
    }

    private func mergeValues(_ values: [(name: String, value: String)], incident: Int, evidence: Evidence) {
        counted.mergeValues(values, incident: incident)
        onCount?(incident, evidence, values, false)
    }

    private func expirePending(source s: Int, index: Int) {
        sources[s].pending.removeAll { pending in
            index - pending.index >= (table.rules[pending.rule].definition.context?.within ?? 0)
        }
    }

    private func evidenceText(_ message: UnsafeRawBufferPointer) -> String {
        EvidenceText.make(message, limit: maxEvidenceText)
    }

    /// What was counted. Pending context candidates whose window never saw the context are left out: they are
    /// not evidence. O(incidents).
    public func tally() -> IncidentTally { counted }

    /// The incidents found, as `IncidentTally.reports()` orders them.
    public func finish() -> [IncidentReport] { counted.reports() }
}
