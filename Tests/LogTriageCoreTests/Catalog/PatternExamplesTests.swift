import Testing

@testable import LogTriageCore

/// Every incident in `patterns/` carries examples that must, and near misses that must not, yield it.
@Suite struct PatternExamplesTests {
    static let catalog: Catalog = (try? TestSupport.repositoryCatalog()) ?? Catalog(incidents: [])

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

    @Test(arguments: PatternExamplesTests.catalog.incidents.map(\.id))
    func examplesBehave(id: String) throws {
        let incident = try #require(Self.catalog.incident(id: id))
        // One matcher per test: matchers keep per-record scratch state and tests run in parallel.
        let matcher = CatalogMatcher(catalog: Self.catalog)
        for example in incident.examples.match {
            let lines = example.split(separator: "\n").map(String.init)
            let found = TestSupport.classify(lines, matcher: matcher)
            #expect(found.contains { $0.incident.id == id }, "\(id) should match: \(example)")
        }
        for example in incident.examples.noMatch {
            let lines = example.split(separator: "\n").map(String.init)
            let found = TestSupport.classify(lines, matcher: matcher)
            #expect(!found.contains { $0.incident.id == id }, "\(id) should not match: \(example)")
        }
    }
}
