/// The reporting stage's sink for `tail`: each incident as it is reported, and the summary when following ends.
///
/// Text repeats `scan`'s block for the incident, under a line saying when it was detected and how many repeats
/// were counted without being printed. JSON is JSON Lines, one object per line:
/// `{"event":"incident","detected","id","title","severity","count","repeats_not_printed","time","source","file",
/// "line","offset","text","values":{name:[…]},"remediation","summary"}` for an incident, and
/// `{"event":"summary",…}` with the members of `scan`'s document at the end.
public struct LiveReport {
    public enum Style: String, Sendable { case text, json }

    /// One incident occurrence that is reported.
    public struct Event: Sendable {
        public var incident: Incident
        public var evidence: Evidence
        public var values: [IncidentReport.Value]
        /// All records counted for the incident so far, this one included, across restarts.
        public var count: Int
        /// Repeats counted since the incident was last printed, within the suppression window.
        public var repeatsNotPrinted: Int
        /// When logtriage saw it, µs since the epoch.
        public var detected: Int64
    }

    public var style: Style
    public var text: TextReport

    public init(style: Style, text: TextReport) {
        self.style = style
        self.text = text
    }

    public func render(_ event: Event) -> String {
        switch style {
        case .json:
            let out = JSONWriter()
            out.object {
                out.field("event", "incident")
                out.field("detected", TimeFormat.iso8601(event.detected))
                out.field("id", event.incident.id)
                out.field("title", event.incident.title)
                out.field("severity", event.incident.severity.rawValue)
                out.field("count", event.count)
                out.field("repeats_not_printed", event.repeatsNotPrinted)
                out.field("time", event.evidence.time.map(TimeFormat.iso8601))
                out.pathField("source", event.evidence.source)
                out.pathField("file", event.evidence.file)
                out.field("line", event.evidence.line)
                out.field("offset", Int(event.evidence.offset))
                out.field("text", event.evidence.text)
                out.key("values")
                out.object {
                    for value in event.values {
                        out.key(value.name)
                        out.array(value.values) { out.string($0) }
                    }
                }
                out.field("remediation", event.incident.remediation)
                out.field("summary", event.incident.summary)
            }
            return out.text + "\n"
        case .text:
            let report = IncidentReport(
                incident: event.incident, count: event.count, firstSeen: event.evidence.time,
                lastSeen: event.evidence.time, sources: [event.evidence.source], evidence: [event.evidence],
                values: event.values, leadsTo: [], causedBy: [])
            var head = "── \(TimeFormat.iso8601(event.detected, in: text.timeZone)) "
            head += event.count == 1 ? "new incident" : "incident again"
            if event.repeatsNotPrinted > 0 {
                head +=
                    " (\(event.repeatsNotPrinted) repeat\(event.repeatsNotPrinted == 1 ? "" : "s") since it was last printed)"
            }
            return "\n" + head + "\n" + text.incident(report)
        }
    }

    /// What was seen while following, as `scan` reports an archive.
    public func renderSummary(_ result: ScanResult) -> String {
        switch style {
        case .json:
            let out = JSONWriter()
            out.object {
                out.field("event", "summary")
                JSONReport.members(of: result, to: out)
            }
            return out.text + "\n"
        case .text:
            return "\n" + text.render(result)
        }
    }
}
