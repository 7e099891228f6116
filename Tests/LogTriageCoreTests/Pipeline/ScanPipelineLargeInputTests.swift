import Foundation
import Testing

@testable import LogTriageCore

/// Inputs larger than one read chunk, many sets, and the things that only show at that size: line numbers and
/// offsets across chunks, progress, problem capping, a format change within a set, and the same result for any
/// number of jobs.
@Suite struct ScanPipelineLargeInputTests {
    static let catalog = ScanPipelineTests.catalog
    static let benign = "2025/03/01 10:00:00 [notice] 1#1: signal process started, nothing to see here"

    static func refused(_ n: Int) -> String {
        "2025/03/01 10:00:00 [error] 1#1: *\(n) connect() failed (111: Connection refused) while connecting to upstream, upstream: \"http://b:\(n)/\""
    }

    static func results(equal a: ScanResult, _ b: ScanResult) -> Bool {
        var (sa, sb) = (a.stats, b.stats)
        sa.seconds = 0
        sb.seconds = 0
        return a.incidents == b.incidents && sa == sb && a.errors == b.errors && a.skipped == b.skipped
    }

    /// 3 MB of nginx error log read in 64 KiB chunks: every planted line is found with its exact line number and
    /// byte offset, including lines that straddle chunk boundaries, and progress reaches the file's size.
    @Test func linesAcrossManyChunksKeepExactPositions() throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var text: [UInt8] = []
        var planted: [(line: Int, offset: Int)] = []
        var line = 1
        var random = SplitMix64(seed: 7)
        while text.count < 3 << 20 {
            let next: String
            if Int.random(in: 0..<400, using: &random) == 0 {
                planted.append((line, text.count))
                next = Self.refused(line)
            } else {
                next = Self.benign + String(repeating: "x", count: Int.random(in: 0..<300, using: &random))
            }
            text += Array(next.utf8) + [10]
            line += 1
        }
        try Data(text).write(to: URL(fileURLWithPath: root + "/error.log"))
        let updates = Updates()
        var configuration = ScanConfiguration(paths: [root], catalog: Self.catalog, maxEvidence: 100)
        configuration.chunkSize = 64 << 10
        configuration.progressInterval = 256 << 10
        let result = ScanPipeline(configuration: configuration).run { updates.append($0.storedBytes) }
        #expect(result.errors.isEmpty)
        #expect(result.stats.bytes == Int64(text.count))
        #expect(result.stats.records == line - 1)
        let report = try #require(result.incidents.first)
        #expect(report.count == planted.count)
        #expect(report.evidence.map(\.line) == planted.prefix(100).map(\.line))
        #expect(report.evidence.map(\.offset) == planted.prefix(100).map { Int64($0.offset) })
        let seen = updates.values
        #expect(seen.count > 1, "progress is reported within the file")
        #expect(seen == seen.sorted())
        #expect(seen.last == Int64(text.count))
    }

    /// After `maxProblemsPerFile` problems in a file, the rest are counted in one line.
    @Test func problemsAreCappedPerFile() throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let good = ScanPipelineTests.dockerLine("hello\n", time: "2025-03-01T10:00:00Z")
        let lines = (0..<25).map { $0 % 2 == 0 ? good : "{\"log\": broken \($0)}\n" }
        try lines.joined().write(toFile: root + "/c-json.log", atomically: true, encoding: .utf8)
        try lines.joined().write(toFile: root + "/d-json.log", atomically: true, encoding: .utf8)
        var configuration = ScanConfiguration(paths: [root], catalog: Self.catalog)
        configuration.maxProblemsPerFile = 4
        let result = ScanPipeline(configuration: configuration).run()
        for file in ["c-json.log", "d-json.log"] {
            let mine = result.errors.filter { $0.source.hasPrefix(root + "/" + file) }
            #expect(mine.count == 5, "\(mine)")
            #expect(mine.prefix(4).map(\.source) == [2, 4, 6, 8].map { root + "/\(file):\($0)" })
            #expect(mine.last == ScanError(source: root + "/" + file, message: "8 more problems like the above"))
        }
        #expect(result.stats.records == 50, "malformed lines are still handed on, raw")
    }

    /// A rotated set whose older file has another format than the current one: each file is decoded as what it
    /// is, and records of both count.
    @Test func formatMayChangeWithinARotatedSet() throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try (Self.refused(1) + "\n").write(toFile: root + "/app.log.1", atomically: true, encoding: .utf8)
        let docker = ScanPipelineTests.dockerLine(
            "connect() failed (111: Connection refused) while connecting to upstream, upstream: \"http://c:2/\"\n",
            time: "2025-03-01T11:00:00Z")
        try docker.write(toFile: root + "/app.log", atomically: true, encoding: .utf8)
        let result = ScanPipeline(configuration: ScanConfiguration(paths: [root], catalog: Self.catalog)).run()
        #expect(result.errors.isEmpty, "\(result.errors)")
        let report = try #require(result.incidents.first)
        #expect(report.count == 2)
        #expect(report.evidence.map(\.file) == [root + "/app.log.1", root + "/app.log"])
        #expect(report.values.first?.values == ["http://b:1/", "http://c:2/"])
        #expect(report.lastSeen == 1_740_826_800_000_000, "the docker time was decoded: 2025-03-01T11:00:00Z")
    }

    /// Many sets of different sizes, some with problems, scanned with 1 to 8 jobs: the same result every time.
    @Test func theResultDoesNotDependOnTheNumberOfJobs() throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var random = SplitMix64(seed: 42)
        for set in 0..<40 {
            let folder = root + "/host\(set % 7)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for rotation in ["", ".1"] {
                let count = Int.random(in: 0..<(set % 5 == 0 ? 3000 : 60), using: &random)
                var text = ""
                for n in 0..<count {
                    text += (Int.random(in: 0..<9, using: &random) == 0 ? Self.refused(n + set) : Self.benign) + "\n"
                }
                if set % 11 == 3 { text += "\u{0}\u{1}binary tail\n" }
                try text.write(toFile: folder + "/svc\(set).log" + rotation, atomically: true, encoding: .utf8)
            }
        }
        try Data(GzipTestData.member(Self.refused(9) + "\n").dropLast(5))
            .write(to: URL(fileURLWithPath: root + "/host0/cut.log.gz"))
        func scan(jobs: Int) -> ScanResult {
            ScanPipeline(configuration: ScanConfiguration(paths: [root], catalog: Self.catalog, jobs: jobs)).run()
        }
        let one = scan(jobs: 1)
        #expect(one.incidents.first?.count ?? 0 > 100)
        #expect(one.errors.count == 1, "the cut gzip file")
        for jobs in [2, 3, 8] {
            #expect(Self.results(equal: scan(jobs: jobs), one), "--jobs \(jobs)")
        }
    }
}

extension ScanPipelineLargeInputTests {
    /// A FIFO named as a path (what `<(zcat x.gz)` passes) is read as a stream; one met in a walk is not read.
    @Test func aNamedFIFOIsReadAsAStream() throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fifo = root + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        let text = (1...50).map { Self.refused($0) + "\n" }.joined()
        let writer = Thread {
            let handle = FileHandle(forWritingAtPath: fifo)  // waits for the reader
            handle?.write(Data(text.utf8))
            try? handle?.close()
        }
        writer.start()
        let result = ScanPipeline(configuration: ScanConfiguration(paths: [fifo], catalog: Self.catalog)).run()
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.incidents.first?.count == 50)
        #expect(result.incidents.first?.sources == [fifo])

        // In a walk, the same FIFO (now without a writer) is passed over rather than waited on.
        try (Self.refused(1) + "\n").write(toFile: root + "/a.log", atomically: true, encoding: .utf8)
        let walked = ScanPipeline(configuration: ScanConfiguration(paths: [root], catalog: Self.catalog)).run()
        #expect(walked.incidents.first?.count == 1)
        #expect(walked.stats.files == 1)
    }
}

/// Progress values, collected from whichever thread reports them.
final class Updates: @unchecked Sendable {
    // Safe because `stored` is only touched while `lock` is held.
    private let lock = NSLock()
    private var stored: [Int64] = []

    func append(_ value: Int64) {
        lock.lock()
        stored.append(value)
        lock.unlock()
    }

    var values: [Int64] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
