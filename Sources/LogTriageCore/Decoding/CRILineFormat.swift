/// The decoder for the containerd/CRI log format.
typealias CRIDecoder = LineDecoder<CRILineFormat>

/// Decodes CRI lines: `2024-10-18T10:18:09.522123456Z stderr F message`.
///
/// The tag's first `:`-separated field is `P` for a partial line or `F` for the full (last) one; partials are
/// joined per stream into one record with the first part's position and time. A line that does not have this
/// shape is reported and still handed on, raw.
struct CRILineFormat: LineFormat {
    private var zone: LocalZone
    private var partials: PartialRecords

    init(context: DecoderContext) {
        zone = context.zone
        partials = PartialRecords(maxRecordBytes: context.maxRecordBytes)
    }

    var heldOffset: Int64? { partials.heldOffset }

    var held: PartialRecords? {
        get { partials.isHolding ? partials : nil }
        set { if let newValue { partials = newValue } }
    }

    static var gateEncoding: CandidateGate.Encoding? { .verbatim }

    /// Decodes one line. O(line length).
    mutating func decode<S: RecordSink>(_ line: FramedLine, into sink: inout S) {
        let p = line.bytes
        guard let (time, timeEnd) = Timestamp.parseISO8601(p, at: 0, zone: &zone),
            timeEnd < p.count, p[timeEnd] == UInt8(ascii: " ")
        else { return reject(line, reason: "it does not start with an RFC 3339 time", into: &sink) }

        let streamStart = timeEnd + 1
        let stream: Int
        if p.hasLiteral("stdout ", at: streamStart) {
            stream = 0
        } else if p.hasLiteral("stderr ", at: streamStart) {
            stream = 1
        } else {
            return reject(line, reason: "the stream is not stdout or stderr", into: &sink)
        }

        // Safe because hasLiteral matched 7 bytes from streamStart.
        let tagStart = streamStart + 7
        var tagEnd = tagStart
        while tagEnd < p.count && p[tagEnd] != UInt8(ascii: " ") { tagEnd += 1 }
        // The tag is `P` or `F`, possibly followed by further `:`-separated fields.
        let kind = tagStart < tagEnd ? p[tagStart] : 0
        guard kind == UInt8(ascii: "P") || kind == UInt8(ascii: "F"),
            tagEnd == tagStart + 1 || p[tagStart + 1] == UInt8(ascii: ":")
        else { return reject(line, reason: "the tag is not P or F", into: &sink) }
        let isPartial = kind == UInt8(ascii: "P")

        let message = UnsafeRawBufferPointer(rebasing: p[min(tagEnd + 1, p.count)...])
        if isPartial {
            partials.appendPart(
                message, stream: stream, line: line.number, offset: line.offset, time: time, into: &sink)
        } else {
            partials.completeRecord(
                lastPart: message, stream: stream, line: line.number, offset: line.offset, time: time,
                isCandidate: line.isCandidate, into: &sink)
        }
    }

    mutating func endOfFile<S: RecordSink>(into sink: inout S) {
        partials.endOfFile()
    }

    mutating func finish<S: RecordSink>(into sink: inout S) {
        partials.flush(into: &sink)
    }

    private func reject<S: RecordSink>(_ line: FramedLine, reason: String, into sink: inout S) {
        sink.problem(
            DecodeProblem(
                line: line.number, offset: line.offset, message: "not a CRI log line: \(reason)"))
        sink.accept(LogRecord(message: line.bytes, line: line.number, offset: line.offset))
    }
}
