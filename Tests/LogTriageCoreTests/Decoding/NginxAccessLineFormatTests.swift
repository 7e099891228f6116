import Testing

@testable import LogTriageCore

@Suite struct NginxAccessLineFormatTests {
    private let make = { NginxAccessDecoder(context: testContext(utcOffsetSeconds: 3600)) }

    @Test func takesTheTimeFromTheBracketedField() {
        let lines = [
            #"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326"#,
            #"10.0.0.2 - - [18/Oct/2024:10:18:09 +0000] "GET /\x16\x03\x01 HTTP/1.1" 400 157 "-" "curl/8.0""#,
            #"custom format without a time"#,
            #"10.0.0.3 - [user] [18/Oct/2024:10:18:10 +0000] "POST /api HTTP/1.1" 502 0 "-" "-""#,
        ]
        let starts = lineStarts(lines)
        let result = decodeInAllChunkings(lines.joined(separator: "\n") + "\n", with: make)
        #expect(
            result.records == [
                Rec(lines[0], time: 971_211_336_000_000, line: 1, offset: 0),
                Rec(lines[1], time: 1_729_246_689_000_000, line: 2, offset: starts[1]),
                Rec(lines[2], line: 3, offset: starts[2]),
                Rec(lines[3], time: 1_729_246_690_000_000, line: 4, offset: starts[3]),
            ])
        #expect(result.problems.isEmpty)
    }

    /// A line whose first `[` holds the same 26 bytes as the last line's time reuses it; every line's time is still
    /// the one the uncached search finds, whatever came before (random lines from a few stamps, a first bracket
    /// that is not a time, a stamp without its `]`, stamps that differ only in the zone).
    @Test func reusingTheLastTimeChangesNoTime() {
        let stamps = [
            "10/Oct/2000:13:55:36 -0700", "10/Oct/2000:13:55:36 +0000", "10/Oct/2000:13:55:37 -0700",
            "31/Dec/2024:23:59:59 +0100", "99/Xyz/2024:10:00:00 +0000",
        ]
        var random = SplitMix64(seed: 26)
        var lines: [String] = []
        for _ in 0..<400 {
            let stamp = stamps.randomElement(using: &random)!
            let other = stamps.randomElement(using: &random)!
            let line =
                switch Int.random(in: 0..<5, using: &random) {
                case 0: "10.0.0.1 - - [\(stamp)] \"GET / HTTP/1.1\" 200 5"
                case 1: "10.0.0.1 - [user] [\(stamp)] \"GET / HTTP/1.1\" 200 5"
                case 2: "10.0.0.1 - - [\(stamp) \"GET / HTTP/1.1\" 200 5 [\(other)]"
                case 3: "10.0.0.1 - - [\(stamp)]"
                default: "no time at all [\(stamp.prefix(10))]"
                }
            lines.append(line)
        }
        let result = decodeInAllChunkings(lines.joined(separator: "\n") + "\n", with: make)
        #expect(result.records.count == lines.count)
        for (record, line) in zip(result.records, lines) {
            let expected = Array(line.utf8).withUnsafeBytes { NginxAccessLineFormat.time(in: $0) }
            #expect(record.time == expected, "\(line)")
        }
        #expect(result.records.contains { $0.time != nil } && result.records.contains { $0.time == nil })
    }
}
