import Foundation
import Testing

@testable import LogTriageCore

@Suite struct ReportTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00Z"),
        (Int64(1_740_830_400_123_456), "2025-03-01T12:00:00.123Z"),
        (Int64(951_782_400_000_000), "2000-02-29T00:00:00Z"),
        (Int64(-1_000_000), "1969-12-31T23:59:59Z"),
    ])
    func isoTimes(micros: Int64, text: String) {
        #expect(TimeFormat.iso8601(micros) == text)
    }

    static func sampleResult() -> ScanResult {
        let incident = Incident(
            id: "demo", title: "Demo \"quoted\"", severity: .critical, summary: "Cause.", leadsTo: [], evidence: [],
            valueLabels: [.init(name: "path", label: "Path")], remediation: "1. Fix.\n2. Verify.",
            examples: .init(match: [], noMatch: []), origin: "x")
        let evidence = Evidence(
            source: "web", file: "a.log", line: 7, offset: 99, time: 1_740_830_400_000_000,
            text: "tab\there \u{1b}[31m\u{7} newline\nend", rule: "r")
        var stats = ScanStats()
        stats.files = 2
        stats.records = 10
        return ScanResult(
            incidents: [
                IncidentReport(
                    incident: incident, count: 3, firstSeen: nil, lastSeen: 1_740_830_400_000_000,
                    sources: ["web"], evidence: [evidence],
                    values: [.init(name: "path", label: "Path", values: ["/app/logs/x.log"])],
                    leadsTo: [], causedBy: [])
            ],
            stats: stats, errors: [ScanError(source: "b.log.gz", message: "truncated")], skipped: [])
    }

    @Test func jsonRoundTripsThroughAParser() throws {
        let text = JSONReport.render(Self.sampleResult())
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let incident = try #require((document["incidents"] as? [[String: Any]])?.first)
        #expect(incident["title"] as? String == "Demo \"quoted\"")
        #expect(incident["first_seen"] is NSNull)
        #expect(incident["last_seen"] as? String == "2025-03-01T12:00:00Z")
        #expect((incident["values"] as? [String: [String]]) == ["path": ["/app/logs/x.log"]])
        let evidence = try #require((incident["evidence"] as? [[String: Any]])?.first)
        #expect(evidence["text"] as? String == "tab\there \u{1b}[31m\u{7} newline\nend")
        #expect(evidence["line"] as? Int == 7)
        #expect((document["errors"] as? [[String: String]]) == [["source": "b.log.gz", "message": "truncated"]])
        #expect((document["stats"] as? [String: Any])?["files"] as? Int == 2)
    }

    @Test func textShowsEverythingAndNeutralisesControlCharacters() {
        let text = TextReport(color: false).render(Self.sampleResult())
        #expect(text.contains("[CRITICAL] Demo \"quoted\"  demo"))
        #expect(text.contains("count 3"))
        #expect(text.contains("Path: /app/logs/x.log"))
        #expect(text.contains("web a.log:7 2025-03-01T12:00:00Z"))
        #expect(text.contains("^[[31m^G newline⏎end"))
        #expect(!text.contains("\u{1b}"))
        #expect(text.contains("    1. Fix.\n    2. Verify.\n"))
        #expect(text.contains("1 input error"))
        let colored = TextReport(color: true).render(Self.sampleResult())
        #expect(colored.contains("\u{1b}[1;31mCRITICAL\u{1b}[0m"))
    }

    /// Object keys in document order, each with its nesting depth (1 for the top level).
    static func keysInOrder(_ json: String) -> [(depth: Int, key: String)] {
        var keys: [(Int, String)] = []
        var depth = 0
        var scalars = Array(json.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            switch scalar {
            case "{", "[": depth += 1
            case "}", "]": depth -= 1
            case "\"":
                var text = ""
                while let next = scalars.popFirst(), next != "\"" {
                    if next == "\\" { _ = scalars.popFirst() } else { text.unicodeScalars.append(next) }
                }
                if scalars.first == ":" { keys.append((depth, text)) }
            default: break
            }
        }
        return keys
    }

    /// The key order `JSONReport` documents, pinned: scripts that read the report with line tools rely on it.
    @Test func jsonKeysComeInTheDocumentedOrder() {
        var result = Self.sampleResult()
        var cause = result.incidents[0]
        cause.incident.id = "cause"
        cause.incident.leadsTo = ["demo"]
        cause.places = [PlaceSpan(cause.evidence[0], place: Place.of(file: "a.log"))]
        result.incidents[0].places = cause.places
        result.incidents.insert(cause, at: 0)
        result.interrupted = true
        let keys = Self.keysInOrder(JSONReport.render(result))
        #expect(
            keys.filter { $0.depth == 1 }.map(\.key) == [
                "diagnosis", "incidents", "stats", "errors", "skipped", "interrupted",
            ])
        let chain = keys.drop { $0.key != "chains" }.dropFirst().prefix { $0.key != "incidents" }
        #expect(chain.filter { $0.depth == 4 }.map(\.key) == ["root_cause", "explains", "places", "timeline"])
        #expect(
            chain.filter { $0.depth == 6 }.map(\.key).prefix(7) == [
                "incident", "source", "file", "line", "offset", "time", "text",
            ])
        let incident = keys.drop { $0.key != "incidents" }.dropFirst().filter { $0.depth == 3 }.map(\.key)
        #expect(
            incident.prefix(16) == [
                "id", "title", "severity", "count", "first_seen", "last_seen", "sources", "evidence", "latest",
                "values",
                "remediation", "summary", "caused_by", "leads_to", "id", "title",
            ])
        let stats = keys.drop { $0.key != "stats" }.dropFirst().filter { $0.depth == 2 }.map(\.key).prefix(7)
        #expect(
            stats == [
                "files", "bytes", "stored_bytes", "records", "records_outside_window", "records_undated_kept",
                "seconds",
            ])
    }
}
