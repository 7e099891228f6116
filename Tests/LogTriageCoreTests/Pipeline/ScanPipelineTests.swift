import Foundation
import Testing

@testable import LogTriageCore

@Suite struct ScanPipelineTests {
    static let catalog = Catalog(incidents: [
        ClassifierTests.incident(
            "refused",
            rules: [
                ClassifierTests.rule("nginx", ["Connection refused"], regex: "upstream: \"(?<upstream>[^\"]+)\"")
            ])
    ])

    static func dockerLine(_ log: String, time: String) -> String {
        let escaped = log.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return #"{"log":"\#(escaped)","stream":"stderr","time":"\#(time)"}"# + "\n"
    }

    /// A long docker line split in two entries, the split falling across the rotation `.1.gz` → current file.
    @Test func dockerRotationIsReadOldestFirstAndSplitLinesAreJoined() throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let id = String(repeating: "0f", count: 32)
        let folder = root + "/containers/" + id
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try #"{"Name":"/frontend"}"#.write(toFile: folder + "/config.v2.json", atomically: true, encoding: .utf8)
        let message =
            "connect() failed (111: Connection refused) while connecting to upstream, upstream: \"http://backend:8000/\""
        let padding = String(repeating: "x", count: 20_000)
        let older =
            Self.dockerLine("first line\n", time: "2025-03-01T10:00:00.000000001Z")
            + Self.dockerLine(padding + message.prefix(30), time: "2025-03-01T10:00:01Z")
        let newer =
            Self.dockerLine(message.dropFirst(30) + "\n", time: "2025-03-01T10:00:01.5Z")
            + Self.dockerLine(message + "\n", time: "2025-03-01T11:00:00Z")
        try Data(GzipTestData.member(older, extra: Array("docker".utf8)))
            .write(to: URL(fileURLWithPath: folder + "/\(id)-json.log.1.gz"))
        try newer.write(toFile: folder + "/\(id)-json.log", atomically: true, encoding: .utf8)

        let result = ScanPipeline(configuration: ScanConfiguration(paths: [root], catalog: Self.catalog)).run()
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.stats.files == 2)
        #expect(result.stats.records == 3, "the split line is one record")
        let report = try #require(result.incidents.first)
        #expect(report.count == 2)
        #expect(report.sources == ["frontend"])
        #expect(report.firstSeen == 1_740_823_201_000_000, "2025-03-01T10:00:01Z")
        #expect(report.lastSeen == 1_740_826_800_000_000, "2025-03-01T11:00:00Z")
        #expect(report.evidence.first?.file == folder + "/\(id)-json.log.1.gz")
        #expect(report.evidence.first?.line == 2)
        #expect(report.evidence.first?.text.hasPrefix("xxxx") == true)
        #expect(report.evidence.first?.text.hasSuffix("…") == true, "evidence text is capped")
        #expect(report.values.first?.values == ["http://backend:8000/"])
    }

    /// One job is one core: gzip is then inflated on the scanning thread, not ahead of it on another.
    @Test func oneJobInflatesOnTheScanningThread() {
        #expect(!ScanConfiguration(paths: [], catalog: Self.catalog, jobs: 1).readAhead)
        #expect(ScanConfiguration(paths: [], catalog: Self.catalog, jobs: 2).readAhead)
    }

    @Test func oneBadFileDoesNotStopTheOthers() throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let line =
            "2025/03/01 10:00:00 [error] 1#1: *1 connect() failed (111: Connection refused) while connecting to upstream, upstream: \"http://b:1/\"\n"
        try line.write(toFile: root + "/a.log", atomically: true, encoding: .utf8)
        // Varied lines, so that half of the compressed bytes hold many whole lines.
        let lines = (1...400).map {
            "2025/03/01 10:00:00 [error] 1#1: *\($0 * 7919 % 10007) connect() failed (111: Connection refused) while connecting to upstream, upstream: \"http://b:\($0)/\"\n"
        }
        let text = lines.joined()
        var corrupt = GzipTestData.member(text)
        corrupt.removeLast(corrupt.count / 2)
        try Data(corrupt).write(to: URL(fileURLWithPath: root + "/b.log"))
        try Data([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]).write(to: URL(fileURLWithPath: root + "/c.bin"))
        let result = ScanPipeline(
            configuration: ScanConfiguration(paths: [root, root + "/missing"], catalog: Self.catalog)
        ).run()
        #expect(result.errors.map(\.source).sorted() == [root + "/b.log", root + "/missing"])
        #expect(result.errors.contains { $0.message.contains("truncated") })
        #expect(result.skipped.map(\.source) == [root + "/c.bin"])
        // The readable part of b.log is what the error says was decompressed; its complete lines, and a last
        // line cut short that still has its whole upstream, are evidence.
        let truncation = try #require(result.errors.first { $0.source == root + "/b.log" })
        let decoded = try #require(Self.decompressedBytes(in: truncation.message))
        let readable = String(decoding: Array(text.utf8).prefix(decoded), as: UTF8.self)
        let expected = readable.split(separator: "\n").filter { $0.contains(#/upstream: "[^"]+"/#) }.count
        #expect(decoded > 0 && decoded < text.utf8.count)
        #expect(result.incidents.first?.count == 1 + expected, "a.log and the readable part of b.log")
    }

    /// The number in "the N bytes decompressed before that were scanned".
    static func decompressedBytes(in message: String) -> Int? {
        (try? #/the (\d+) bytes decompressed/#.firstMatch(in: message)).flatMap { Int($0.output.1) }
    }

    /// NUL padding at a file's start (copytruncate with a writer that kept its offset), however long, is stepped
    /// over and said once; the records after it keep their true offsets. A few stray NULs do not make a log
    /// binary; a file mostly of NULs and control bytes is skipped as binary.
    @Test func nulPaddingIsSteppedOverAndTextWithNULsIsText() throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let line = "2025/08/05 01:03:02 [emerg] 1#1: bind() to 127.0.0.1:80 failed (98: Address already in use)\n"
        for (name, padding) in [("short.log", 12), ("long.log", 300_000)] {
            try (Data(count: padding) + Data(line.utf8)).write(to: URL(fileURLWithPath: root + "/" + name))
        }
        let stray = "2025/08/05 01:03:01 [info] 1#1: a \u{0} in a line\n" + line
        try stray.write(toFile: root + "/stray.log", atomically: true, encoding: .utf8)
        var binary = Data(count: 4096)
        for i in stride(from: 0, to: 4096, by: 7) { binary[i] = 0x41 }
        try (binary + Data(line.utf8)).write(to: URL(fileURLWithPath: root + "/wtmp"))

        let catalog = try TestSupport.repositoryCatalog()
        let result = ScanPipeline(configuration: ScanConfiguration(paths: [root], catalog: catalog, jobs: 1)).run()
        #expect(result.errors.isEmpty, "\(result.errors)")
        let report = try #require(result.incidents.first { $0.incident.id == "port-already-in-use" })
        #expect(report.count == 3, "short.log, long.log and stray.log")
        let offsets = Dictionary(
            uniqueKeysWithValues: report.evidence.map { (($0.file as NSString).lastPathComponent, $0.offset) })
        #expect(offsets["short.log"] == 12)
        #expect(offsets["long.log"] == 300_000)
        #expect(
            result.skipped.contains {
                $0.source.hasSuffix("/long.log") && $0.message.hasPrefix("the first 300000 bytes are NUL padding")
            })
        #expect(result.skipped.contains { $0.source.hasSuffix("/wtmp") && $0.message.contains("binary data") })
        #expect(!result.skipped.contains { $0.source.hasSuffix("/stray.log") })
    }

    /// A file truncated while it is read is reported, with how far reading had got; what was read is counted.
    @Test func aFileThatShrinksWhileItIsReadIsReported() throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/app.log"
        let line = "2025/08/05 01:03:02 [emerg] 1#1: bind() to 127.0.0.1:80 failed (98: Address already in use)\n"
        try String(repeating: line, count: 40_000).write(toFile: path, atomically: true, encoding: .utf8)
        var configuration = ScanConfiguration(
            paths: [path], catalog: try TestSupport.repositoryCatalog(), chunkSize: 64 << 10, jobs: 1)
        configuration.progressInterval = 64 << 10
        let result = ScanPipeline(configuration: configuration).run { _ in truncate(path, 0) }
        let error = try #require(result.errors.first, "\(result)")
        #expect(error.source == path)
        #expect(error.message.hasPrefix("the file shrank to 0 bytes while it was read, after "))
        let counted = result.incidents.first?.count ?? 0
        #expect(counted > 0 && counted < 40_000, "what was read before the truncation is counted")
    }

    /// Progress tells the truth: stored and decoded bytes apart, a total once the listing is done, a time left,
    /// and updates within a large file.
    @Test func progressHasTotalsDecodedBytesAndTimeLeft() throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var random = SplitMix64(seed: 7)
        var text = ""
        for n in 0..<30_000 {
            text += "2025/08/05 01:03:02 [info] 1#1: *\(n) quiet line \(random.next()) \(random.next() % 977)\n"
        }
        try Data(GzipTestData.member(Array(text.utf8))).write(to: URL(fileURLWithPath: root + "/big.log.gz"))
        var configuration = ScanConfiguration(
            paths: [root], catalog: try TestSupport.repositoryCatalog(), chunkSize: 64 << 10, jobs: 1)
        configuration.progressInterval = 8 << 10
        let seen = ProgressLog()
        _ = ScanPipeline(configuration: configuration).run { seen.add($0) }
        let reports = seen.all
        #expect(reports.count >= 3, "updated within the one large file")
        let last = try #require(reports.last)
        #expect(last.listingDone && last.filesDone == 1 && last.filesTotal == 1)
        #expect(last.decodedBytes == Int64(text.utf8.count), "decoded bytes are the report's bytes")
        #expect(last.storedTotal == last.storedBytes && last.storedBytes < last.decodedBytes)
        #expect(last.line.hasPrefix("1/1 files, "))
        #expect(last.line.contains(" MiB decoded)"))
        var midway = ScanProgress(filesDone: 3, filesTotal: 10, storedBytes: 100 << 20, seconds: 10)
        midway.storedTotal = 400 << 20
        midway.decodedBytes = 300 << 20
        midway.listingDone = true
        #expect(midway.line == "3/10 files, 100.0 of 400.0 MiB (300.0 MiB decoded), 10.0 MiB/s, about 30 s left")
        midway.listingDone = false
        #expect(midway.line == "3/10+ files, 100.0 MiB (300.0 MiB decoded), 10.0 MiB/s")
    }
}

/// Progress reports gathered from the scanning threads.
final class ProgressLog: @unchecked Sendable {
    // Safe because `reports` is only touched while `lock` is held.
    private let lock = NSLock()
    private var reports: [ScanProgress] = []
    func add(_ report: ScanProgress) { lock.withLock { reports.append(report) } }
    var all: [ScanProgress] { lock.withLock { reports } }
}
