/// One decoded log record, as the decoders hand it to matching.
///
/// A record borrows its bytes: `message` and `source` point into the decoder's buffers and are valid only
/// for the duration of the `RecordSink.accept(_:)` call that receives it. Nothing here allocates.
public struct LogRecord {
    /// The message content, after format decoding (JSON escapes resolved, journald fields extracted, the
    /// `docker compose logs` prefix removed), without the trailing newline.
    public var message: UnsafeRawBufferPointer
    /// A source named by the record itself (journald unit or identifier, compose service name); empty when the
    /// record has none and the file's own source applies.
    public var source: UnsafeRawBufferPointer
    /// Microseconds since the Unix epoch, UTC; `nil` when the record carries no time.
    public var time: Int64?
    /// 1-based line number (text formats) or entry number (journald export) in the current file where the record
    /// starts.
    public var line: Int
    /// Byte offset in the current file's decoded (decompressed) stream where the record starts.
    public var offset: Int64
    /// True for kernel messages (journald `_TRANSPORT=kernel`).
    public var isKernel: Bool
    /// True when the record began in the previous file of a rotated set (a docker line split across a
    /// rotation); `line` and `offset` are then positions in that file.
    public var startsInPreviousFile = false
    /// False when a `CandidateGate` found no catalog literal in the record's raw bytes, so it cannot be evidence
    /// or context and `message` may have been left undecoded (empty); matching skips it, counting does not.
    public var isCandidate = true

    public init(
        message: UnsafeRawBufferPointer,
        source: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
        time: Int64? = nil,
        line: Int,
        offset: Int64,
        isKernel: Bool = false
    ) {
        self.message = message
        self.source = source
        self.time = time
        self.line = line
        self.offset = offset
        self.isKernel = isKernel
    }
}

/// A problem in the input that a decoder reports and then steps over: a malformed line, an over-long record.
/// Decoding goes on after it; the problem is shown to the user with its position.
public struct DecodeProblem: Error, Equatable, Sendable {
    /// 1-based line (or journald entry) number in the current file.
    public var line: Int
    /// Byte offset in the current file's decoded stream.
    public var offset: Int64
    /// A sentence saying what is wrong.
    public var message: String

    public init(line: Int, offset: Int64, message: String) {
        self.line = line
        self.offset = offset
        self.message = message
    }
}

/// Where decoders deliver what they decode.
public protocol RecordSink {
    /// Receives one record; its buffers are valid only during this call.
    mutating func accept(_ record: LogRecord)
    /// Receives a problem the decoder stepped over.
    mutating func problem(_ problem: DecodeProblem)
}
