import Foundation
import Testing

@testable import LogTriageCore

/// Every character a terminal acts on, put into every field a report prints, reaches neither the text report nor
/// the JSON document raw.
@Suite struct TerminalTextTests {
    /// C0, DEL, C1 and the bidirectional controls.
    static let hazards: [Unicode.Scalar] =
        (0x00...0x1F).map { Unicode.Scalar($0)! } + (0x7F...0x9F).map { Unicode.Scalar($0)! }
        + [0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069].map {
            Unicode.Scalar($0)!
        }

    static var hostile: String { "x" + String(String.UnicodeScalarView(hazards)) + "y" }

    static func hostileResult() -> ScanResult {
        let incident = ClassifierTests.incident("demo", rules: [])
        let text = hostile
        let evidence = Evidence(
            source: "src" + text, file: "file" + text, line: 1, offset: 0, time: nil, text: "ev" + text, rule: "r")
        return ScanResult(
            incidents: [
                IncidentReport(
                    incident: incident, count: 1, firstSeen: nil, lastSeen: nil, sources: ["src" + text],
                    evidence: [evidence], values: [.init(name: "v", label: "Value", values: ["val" + text])],
                    leadsTo: [], causedBy: [])
            ],
            stats: ScanStats(), errors: [ScanError(source: "err" + text, message: "m" + text)],
            skipped: [ScanError(source: "skip" + text, message: "s" + text)])
    }

    @Test func textShowsEveryHazardVisibly() {
        let out = TextReport(color: false, evidenceLines: 3).render(Self.hostileResult())
        for scalar in out.unicodeScalars where scalar != "\n" {
            #expect(!TerminalText.isHazard(scalar), "U+\(String(scalar.value, radix: 16)) printed raw")
        }
        for field in ["src", "file", "ev", "val", "skip"] { #expect(out.contains(field + "x^@^A")) }
        #expect(out.contains("\\x9B") && out.contains("\\x9D") && out.contains("\\u{202E}") && out.contains("^?"))
    }

    @Test func jsonEscapesEveryHazard() throws {
        let out = JSONReport.render(Self.hostileResult())
        for scalar in out.unicodeScalars where scalar != "\n" {
            #expect(!TerminalText.isHazard(scalar), "U+\(String(scalar.value, radix: 16)) written raw")
        }
        // The escapes decode back to the very characters.
        let document = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let incident = try #require((document["incidents"] as? [[String: Any]])?.first)
        #expect((incident["sources"] as? [String]) == ["src" + Self.hostile])
    }

    @Test func plainTextIsLeftAlone() {
        #expect(TerminalText.visible("café — 日本語 ok") == "café — 日本語 ok")
        #expect(TerminalText.visible("a\u{1b}[2Jb\nc") == "a^[[2Jb⏎c")
    }
}
