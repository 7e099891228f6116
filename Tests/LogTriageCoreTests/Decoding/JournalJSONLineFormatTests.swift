import Testing

@testable import LogTriageCore

@Suite struct JournalJSONLineFormatTests {
    private let make = { JournalJSONDecoder(context: testContext()) }

    @Test func choosesFieldsLikeTheExportDecoder() {
        let lines = [
            #"{"__CURSOR":"s=1","__REALTIME_TIMESTAMP":"1729246689522123","_SYSTEMD_UNIT":"nginx.service","#
                + #""SYSLOG_IDENTIFIER":"nginx","MESSAGE":"worker \"1\" exited\ton signal 11","PRIORITY":"3"}"#,
            #"{"MESSAGE":"from a container","CONTAINER_NAME":"web","_SYSTEMD_UNIT":"docker.service","#
                + #""__REALTIME_TIMESTAMP":"1729246690000000"}"#,
            #"{"_TRANSPORT":"kernel","SYSLOG_IDENTIFIER":"kernel","MESSAGE":"Out of memory: Killed process 42","#
                + #""__REALTIME_TIMESTAMP":"1729246691000000"}"#,
            #"{"SYSLOG_IDENTIFIER":"cron","MESSAGE":"only an identifier"}"#,
            #"{"__CURSOR":"s=5","_SYSTEMD_UNIT":"quiet.service"}"#,
        ]
        let starts = lineStarts(lines)
        let result = decodeInAllChunkings(lines.joined(separator: "\n") + "\n", with: make)
        #expect(
            result.records == [
                Rec(
                    "worker \"1\" exited\ton signal 11", source: "nginx.service", time: 1_729_246_689_522_123, line: 1,
                    offset: 0),
                Rec("from a container", source: "web", time: 1_729_246_690_000_000, line: 2, offset: starts[1]),
                Rec(
                    "Out of memory: Killed process 42", source: "kernel", time: 1_729_246_691_000_000, line: 3,
                    offset: starts[2], isKernel: true),
                Rec("only an identifier", source: "cron", line: 4, offset: starts[3]),
            ])
        #expect(result.problems.isEmpty)
    }

    @Test func messageAsByteArrayNullAndRepeatedField() {
        let lines = [
            #"{"MESSAGE":[104,105,10,255,0],"_SYSTEMD_UNIT":"a.service"}"#,
            #"{"MESSAGE":null,"_SYSTEMD_UNIT":"b.service"}"#,
            #"{"MESSAGE":["first","second"],"_SYSTEMD_UNIT":["c.service","d.service"]}"#,
            #"{"MESSAGE":[[111,107],"second"]}"#,
        ]
        let starts = lineStarts(lines)
        let result = decodeInAllChunkings(lines.joined(separator: "\n"), with: make)
        #expect(
            result.records == [
                Rec(bytes: [104, 105, 10, 255, 0], source: "a.service", line: 1, offset: 0),
                Rec("", source: "b.service", line: 2, offset: starts[1]),
                Rec("first", source: "c.service", line: 3, offset: starts[2]),
                Rec("ok", line: 4, offset: starts[3]),
            ])
    }

    @Test func malformedLinesAreReportedAndKeptRaw() {
        let lines = [#"{"MESSAGE":[256]}"#, "-- No entries --", #"{"MESSAGE":"fine"}"#]
        let starts = lineStarts(lines)
        let result = decodeInAllChunkings(lines.joined(separator: "\n"), with: make)
        #expect(
            result.records == [
                Rec(lines[0], line: 1, offset: 0), Rec(lines[1], line: 2, offset: starts[1]),
                Rec("fine", line: 3, offset: starts[2]),
            ])
        #expect(
            result.problems == [
                DecodeProblem(
                    line: 1, offset: 0, message: "not a journal JSON entry: invalid number at column 13"),
                DecodeProblem(
                    line: 2, offset: starts[1], message: "not a journal JSON entry: unexpected '-' at column 1"),
            ])
    }
}
