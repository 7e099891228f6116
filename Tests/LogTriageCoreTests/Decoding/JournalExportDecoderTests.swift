import Testing

@testable import LogTriageCore

/// Builds `journalctl -o export` input.
private func text(_ name: String, _ value: String) -> [UInt8] {
    Array("\(name)=\(value)\n".utf8)
}

private func binary(_ name: String, _ value: [UInt8]) -> [UInt8] {
    var length = UInt64(value.count).littleEndian
    let lengthBytes = withUnsafeBytes(of: &length) { Array($0) }
    return Array("\(name)\n".utf8) + lengthBytes + value + [UInt8(ascii: "\n")]
}

private let blank: [UInt8] = [UInt8(ascii: "\n")]

@Suite struct JournalExportDecoderTests {
    private let make = { JournalExportDecoder(context: testContext()) }
    static let resumes = "the entry was skipped and what the length covered is read again from the next blank line"

    /// A binary length longer than its value swallows the entries after it, up to the end of the file or not: they
    /// are read again from the next blank line, in every chunking.
    @Test func aBinaryLengthThatRunsPastItsValueLosesNoFollowingEntry() {
        let good1 = text("MESSAGE", "before") + blank
        var length = UInt64(500).littleEndian
        let bad = Array("MESSAGE\n".utf8) + withUnsafeBytes(of: &length) { Array($0) } + Array("short\n".utf8) + blank
        let good2 = text("MESSAGE", "swallowed, then read again") + blank
        let good3 = text("MESSAGE", "after") + blank
        let filler = Array(repeating: UInt8(ascii: "x"), count: 600) + blank + blank
        // Past the end of the file: the length covers good2 and good3 and the file ends first.
        let pastEnd = decodeInAllChunkings([good1 + bad + good2 + good3], with: make)
        #expect(
            pastEnd.records.map { String(decoding: $0.bytes, as: UTF8.self) } == [
                "before", "swallowed, then read again", "after",
            ])
        #expect(pastEnd.records.map(\.line) == [1, 3, 4])
        #expect(
            pastEnd.records.map(\.offset) == [
                0, Int64(good1.count + bad.count), Int64(good1.count + bad.count + good2.count),
            ])
        #expect(
            pastEnd.problems.map(\.message) == [
                "entry 2: a binary field's length, 500, runs past its value; \(Self.resumes)"
            ])
        // Within the file: the length ends in the filler, whose next byte is not the value's newline.
        let within = decodeInAllChunkings([good1 + bad + good2 + filler + good3], with: make)
        #expect(
            within.records.map { String(decoding: $0.bytes, as: UTF8.self) } == [
                "before", "swallowed, then read again", "after",
            ])
        #expect(within.problems.count == 2, "the bad length, then the filler that is no entry: \(within.problems)")
    }

    @Test func decodesTextAndBinaryFields() {
        let entry1 =
            text("__CURSOR", "s=abc;i=1") + text("__REALTIME_TIMESTAMP", "1729246689522123")
            + text("__MONOTONIC_TIMESTAMP", "123") + text("_SYSTEMD_UNIT", "nginx.service")
            + text("SYSLOG_IDENTIFIER", "nginx") + text("MESSAGE", "worker exited = bad") + blank
        let multiline: [UInt8] = Array("Traceback:\n  line 1\r\n\tend".utf8) + [0x00, 0xFF]
        let entry2 =
            text("__CURSOR", "s=abc;i=2") + text("__REALTIME_TIMESTAMP", "1729246690000000")
            + text("_SYSTEMD_UNIT", "docker.service") + binary("MESSAGE", multiline)
            + text("CONTAINER_NAME", "web") + binary("OTHER", Array("skipped\n\n\nbinary".utf8)) + blank
        let entry3 =
            text("__CURSOR", "s=abc;i=3") + text("_TRANSPORT", "kernel") + text("SYSLOG_IDENTIFIER", "kernel")
            + text("MESSAGE", "Out of memory: Killed process 42") + text("__REALTIME_TIMESTAMP", "1729246691000000")
            + blank
        let entry4 = text("__CURSOR", "s=abc;i=4") + text("_SYSTEMD_UNIT", "quiet.service") + blank
        let entry5 = text("SYSLOG_IDENTIFIER", "cron") + text("MESSAGE", "") + blank
        let input = entry1 + entry2 + blank + entry3 + entry4 + entry5
        let result = decodeInAllChunkings([input], with: make)
        let offset2 = Int64(entry1.count)
        let offset3 = offset2 + Int64(entry2.count + 1)
        let offset5 = offset3 + Int64(entry3.count + entry4.count)
        #expect(
            result.records == [
                Rec("worker exited = bad", source: "nginx.service", time: 1_729_246_689_522_123, line: 1, offset: 0),
                Rec(bytes: multiline, source: "web", time: 1_729_246_690_000_000, line: 2, offset: offset2),
                Rec(
                    "Out of memory: Killed process 42", source: "kernel", time: 1_729_246_691_000_000, line: 3,
                    offset: offset3, isKernel: true),
                Rec("", source: "cron", line: 5, offset: offset5),
            ])
        #expect(result.problems.isEmpty)
    }

    /// systemd's own messages about a unit come from `init.scope`; `UNIT=` names the unit they are about.
    /// An export whose line ends became CRLF (a Windows tool, a serial console) decodes to the same messages,
    /// in every chunking; a line that starts with a stray carriage return is reported and the next entry kept.
    @Test func crlfLineEndsDecodeLikeLineFeeds() {
        func entry(_ n: Int, _ end: String) -> String {
            "__CURSOR=s=abc;i=\(n)\(end)__REALTIME_TIMESTAMP=172924668952212\(n)\(end)_SYSTEMD_UNIT=app.service\(end)"
                + "MESSAGE=message \(n)\(end)\(end)"
        }
        let lf = (1...4).map { entry($0, "\n") }.joined()
        let crlf = (1...4).map { entry($0, "\r\n") }.joined()
        let plain = decodeInAllChunkings([Array(lf.utf8)], with: make)
        let converted = decodeInAllChunkings([Array(crlf.utf8)], with: make)
        #expect(converted.records.map(\.message) == (1...4).map { "message \($0)" })
        #expect(converted.records.map(\.message) == plain.records.map(\.message))
        #expect(converted.records.map(\.time) == plain.records.map(\.time))
        #expect(converted.records.map(\.source) == plain.records.map(\.source))
        #expect(converted.problems.isEmpty)
        let stray = "\rMESSAGE=broken\n\n" + entry(5, "\n")
        let recovered = decodeInAllChunkings([Array(stray.utf8)], with: make)
        #expect(recovered.records.map(\.message) == ["message 5"])
        #expect(recovered.problems.count == 1)
    }

    @Test func unitFieldNamesTheSourceOfSystemdMessages() {
        let input =
            text("_SYSTEMD_UNIT", "init.scope") + text("MESSAGE", "flask-app.service: Failed with result 'exit-code'.")
            + text("UNIT", "flask-app.service") + blank
            + text("_SYSTEMD_UNIT", "user@1000.service") + text("USER_UNIT", "app.service") + text("MESSAGE", "m")
            + blank
        let result = decodeInAllChunkings([input], with: make)
        #expect(result.records.map(\.source) == ["flask-app.service", "app.service"])
    }

    @Test func lengthSplitAcrossChunks() {
        let message = Array("line one\nline two".utf8)
        let input = text("__CURSOR", "c") + binary("MESSAGE", message) + blank
        let lengthAt = text("__CURSOR", "c").count + "MESSAGE\n".utf8.count
        for split in lengthAt...(lengthAt + 8) {
            var decoder = make()
            var sink = CollectingSink()
            input.withUnsafeBytes { bytes in
                decoder.feed(UnsafeRawBufferPointer(rebasing: bytes[..<split]), into: &sink)
                #expect(sink.records.isEmpty)
                decoder.feed(UnsafeRawBufferPointer(rebasing: bytes[split...]), into: &sink)
            }
            #expect(sink.records == [Rec(bytes: message, line: 1, offset: 0)], "split at \(split)")
        }
    }

    @Test func brokenEntryIsReportedAndDecodingRecoversAtTheNextEntry() {
        let good1 = text("MESSAGE", "before") + blank
        let badName = text("MESSAGE", "lost") + Array("this is not a field\n".utf8) + text("MORE", "x") + blank
        let good2 = text("MESSAGE", "between") + blank
        let badLength = Array("MESSAGE\n".utf8) + Array("MESSAGE=oops\n".utf8) + blank
        let badEnd = Array("MESSAGE\n".utf8) + [2, 0, 0, 0, 0, 0, 0, 0] + Array("hiX\n".utf8) + blank
        let good3 = text("MESSAGE", "after") + blank
        let input = good1 + badName + good2 + badLength + badEnd + good3
        let result = decodeInAllChunkings([input], with: make)
        var offsets: [Int64] = [0]
        for part in [good1, badName, good2, badLength, badEnd] { offsets.append(offsets.last! + Int64(part.count)) }
        #expect(
            result.records == [
                Rec("before", line: 1, offset: offsets[0]), Rec("between", line: 3, offset: offsets[2]),
                Rec("after", line: 6, offset: offsets[5]),
            ])
        #expect(
            result.problems == [
                DecodeProblem(
                    line: 2, offset: offsets[1],
                    message: "entry 2: a field name has the byte 116; the entry was skipped"),
                DecodeProblem(
                    line: 4, offset: offsets[3],
                    message:
                        "entry 4: a binary field's length, 4415013355603051853, is implausible; the entry was skipped"),
                DecodeProblem(
                    line: 5, offset: offsets[4],
                    message: "entry 5: a binary field's length, 2, runs past its value; \(Self.resumes)"),
            ])
    }

    @Test func fileEndsWithoutBlankLineOrInsideABinaryField() {
        let complete = text("MESSAGE", "no blank line at the end")
        let cut = Array(binary("MESSAGE", Array("cut short".utf8)).dropLast(4))
        let noNewline = Array("MESSAGE=no newline at all".utf8)
        let result = decodeInAllChunkings([complete, text("MESSAGE", "first") + blank + cut, noNewline], with: make)
        #expect(
            result.records == [
                Rec("no blank line at the end", line: 1, offset: 0), Rec("first", line: 1, offset: 0),
                Rec("no newline at all", line: 1, offset: 0),
            ])
        #expect(
            result.problems == [
                DecodeProblem(
                    line: 2, offset: 15,
                    message: "entry 2: a binary field's length, 9, runs past its value; \(Self.resumes)")
            ])
    }

    @Test func overLongFieldsAreCappedAndUnkeptFieldsAreNotBuffered() {
        let long = String(repeating: "m", count: 40)
        let input =
            text("MESSAGE", long) + binary("SYSLOG_IDENTIFIER", Array(long.utf8)) + text("OTHER", long)
            + binary("OTHER_BINARY", Array(long.utf8)) + blank
        let result = decodeInAllChunkings(
            [input], with: { JournalExportDecoder(context: testContext(maxRecordBytes: 16)) })
        #expect(result.records == [Rec(String(long.prefix(16)), source: String(long.prefix(16)), line: 1, offset: 0)])
        #expect(
            result.problems.map(\.message) == [
                "entry 1: field MESSAGE is over the 16-byte limit; the rest was dropped",
                "entry 1: field SYSLOG_IDENTIFIER is over the 16-byte limit; the rest was dropped",
            ])
    }

    @Test func repeatedFieldKeepsTheFirstValue() {
        let input = text("MESSAGE", "first") + binary("MESSAGE", Array("second".utf8)) + blank
        #expect(decodeInAllChunkings([input], with: make).records == [Rec("first", line: 1, offset: 0)])
    }

    @Test func committedOffsetIsTheStartOfTheEntryInProgress() {
        var decoder = make()
        var sink = CollectingSink()
        let first = text("MESSAGE", "one") + blank
        (first + Array("MESSAGE=tw".utf8)).withUnsafeBytes { decoder.feed($0, into: &sink) }
        #expect(decoder.committedOffset == Int64(first.count))
        (Array("o\n".utf8) + blank).withUnsafeBytes { decoder.feed($0, into: &sink) }
        #expect(decoder.committedOffset == Int64(2 * first.count))  // "MESSAGE=two\n\n" is as long as the first
        #expect(sink.records.map(\.message) == ["one", "two"])
    }
}
