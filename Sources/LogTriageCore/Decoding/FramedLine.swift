/// One line cut from the input by `LineFramer`: its bytes without the line ending, and where it starts.
///
/// The bytes are borrowed from the input chunk or the framer's carry buffer and are valid only during the
/// `LineFormat.decode(_:into:)` call that receives them.
struct FramedLine {
    /// The line's content, without `\n` or a trailing `\r`, at most `DecoderContext.maxRecordBytes` long.
    var bytes: UnsafeRawBufferPointer
    /// 1-based line number in the current file.
    var number: Int
    /// Byte offset of the line's first byte in the current file.
    var offset: Int64
    /// False when the decoder's gate found no catalog literal in the line (see `CandidateGate`).
    var isCandidate = true
}
