import Testing

@testable import LogTriageCore

@Suite struct DockerJSONLineFormatTests {
    private let make = { DockerJSONDecoder(context: testContext()) }
    /// 2024-10-18T10:18:09Z in microseconds.
    private let t0: Int64 = 1_729_246_689_000_000

    @Test func decodesEntriesInAnyKeyOrder() {
        let lines = [
            #"{"log":"hello \u003cworld\u003e \u0026 \"you\"\n","stream":"stdout","time":"2024-10-18T10:18:09.522123456Z"}"#,
            #"{"time":"2024-10-18T10:18:10Z","stream":"stderr","attrs":{"tag":"x","n":[1,2]},"log":"tab\there\r\n"}"#,
            #"{"log":"\n","stream":"stdout","time":"2024-10-18T10:18:11Z"}"#,
        ]
        let result = decodeInAllChunkings(lines.joined(separator: "\n") + "\n", with: make)
        let starts = lineStarts(lines)
        #expect(
            result.records == [
                Rec("hello <world> & \"you\"", time: t0 + 522_123, line: 1, offset: starts[0]),
                Rec("tab\there", time: t0 + 1_000_000, line: 2, offset: starts[1]),
                Rec("", time: t0 + 2_000_000, line: 3, offset: starts[2]),
            ])
        #expect(result.problems.isEmpty)
    }

    @Test func surrogatePairsAndReplacementCharacterPassThrough() {
        let text = #"{"log":"smile \ud83d\ude00 bad \ufffd raw �\n","stream":"stdout","time":"2024-10-18T10:18:09Z"}"#
        let result = decodeInAllChunkings(text, with: make)
        #expect(result.records == [Rec("smile 😀 bad \u{FFFD} raw \u{FFFD}", time: t0, line: 1, offset: 0)])
    }

    @Test func joinsPartialEntriesPerStream() {
        let lines = [
            #"{"log":"out-a ","stream":"stdout","time":"2024-10-18T10:18:09Z"}"#,
            #"{"log":"err-a ","stream":"stderr","time":"2024-10-18T10:18:10Z"}"#,
            #"{"log":"out-b ","stream":"stdout","time":"2024-10-18T10:18:11Z"}"#,
            #"{"log":"whole\n","stream":"stdout","time":"2024-10-18T10:18:12Z"}"#,
            #"{"log":"err-b\n","stream":"stderr","time":"2024-10-18T10:18:13Z"}"#,
        ]
        let starts = lineStarts(lines)
        let result = decodeInAllChunkings(lines.joined(separator: "\n"), with: make)
        #expect(
            result.records == [
                Rec("out-a out-b whole", time: t0, line: 1, offset: starts[0]),
                Rec("err-a err-b", time: t0 + 1_000_000, line: 2, offset: starts[1]),
            ])
    }

    @Test func partialSurvivesRotationAndTheRestIsFlushedAtFinish() {
        let older = #"{"log":"first part ","stream":"stderr","time":"2024-10-18T10:18:09Z"}"# + "\n"
        let newer = [
            #"{"log":"second part\n","stream":"stderr","time":"2024-10-18T10:18:10Z"}"#,
            #"{"log":"dangling","stream":"stdout","time":"2024-10-18T10:18:11Z"}"#,
        ]
        let result = decodeInAllChunkings(
            [Array(older.utf8), Array((newer.joined(separator: "\n") + "\n").utf8)], with: make)
        #expect(
            result.records == [
                Rec("first part second part", time: t0, line: 1, offset: 0),
                Rec("dangling", time: t0 + 2_000_000, line: 2, offset: Int64(newer[0].utf8.count + 1)),
            ])
    }

    @Test func committedOffsetStaysAtAHeldPartial() {
        var decoder = make()
        var sink = CollectingSink()
        let first = #"{"log":"whole\n","stream":"stdout","time":"2024-10-18T10:18:09Z"}"# + "\n"
        let second = #"{"log":"part","stream":"stdout","time":"2024-10-18T10:18:09Z"}"# + "\n"
        withBytes(first + second) { decoder.feed($0, into: &sink) }
        #expect(decoder.committedOffset == Int64(first.utf8.count))
        decoder.endOfFile(into: &sink)
        #expect(decoder.committedOffset == 0)
        // The next file completes a record on the other stream; the held part still pins the restart point to
        // this file's start, since it belongs to an earlier file.
        let other = #"{"log":"elsewhere\n","stream":"stderr","time":"2024-10-18T10:18:09Z"}"# + "\n"
        withBytes(other + other) { decoder.feed($0, into: &sink) }
        #expect(decoder.committedOffset == 0)
        #expect(sink.records.count == 3)
    }

    @Test func malformedLinesAreReportedAndKeptRaw() {
        let lines = [
            #"{"log":"ok\n","stream":"stdout","time":"2024-10-18T10:18:09Z"}"#,
            "plain text in a docker log",
            #"{"stream":"stdout","time":"2024-10-18T10:18:09Z"}"#,
            #"{"log":"cut off"#,
            #"{"log":"ok again\n","stream":"stdout","time":"bad time"}"#,
        ]
        let starts = lineStarts(lines)
        let result = decodeInAllChunkings(lines.joined(separator: "\n") + "\n", with: make)
        #expect(
            result.records == [
                Rec("ok", time: t0, line: 1, offset: starts[0]),
                Rec(lines[1], line: 2, offset: starts[1]),
                Rec(lines[2], line: 3, offset: starts[2]),
                Rec(lines[3], line: 4, offset: starts[3]),
                Rec("ok again", line: 5, offset: starts[4]),
            ])
        #expect(
            result.problems == [
                DecodeProblem(
                    line: 2, offset: starts[1],
                    message: "not a docker json-file entry: unexpected 'p' at column 1"),
                DecodeProblem(
                    line: 3, offset: starts[2],
                    message: "not a docker json-file entry: it has no \"log\" string"),
                DecodeProblem(
                    line: 4, offset: starts[3],
                    message: "not a docker json-file entry: the JSON text ends early"),
            ])
    }

    @Test func joinedRecordIsCappedOnce() {
        let part = String(repeating: "x", count: 39) + "|"
        let entry = #"{"log":"\#(part)","stream":"stdout","time":"2024-10-18T10:18:09Z"}"#
        let lines = [entry, entry, entry, #"{"log":"end\n","stream":"stdout","time":"2024-10-18T10:18:09Z"}"#]
        // Each JSON line is 98 bytes, under the cap; the joined message (123 bytes) is what is cut.
        let result = decodeInAllChunkings(
            lines.joined(separator: "\n"), with: { DockerJSONDecoder(context: testContext(maxRecordBytes: 100)) })
        #expect(result.records == [Rec(String((part + part + part + "end").prefix(100)), time: t0, line: 1, offset: 0)])
        #expect(result.problems.count == 1)
        #expect(result.problems.first?.line == 1)
    }
}
