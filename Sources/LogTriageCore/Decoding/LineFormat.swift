/// The per-line half of a line-based decoder: turns one framed line into records.
///
/// `LineDecoder` owns the framing and hands each non-empty line to its format, so a format never sees chunk
/// boundaries. A format that holds a record across lines (docker and CRI partials) reports where it started in
/// `heldOffset` and flushes it in `finish(into:)`.
protocol LineFormat {
    init(context: DecoderContext)
    /// Decodes one line; the line's bytes are valid only during this call.
    mutating func decode<S: RecordSink>(_ line: FramedLine, into sink: inout S)
    /// The current file has ended (its last line has been decoded); line numbers restart next.
    mutating func endOfFile<S: RecordSink>(into sink: inout S)
    /// All input has ended: emit anything still held.
    mutating func finish<S: RecordSink>(into sink: inout S)
    /// Offset in the current file where a record still held starts: 0 when it started in an earlier file, `nil`
    /// when nothing is held.
    var heldOffset: Int64? { get }
    /// The records held across lines, for a checkpoint (`nil` when none is held), and restored from one.
    var held: PartialRecords? { get set }
    /// How a line spells its message, for the gate that lets lines without a catalog literal skip decoding and
    /// matching; `nil` for a format whose lines are all decoded and matched.
    static var gateEncoding: CandidateGate.Encoding? { get }
}

extension LineFormat {
    static var gateEncoding: CandidateGate.Encoding? { nil }
    mutating func endOfFile<S: RecordSink>(into sink: inout S) {}
    mutating func finish<S: RecordSink>(into sink: inout S) {}
    var heldOffset: Int64? { nil }
    var held: PartialRecords? {
        get { nil }
        set {}  // safe because such a format never holds a record, so no checkpoint carries one for it
    }
}
