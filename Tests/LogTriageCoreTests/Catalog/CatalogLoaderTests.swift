import Foundation
import Testing

@testable import LogTriageCore

@Suite struct CatalogLoaderTests {
    static let valid = """
        id: demo-incident
        title: Demo
        severity: warning
        summary: Something happened.
        evidence:
          - name: first
            any: ['something broke']
            regex: 'broke at (?<place>\\w+)'
        values:
          place: Where it broke
        remediation: |
          1. Fix it.
        examples:
          match: ['something broke at home']
          no_match: ['something broke']
        """

    @Test func aValidFileParses() throws {
        let incident = try CatalogLoader.parse(Self.valid, file: "/x/demo-incident.yaml")
        #expect(incident.id == "demo-incident")
        #expect(incident.severity == .warning)
        #expect(incident.evidence.map(\.name) == ["first"])
        #expect(incident.label(for: "place") == "Where it broke")
        #expect(incident.examples.match == ["something broke at home"])
        #expect(incident.remediation == "1. Fix it.")
    }

    /// Each broken variant must be rejected with the line of the mistake and a reason naming it.
    @Test(arguments: [
        ("severity: warning", "severity: fatal", 3, "severity 'fatal'"),
        ("    any: ['something broke']", "    any: ['a']", 7, "shorter than"),
        ("    regex: 'broke at (?<place>\\w+)'", "    regex: 'broke at ((?<place>\\w+)'", 8, "does not compile"),
        ("title: Demo", "titel: Demo", 2, "unknown key 'titel'"),
        ("id: demo-incident", "id: other-incident", 1, "does not match the file name"),
        ("  place: Where it broke", "  spot: Where it broke", 10, "not a named group"),
        ("  - name: first", "  - name: first\n    bogus: 1", 7, "unknown key 'bogus'"),
        // The flow sequence runs on, so the parser notices on the next line.
        ("summary: Something happened.", "summary: [unclosed", 5, "YAML syntax"),
    ])
    func mistakesAreReportedWithLineAndReason(original: String, replacement: String, line: Int, reason: String) {
        let text = Self.valid.replacingOccurrences(of: original, with: replacement)
        #expect(text != Self.valid)
        do {
            _ = try CatalogLoader.parse(text, file: "/x/demo-incident.yaml")
            Issue.record("accepted a broken file: \(replacement)")
        } catch {
            #expect(error.file == "/x/demo-incident.yaml")
            #expect(error.line == line, "\(error)")
            #expect(error.reason.contains(reason), "\(error)")
        }
    }

    @Test func missingRequiredKeysAreNamed() {
        for key in ["title", "severity", "summary"] {
            let text = Self.valid.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.hasPrefix(key + ":") }.joined(separator: "\n")
            #expect(throws: CatalogError.self) { try CatalogLoader.parse(text, file: "demo-incident.yaml") }
            do { _ = try CatalogLoader.parse(text, file: "demo-incident.yaml") } catch {
                #expect(error.reason.contains("'\(key)'"), "\(error)")
            }
        }
    }

    @Test func namedGroupsAreFoundButLookbehindsAreNot() {
        #expect(EvidenceRule.namedGroups("(?<a>x)(?<=y)(?<!z)(?<bc_d>w)") == ["a", "bc_d"])
        #expect(EvidenceRule.namedGroups("((?<outer>a(?<inner>b))") == ["outer", "inner"])
        #expect(EvidenceRule.namedGroups("x(?<") == [] && EvidenceRule.namedGroups("(?<open") == [])
    }
}

extension CatalogLoaderTests {
    /// YAML 1.1's spellings of a boolean, as pattern files write them; a quoted or other word is no boolean.
    @Test(arguments: [
        ("true", true), ("True", true), ("yes", true), ("on", true), ("false", false), ("FALSE", false),
        ("no", false), ("off", false),
    ])
    func ignoreCaseTakesYAMLBooleans(spelling: String, value: Bool) throws {
        let text = Self.valid.replacingOccurrences(
            of: "    any: ['something broke']", with: "    any: ['something broke']\n    ignore_case: \(spelling)")
        let incident = try CatalogLoader.parse(text, file: "/x/demo-incident.yaml")
        #expect(incident.evidence.first?.ignoreCase == value)
    }

    @Test(arguments: ["'true'", "\"yes\"", "maybe", "1", "[true]"])
    func ignoreCaseRefusesWhatIsNoBoolean(spelling: String) {
        let text = Self.valid.replacingOccurrences(
            of: "    any: ['something broke']", with: "    any: ['something broke']\n    ignore_case: \(spelling)")
        #expect {
            try CatalogLoader.parse(text, file: "/x/demo-incident.yaml")
        } throws: { error in
            (error as? CatalogError).map { $0.line == 8 && $0.reason.contains("'ignore_case' must be true or false") }
                ?? false
        }
    }

    /// A key given twice in one mapping is an error naming the key, not a silent choice of one of the two.
    @Test func aDuplicateKeyIsRefused() {
        let text = Self.valid.replacingOccurrences(of: "title: Demo", with: "title: Demo\ntitle: Again")
        #expect {
            try CatalogLoader.parse(text, file: "/x/demo-incident.yaml")
        } throws: { error in
            (error as? CatalogError).map { $0.line == 2 && $0.reason.contains("appears twice") } ?? false
        }
    }

    @Test func contextWindowIsAWholeNumber() throws {
        func parse(_ within: String) throws -> Incident {
            try CatalogLoader.parse(
                Self.valid.replacingOccurrences(
                    of: "    any: ['something broke']",
                    with:
                        "    any: ['something broke']\n    context:\n      any: ['near here']\n      within: \(within)"),
                file: "/x/demo-incident.yaml")
        }
        #expect(try parse("5").evidence.first?.context?.within == 5)
        #expect(throws: CatalogError.self) { try parse("2.5") }
        #expect(throws: CatalogError.self) { try parse("'5'x") }
    }

    /// The loader's trimming and blank test stand in for Foundation's `trimmingCharacters(in:)` with
    /// `.whitespacesAndNewlines` and `.whitespaces`; they must agree with it on every mix of white space and text.
    @Test func trimmingAgreesWithFoundation() {
        let pieces: [String] = [
            " ", "\t", "\n", "\r", "\r\n", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}", "\u{1680}", "\u{2003}",
            "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}", "\u{200B}", "\u{FEFF}", "a", "é", "e\u{301}",
            "日本", "-", "\u{1F600}",
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...6, using: &generator)).map { _ in
                pieces.randomElement(using: &generator)!
            }.joined()
            #expect(
                CatalogLoader.trimmed(text) == text.trimmingCharacters(in: .whitespacesAndNewlines),
                "\(text.debugDescription)")
            #expect(
                CatalogLoader.isBlank(text) == text.trimmingCharacters(in: .whitespaces).isEmpty,
                "\(text.debugDescription)")
        }
    }

    @Test(arguments: [
        ("/x/demo-incident.yaml", "demo-incident"), ("demo.yml", "demo"), ("a/b.c.yaml", "b.c"), ("/x/.yaml", ".yaml"),
        ("plain", "plain"), ("dir.d/name", "name"),
    ])
    func theFileStemDropsTheExtension(path: String, stem: String) {
        #expect(CatalogLoader.fileStem(path) == stem)
    }
}
