/// The reporting stage's human sink: a summary for a terminal, most severe incident first, each with its
/// evidence and the steps to fix it.
public struct TextReport {
    /// Whether to use ANSI colours (only on a terminal, never with `NO_COLOR`; the CLI decides).
    public var color: Bool
    /// Evidence lines shown per incident.
    public var evidenceLines: Int
    /// Evidence text longer than this many characters is cut; 0 shows it whole.
    public var evidenceWidth = 240
    /// One line per incident (severity, id, count, last seen, first source) instead of the full blocks.
    public var brief = false
    /// The terminal's width in columns: longer lines are wrapped under their indentation (`TerminalText.wrap`);
    /// nil leaves them long, as for a pipe.
    public var width: Int?
    /// The zone times are shown in, with their offset; UTC (`Z`) by default.
    public var timeZone = LocalZone.utc

    private func time(_ micros: Int64) -> String { TimeFormat.iso8601(micros, in: timeZone) }
    /// Skipped files listed by name; a scan of /var/log skips many (wtmp, journal files).
    public var maxSkippedShown = 10

    public init(color: Bool, evidenceLines: Int = 3) {
        self.color = color
        self.evidenceLines = evidenceLines
    }

    private func paint(_ text: String, _ code: String) -> String {
        color ? "\u{1b}[\(code)m\(text)\u{1b}[0m" : text
    }

    private func severityTag(_ severity: Severity) -> String {
        let label = severity.rawValue.uppercased()
        switch severity {
        case .critical: return paint(label, "1;31")
        case .error: return paint(label, "31")
        case .warning: return paint(label, "33")
        }
    }

    public func render(_ result: ScanResult) -> String {
        var out = ""
        let stats = result.stats
        if result.interrupted {
            out +=
                paint("Interrupted: this report covers only what was read before the scan was stopped.", "1;33") + "\n"
        }
        let scanned =
            "\(stats.files) file\(stats.files == 1 ? "" : "s"), \(Self.bytes(stats.bytes)), "
            + "\(stats.records) record\(stats.records == 1 ? "" : "s") in \(JSONReport.formatSeconds(stats.seconds)) s"
        if result.incidents.isEmpty && stats.records == 0 {
            // Not an all-clear: an empty glob or variable in a cron job reads nothing, and must not look fine.
            out +=
                "Nothing was classified: no record was read (\(stats.files) file\(stats.files == 1 ? "" : "s"), "
                + "\(Self.bytes(stats.bytes))).\n"
        } else if result.incidents.isEmpty {
            out += "No known incident found (\(scanned)).\n"
        } else {
            let n = result.incidents.count
            out += paint("\(n) incident\(n == 1 ? "" : "s") found", "1") + " (\(scanned)).\n"
            out += diagnosis(result.diagnosis, incidents: result.incidents)
        }
        if stats.recordsOutsideWindow > 0 {
            out += "\(stats.recordsOutsideWindow) records outside the --since/--until window were left out.\n"
        }
        if stats.recordsUndatedKept > 0 {
            out +=
                "\(stats.recordsUndatedKept) record\(stats.recordsUndatedKept == 1 ? "" : "s") without a time "
                + "\(stats.recordsUndatedKept == 1 ? "was" : "were") kept in the --since/--until window "
                + "(--strict-window leaves them out).\n"
        }
        if brief {
            if !result.incidents.isEmpty { out += "\n" }
            let idWidth = result.incidents.map(\.incident.id.count).max() ?? 0
            let countWidth = result.incidents.map { String($0.count).count }.max() ?? 0
            for report in result.incidents { out += briefLine(report, idWidth: idWidth, countWidth: countWidth) }
        } else {
            for report in result.incidents {
                out += "\n" + incident(report)
            }
        }
        if !result.skipped.isEmpty {
            out += "\n" + paint("Skipped:", "1") + "\n"
            for item in result.skipped.prefix(maxSkippedShown) {
                out += "  \(TerminalText.visible(item.source)): \(TerminalText.visible(item.message))\n"
            }
            if result.skipped.count > maxSkippedShown {
                out += "  … and \(result.skipped.count - maxSkippedShown) more (--output json lists them all)\n"
            }
        }
        if !result.errors.isEmpty {
            out +=
                "\n" + paint("\(result.errors.count) input error\(result.errors.count == 1 ? "" : "s")", "1;31")
                + " (listed on stderr).\n"
        }
        return width.map { TerminalText.wrap(out, width: $0) } ?? out
    }

    /// The chains of causes and symptoms, most likely first, each with its time line; nothing when there is none.
    func diagnosis(_ diagnosis: Diagnosis, incidents: [IncidentReport]) -> String {
        guard !diagnosis.chains.isEmpty else { return "" }
        let titles = Dictionary(incidents.map { ($0.incident.id, $0.incident.title) }, uniquingKeysWith: { a, _ in a })
        var out = "\n" + paint("Diagnosis", "1") + "\n"
        for (index, chain) in diagnosis.chains.enumerated() {
            let lead = index == 0 ? "Likely root cause" : "Also a root cause"
            out += "  \(lead): " + paint(chain.rootCause, "1") + " (\(titles[chain.rootCause] ?? ""))\n"
            out += "    explains: " + chain.explains.joined(separator: ", ") + "\n"
            out += "    where: " + chain.places.map(TerminalText.visible).joined(separator: ", ") + "\n"
            out += "    time line:\n"
            let idWidth = chain.timeline.map(\.incident.count).max() ?? 0
            for step in chain.timeline {
                let when = step.evidence.time.map(time) ?? "(no time)"
                let id = step.incident.padding(toLength: idWidth, withPad: " ", startingAt: 0)
                out += "      \(when)  \(id)  \(TerminalText.visible(step.evidence.source))\n"
                out += "        " + paint(clip(step.evidence.text), "36") + "\n"
            }
        }
        return out
    }

    func incident(_ report: IncidentReport) -> String {
        let incident = report.incident
        var out =
            "[\(severityTag(incident.severity))] " + paint(incident.title, "1") + "  " + paint(incident.id, "2") + "\n"
        out += "  \(incident.summary)\n"
        var facts = "  count \(report.count)"
        if let first = report.firstSeen, let last = report.lastSeen {
            facts +=
                first == last
                ? " · seen \(time(first))"
                : " · first seen \(time(first)) · last seen \(time(last))"
        }
        out += facts + "\n"
        out += "  sources: " + report.sources.map(TerminalText.visible).joined(separator: ", ") + "\n"
        for value in report.values {
            out += "  \(value.label): " + value.values.map(TerminalText.visible).joined(separator: ", ") + "\n"
        }
        if !report.causedBy.isEmpty {
            out += "  likely caused by: " + report.causedBy.joined(separator: ", ") + "\n"
        }
        if !report.leadsTo.isEmpty {
            out += "  likely cause of: " + report.leadsTo.joined(separator: ", ") + "\n"
        }
        out += "  evidence:\n"
        for evidence in report.evidence.prefix(evidenceLines) { out += evidenceLine(evidence) }
        if let latest = report.latest,
            !report.evidence.prefix(evidenceLines).contains(where: {
                $0.file == latest.file && $0.line == latest.line && $0.offset == latest.offset
            })
        {
            out += "  latest:\n" + evidenceLine(latest)
        }
        out += "  remediation:\n"
        for line in Remediation.filled(report).split(separator: "\n", omittingEmptySubsequences: false) {
            out += line.isEmpty ? "\n" : "    \(line)\n"
        }
        return out
    }

    /// One evidence record: where and when, then its text.
    private func evidenceLine(_ evidence: Evidence) -> String {
        var place = "\(TerminalText.visible(evidence.file)):\(evidence.line)"
        if evidence.source != evidence.file {
            place = "\(TerminalText.visible(evidence.source)) " + paint(place, "2")
        }
        let when = evidence.time.map { " " + time($0) } ?? ""
        return "    " + place + when + "\n" + "      " + paint(clip(evidence.text), "36") + "\n"
    }

    /// `ERROR     port-already-in-use   10  last 2025-08-05T01:03:02Z  nginx (+2 more)`: one incident on a line.
    func briefLine(_ report: IncidentReport, idWidth: Int, countWidth: Int) -> String {
        let severity = report.incident.severity.rawValue.uppercased()
        let tag = severityTag(report.incident.severity) + String(repeating: " ", count: max(0, 9 - severity.count))
        let id = report.incident.id.padding(toLength: idWidth, withPad: " ", startingAt: 0)
        let count = String(repeating: " ", count: max(0, countWidth - String(report.count).count)) + "\(report.count)"
        let last = report.lastSeen.map { "last " + time($0) } ?? "no time"
        var source = report.sources.first.map(TerminalText.visible) ?? ""
        if report.sources.count > 1 { source += " (+\(report.sources.count - 1) more)" }
        return "\(tag)\(id)  \(count)  \(last)  \(source)\n"
    }

    /// One line of evidence: control characters shown visibly (`TerminalText`), long text cut.
    func clip(_ text: String) -> String {
        var out = ""
        var count = 0
        for character in text {
            if evidenceWidth > 0 && count == evidenceWidth { return out + "…" }
            out += TerminalText.visible(String(character))
            count += 1
        }
        return out
    }

    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(count) B" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}
