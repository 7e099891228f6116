/// The decoder for nginx access logs.
typealias NginxAccessDecoder = LineDecoder<NginxAccessLineFormat>

/// Decodes nginx access lines (`combined`, `common`, and custom formats that keep `[$time_local]`).
///
/// The message is the whole line as nginx wrote it, `\xHH` escapes included; the time comes from the first
/// bracketed `10/Oct/2000:13:55:36 -0700` near the start. Lines without one are still records, without a time:
/// `log_format` is often customised, so that is not a problem worth reporting.
struct NginxAccessLineFormat: LineFormat {
    /// How far into the line the bracketed time is looked for; it follows the address and user fields.
    static let searchWindow = 256

    /// The 26 bytes of the last time parsed (`10/Oct/2000:13:55:36 -0700`) and its value: busy servers write many
    /// lines a second, and comparing is cheaper than parsing.
    private var lastStamp: (UInt64, UInt64, UInt64, UInt16) = (0, 0, 0, 0)
    private var lastTime: Int64?
    private static let stampLength = 26

    init(context: DecoderContext) {}

    static var gateEncoding: CandidateGate.Encoding? { .verbatim }

    /// Decodes one line. O(min(line length, `searchWindow`)).
    mutating func decode<S: RecordSink>(_ line: FramedLine, into sink: inout S) {
        var record = LogRecord(message: line.bytes, time: time(in: line.bytes), line: line.number, offset: line.offset)
        record.isCandidate = line.isCandidate
        sink.accept(record)
    }

    /// `time(in:)` of the line, taken from the last line's when the first `[` holds the same 26 bytes and its `]`:
    /// those bytes parse to the same time, and the first `[` that holds one is the one `time(in:)` takes. A first
    /// `[` that holds a time of that shape is parsed once and remembered; any other line goes to `time(in:)`.
    private mutating func time(in p: UnsafeRawBufferPointer) -> Int64? {
        let n = Self.stampLength
        if let open = p.firstIndex(of: UInt8(ascii: "["), from: 0), open < min(p.count, Self.searchWindow),
            open + 1 + n < p.count, p[open + 1 + n] == UInt8(ascii: "]")
        {
            let stamp = (
                p.loadUnaligned(fromByteOffset: open + 1, as: UInt64.self),
                p.loadUnaligned(fromByteOffset: open + 9, as: UInt64.self),
                p.loadUnaligned(fromByteOffset: open + 17, as: UInt64.self),
                p.loadUnaligned(fromByteOffset: open + 25, as: UInt16.self)
            )
            if let lastTime, stamp == lastStamp { return lastTime }
            if let (time, end) = Timestamp.parseNginxAccess(p, at: open + 1), end == open + 1 + n {
                lastStamp = stamp
                lastTime = time
                return time
            }
        }
        return Self.time(in: p)
    }

    /// The time in the first `[…]` that holds one, within the search window. O(min(line length, `searchWindow`)),
    /// in `memchr` steps from one `[` to the next.
    static func time(in p: UnsafeRawBufferPointer) -> Int64? {
        let limit = min(p.count, searchWindow)
        var i = 0
        while let open = p.firstIndex(of: UInt8(ascii: "["), from: i), open < limit {
            if let (time, end) = Timestamp.parseNginxAccess(p, at: open + 1), end < p.count,
                p[end] == UInt8(ascii: "]")
            {
                return time
            }
            i = open + 1
        }
        return nil
    }
}
