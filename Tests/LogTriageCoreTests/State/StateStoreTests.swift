import Foundation
import Synchronization
import Testing

@testable import LogTriageCore

@Suite struct StateStoreTests {
    static func directory(_ name: String) -> String {
        NSTemporaryDirectory() + "logtriage-state-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Committed in batches, per minute of the records' time, and read back: the same reports as counting the
    /// records in one go in time order (to the minute), and with `sinceMinute` as counting only the later ones.
    @Test(arguments: 0..<40)
    func batchesReadBackAsOneTally(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var events = IncidentTallyTests.randomEvents(Int.random(in: 1..<80, using: &random), &random)
        for i in events.indices {
            // Times over five minutes, some records without one given a time as tail does.
            events[i].evidence.time = Int64.random(in: 0..<300, using: &random) * 1_000_000 + 1_700_000_000_000_000
        }
        let maxEvidence = Int.random(in: 1...4, using: &random)
        let path = Self.directory("batches")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try StateStore(directory: path, writer: true)
        var start = 0
        while start < events.count {
            let end = min(events.count, start + Int.random(in: 1...20, using: &random))
            var batch = StateBatch()
            for event in events[start..<end] {
                let minute = LivePipeline.minute(of: event.evidence.time!)
                batch.tallies[
                    minute, default: IncidentTally(incidents: IncidentTallyTests.incidents, maxEvidence: maxEvidence)
                ]
                .add(event.evidence, incident: event.incident, values: event.values)
            }
            try store.commit(batch)
            start = end
        }
        func reference(since: Int64?) -> [IncidentReport] {
            let ordered = events.enumerated().sorted {
                (LivePipeline.minute(of: $0.element.evidence.time!), $0.offset)
                    < (LivePipeline.minute(of: $1.element.evidence.time!), $1.offset)
            }.map(\.element).filter { since == nil || LivePipeline.minute(of: $0.evidence.time!) >= since! }
            return IncidentTallyTests.tally(ordered[...], maxEvidence: maxEvidence).reports()
        }
        let read = try store.tally(sinceMinute: nil, incidents: IncidentTallyTests.incidents, maxEvidence: maxEvidence)
        #expect(read.tally.reports() == reference(since: nil), "seed \(seed)")
        #expect(read.unknown.isEmpty)
        let since = LivePipeline.minute(of: 1_700_000_000_000_000) + 2
        let later = try store.tally(
            sinceMinute: since, incidents: IncidentTallyTests.incidents, maxEvidence: maxEvidence)
        #expect(later.tally.reports() == reference(since: since), "seed \(seed)")
    }

    @Test func filesCursorCountersAndAlertsRoundTrip() throws {
        let path = Self.directory("roundtrip")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var checkpoint = DecoderCheckpoint(offset: 120, line: 7)
        checkpoint.cursor = "s=abc;i=9"
        let file = FollowedFileState(
            id: 3, path: "/var/log/nginx/error.log",
            identity: FileIdentity(device: 2049, inode: UInt64.max - 5, fingerprint: Array("2025/08/05".utf8)),
            format: .nginxError, checkpoint: checkpoint, draining: true,
            predecessor: FileIdentity(device: 2049, inode: 12, fingerprint: [1, 2, 3]))
        do {
            let store = try StateStore(directory: path, writer: true)
            var batch = StateBatch()
            batch.files = [file]
            batch.journalCursor = "s=abc;i=9"
            batch.counterDeltas = ["records": 10, "bytes": 500]
            batch.alerts = ["port-already-in-use": AlertState(reported: 42, suppressed: 3)]
            try store.commit(batch)
            var more = StateBatch()
            more.counterDeltas = ["records": 5]
            try store.commit(more)
        }
        let store = try StateStore(directory: path, writer: false)
        #expect(try store.files() == [file])
        #expect(try store.journalCursor() == "s=abc;i=9")
        #expect(try store.counters()["records"] == 15)
        #expect(try store.counters()["bytes"] == 500)
        #expect(try store.alerts() == ["port-already-in-use": AlertState(reported: 42, suppressed: 3)])
    }

    @Test func pruningForgetsWhatWasCountedLongAgoOnly() throws {
        let path = Self.directory("prune")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try StateStore(directory: path, writer: true)
        var batch = StateBatch()
        for minute: Int64 in [10, 20, 30] {
            var tally = IncidentTally(incidents: IncidentTallyTests.incidents, maxEvidence: 3)
            let evidence = Evidence(
                source: "s", file: "f", line: 1, offset: 0, time: minute * 60_000_000, text: "t", rule: "r")
            tally.add(evidence, incident: 0, values: [])
            batch.tallies[minute] = tally
        }
        try store.commit(batch)
        // Old records just counted stay; what was counted before a time is forgotten.
        try store.prune(countedBefore: Int64(Date().timeIntervalSince1970 * 1e6) - 60_000_000)
        let kept = try store.tally(sinceMinute: nil, incidents: IncidentTallyTests.incidents, maxEvidence: 3)
        #expect(try #require(kept.tally.reports().first).count == 3)
        try store.prune(countedBefore: Int64(Date().timeIntervalSince1970 * 1e6) + 1)
        let left = try store.tally(sinceMinute: nil, incidents: IncidentTallyTests.incidents, maxEvidence: 3)
        #expect(left.tally.isEmpty)
    }

    @Test func aSecondWriterIsRefusedWhileTheFirstHoldsTheLock() throws {
        let path = Self.directory("lock")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try StateStore(directory: path, writer: true)
        #expect(throws: StateError.self) { _ = try StateStore(directory: path, writer: true) }
        // Readers (summary) are not locked out.
        #expect(try StateStore(directory: path, writer: false).counters().isEmpty)
        _ = first
    }

    /// A refused lock closes its descriptor once: closing it twice would close whatever another thread opened in
    /// between under the same number (a SQLite database, in a process running several stores). Another thread
    /// opens, checks and closes descriptors while refusals run; every one of its descriptors must stay open until
    /// it closes it.
    @Test func aRefusedLockClosesItsDescriptorOnce() throws {
        let path = Self.directory("refusal")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let holder = try StateStore(directory: path, writer: true)
        let stop = Atomic(false)
        let lost = Atomic(0)
        let opener = Thread {
            while !stop.load(ordering: .relaxed) {
                let fd = open("/dev/null", O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { continue }
                for _ in 0..<50 where fcntl(fd, F_GETFD) < 0 { lost.add(1, ordering: .relaxed) }
                if close(fd) != 0 { lost.add(1, ordering: .relaxed) }
            }
        }
        opener.start()
        var refused = 0
        for _ in 0..<3000 {
            do {
                _ = try StateLock(directory: path)
            } catch {
                refused += 1
            }
        }
        stop.store(true, ordering: .relaxed)
        while !opener.isFinished { usleep(1000) }
        #expect(refused == 3000)
        #expect(lost.load(ordering: .relaxed) == 0, "descriptors of another thread were closed under it")
        _ = holder
    }

    @Test func notADatabaseAndAnotherProgramsDatabaseAreRefused() throws {
        let path = Self.directory("foreign")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let junk = Data(repeating: 0x41, count: 8192)
        try junk.write(to: URL(fileURLWithPath: path + "/state.sqlite"))
        do {
            _ = try StateStore(directory: path, writer: true)
            Issue.record("a file that is not a database was opened")
        } catch {
            #expect(error.message.contains("is not an SQLite database"), "\(error)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path + "/state.sqlite")) == junk)
    }

    /// A state folder whose path is not UTF-8 is refused with the reason, and nothing is created: SQLite would open
    /// the database under a repaired name, another folder than the one named.
    @Test func aFolderWhosePathIsNotUTF8IsRefused() throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let directory = root + "/" + PathName.string(Array("state-".utf8) + [0xFF])
        for writer in [true, false] {
            let error = #expect(throws: StateError.self) { _ = try StateStore(directory: directory, writer: writer) }
            #expect(error?.message.contains("not valid UTF-8") == true, "\(String(describing: error))")
        }
        #expect(try PathName.entries(of: root).get().isEmpty)
    }
}
