/// The classification stage's last step: which incidents found are links of one chain, and which one most likely
/// started it.
///
/// The catalog says what can cause what (`leads_to`); the records say whether it did here. A cause is linked to
/// an effect only where both were seen in one deployment and the cause came first:
/// - **place**: two host trees that differ (`Place`) are two machines and never link. Records in the same tree or
///   folder link on time, or with no time at all when neither has one; records in different folders (no layout
///   known) link on time alone.
/// - **time**: at that pair of places the effect has a record no earlier than `leeway` before the cause's first
///   record (clocks of two sources differ, and nginx may log a 502 in the same second a worker dies) and no later
///   than `horizon` after the cause's last record, to the minute (`PlaceSpan.marks`).
///
/// A chain is made of incidents at places: it starts at a cause (at one place) that nothing found there explains,
/// and takes in everything its links reach, so two deployments with the same trouble give two chains. Chains are
/// ordered by when their root was first seen (most likely first), then by severity.
///
/// Complexity: O(links × places²) per incident pair, with at most `IncidentTally.maxPlaces` places each.
public struct Diagnosis: Equatable, Sendable {
    /// How long before the cause's first record the effect may start.
    public static let leeway: Int64 = 120 * 1_000_000
    /// How long after the cause's last record the effect may still start.
    public static let horizon: Int64 = 30 * 60 * 1_000_000

    public struct Chain: Equatable, Sendable {
        /// The incident that most likely started it.
        public var rootCause: String
        /// The incidents it explains, in the order the links reach them.
        public var explains: [String]
        /// The places the links were found at (host trees or folders), in the order first seen.
        public var places: [String]
        /// The first record of each incident of the chain at those places, earliest first (records without a
        /// time last).
        public var timeline: [Step]
    }

    public struct Step: Equatable, Sendable {
        public var incident: String
        public var evidence: Evidence
    }

    /// The chains, most likely first; empty when the evidence supports no link.
    public var chains: [Chain]

    /// One link: indices into the reports given.
    struct Link: Equatable {
        var cause: Int
        var effect: Int
        /// The span pairs the link holds at, with the effect's record that supports it.
        var spans: [(cause: PlaceSpan, effect: PlaceSpan, support: Evidence)]

        static func == (lhs: Link, rhs: Link) -> Bool { lhs.cause == rhs.cause && lhs.effect == rhs.effect }
    }

    /// The links the evidence supports among `reports`, in catalog order of causes.
    static func links(among reports: [IncidentReport]) -> [Link] {
        let found = Dictionary(
            reports.enumerated().map { ($1.incident.id, $0) }, uniquingKeysWith: { first, _ in first })
        var links: [Link] = []
        for (cause, report) in reports.enumerated() {
            for effectID in report.incident.leadsTo {
                guard let effect = found[effectID], effect != cause else { continue }
                var spans: [(cause: PlaceSpan, effect: PlaceSpan, support: Evidence)] = []
                for causeSpan in report.places {
                    for effectSpan in reports[effect].places {
                        if let record = support(cause: causeSpan, effect: effectSpan) {
                            spans.append((causeSpan, effectSpan, record))
                        }
                    }
                }
                if !spans.isEmpty { links.append(Link(cause: cause, effect: effect, spans: spans)) }
            }
        }
        return links
    }

    /// The effect's record that supports the link between records of a cause at one place and of its effect at
    /// another (its earliest in the window), or nil when they do not support it.
    static func support(cause: PlaceSpan, effect: PlaceSpan) -> Evidence? {
        if cause.place.isOtherHost(than: effect.place) { return nil }
        guard let causeFirst = cause.firstSeen, let causeLast = cause.lastSeen, effect.firstSeen != nil else {
            // Without times, only one tree or folder says they belong together; and then only when neither has
            // a time, since a dated effect with an undated cause says nothing about which came first.
            let together = cause.place == effect.place && cause.firstSeen == nil && effect.firstSeen == nil
            return together ? effect.first : nil
        }
        return effect.firstRecord(from: causeFirst - leeway, to: causeLast + horizon)
    }

    /// One incident at one place: what chains are made of.
    private struct Node: Hashable {
        var incident: Int
        var place: Place
    }

    public init(reports: [IncidentReport]) {
        /// Each cause's links at their places, with the effect's record that supports each.
        var explains: [Node: [(effect: Node, support: Evidence)]] = [:]
        var firstRecord: [Node: Evidence] = [:]
        var explained = Set<Node>()
        var causes: [Node] = []
        for link in Self.links(among: reports) {
            for pair in link.spans {
                let cause = Node(incident: link.cause, place: pair.cause.place)
                let effect = Node(incident: link.effect, place: pair.effect.place)
                firstRecord[cause] = pair.cause.first
                if explains[cause] == nil { causes.append(cause) }
                explains[cause, default: []].append((effect, pair.support))
                explained.insert(effect)
            }
        }
        let edges = explains.mapValues { $0.map(\.effect) }
        func first(_ node: Node) -> (Int64, Int, String) {
            let report = reports[node.incident]
            return (firstRecord[node]?.time ?? .max, report.incident.severity.rank, report.incident.id)
        }
        var roots = causes.filter { !explained.contains($0) }
        // A cycle (two incidents that each can cause the other) has no such root: its earliest member starts it.
        var reached = Set(roots.flatMap { Self.reach(from: $0, edges) })
        for start in causes where !reached.contains(start) {
            let cycle = Self.reach(from: start, edges)
            roots.append(cycle.min { first($0) < first($1) }!)
            reached.formUnion(cycle)
        }
        chains = roots.sorted { first($0) < first($1) }.map { root in
            let rootID = reports[root.incident].incident.id
            var explainsIDs: [String] = []
            var places: [String] = []
            var steps = [Step(incident: rootID, evidence: firstRecord[root]!)]
            for node in Self.reach(from: root, edges) {
                let id = reports[node.incident].incident.id
                if id != rootID && !explainsIDs.contains(id) { explainsIDs.append(id) }
                if !places.contains(node.place.path) { places.append(node.place.path) }
                for (effect, support) in explains[node] ?? [] {
                    let step = Step(incident: reports[effect.incident].incident.id, evidence: support)
                    if !steps.contains(step) { steps.append(step) }
                }
            }
            let timeline = steps.enumerated().sorted {
                ($0.element.evidence.time ?? .max, $0.offset) < ($1.element.evidence.time ?? .max, $1.offset)
            }
            return Chain(rootCause: rootID, explains: explainsIDs, places: places, timeline: timeline.map(\.element))
        }
    }

    /// `start` and everything its links reach, breadth first.
    private static func reach<Node: Hashable>(from start: Node, _ explains: [Node: [Node]]) -> [Node] {
        var order = [start]
        var seen: Set = [start]
        var next = 0
        while next < order.count {
            for effect in explains[order[next]] ?? [] where seen.insert(effect).inserted { order.append(effect) }
            next += 1
        }
        return order
    }
}
