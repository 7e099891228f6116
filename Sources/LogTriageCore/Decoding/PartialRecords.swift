/// Reassembles records that docker json-file and CRI split into parts, one record in progress per stream.
///
/// The runtimes split a long line into parts and mark all but the last; stdout and stderr interleave freely, so
/// each stream has its own record in progress. A record takes the line, offset and time of its first part and can
/// span files: a rotation may fall between its parts.
struct PartialRecords: Codable, Equatable, Sendable {
    /// The record in progress on one stream.
    private struct Held: Codable, Equatable, Sendable {
        var bytes: [UInt8] = []
        var isHeld = false
        var line = 0
        var offset: Int64 = 0
        var time: Int64?
        /// Order of the first part among all records, to flush them in input order.
        var sequence = 0
        var fromEarlierFile = false
        var truncated = false
    }

    private let maxRecordBytes: Int
    /// Index 0 is stdout (and unnamed streams), 1 is stderr.
    private var held = [Held(), Held()]
    private var nextSequence = 0

    init(maxRecordBytes: Int) {
        self.maxRecordBytes = maxRecordBytes
    }

    /// Whether a record is in progress on any stream.
    var isHolding: Bool { held[0].isHeld || held[1].isHeld }

    /// Offset in the current file where the earliest held record starts: 0 when it started in an earlier file,
    /// `nil` when nothing is held.
    var heldOffset: Int64? {
        held.lazy.filter(\.isHeld).map { $0.fromEarlierFile ? 0 : $0.offset }.min()
    }

    /// Adds a part that does not end its record. O(`part.count`).
    mutating func appendPart<S: RecordSink>(
        _ part: UnsafeRawBufferPointer, stream: Int, line: Int, offset: Int64, time: Int64?, into sink: inout S
    ) {
        if !held[stream].isHeld {
            held[stream].isHeld = true
            held[stream].line = line
            held[stream].offset = offset
            held[stream].time = time
            held[stream].sequence = nextSequence
            nextSequence += 1
        }
        append(part, stream: stream, into: &sink)
    }

    /// Ends the record on `stream` with its last part and hands it on; without a held record the part is the
    /// whole record and is handed on in place, as a candidate for matching or not as its line was. A record joined
    /// from parts is always a candidate: a literal may straddle two parts. O(`part.count`).
    mutating func completeRecord<S: RecordSink>(
        lastPart: UnsafeRawBufferPointer, stream: Int, line: Int, offset: Int64, time: Int64?,
        isCandidate: Bool = true, into sink: inout S
    ) {
        guard held[stream].isHeld else {
            var record = LogRecord(message: lastPart, time: time, line: line, offset: offset)
            record.isCandidate = isCandidate
            sink.accept(record)
            return
        }
        append(lastPart, stream: stream, into: &sink)
        emit(stream: stream, into: &sink)
    }

    /// The current file has ended; held records wait for their parts in the next file. O(1).
    mutating func endOfFile() {
        for i in held.indices where held[i].isHeld { held[i].fromEarlierFile = true }
    }

    /// Hands on every held record, incomplete as it is, in input order. O(held bytes).
    mutating func flush<S: RecordSink>(into sink: inout S) {
        if held[0].isHeld && held[1].isHeld && held[1].sequence < held[0].sequence { emit(stream: 1, into: &sink) }
        for stream in held.indices where held[stream].isHeld { emit(stream: stream, into: &sink) }
    }

    private mutating func append<S: RecordSink>(_ part: UnsafeRawBufferPointer, stream: Int, into sink: inout S) {
        let room = maxRecordBytes - held[stream].bytes.count
        if part.count > room && !held[stream].truncated {
            held[stream].truncated = true
            let line = held[stream].line
            sink.problem(
                DecodeProblem(
                    line: line, offset: held[stream].offset,
                    message: "the record joined from partial entries is over the \(maxRecordBytes)-byte "
                        + "limit; the rest was dropped"))
        }
        held[stream].bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: part.prefix(max(room, 0))))
    }

    private mutating func emit<S: RecordSink>(stream: Int, into sink: inout S) {
        // Take the buffer out so reading it does not overlap the reset below, and put it back to reuse it.
        var bytes: [UInt8] = []
        swap(&bytes, &held[stream].bytes)
        let (line, offset, time) = (held[stream].line, held[stream].offset, held[stream].time)
        let fromEarlierFile = held[stream].fromEarlierFile
        bytes.withUnsafeBytes { message in
            var record = LogRecord(message: message, time: time, line: line, offset: offset)
            record.startsInPreviousFile = fromEarlierFile
            sink.accept(record)
        }
        bytes.removeAll(keepingCapacity: true)
        held[stream] = Held(bytes: bytes)
    }
}
