import Testing

@testable import LogTriageCore

@Suite struct PlainLineFormatTests {
    /// 2024-10-18T10:18:09Z in microseconds.
    private let t0: Int64 = 1_729_246_689_000_000

    private func times(_ lines: [String], utcOffsetSeconds: Int = 0) -> [Int64?] {
        let make = { PlainDecoder(context: testContext(utcOffsetSeconds: utcOffsetSeconds)) }
        return decodeInAllChunkings(lines.joined(separator: "\n"), with: make).records.map(\.time)
    }

    @Test func recognisesEveryTimestampForm() {
        let lines = [
            "2024-10-18T10:18:09.522123456Z docker logs --timestamps output",
            "[E 2024-10-18 10:18:09.522 JupyterHub app:3652] Failed",
            "[2024-10-18 10:18:09 +0000] [7] [ERROR] Worker (pid:8) was sent SIGKILL!",
            "2024-10-18 10:18:09,522 ERROR [django.request] Internal Server Error",
            "2024/10/18 10:18:09 [error] 1#1: something",
            "Oct 18 10:18:09 host sshd[99]: Connection closed",
            "INFO  2024-10-18T12:18:09+02:00 app started",
            "level=error ts=2024-10-18T10:18:09.5Z msg=boom",
            "no time here at all",
            "build 12024-10-18T10:18:09Z is not at a word boundary",
            String(repeating: "x", count: 64) + " 2024-10-18T10:18:09Z too far in",
        ]
        #expect(
            times(lines) == [
                t0 + 522_123, t0 + 522_000, t0, t0 + 522_000, t0, t0, t0, t0 + 500_000, nil, nil, nil,
            ])
    }

    @Test func zonelessTimesTakeTheContextOffset() {
        let lines = ["2024-10-18 12:18:09 local", "Oct 18 12:18:09 host x: y", "2024-10-18T10:18:09Z has a zone"]
        #expect(times(lines, utcOffsetSeconds: 7200) == [t0, t0, t0])
    }

    @Test func stripsTheComposePrefixIntoTheSource() {
        let lines = [
            "web-1  | 2024-10-18T10:18:09.000000000Z panic: boom",
            "db     | LOG:  database system is ready",
            "worker_2.x |",
            "a | one space before the bar is enough",
            "not a prefix | because of the space in the name",
            "nopipe   message",
        ]
        let starts = lineStarts(lines)
        let result = decodeInAllChunkings(
            lines.joined(separator: "\n") + "\n", with: { PlainDecoder(context: testContext()) })
        #expect(
            result.records == [
                Rec("2024-10-18T10:18:09.000000000Z panic: boom", source: "web-1", time: t0, line: 1, offset: 0),
                Rec("LOG:  database system is ready", source: "db", line: 2, offset: starts[1]),
                Rec("", source: "worker_2.x", line: 3, offset: starts[2]),
                Rec(
                    "one space before the bar is enough", source: "a", line: 4,
                    offset: starts[3]),
                Rec(lines[4], line: 5, offset: starts[4]),
                Rec(lines[5], line: 6, offset: starts[5]),
            ])
    }
}
