import Foundation
import Testing

@testable import LogTriageCore

/// `patterns test` says why each record that holds a rule's literal matched or was rejected, and agrees with
/// what `scan` counts.
@Suite struct PatternTestTests {
    static let catalog = Catalog(incidents: [
        ClassifierTests.incident(
            "demo",
            rules: [
                ClassifierTests.rule(
                    "port", ["address in use"], regex: "port (?<port>\\d+)", not: ["unix socket"]),
                ClassifierTests.rule(
                    "boot", ["Worker failed"], context: .init(any: ["FileHandler"], within: 2)),
            ])
    ])

    static func record(_ text: String, source: String = "app", line: Int) -> PatternTest.Record {
        .init(source: source, file: "sample.log", line: line, time: nil, message: Array(text.utf8))
    }

    @Test func eachRejectionSaysWhy() {
        let records = [
            Self.record("address in use on port 8080", line: 1),
            Self.record("address in use on unix socket /run/x.sock", line: 2),
            Self.record("address in use, no number", line: 3),
            Self.record("FileHandler(x)", line: 4),
            Self.record("Worker failed to boot", line: 5),
            Self.record("Worker failed to boot", source: "other", line: 6),
            Self.record("nothing here", line: 7),
        ]
        let test = PatternTest(catalog: Self.catalog, ids: nil, records: records)
        let port = test.results[0]
        #expect(port.matched.map(\.record) == [0])
        #expect(port.matched.first?.values.map(\.value) == ["8080"])
        #expect(port.rejected.map(\.record) == [1, 2])
        #expect(port.rejected[0].rejection == "contains the `not` literal 'unix socket'")
        #expect(port.rejected[1].rejection == "the regex did not match")
        let boot = test.results[1]
        #expect(boot.matched.map(\.record) == [4], "context one record before, same source")
        #expect(boot.rejected.map(\.record) == [5])
        #expect(boot.rejected.first?.rejection?.hasPrefix("no record of other within 2 records contains") == true)
        #expect(test.unmatched == [1, 2, 3, 5, 6])
        #expect(test.examined == 5)
        #expect(test.matchedRecords == ["demo": 2])
    }

    /// On every corpus case, the records the rules match per incident are the records `scan` counts.
    @Test func theRulesAgreeWithTheScanOnTheCorpus() throws {
        let catalog = try TestSupport.repositoryCatalog()
        let corpus = TestSupport.repositoryRoot + "/corpus"
        let cases = try FileManager.default.contentsOfDirectory(atPath: corpus).filter { !$0.hasSuffix(".md") }
        #expect(cases.count >= 10)
        for name in cases {
            let sample = PatternTest.read(ScanConfiguration(paths: [corpus + "/" + name], catalog: catalog))
            let test = PatternTest(catalog: catalog, ids: nil, records: sample.records)
            let scanned = Dictionary(uniqueKeysWithValues: sample.result.incidents.map { ($0.incident.id, $0.count) })
            #expect(test.matchedRecords.filter { $0.value > 0 } == scanned, "\(name)")
            #expect(sample.records.count == sample.result.stats.records, "\(name): every record is kept")
        }
    }
}
