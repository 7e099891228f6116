/// The decoder for docker's json-file driver.
typealias DockerJSONDecoder = LineDecoder<DockerJSONLineFormat>

/// Decodes docker json-file lines: `{"log":"…\n","stream":"stderr","time":"2024-10-18T10:18:09.522123456Z"}`.
///
/// The message is `log` with escapes resolved and its trailing newline removed. docker splits lines over 16 KiB
/// into entries whose `log` lacks the newline; those are joined, per stream, into one record that takes the first
/// entry's position and time. A line that is not such an entry is reported and still handed on, raw.
struct DockerJSONLineFormat: LineFormat {
    /// The decoded `log` of the current line; reused.
    private var log: [UInt8] = []
    private var partials: PartialRecords

    init(context: DecoderContext) {
        partials = PartialRecords(maxRecordBytes: context.maxRecordBytes)
    }

    var heldOffset: Int64? { partials.heldOffset }

    var held: PartialRecords? {
        get { partials.isHolding ? partials : nil }
        set { if let newValue { partials = newValue } }
    }

    static var gateEncoding: CandidateGate.Encoding? { .jsonString }

    /// Decodes one entry. O(line length).
    ///
    /// A line the gate found no literal in, that ends a record of its own, is only skimmed: its `log` is stepped
    /// over (in `memchr` steps) rather than unescaped, and it is handed on as a record that is no candidate. Any
    /// doubt (a `\u` escape, a part of a split line, a malformed entry) sends it down the full path, which is
    /// where problems are reported.
    mutating func decode<S: RecordSink>(_ line: FramedLine, into sink: inout S) {
        if !line.isCandidate, !partials.isHolding,
            let entry = try? parse(line.bytes, decodingLog: false), entry.logEndsLine
        {
            var record = LogRecord(message: .empty, time: entry.time, line: line.number, offset: line.offset)
            record.isCandidate = false
            sink.accept(record)
            return
        }
        log.removeAll(keepingCapacity: true)
        let entry: (stream: Int, time: Int64?)
        do throws(JSONScanner.Failure) {
            let parsed = try parse(line.bytes, decodingLog: true)
            guard parsed.sawLog else {
                return reject(line, reason: "it has no \"log\" string", into: &sink)
            }
            entry = (parsed.stream, parsed.time)
        } catch {
            return reject(line, reason: error.description, into: &sink)
        }
        Self.hand(log, entry: entry, line: line, to: &partials, sink: &sink)
    }

    mutating func endOfFile<S: RecordSink>(into sink: inout S) {
        partials.endOfFile()
    }

    mutating func finish<S: RecordSink>(into sink: inout S) {
        partials.flush(into: &sink)
    }

    /// Reads the entry's fields: with `decodingLog`, `log` is left in `self.log`; without, it is only skimmed
    /// (short escapes only) for whether it ends with a newline.
    private mutating func parse(
        _ bytes: UnsafeRawBufferPointer, decodingLog: Bool
    ) throws(JSONScanner.Failure)
        -> (sawLog: Bool, stream: Int, time: Int64?, logEndsLine: Bool)
    {
        var scanner = JSONScanner(bytes)
        var sawLog = false
        var logEndsLine = false
        var stream = 0
        var time: Int64?
        try scanner.beginObject()
        while let key = try scanner.nextMember() {
            if key.equals("log"), try scanner.peekKind() == .string, !sawLog {
                if decodingLog {
                    try scanner.readString(into: &log)
                } else {
                    logEndsLine = try scanner.skimString()
                }
                sawLog = true
            } else if key.equals("stream"), try scanner.peekKind() == .string {
                stream = try scanner.readRawString().equals("stderr") ? 1 : 0
            } else if key.equals("time"), try scanner.peekKind() == .string {
                let text = try scanner.readRawString()
                // The whole field must be the time: `…+99:99` is no time with text after it.
                var utc = LocalZone.utc
                if let parsed = Timestamp.parseISO8601(text, at: 0, zone: &utc), parsed.end == text.count {
                    time = parsed.micros
                }
            } else {
                try scanner.skipValue()  // `attrs` and anything newer
            }
        }
        try scanner.expectEnd()
        return (sawLog, stream, time, sawLog && logEndsLine)
    }

    /// Hands the decoded `log` on as a whole record or as one part of a split one.
    private static func hand<S: RecordSink>(
        _ log: [UInt8], entry: (stream: Int, time: Int64?), line: FramedLine,
        to partials: inout PartialRecords, sink: inout S
    ) {
        log.withUnsafeBytes { log in
            guard log.last == UInt8(ascii: "\n") else {
                partials.appendPart(
                    log, stream: entry.stream, line: line.number, offset: line.offset, time: entry.time, into: &sink)
                return
            }
            var end = log.count - 1
            if end > 0 && log[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            partials.completeRecord(
                lastPart: UnsafeRawBufferPointer(rebasing: log[..<end]), stream: entry.stream, line: line.number,
                offset: line.offset, time: entry.time, into: &sink)
        }
    }

    private func reject<S: RecordSink>(_ line: FramedLine, reason: String, into sink: inout S) {
        sink.problem(
            DecodeProblem(
                line: line.number, offset: line.offset,
                message: "not a docker json-file entry: \(reason)"))
        sink.accept(LogRecord(message: line.bytes, line: line.number, offset: line.offset))
    }
}
