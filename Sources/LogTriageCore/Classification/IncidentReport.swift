/// One record shown as evidence for an incident.
public struct Evidence: Codable, Equatable, Sendable {
    /// The logical source: container name, journald unit, or the log's path.
    public var source: String
    /// The file the record was read from (`-` for standard input).
    public var file: String
    /// Line (or journald entry) number in `file`.
    public var line: Int
    /// Byte offset of the record in `file`'s decoded stream.
    public var offset: Int64
    /// Microseconds since the Unix epoch, UTC.
    public var time: Int64?
    public var text: String
    /// The evidence rule that matched.
    public var rule: String
}

/// An incident found by a scan, with everything the reports show about it.
public struct IncidentReport: Equatable, Sendable {
    public var incident: Incident
    /// Distinct records that are evidence for it.
    public var count: Int
    public var firstSeen: Int64?
    public var lastSeen: Int64?
    /// Sources in the order they were first seen.
    public var sources: [String]
    public var evidence: [Evidence]
    /// The last record counted, whether or not it is among `evidence`.
    public var latest: Evidence?
    /// Extracted values, in the incident's label order, each with its distinct values in order of appearance.
    public var values: [Value]
    /// Incidents found in the same scan that this one likely caused: the catalog's `leads_to`, where `Diagnosis`
    /// finds the two close in time and place.
    public var leadsTo: [String]
    /// Incidents found in the same scan that likely caused this one.
    public var causedBy: [String]
    /// Where its records were found (host trees or folders), with what each spans.
    public var places: [PlaceSpan] = []

    public struct Value: Equatable, Sendable {
        public var name: String
        public var label: String
        public var values: [String]
    }

    /// A root cause explains at least one other incident found and is explained by none.
    public var isRootCause: Bool { !leadsTo.isEmpty && causedBy.isEmpty }
}
