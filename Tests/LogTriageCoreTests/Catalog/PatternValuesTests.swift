import Testing

@testable import LogTriageCore

/// The values the built-in catalog extracts are the record's own, not numbers that merely stand near them: a
/// timestamp's `:03`, a pid, a worker number.
@Suite struct PatternValuesTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var record: String
        var incident: String
        var values: [String: [String]]
        var testDescription: String { record }
    }

    static let cases: [Case] = [
        Case(
            record:
                "2025/08/05 01:03:02 [emerg] 1#1: bind() to 127.0.0.1:80 failed (98: Address already in use)",
            incident: "port-already-in-use", values: ["address": ["127.0.0.1"], "port": ["80"]]),
        Case(
            record: "2025-08-05T01:03:02Z web listen tcp 0.0.0.0:8080: bind: address already in use",
            incident: "port-already-in-use", values: ["address": ["0.0.0.0"], "port": ["8080"]]),
        Case(
            record: "2025/08/05 01:03:02 Error starting server: listen tcp :9090: bind: address already in use",
            incident: "port-already-in-use", values: ["port": ["9090"]]),
        Case(
            record: "2025-08-05 01:03:02 [app 4711] Error: listen EADDRINUSE: address already in use :::3000",
            incident: "port-already-in-use", values: ["address": ["::"], "port": ["3000"]]),
        Case(
            record: "12:01:03 OSError: [Errno 98] Address already in use",
            incident: "port-already-in-use", values: [:]),
        Case(
            record: "[2025-06-02 14:10:03 +0000] [1] [ERROR] Connection in use: ('0.0.0.0', 8000)",
            incident: "port-already-in-use", values: ["address": ["0.0.0.0"], "port": ["8000"]]),
    ]

    @Test(arguments: PatternValuesTests.cases)
    func extractsTheRecordsOwnValues(_ example: Case) throws {
        let matcher = CatalogMatcher(catalog: try TestSupport.repositoryCatalog())
        let found = TestSupport.classify([example.record], matcher: matcher)
        let report = try #require(found.first { $0.incident.id == example.incident })
        let values = Dictionary(uniqueKeysWithValues: report.values.map { ($0.name, $0.values) })
        #expect(values == example.values)
    }
}
