/// One engine's decoder for the members of a gzip stream, driven by `GzipSource`.
///
/// An inflater decodes one member at a time, gzip header and trailer included, and keeps no pointer to the
/// buffers it is given between calls. `GzipSource` owns the input, the accounting of offsets and the rules
/// between members (another member, the end, or trailing garbage).
protocol GzipInflater: AnyObject {
    /// Decodes what it can of `input` into `output` (which is not empty). With empty `input` it only gives out
    /// what it still holds; a step that neither consumes nor produces nor ends a member means it needs input.
    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> InflateStep

    /// Starts over for the next member, after a step that ended one.
    func reset()

    /// Starts over as if new, whatever the last step was (an inflater reused for another file).
    func startOver()
}

/// What one `GzipInflater.inflate` call did.
struct InflateStep: Equatable {
    enum Outcome: Equatable {
        /// More input or output space is needed to go on.
        case progress
        /// The member's trailer was read and checked; the next byte belongs to whatever follows.
        case memberEnd
        /// The data is not valid gzip; the message says why.
        case failed(String)
    }

    /// Input bytes taken.
    var consumed = 0
    /// Output bytes written.
    var produced = 0
    var outcome = Outcome.progress
    /// For a failure: bytes among those taken that the engine had read ahead but not decoded, so the problem lies
    /// this many bytes before the end of what was consumed.
    var unread = 0
}
