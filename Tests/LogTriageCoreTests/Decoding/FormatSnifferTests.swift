import Testing

@testable import LogTriageCore

@Suite struct FormatSnifferTests {
    private func detect(_ text: String) -> LogFormat {
        withBytes(text) { FormatSniffer.detect($0) }
    }

    private func detect(_ lines: [String]) -> LogFormat {
        detect(lines.joined(separator: "\n") + "\n")
    }

    @Test func journalExport() {
        #expect(detect("__CURSOR=s=1;i=2\n__REALTIME_TIMESTAMP=1729246689522123\nMESSAGE=x\n\n") == .journalExport)
        #expect(detect("_BOOT_ID=abc\n__REALTIME_TIMESTAMP=1\nMESSAGE=x\n\n") == .journalExport)
        #expect(detect("MESSAGE=x\n\n") == .plain)
        #expect(detect("__cursor=x\n__REALTIME_TIMESTAMP=1\n") == .plain)
    }

    @Test func journalJSON() {
        #expect(
            detect([
                #"{"__CURSOR":"s=1","__REALTIME_TIMESTAMP":"1","MESSAGE":"a"}"#,
                #"{"__CURSOR":"s=2","__REALTIME_TIMESTAMP":"2","MESSAGE":"b"}"#,
            ]) == .journalJSON)
    }

    @Test func dockerJSON() {
        let entry = #"{"log":"hello\n","stream":"stdout","time":"2024-10-18T10:18:09.522123456Z"}"#
        #expect(detect([entry, entry, entry]) == .dockerJSON)
        // A file cut mid-line by the 64 KiB prefix: the unterminated tail does not vote.
        #expect(detect(entry + "\n" + entry + "\n" + #"{"log":"cut o"#) == .dockerJSON)
    }

    @Test func cri() {
        #expect(
            detect([
                "2024-10-18T10:18:09.522123456Z stdout F hello", "2024-10-18T10:18:09.6Z stderr P part",
                "2024-10-18T10:18:09.7+02:00 stderr F",
            ]) == .cri)
    }

    @Test func nginxAccess() {
        #expect(
            detect([
                #"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326"#,
                #"10.0.0.2 - - [18/Oct/2024:10:18:09 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.0""#,
            ]) == .nginxAccess)
    }

    @Test func nginxError() {
        #expect(
            detect([
                "2024/10/18 10:18:09 [error] 12#12: *3 open() failed",
                "2024/10/18 10:18:10 [notice] 1#1: signal process started",
            ]) == .nginxError)
    }

    @Test func plain() {
        #expect(detect(["web-1  | hello", "web-1  | world"]) == .plain)
        let access = #"10.0.0.2 - - [18/Oct/2024:10:18:09 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.0""#
        #expect(detect(["proxy-1  | " + access, "proxy-1  | " + access]) == .plain)
        #expect(detect(["2024-10-18T10:18:09Z hello from docker logs --timestamps"]) == .plain)
        #expect(detect("") == .plain)
        #expect(detect("\n\n\n") == .plain)
    }

    @Test func majorityIsRobustToOneOddLine() {
        let error = "2024/10/18 10:18:09 [error] 12#12: *3 open() failed"
        #expect(detect(["nginx: [warn] banner line", error, error, error]) == .nginxError)
        #expect(detect(["odd", error]) == .nginxError)
        #expect(detect(["odd", "odder", error]) == .plain)
    }

    @Test func byteOrderMarkAndCRLF() {
        let entry = #"{"log":"hello\n","stream":"stdout","time":"2024-10-18T10:18:09Z"}"#
        #expect(detect("\u{FEFF}" + entry + "\r\n" + entry + "\r\n") == .dockerJSON)
    }

    @Test func factoryMakesTheDecoderForEachFormat() {
        let access = #"1.2.3.4 - - [18/Oct/2024:10:18:09 +0000] "GET / HTTP/1.1" 200 1"#
        let error = "2024/10/18 10:18:09 [error] 1#1: m"
        let samples: [LogFormat: (input: String, message: String)] = [
            .dockerJSON: (#"{"log":"m\n","stream":"stdout","time":"2024-10-18T10:18:09Z"}"#, "m"),
            .cri: ("2024-10-18T10:18:09Z stdout F m", "m"),
            .journalExport: ("__CURSOR=c\nMESSAGE=m\n\n", "m"),
            .journalJSON: (#"{"__REALTIME_TIMESTAMP":"1","MESSAGE":"m"}"#, "m"),
            .nginxAccess: (access, access),
            .nginxError: (error, error),
            .plain: ("svc  | m", "m"),
        ]
        for format in LogFormat.allCases {
            guard let sample = samples[format] else {
                Issue.record("no sample for \(format)")
                continue
            }
            var decoder = DecoderFactory.make(for: format, context: testContext())
            var sink = CollectingSink()
            withBytes(sample.input) { decoder.feed($0, into: &sink) }
            decoder.finish(into: &sink)
            #expect(sink.records.map(\.message) == [sample.message], "\(format)")
            #expect(sink.problems.isEmpty, "\(format)")
            #expect(withBytes(sample.input) { FormatSniffer.detect($0) } == format)
        }
    }
}
