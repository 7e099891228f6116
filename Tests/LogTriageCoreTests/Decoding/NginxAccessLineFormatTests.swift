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
}
