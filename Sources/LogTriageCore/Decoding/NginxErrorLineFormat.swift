/// The decoder for nginx error logs.
typealias NginxErrorDecoder = LineDecoder<NginxErrorLineFormat>

/// Decodes nginx error lines: `2024/10/18 10:18:09 [error] 123#123: *1 message`.
///
/// The message is the whole line, bytes as they are (nginx copies request data unescaped, so it need not be
/// UTF-8). The leading time carries no zone, so the context's zone applies. Continuation lines have no time.
struct NginxErrorLineFormat: LineFormat {
    private var zone: LocalZone

    init(context: DecoderContext) {
        zone = context.zone
    }

    static var gateEncoding: CandidateGate.Encoding? { .verbatim }

    /// Decodes one line. O(1) beyond handing it on.
    mutating func decode<S: RecordSink>(_ line: FramedLine, into sink: inout S) {
        let time = Timestamp.parseSlashed(line.bytes, at: 0, zone: &zone)?.micros
        var record = LogRecord(message: line.bytes, time: time, line: line.number, offset: line.offset)
        record.isCandidate = line.isCandidate
        sink.accept(record)
    }
}
