import Foundation
import Testing

@testable import LogTriageCore

@Suite struct MetricsFileTests {
    @Test func rendersTheExpositionFormatWithEscapedLabels() {
        var counts = MetricsFile.Counts()
        counts.incidents = [("port-already-in-use", "error", 3), ("odd\"id\\\n", "warning", 0)]
        counts.records = 12
        counts.bytes = 3400
        counts.filesFollowed = 2
        counts.decodeErrors = 1
        counts.lastEvent = 1_754_355_782_123_000
        let text = MetricsFile.render(counts)
        #expect(
            text == """
                # HELP logtriage_incidents_total Records counted as evidence of each incident.
                # TYPE logtriage_incidents_total counter
                logtriage_incidents_total{id="port-already-in-use",severity="error"} 3
                logtriage_incidents_total{id="odd\\"id\\\\\\n",severity="warning"} 0
                # HELP logtriage_records_total Log records read.
                # TYPE logtriage_records_total counter
                logtriage_records_total 12
                # HELP logtriage_read_bytes_total Decompressed log bytes read.
                # TYPE logtriage_read_bytes_total counter
                logtriage_read_bytes_total 3400
                # HELP logtriage_files_followed Files followed now.
                # TYPE logtriage_files_followed gauge
                logtriage_files_followed 2
                # HELP logtriage_decode_errors_total Malformed records and read problems met.
                # TYPE logtriage_decode_errors_total counter
                logtriage_decode_errors_total 1
                # HELP logtriage_last_event_timestamp_seconds When the last incident record was counted.
                # TYPE logtriage_last_event_timestamp_seconds gauge
                logtriage_last_event_timestamp_seconds 1754355782.123

                """)
    }

    @Test func writesAtomicallyByRenaming() throws {
        let path = NSTemporaryDirectory() + "logtriage-metrics-\(getpid()).prom"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "old".write(toFile: path, atomically: false, encoding: .utf8)
        var counts = MetricsFile.Counts()
        counts.records = 1
        try MetricsFile.write(counts, to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == MetricsFile.render(counts))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter {
            $0.hasPrefix("logtriage-metrics-\(getpid()).prom.tmp")
        }
        #expect(leftovers.isEmpty)
        #expect(throws: (any Error).self) { try MetricsFile.write(counts, to: "/nonexistent-folder/x.prom") }
    }

    /// A path that is not UTF-8 (as `PathName` carries it from the command line) is written under its own bytes.
    @Test func aNameThatIsNotUTF8IsWrittenUnderItsOwnBytes() throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let name = Array("metrics-".utf8) + [0xFF, 0xFE] + Array(".prom".utf8)
        let path = root + "/" + PathName.string(name)
        var counts = MetricsFile.Counts()
        counts.records = 7
        try MetricsFile.write(counts, to: path)
        let listed = try #require(try? PathName.entries(of: root).get())
        #expect(listed.map(PathName.bytes) == [name])
        let written = try #require(PathName.contents(of: path))
        #expect(written == Array(MetricsFile.render(counts).utf8))
    }
}
