import Foundation

/// The decoding stage of the pipeline: input bytes → `LogRecord`s.
///
/// Input hands a decoder the decompressed bytes of one file after another (the members of one rotated set, oldest
/// first), in chunks of any size; the decoder hands complete records to a `RecordSink`. A decoder is resumable at
/// any byte: it never rescans what it has seen, it keeps an incomplete record until more bytes come, and it reports
/// the offset just past the last complete record, which is where a restart would resume.
public protocol LogDecoder {
    /// A decoder at the start of its input.
    init(context: DecoderContext)
    /// Decodes the next bytes of the current file. Complete records go to `sink`; an incomplete tail is kept.
    mutating func feed<S: RecordSink>(_ bytes: UnsafeRawBufferPointer, into sink: inout S)
    /// Decodes like `feed(_:into:)`, with the search of the decoder's gate in `bytes` already made (`found`, by a
    /// reader thread); found by another gate, it is not used.
    mutating func feed<S: RecordSink>(_ bytes: UnsafeRawBufferPointer, found: GateEnds, into sink: inout S)
    /// The gate that lets this decoder skip lines without a catalog literal, if it has one.
    var gate: CandidateGate? { get }
    /// The current file has ended. A final line without its newline is complete now; state that legitimately spans
    /// files (a docker entry split across a rotation) is kept. Line numbers and offsets restart for the next file.
    mutating func endOfFile<S: RecordSink>(into sink: inout S)
    /// All input has ended: flush everything that is still held.
    mutating func finish<S: RecordSink>(into sink: inout S)
    /// Byte offset in the current file's decoded stream just past the last complete record.
    var committedOffset: Int64 { get }
    /// The current file's first `count` bytes are padding that is not fed (NULs left by copytruncate); offsets
    /// count them. Only before the file's first bytes are fed. O(1).
    mutating func skipPadding(_ count: Int64)
    /// Where the decoder stands in the current file, for a restart to resume exactly there.
    var checkpoint: DecoderCheckpoint { get }
    /// A decoder that goes on from `checkpoint`: the next bytes it is fed are the current file's from
    /// `checkpoint.offset` on.
    init(context: DecoderContext, resumingFrom checkpoint: DecoderCheckpoint)
}

extension LogDecoder {
    /// Formats without a gate have no use for its search.
    public mutating func feed<S: RecordSink>(_ bytes: UnsafeRawBufferPointer, found: GateEnds, into sink: inout S) {
        feed(bytes, into: &sink)
    }

    public var gate: CandidateGate? { nil }
}

/// Where a decoder stands, so that following can stop at any moment and resume without losing or repeating a
/// record.
///
/// `offset` is the first byte of the current file that is not yet part of a record handed on (an incomplete last
/// line is read again on resuming), `line` the number of the line or entry that starts there. Records held across
/// lines (docker and CRI partials, possibly begun in an earlier file) travel whole in `held`; a journald stream's
/// position is the cursor of its last entry.
public struct DecoderCheckpoint: Codable, Equatable, Sendable {
    public var offset: Int64
    /// Number of the next line (or entry) in the current file; 1 at its start.
    public var line: Int
    var held: PartialRecords?
    /// `__CURSOR` of the last journald entry handed on.
    public var cursor: String?

    /// The start of a file.
    public static let start = DecoderCheckpoint(offset: 0, line: 1)

    public init(offset: Int64, line: Int, cursor: String? = nil) {
        self.offset = offset
        self.line = line
        self.cursor = cursor
    }

    init(offset: Int64, line: Int, held: PartialRecords?, cursor: String? = nil) {
        self.init(offset: offset, line: line, cursor: cursor)
        self.held = held
    }

    /// Whether the checkpoint carries records that began before `offset` (then the file cannot simply be
    /// resumed as if fresh).
    public var holdsRecords: Bool { held != nil }
}

/// The log formats logtriage decodes.
public enum LogFormat: String, CaseIterable, Sendable {
    /// docker's json-file driver: `{"log":"…","stream":"stderr","time":"…"}` per line.
    case dockerJSON = "docker"
    /// containerd/CRI: `<time> <stream> <P|F> <message>`.
    case cri
    /// `journalctl -o export`: `KEY=value` fields and binary fields, entries separated by a blank line.
    case journalExport = "journal"
    /// `journalctl -o json`: one JSON object per line.
    case journalJSON = "journal-json"
    /// nginx access log, combined or common format.
    case nginxAccess = "nginx-access"
    /// nginx error log.
    case nginxError = "nginx-error"
    /// Anything else: application logs, `docker logs` and `docker compose logs` output.
    case plain
}

/// What a decoder may need to know about the file it reads.
public struct DecoderContext: Sendable {
    /// The year assumed for timestamps that carry none (syslog's `Nov 24 10:00:00`): the file's modification year.
    public var defaultYear: Int
    /// The zone assumed for timestamps that carry none (nginx error log, most application logs), resolved at each
    /// timestamp.
    public var zone: LocalZone
    /// Longest record kept whole; bytes beyond it are dropped from the record and a problem is reported.
    public var maxRecordBytes: Int
    /// When set, line-based formats look for the catalog's literals in each chunk first and mark the records of
    /// lines without any as no candidates (`LogRecord.isCandidate`), decoding them only as far as counting needs.
    public var gates: CandidateGates?

    public init(defaultYear: Int, utcOffsetSeconds: Int = 0, maxRecordBytes: Int = 1 << 20) {
        self.init(defaultYear: defaultYear, zone: .fixed(utcOffsetSeconds), maxRecordBytes: maxRecordBytes)
    }

    public init(defaultYear: Int, zone: LocalZone, maxRecordBytes: Int = 1 << 20) {
        self.defaultYear = defaultYear
        self.zone = zone
        self.maxRecordBytes = maxRecordBytes
    }

    /// The context of a file last modified at `modified` (`nil` for a stream: the current year is assumed).
    public init(modified: Date?, zone: LocalZone) {
        var calendar = Calendar(identifier: .gregorian)
        if case .named(let named) = zone.rule {
            calendar.timeZone = named
        } else {
            calendar.timeZone = TimeZone(secondsFromGMT: zone.currentOffset) ?? .current
        }
        self.init(defaultYear: calendar.component(.year, from: modified ?? Date()), zone: zone)
    }
}
