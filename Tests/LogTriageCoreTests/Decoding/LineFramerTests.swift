import Testing

@testable import LogTriageCore

/// Hands each framed line on unchanged, so the tests see exactly what the framer cut.
private struct EchoLineFormat: LineFormat {
    init(context: DecoderContext) {}

    mutating func decode<S: RecordSink>(_ line: FramedLine, into sink: inout S) {
        sink.accept(LogRecord(message: line.bytes, line: line.number, offset: line.offset))
    }
}

@Suite struct LineFramerTests {
    private func echo(maxRecordBytes: Int = 1 << 20) -> () -> LineDecoder<EchoLineFormat> {
        { LineDecoder<EchoLineFormat>(context: testContext(maxRecordBytes: maxRecordBytes)) }
    }

    /// The reference: split on "\n" with the standard library, drop one trailing "\r", skip empty lines.
    private func reference(_ text: String) -> [Rec] {
        var records: [Rec] = []
        var offset: Int64 = 0
        for (index, piece) in Array(text.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .enumerated()
        {
            var content = Array(piece)
            if content.last == UInt8(ascii: "\r") { content.removeLast() }
            if !content.isEmpty { records.append(Rec(bytes: content, line: index + 1, offset: offset)) }
            offset += Int64(piece.count + 1)
        }
        return records
    }

    @Test func matchesReferenceInEveryChunking() {
        let text = "first line\nsecond\r\n\n\r\nfifth \u{00e9}t\u{00e9}\nlast without newline"
        let result = decodeInAllChunkings(text, with: echo())
        #expect(result.records == reference(text))
        #expect(result.records.map(\.message) == ["first line", "second", "fifth été", "last without newline"])
        #expect(result.records.map(\.line) == [1, 2, 5, 6])
        #expect(result.records.map(\.offset) == [0, 11, 22, 34])
        #expect(result.problems.isEmpty)
    }

    @Test func crOnlyStrippedAtLineEnd() {
        let result = decodeInAllChunkings("a\rb\r\n\r\r\n", with: echo())
        #expect(result.records == [Rec("a\rb", line: 1, offset: 0), Rec("\r", line: 2, offset: 5)])
    }

    @Test func numbersAndOffsetsRestartPerFile() {
        let files = [Array("one\ntwo\n".utf8), Array("three\nfour".utf8), Array("five\n".utf8)]
        let result = decodeInAllChunkings(files, with: echo())
        #expect(
            result.records == [
                Rec("one", line: 1, offset: 0), Rec("two", line: 2, offset: 4),
                Rec("three", line: 1, offset: 0), Rec("four", line: 2, offset: 6),
                Rec("five", line: 1, offset: 0),
            ])
    }

    @Test func overLongLinesAreCappedWithOneProblem() {
        let text = "short\n0123456789abcdef\n01234567\r\n012345678\r\nend"
        let result = decodeInAllChunkings(text, with: echo(maxRecordBytes: 8))
        #expect(
            result.records == [
                Rec("short", line: 1, offset: 0), Rec("01234567", line: 2, offset: 6),
                Rec("01234567", line: 3, offset: 23), Rec("01234567", line: 4, offset: 33),
                Rec("end", line: 5, offset: 44),
            ])
        // Line 3 is exactly 8 bytes before its "\r\n", so only lines 2 and 4 are over the limit.
        #expect(result.problems.map(\.line) == [2, 4])
        #expect(result.problems.map(\.offset) == [6, 33])
        #expect(result.problems.first?.message.contains("16 bytes long, over the 8-byte limit") == true)
    }

    @Test func committedOffsetIsPastTheLastCompleteLine() {
        var decoder = LineDecoder<EchoLineFormat>(context: testContext())
        var sink = CollectingSink()
        withBytes("abc\nde") { decoder.feed($0, into: &sink) }
        #expect(decoder.committedOffset == 4)
        withBytes("f\ng") { decoder.feed($0, into: &sink) }
        #expect(decoder.committedOffset == 8)
        decoder.endOfFile(into: &sink)
        #expect(decoder.committedOffset == 0)
        #expect(sink.records.map(\.message) == ["abc", "def", "g"])
    }
}
