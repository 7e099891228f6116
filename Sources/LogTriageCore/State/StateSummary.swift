/// `summary`: what a `tail` counted, read back from its state store, in the shape of a scan's result.
public enum StateSummary {
    /// The incidents counted in records from `sinceMinute` on (all when `nil`), with the store's counters as the
    /// statistics. Incidents that the catalog no longer defines are named among the errors.
    public static func result(
        directory: String, sinceMinute: Int64?, catalog: Catalog, maxEvidence: Int
    ) throws(StateError) -> ScanResult {
        let store = try StateStore(directory: directory, writer: false)
        let table = RuleTable(catalog)
        let (tally, unknown) = try store.tally(
            sinceMinute: sinceMinute, incidents: table.incidents, maxEvidence: maxEvidence)
        let counters = try store.counters()
        var stats = ScanStats()
        stats.files = try store.files().count
        stats.records = Int(counters["records"] ?? 0)
        stats.bytes = counters["bytes"] ?? 0
        let errors = unknown.map {
            ScanError(
                source: directory,
                message: "incident '\($0)' was counted but the catalog no longer defines it; pass the --patterns "
                    + "that tail used to see it")
        }
        return ScanResult(incidents: tally.reports(), stats: stats, errors: errors, skipped: [])
    }
}
