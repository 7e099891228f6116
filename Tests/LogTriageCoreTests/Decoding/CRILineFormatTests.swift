import Testing

@testable import LogTriageCore

@Suite struct CRILineFormatTests {
    private let make = { CRIDecoder(context: testContext()) }
    /// 2024-10-18T10:18:09Z in microseconds.
    private let t0: Int64 = 1_729_246_689_000_000

    @Test func decodesFullLines() {
        let lines = [
            "2024-10-18T10:18:09.522123456Z stdout F hello world",
            "2024-10-18T12:18:10+02:00 stderr F  leading space kept",
            "2024-10-18T10:18:11Z stdout F",
            "2024-10-18T10:18:12Z stdout F:extra tagged",
        ]
        let starts = lineStarts(lines)
        let result = decodeInAllChunkings(lines.joined(separator: "\r\n") + "\r\n", with: make)
        let crlfStarts = starts.enumerated().map { $0.element + Int64($0.offset) }
        #expect(
            result.records == [
                Rec("hello world", time: t0 + 522_123, line: 1, offset: crlfStarts[0]),
                Rec(" leading space kept", time: t0 + 1_000_000, line: 2, offset: crlfStarts[1]),
                Rec("", time: t0 + 2_000_000, line: 3, offset: crlfStarts[2]),
                Rec("tagged", time: t0 + 3_000_000, line: 4, offset: crlfStarts[3]),
            ])
        #expect(result.problems.isEmpty)
    }

    @Test func joinsPartialsPerStreamAcrossFiles() {
        let first = [
            "2024-10-18T10:18:09Z stdout P out-1 ",
            "2024-10-18T10:18:10Z stderr P err-1 ",
            "2024-10-18T10:18:11Z stdout P out-2 ",
        ]
        let second = [
            "2024-10-18T10:18:12Z stdout F out-3",
            "2024-10-18T10:18:13Z stdout F alone",
            "2024-10-18T10:18:14Z stderr P err-2",
        ]
        let files = [first, second].map { Array(($0.joined(separator: "\n") + "\n").utf8) }
        let result = decodeInAllChunkings(files, with: make)
        #expect(
            result.records == [
                Rec("out-1 out-2 out-3", time: t0, line: 1, offset: 0),
                Rec("alone", time: t0 + 4_000_000, line: 2, offset: lineStarts(second)[1]),
                // Flushed at finish, without its final part: it started in the first file.
                Rec("err-1 err-2", time: t0 + 1_000_000, line: 2, offset: lineStarts(first)[1]),
            ])
    }

    @Test func malformedLinesAreReportedAndKeptRaw() {
        let lines = [
            "not a cri line",
            "2024-10-18T10:18:09Z stdboth F x",
            "2024-10-18T10:18:09Z stdout X x",
            "2024-10-18T10:18:09Z stdout F fine",
        ]
        let starts = lineStarts(lines)
        let result = decodeInAllChunkings(lines.joined(separator: "\n"), with: make)
        #expect(
            result.records == [
                Rec(lines[0], line: 1, offset: 0), Rec(lines[1], line: 2, offset: starts[1]),
                Rec(lines[2], line: 3, offset: starts[2]), Rec("fine", time: t0, line: 4, offset: starts[3]),
            ])
        #expect(
            result.problems.map(\.message) == [
                "not a CRI log line: it does not start with an RFC 3339 time",
                "not a CRI log line: the stream is not stdout or stderr",
                "not a CRI log line: the tag is not P or F",
            ])
    }
}
