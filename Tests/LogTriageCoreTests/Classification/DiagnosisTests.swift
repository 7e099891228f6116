import Foundation
import Testing

@testable import LogTriageCore

/// Root-cause links need the catalog's `leads_to`, the cause first (or nearly), and one deployment.
@Suite struct DiagnosisTests {
    static let incidents = [
        ClassifierTests.incident("log-dir", leadsTo: ["refused", "unit-failed"], rules: []),
        ClassifierTests.incident("refused", rules: []),
        ClassifierTests.incident("oom", severity: .critical, leadsTo: ["unit-failed"], rules: []),
        ClassifierTests.incident("unit-failed", leadsTo: ["refused"], rules: []),
    ]
    static let minute: Int64 = 60_000_000
    static let base: Int64 = 1_739_268_000_000_000  // 2025-02-11T10:00:00Z

    /// `(incident, file, minutes after base or nil)` in input order.
    static func diagnose(_ records: [(String, String, Int64?)]) -> (Diagnosis, [IncidentReport]) {
        var tally = IncidentTally(incidents: incidents, maxEvidence: 3)
        for (line, (id, file, minutes)) in records.enumerated() {
            let evidence = Evidence(
                source: file, file: file, line: line + 1, offset: 0, time: minutes.map { base + $0 * minute },
                text: "\(id) record \(line + 1)", rule: "r")
            tally.add(evidence, incident: incidents.firstIndex { $0.id == id }!, values: [])
        }
        let reports = tally.reports()
        return (Diagnosis(reports: reports), reports)
    }

    @Test func placesComeFromTheHostLayout() {
        #expect(Place.of(file: "/var/log/nginx/error.log") == Place(kind: .host, path: "/"))
        #expect(Place.of(file: "/var/lib/docker/containers/ab/ab-json.log") == Place(kind: .host, path: "/"))
        #expect(Place.of(file: "cases/a/var/log/kern.log") == Place(kind: .host, path: "cases/a"))
        #expect(Place.of(file: "cases/a/home/ops/app/x.log") == Place(kind: .host, path: "cases/a"))
        #expect(Place.of(file: "cases/a/root/dmesg.txt") == Place(kind: .host, path: "cases/a"))
        #expect(Place.of(file: "/home/ops/bundles/b/var/log/syslog") == Place(kind: .host, path: "/home/ops/bundles/b"))
        #expect(Place.of(file: "logs/app.log") == Place(kind: .folder, path: "logs"))
        #expect(Place.of(file: "app.log") == Place(kind: .folder, path: "."))
        #expect(Place.of(file: "-") == Place(kind: .folder, path: "."))
        #expect(Place.of(file: "/srv/app.log") == Place(kind: .folder, path: "/srv"))
    }

    /// The finding that opened this: a cause from 2024 in one file and 502s from 2025 in another were linked.
    @Test func aCauseLongBeforeTheEffectIsNoLink() {
        let (diagnosis, reports) = Self.diagnose([
            ("log-dir", "logs/app.log", -406 * 24 * 60), ("refused", "logs/nginx-error.log", 0),
        ])
        #expect(diagnosis.chains.isEmpty)
        #expect(reports.allSatisfy { $0.leadsTo.isEmpty && $0.causedBy.isEmpty })
    }

    @Test func twoHostTreesAreTwoDeploymentsEvenAtOneTime() {
        let (diagnosis, _) = Self.diagnose([
            ("log-dir", "cases/a/var/log/app.log", 0), ("refused", "cases/b/var/log/nginx/error.log", 1),
        ])
        #expect(diagnosis.chains.isEmpty)
    }

    @Test func theEffectMustComeAfterTheCauseWithinTheHorizon() {
        // Within the leeway before, and up to the horizon after the cause's last record: linked.
        for effect: Int64 in [-2, 0, 5, 30 + 3] {
            let (diagnosis, _) = Self.diagnose([
                ("log-dir", "/var/log/app.log", 0), ("log-dir", "/var/log/app.log", 3),
                ("refused", "/var/log/nginx/error.log", effect),
            ])
            #expect(diagnosis.chains.map(\.rootCause) == ["log-dir"], "effect at +\(effect) min")
        }
        // Too early or too late: not linked.
        for effect: Int64 in [-4, 30 + 3 + 2] {
            let (diagnosis, _) = Self.diagnose([
                ("log-dir", "/var/log/app.log", 0), ("log-dir", "/var/log/app.log", 3),
                ("refused", "/var/log/nginx/error.log", effect),
            ])
            #expect(diagnosis.chains.isEmpty, "effect at +\(effect) min")
        }
    }

    /// One incident seen at several times: the link holds on the effect's record in the window, not its first.
    @Test func anEffectSeenEarlierForAnotherReasonStillLinks() {
        let (diagnosis, _) = Self.diagnose([
            ("unit-failed", "/var/log/journal.export", 0), ("oom", "/var/log/kern.log", 20),
            ("unit-failed", "/var/log/journal.export", 20),
        ])
        let chain = try? #require(diagnosis.chains.first)
        #expect(chain?.rootCause == "oom")
        #expect(chain?.explains == ["unit-failed"])
        #expect(chain?.timeline.map(\.evidence.line) == [2, 3], "the unit record of minute 20, not of minute 0")
    }

    @Test func undatedRecordsLinkOnlyWithinOneFolderAndBothUndated() {
        #expect(Self.diagnose([("log-dir", "x/a.log", nil), ("refused", "x/b.log", nil)]).0.chains.count == 1)
        #expect(Self.diagnose([("log-dir", "x/a.log", nil), ("refused", "y/b.log", nil)]).0.chains.isEmpty)
        #expect(Self.diagnose([("log-dir", "x/a.log", nil), ("refused", "x/b.log", 0)]).0.chains.isEmpty)
        // Folders without a known layout may still be one deployment: time decides.
        #expect(Self.diagnose([("log-dir", "x/a.log", 0), ("refused", "y/b.log", 1)]).0.chains.count == 1)
    }

    @Test func aChainRunsThroughItsLinksWithATimeLineAcrossSources() {
        let (diagnosis, reports) = Self.diagnose([
            ("refused", "/var/log/nginx/error.log", 2), ("log-dir", "/var/log/app.log", 0),
            ("unit-failed", "/var/log/journal.export", 1), ("refused", "/var/log/nginx/error.log", 3),
        ])
        #expect(diagnosis.chains.count == 1, "\(diagnosis.chains)")
        let chain = diagnosis.chains[0]
        #expect(chain.rootCause == "log-dir")
        #expect(chain.explains == ["refused", "unit-failed"])
        #expect(chain.places == ["/"])
        #expect(chain.timeline.map(\.incident) == ["log-dir", "unit-failed", "refused"])
        #expect(
            chain.timeline.map(\.evidence.source) == [
                "/var/log/app.log", "/var/log/journal.export", "/var/log/nginx/error.log",
            ])
        let refused = reports.first { $0.incident.id == "refused" }
        #expect(refused?.causedBy == ["log-dir", "unit-failed"])
        #expect(reports.first { $0.incident.id == "log-dir" }?.isRootCause == true)
    }

    @Test func twoDeploymentsWithTheSameTroubleAreTwoChains() {
        let (diagnosis, _) = Self.diagnose([
            ("log-dir", "a/var/log/app.log", 0), ("refused", "a/var/log/nginx/error.log", 1),
            ("log-dir", "b/var/log/app.log", 100), ("refused", "b/var/log/nginx/error.log", 101),
        ])
        #expect(diagnosis.chains.map(\.places) == [["a"], ["b"]])
    }

    /// The minutes a place keeps, merged in pieces, are those of one sequential count (the earliest and latest
    /// `marksKept`, each with its earliest record), checked against keeping every minute.
    @Test(arguments: 0..<100)
    func marksMergeLikeOneSequentialCount(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let records = (0..<Int.random(in: 1..<200, using: &random)).map { n in
            Evidence(
                source: "s", file: "f", line: n + 1, offset: 0,
                time: Int64.random(in: 0..<90, using: &random) * 20_000_000, text: "", rule: "r")
        }
        var whole = PlaceSpan(records[0], place: Place.of(file: "f"))
        for record in records.dropFirst() { whole.absorb(PlaceSpan(record, place: whole.place)) }
        // Reference: every minute, its earliest record (the first in input order on a tie), then trimmed once.
        var earliest: [Int64: Evidence] = [:]
        for record in records {
            let minute = record.time! / 60_000_000
            if let kept = earliest[minute], kept.time! <= record.time! { continue }
            earliest[minute] = record
        }
        var expected = earliest.keys.sorted().map { PlaceSpan.Mark(minute: $0, first: earliest[$0]!) }
        let keep = PlaceSpan.marksKept
        if expected.count > 2 * keep { expected.removeSubrange(keep..<(expected.count - keep)) }
        #expect(whole.marks == expected, "seed \(seed)")
        #expect(whole.count == records.count)
        #expect(whole.first == records.min { $0.time! < $1.time! })
    }

    /// On the corpus: the journal's OOM kill explains systemd's unit failure of the same minute, and unrelated
    /// cases are never linked.
    @Test func theCorpusChainsStayWithinTheirCases() throws {
        let catalog = try TestSupport.repositoryCatalog()
        let corpus = TestSupport.repositoryRoot + "/corpus"
        let result = ScanPipeline(configuration: ScanConfiguration(paths: [corpus], catalog: catalog)).run()
        let chains = result.diagnosis.chains
        for chain in chains {
            #expect(chain.places.count == 1, "\(chain.rootCause) spans \(chain.places)")
        }
        let journal = chains.filter { $0.places == [corpus + "/journald-export-flask"] }
        #expect(journal.map(\.rootCause).sorted() == ["missing-log-directory", "mysql-oom-killed"])
        let oom = try #require(journal.first { $0.rootCause == "mysql-oom-killed" })
        #expect(oom.explains == ["systemd-unit-failed"])
        #expect(oom.timeline.last?.evidence.source == "mysql.service")
        #expect(!chains.contains { $0.rootCause == "alembic-version-mismatch" || $0.rootCause == "crypt-key-length" })
    }
}

extension DiagnosisTests {
    /// Two incidents that can each cause the other: one chain, started by the earlier.
    @Test func aCycleIsOneChainStartedByItsEarliestMember() {
        let incidents = [
            ClassifierTests.incident("a", leadsTo: ["b"], rules: []),
            ClassifierTests.incident("b", leadsTo: ["a"], rules: []),
        ]
        var tally = IncidentTally(incidents: incidents, maxEvidence: 3)
        for (index, minutes) in [(1, Int64(0)), (0, 1)] {
            tally.add(
                Evidence(
                    source: "s", file: "/var/log/x.log", line: index + 1, offset: 0,
                    time: Self.base + minutes * Self.minute, text: "", rule: "r"), incident: index, values: [])
        }
        let chains = Diagnosis(reports: tally.reports()).chains
        #expect(chains.map(\.rootCause) == ["b"])
        #expect(chains.first?.explains == ["a"])
    }
}
