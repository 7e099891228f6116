/// A `LogDecoder` for the line-based formats: a `LineFramer` cuts lines, a `LineFormat` decodes each one.
///
/// The decoders for docker json-file, CRI, journal JSON, nginx and plain logs are all this type with a different
/// format (`DockerJSONDecoder`, `CRIDecoder`, …), so chunking, carry-over, CRLF and over-long lines are handled once.
struct LineDecoder<Format: LineFormat>: LogDecoder {
    private var framer: LineFramer
    private var format: Format

    init(context: DecoderContext) {
        framer = LineFramer(
            maxLineBytes: context.maxRecordBytes, gate: Format.gateEncoding.flatMap { context.gates?.gate(for: $0) })
        format = Format(context: context)
    }

    init(context: DecoderContext, resumingFrom checkpoint: DecoderCheckpoint) {
        self.init(context: context)
        framer.resume(at: checkpoint.offset, line: checkpoint.line)
        format.held = checkpoint.held
    }

    /// Decodes the complete lines in `bytes` and carries the tail. O(`bytes.count`) amortised.
    mutating func feed<S: RecordSink>(_ bytes: UnsafeRawBufferPointer, into sink: inout S) {
        framer.feed(bytes, to: &format, sink: &sink)
    }

    mutating func feed<S: RecordSink>(_ bytes: UnsafeRawBufferPointer, found: GateEnds, into sink: inout S) {
        framer.feed(bytes, found: found, to: &format, sink: &sink)
    }

    var gate: CandidateGate? { framer.gate }

    /// Decodes the final unterminated line, if any, and restarts line numbering. O(1) beyond that line.
    mutating func endOfFile<S: RecordSink>(into sink: inout S) {
        framer.endOfFile(to: &format, sink: &sink)
        format.endOfFile(into: &sink)
    }

    /// Decodes any final line and flushes records the format still holds. O(held bytes).
    mutating func finish<S: RecordSink>(into sink: inout S) {
        framer.endOfFile(to: &format, sink: &sink)
        format.finish(into: &sink)
    }

    var committedOffset: Int64 {
        if let held = format.heldOffset { return min(held, framer.committedOffset) }
        return framer.committedOffset
    }

    mutating func skipPadding(_ count: Int64) {
        framer.resume(at: framer.committedOffset + count, line: framer.nextLine)
    }

    var checkpoint: DecoderCheckpoint {
        DecoderCheckpoint(offset: framer.committedOffset, line: framer.nextLine, held: format.held)
    }
}
