/// The set of incidents logtriage knows: the built-in catalog plus any the user adds with `--patterns`.
public struct Catalog: Sendable {
    /// Sorted by id.
    public private(set) var incidents: [Incident]

    public init(incidents: [Incident]) {
        self.incidents = incidents.sorted { $0.id < $1.id }
    }

    public func incident(id: String) -> Incident? {
        incidents.first { $0.id == id }
    }

    /// Adds `others`; an incident with an id already present replaces it, so a user can override a built-in one.
    public func merging(_ others: [Incident]) -> Catalog {
        var byID: [String: Incident] = [:]
        for incident in incidents { byID[incident.id] = incident }
        for incident in others { byID[incident.id] = incident }
        return Catalog(incidents: Array(byID.values))
    }
}
