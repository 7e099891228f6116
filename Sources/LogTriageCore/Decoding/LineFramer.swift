/// Cuts a chunked byte stream into lines for the line-based formats.
///
/// Lines that lie wholly inside one chunk are handed on in place; only a line that spans chunks is copied, into a
/// carry buffer that is reused. `\n` ends a line and a `\r` before it is dropped; empty lines are not handed on.
/// A line longer than `maxLineBytes` keeps its first `maxLineBytes` bytes and one `DecodeProblem` is reported.
///
/// With a `CandidateGate`, each chunk is searched for the gate's literals first, and a line inside the chunk in
/// which none ends is handed on with `isCandidate` false. A line that spans chunks is always a candidate.
struct LineFramer {
    private let maxLineBytes: Int
    let gate: CandidateGate?
    /// Where gate literals end in the current chunk, ascending; reused.
    private var gateEnds: [Int] = []
    /// The start of a line that spans chunks: at most `maxLineBytes + 1` bytes, the extra one for a final `\r`.
    private var carry: [UInt8] = []
    /// Full length of the carried line so far, including bytes dropped beyond the cap.
    private var carriedLength = 0
    /// The carried line's last byte, kept even when dropped, to recognise `\r\n` split across chunks.
    private var carriedLastByte: UInt8 = 0
    /// Number of the line that starts at `lineStart`.
    private var lineNumber = 1
    /// Offset of the first byte not yet part of a delivered line.
    private var lineStart: Int64 = 0

    init(maxLineBytes: Int, gate: CandidateGate? = nil) {
        precondition(maxLineBytes > 0, "maxRecordBytes must be positive")
        self.maxLineBytes = maxLineBytes
        self.gate = gate
    }

    /// Offset just past the last line handed on.
    var committedOffset: Int64 { lineStart }
    /// Number of the line that starts at `committedOffset`.
    var nextLine: Int { lineNumber }

    /// Goes on in the middle of a file: the next bytes fed start at `offset`, with line `line`. O(1).
    mutating func resume(at offset: Int64, line: Int) {
        precondition(carriedLength == 0, "resume a framer before feeding it")
        lineStart = offset
        lineNumber = line
    }

    /// Hands every line completed by `bytes` to `format`, and carries the unterminated tail.
    ///
    /// O(`bytes.count`): `memchr` finds each newline, and only lines spanning chunks are copied.
    mutating func feed<F: LineFormat, S: RecordSink>(
        _ bytes: UnsafeRawBufferPointer, found: GateEnds? = nil, to format: inout F, sink: inout S
    ) {
        var start = 0
        var nextGateEnd = 0
        if let gate {
            gateEnds.removeAll(keepingCapacity: true)
            if let found, found.gate === gate {
                gateEnds.append(contentsOf: found.ends)
            } else {
                gate.ends(in: bytes, into: &gateEnds)
            }
            gateEnds.append(Int.max)  // a sentinel: no more literals
        }
        while start < bytes.count {
            guard let end = bytes.firstIndex(of: UInt8(ascii: "\n"), from: start) else {
                appendToCarry(UnsafeRawBufferPointer(rebasing: bytes[start...]))
                return
            }
            let piece = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            if carriedLength == 0 {
                let endsWithCR = piece.last == UInt8(ascii: "\r")
                var isCandidate = true
                if gate != nil {
                    // A literal ending at offset e has its last byte at e - 1: in this line when start < e <= end.
                    while gateEnds[nextGateEnd] <= start { nextGateEnd += 1 }
                    isCandidate = gateEnds[nextGateEnd] <= end
                }
                deliver(
                    piece, length: piece.count, endsWithCR: endsWithCR, terminated: true, isCandidate: isCandidate,
                    to: &format, sink: &sink)
            } else {
                appendToCarry(piece)
                deliverCarry(terminated: true, to: &format, sink: &sink)
            }
            start = end + 1
        }
    }

    /// Hands on a final line that has no `\n`, then restarts line numbers and offsets for the next file. O(1)
    /// beyond that line.
    mutating func endOfFile<F: LineFormat, S: RecordSink>(to format: inout F, sink: inout S) {
        if carriedLength > 0 { deliverCarry(terminated: false, to: &format, sink: &sink) }
        lineNumber = 1
        lineStart = 0
    }

    private mutating func appendToCarry(_ piece: UnsafeRawBufferPointer) {
        guard let last = piece.last else { return }
        let room = maxLineBytes + 1 - carry.count
        if room > 0 { carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: piece.prefix(room))) }
        carriedLength += piece.count
        carriedLastByte = last
    }

    private mutating func deliverCarry<F: LineFormat, S: RecordSink>(
        terminated: Bool, to format: inout F, sink: inout S
    ) {
        let length = carriedLength
        let endsWithCR = carriedLastByte == UInt8(ascii: "\r")
        // Borrow the buffer out of `self` so `deliver` may mutate `self` while the bytes are in use.
        var stored: [UInt8] = []
        swap(&stored, &carry)
        carriedLength = 0
        stored.withUnsafeBytes { stored in
            deliver(stored, length: length, endsWithCR: endsWithCR, terminated: terminated, to: &format, sink: &sink)
        }
        stored.removeAll(keepingCapacity: true)
        carry = stored
    }

    /// Hands on one line whose first bytes are in `stored` and whose full length (before capping) is `length`.
    private mutating func deliver<F: LineFormat, S: RecordSink>(
        _ stored: UnsafeRawBufferPointer, length: Int, endsWithCR: Bool, terminated: Bool, isCandidate: Bool = true,
        to format: inout F, sink: inout S
    ) {
        let number = lineNumber
        let offset = lineStart
        lineNumber += 1
        lineStart += Int64(length + (terminated ? 1 : 0))

        var contentLength = endsWithCR ? length - 1 : length
        if contentLength > maxLineBytes {
            sink.problem(
                DecodeProblem(
                    line: number, offset: offset,
                    message: "\(contentLength) bytes long, over the \(maxLineBytes)-byte limit; "
                        + "the rest of the line was dropped"))
            contentLength = maxLineBytes
        }
        guard contentLength > 0 else { return }
        // Safe because `stored` holds min(length, maxLineBytes + 1) >= contentLength bytes.
        let content = UnsafeRawBufferPointer(rebasing: stored[..<contentLength])
        format.decode(
            FramedLine(bytes: content, number: number, offset: offset, isCandidate: isCandidate), into: &sink)
    }
}
