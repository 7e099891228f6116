/// The catalog's evidence rules flattened into one numbered table, shared by matching and classification.
///
/// Matching reports hits by rule number; classification looks up, by the same number, which incident a rule is
/// evidence for and whether it needs context. Neither stage needs the other to be built or tested.
public struct RuleTable: Sendable {
    /// One evidence rule with the incident it belongs to.
    public struct Rule: Sendable {
        /// Index into `incidents`.
        public var incident: Int
        public var definition: EvidenceRule
    }

    /// The catalog's incidents, sorted by id.
    public let incidents: [Incident]
    /// Every incident's rules, incident by incident, in the order written.
    public let rules: [Rule]

    /// O(number of rules).
    public init(_ catalog: Catalog) {
        incidents = catalog.incidents
        rules = catalog.incidents.enumerated().flatMap { index, incident in
            incident.evidence.map { Rule(incident: index, definition: $0) }
        }
    }
}
