import Foundation
import Testing

@testable import LogTriageCore

/// Every incident in `patterns/` carries examples that must, and near misses that must not, yield it.
@Suite struct PatternExamplesTests {
    /// The ids, from the file names: listing the folder needs no parsing, so a file that does not load fails its
    /// own test below instead of vanishing from the list.
    static let ids: [String] =
        ((try? FileManager.default.contentsOfDirectory(atPath: TestSupport.repositoryRoot + "/patterns")) ?? [])
        .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()

    @Test func thePatternFolderIsListed() {
        #expect(Self.ids.count >= 16, "patterns/ lists \(Self.ids)")
    }

    @Test func theRepositoryCatalogLoadsAndCoversTheDesignedIncidents() throws {
        let catalog = try TestSupport.repositoryCatalog()
        let ids = Set(catalog.incidents.map(\.id))
        let designed: Set<String> = [
            "alembic-version-mismatch", "crypt-key-length", "mysql-oom-killed", "missing-log-directory",
            "tls-on-http-port", "upstream-host-not-found", "upstream-connection-refused", "port-already-in-use",
            "external-service-unreachable", "docker-socket-permission-denied", "mysql-unknown-option",
            "mysql-config-no-group", "container-dependency-unhealthy", "apt-missing-gpg-key", "apt-lock-held",
            "systemd-unit-failed",
        ]
        #expect(designed.isSubset(of: ids), "missing: \(designed.subtracting(ids).sorted())")
        for incident in catalog.incidents {
            #expect(!incident.examples.match.isEmpty, "\(incident.id) has no positive example")
            #expect(!incident.examples.noMatch.isEmpty, "\(incident.id) has no near-miss example")
            for target in incident.leadsTo {
                #expect(ids.contains(target), "\(incident.id) leads_to unknown \(target)")
            }
        }
    }

    /// The checks `logtriage patterns check` runs, per incident: its match examples yield it and nothing else, its
    /// near misses do not yield it, its `leads_to` names known incidents.
    @Test(arguments: PatternExamplesTests.ids)
    func examplesBehave(id: String) throws {
        let catalog = try TestSupport.repositoryCatalog()
        let check = CatalogCheck(catalog: catalog, ids: [id])
        #expect(check.incidents == 1, "\(id).yaml defines \(id)")
        #expect(check.failures.isEmpty, "\(check.failures.map(\.description).joined(separator: "\n"))")
    }

    /// The check itself fails on each kind of mistake, with the file and line of the example.
    @Test func theCheckCatchesEachKindOfMistake() throws {
        let text = """
            id: demo
            title: Demo
            severity: error
            summary: s
            leads_to: [no-such-incident]
            evidence:
              - name: r
                any: ['disk is full']
            remediation: r
            examples:
              match:
                - 'the disk is nearly full'
                - 'disk is full; also Worker failed to boot'
              no_match:
                - 'disk is full, really'
            """
        let demo = try CatalogLoader.parse(text, file: "demo.yaml")
        let other = ClassifierTests.incident("boot", rules: [ClassifierTests.rule("b", ["Worker failed to boot"])])
        let check = CatalogCheck(catalog: Catalog(incidents: [demo, other]), ids: ["demo"])
        let found = check.failures.map { "\($0.file):\($0.line) \($0.isOverlap)" }
        #expect(found == ["demo.yaml:5 false", "demo.yaml:12 false", "demo.yaml:13 true", "demo.yaml:15 false"])
        #expect(check.failures[0].message.contains("no-such-incident"))
        #expect(check.failures[1].message.hasPrefix("match example does not yield demo"))
        #expect(check.failures[2].message.hasPrefix("match example also yields boot"))
        #expect(check.failures[3].message.hasPrefix("no_match example yields demo"))
    }
}
