import Testing

@testable import LogTriageCore

@Suite struct RemediationTests {
    static func report(remediation: String, values: [(String, [String])]) -> IncidentReport {
        var incident = ClassifierTests.incident("x", rules: [ClassifierTests.rule("r", ["x"])])
        incident.remediation = remediation
        return IncidentReport(
            incident: incident, count: 1, firstSeen: nil, lastSeen: nil, sources: [], evidence: [],
            values: values.map { .init(name: $0.0, label: $0.0, values: $0.1) }, leadsTo: [], causedBy: [])
    }

    @Test func valuesFoundAreFilledInAndUnknownOnesStayGeneric() {
        let text = "`ss -ltnp | grep ':<port> '` then `systemctl restart <unit>`; `curl <upstream>`"
        let filled = Remediation.filled(
            Self.report(
                remediation: text, values: [("port", ["8080", "80"]), ("upstream", ["http://10.0.0.4:8000/a"])]))
        #expect(filled == "`ss -ltnp | grep ':8080 '` then `systemctl restart <unit>`; `curl http://10.0.0.4:8000/a`")
    }

    /// A value from a log is not pasted into a shell command unless it is inert there.
    @Test(arguments: ["a; rm -rf ~", "$(reboot)", "`id`", "x y", "a&b", "a|b", "a>b", "'q'", "\"q\"", "é"])
    func aValueThatMeansSomethingToAShellIsNotFilledIn(_ value: String) {
        let filled = Remediation.filled(
            Self.report(remediation: "systemctl restart <unit>", values: [("unit", [value])]))
        #expect(filled == "systemctl restart <unit>")
    }

    @Test func theBuiltInCatalogsPortAdviceUsesThePortFound() throws {
        let catalog = try TestSupport.repositoryCatalog()
        let matcher = CatalogMatcher(catalog: catalog)
        let found = TestSupport.classify(
            ["2025/08/05 01:03:02 [emerg] 1#1: bind() to 127.0.0.1:80 failed (98: Address already in use)"],
            matcher: matcher)
        let report = try #require(found.first { $0.incident.id == "port-already-in-use" })
        let filled = Remediation.filled(report)
        #expect(filled.contains("`ss -ltnp | grep ':80 '`"))
        #expect(!filled.contains("<port>"))
        #expect(filled.contains("<unit>"), "no unit was found: the generic wording stays")
    }

    /// Every incident that extracts values says where they go in its steps.
    @Test func everyIncidentWithValuesUsesThemInItsRemediation() throws {
        for incident in try TestSupport.repositoryCatalog().incidents where !incident.valueLabels.isEmpty {
            let used = incident.valueLabels.filter { incident.remediation.contains("<\($0.name)>") }
            #expect(!used.isEmpty, "\(incident.id) extracts \(incident.valueLabels.map(\.name)) and uses none")
        }
    }
}
