import Testing

@testable import LogTriageCore

@Suite struct BacktrackingRiskTests {
    @Test(arguments: ["(a+)+$", "(\\w*\\s?)*x", "(x+y?){2,}", "^(([a-z])+.)+[A-Z]([a-z])+$", "(?:\\d+)*:"])
    func nestedUnboundedRepetitionIsReported(_ pattern: String) {
        #expect(BacktrackingRisk.nestedQuantifier(in: pattern) != nil, "\(pattern)")
    }

    @Test(arguments: [
        "bind\\(\\) to (?<address>\\S+?):(?<port>\\d+) failed", "(ab)+", "(a+)", "[(a+)]+", "\\(a+\\)+",
        "(?>a+)+", "(a++)+", "(a{2,5})+", "(a+){2}",
    ])
    func boundedOrSimpleRepetitionIsNot(_ pattern: String) {
        #expect(BacktrackingRisk.nestedQuantifier(in: pattern) == nil, "\(pattern)")
    }

    @Test func theBuiltInCatalogHasNoWarnings() throws {
        let catalog = try TestSupport.repositoryCatalog()
        #expect(catalog.warnings.isEmpty, "\(catalog.warnings)")
    }
}
