import Testing

@testable import LogTriageCore

@Suite struct ClassifierTests {
    static func incident(
        _ id: String, severity: Severity = .error, leadsTo: [String] = [], rules: [EvidenceRule]
    ) -> Incident {
        Incident(
            id: id, title: id, severity: severity, summary: "s", leadsTo: leadsTo, evidence: rules, valueLabels: [],
            remediation: "r", examples: .init(match: [], noMatch: []), origin: "test")
    }

    static func rule(
        _ name: String, _ any: [String], regex: String? = nil, not: [String] = [],
        context: EvidenceRule.Context? = nil
    ) -> EvidenceRule {
        EvidenceRule(name: name, any: any, ignoreCase: false, regex: regex, not: not, context: context)
    }

    static let catalog = Catalog(incidents: [
        incident(
            "log-dir", leadsTo: ["refused"],
            rules: [
                rule(
                    "python", ["No such file or directory: '"], regex: "'(?<path>[^']*/logs/[^']*)'",
                    context: .init(any: ["FileHandler", "Worker failed"], within: 3)),
                rule("boot", ["Worker failed to boot"]),
            ]),
        incident("refused", severity: .warning, rules: [rule("nginx", ["Connection refused"], not: ["ignore me"])]),
    ])

    @Test func contextBeforeAfterAndOutOfRange() {
        let missing = "FileNotFoundError: [Errno 2] No such file or directory: '/app/logs/a.log'"
        // Context two records before: within 3.
        var found = TestSupport.classify(["handler = FileHandler(x)", "noise", missing], catalog: Self.catalog)
        #expect(found.first?.count == 1)
        #expect(found.first?.values.first?.values == ["/app/logs/a.log"])
        // Context after: the boot line is itself evidence, so two records count.
        found = TestSupport.classify([missing, "noise", "[ERROR] Worker failed to boot."], catalog: Self.catalog)
        #expect(found.first { $0.incident.id == "log-dir" }?.count == 2)
        // Context too far away on both sides: the candidate is dropped.
        found = TestSupport.classify(
            ["FileHandler", "a", "b", missing, "c", "d", "e", "FileHandler"], catalog: Self.catalog)
        #expect(found.isEmpty)
        // Regex must pass: a missing executable is not a log directory.
        found = TestSupport.classify(
            ["FileHandler", "No such file or directory: 'configurable-http-proxy'"], catalog: Self.catalog)
        #expect(found.isEmpty)
    }

    @Test func aRecordCountsOncePerIncidentAndNotRejects() {
        let found = TestSupport.classify(
            [
                "Worker failed to boot; FileHandler; No such file or directory: '/app/logs/x.log'",
                "connect() failed (111: Connection refused)",
                "connect() failed (111: Connection refused) ignore me",
            ], catalog: Self.catalog)
        #expect(found.map(\.incident.id) == ["log-dir", "refused"])
        #expect(found.map(\.count) == [1, 1])
    }

    @Test func rootCauseLinksFollowLeadsTo() {
        let found = TestSupport.classify(["Worker failed to boot", "Connection refused"], catalog: Self.catalog)
        let logDir = found.first { $0.incident.id == "log-dir" }
        let refused = found.first { $0.incident.id == "refused" }
        #expect(logDir?.leadsTo == ["refused"])
        #expect(logDir?.isRootCause == true)
        #expect(refused?.causedBy == ["log-dir"])
    }

    @Test func evidenceIsCappedAndPrefersDistinctRules() {
        let matcher = CatalogMatcher(catalog: Self.catalog)
        let classifier = Classifier(rules: matcher.program.table, maxEvidence: 2)
        let source = classifier.source(named: "s")
        var hits: [CatalogMatcher.Hit] = []
        var context: [Int] = []
        let lines = [
            "Worker failed to boot 1", "Worker failed to boot 2", "Worker failed to boot 3",
            "FileHandler No such file or directory: '/app/logs/z.log'",
        ]
        for (i, line) in lines.enumerated() {
            var bytes = Array(line.utf8)
            bytes.withUnsafeMutableBytes { raw in
                matcher.match(UnsafeRawBufferPointer(raw), hits: &hits, contextRules: &context)
                classifier.observe(
                    UnsafeRawBufferPointer(raw),
                    at: .init(source: source, file: "f", line: i + 1, offset: 0, time: Int64(i)),
                    hits: hits, contextRules: context)
            }
        }
        let report = classifier.finish()[0]
        #expect(report.count == 4)
        #expect(report.evidence.map(\.line) == [1, 4])
        #expect(report.firstSeen == 0 && report.lastSeen == 3)
    }
}
