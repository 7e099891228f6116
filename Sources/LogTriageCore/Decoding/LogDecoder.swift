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
    /// The current file has ended. A final line without its newline is complete now; state that legitimately spans
    /// files (a docker entry split across a rotation) is kept. Line numbers and offsets restart for the next file.
    mutating func endOfFile<S: RecordSink>(into sink: inout S)
    /// All input has ended: flush everything that is still held.
    mutating func finish<S: RecordSink>(into sink: inout S)
    /// Byte offset in the current file's decoded stream just past the last complete record.
    var committedOffset: Int64 { get }
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
    /// Seconds east of UTC assumed for timestamps that carry no zone (nginx error log, most application logs).
    public var utcOffsetSeconds: Int
    /// Longest record kept whole; bytes beyond it are dropped from the record and a problem is reported.
    public var maxRecordBytes: Int
    /// When set, line-based formats look for the catalog's literals in each chunk first and mark the records of
    /// lines without any as no candidates (`LogRecord.isCandidate`), decoding them only as far as counting needs.
    public var gates: CandidateGates?

    public init(defaultYear: Int, utcOffsetSeconds: Int = 0, maxRecordBytes: Int = 1 << 20) {
        self.defaultYear = defaultYear
        self.utcOffsetSeconds = utcOffsetSeconds
        self.maxRecordBytes = maxRecordBytes
    }

    /// The context of a file last modified at `modified` (`nil` for a stream: the current year is assumed).
    public init(modified: Date?, utcOffsetSeconds: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: utcOffsetSeconds) ?? .current
        self.init(
            defaultYear: calendar.component(.year, from: modified ?? Date()), utcOffsetSeconds: utcOffsetSeconds)
    }
}
