/// The decoder for plain application logs, `docker logs` and `docker compose logs` output.
typealias PlainDecoder = LineDecoder<PlainLineFormat>

/// Decodes plain log lines: the message is the line, less a `docker compose logs` prefix (`web-1  | `), whose
/// service name becomes the record's source.
///
/// The time is the first timestamp that starts at a word boundary within the message's first `timeWindow` bytes,
/// which covers `docker logs --timestamps` output, `[E 2024-10-18 10:18:09.522 JupyterHub app:3652]`, gunicorn's
/// `[2024-10-18 10:18:09 +0000]`, Python's `2024-10-18 10:18:09,522`, `2024/10/18 10:18:09` and syslog's
/// `Nov 24 10:00:00`. Times without a zone take the context's zone; syslog times take its year.
struct PlainLineFormat: LineFormat {
    /// How far into the message a timestamp may start.
    static let timeWindow = 64
    /// Longest compose service name recognised; longer words are taken to be message text.
    static let maxServiceNameLength = 64

    private let defaultYear: Int
    private var zone: LocalZone

    init(context: DecoderContext) {
        defaultYear = context.defaultYear
        zone = context.zone
    }

    static var gateEncoding: CandidateGate.Encoding? { .verbatim }

    /// Decodes one line. O(`timeWindow`) beyond handing it on.
    mutating func decode<S: RecordSink>(_ line: FramedLine, into sink: inout S) {
        var message = line.bytes
        var source = UnsafeRawBufferPointer.empty
        if let prefix = Self.composePrefix(line.bytes) {
            source = UnsafeRawBufferPointer(rebasing: line.bytes[prefix.nameStart..<prefix.nameEnd])
            message = UnsafeRawBufferPointer(rebasing: line.bytes[prefix.messageStart...])
        }
        let time = Self.findTime(in: message, year: defaultYear, zone: &zone)
        var record = LogRecord(message: message, source: source, time: time, line: line.number, offset: line.offset)
        record.isCandidate = line.isCandidate
        sink.accept(record)
    }

    /// The `docker compose logs` prefix: a service name, one or more spaces, then `|` and a space (or the line's
    /// end). O(`maxServiceNameLength`).
    static func composePrefix(_ p: UnsafeRawBufferPointer) -> (nameStart: Int, nameEnd: Int, messageStart: Int)? {
        // On a terminal (or with `--ansi always`) compose colours the prefix: `ESC[36mweb-1  | ESC[0mmessage`.
        var i = skipColour(p, from: 0)
        let nameStart = i
        while i < p.count, i - nameStart <= maxServiceNameLength, isServiceNameByte(p[i]) { i += 1 }
        let nameEnd = i
        guard nameEnd > nameStart, nameEnd - nameStart <= maxServiceNameLength else { return nil }
        while i < p.count, p[i] == UInt8(ascii: " ") { i += 1 }
        guard i > nameEnd, i < p.count, p[i] == UInt8(ascii: "|") else { return nil }
        i = skipColour(p, from: i + 1)
        if i < p.count {
            guard p[i] == UInt8(ascii: " ") else { return nil }
            i += 1
        }
        return (nameStart, nameEnd, skipColour(p, from: i))
    }

    /// Steps over SGR colour sequences (`ESC [ digits;… m`) at `i`. O(their length).
    private static func skipColour(_ p: UnsafeRawBufferPointer, from start: Int) -> Int {
        var i = start
        while i + 2 < p.count, p[i] == 0x1B, p[i + 1] == UInt8(ascii: "[") {
            var j = i + 2
            while j < p.count, p[j] &- UInt8(ascii: "0") < 10 || p[j] == UInt8(ascii: ";") { j += 1 }
            guard j < p.count, p[j] == UInt8(ascii: "m") else { return i }
            i = j + 1
        }
        return i
    }

    /// The first timestamp starting at a word boundary in the first `timeWindow` bytes. O(`timeWindow`).
    static func findTime(in p: UnsafeRawBufferPointer, year: Int, zone: inout LocalZone) -> Int64? {
        var previous: UInt8 = UInt8(ascii: " ")
        for i in 0..<min(p.count, timeWindow) {
            let b = p[i]
            defer { previous = b }
            guard !isAlphanumeric(previous) else { continue }
            if b &- UInt8(ascii: "0") < 10 {
                if let parsed = Timestamp.parseISO8601(p, at: i, zone: &zone)
                    ?? Timestamp.parseSlashed(p, at: i, zone: &zone)
                {
                    return parsed.micros
                }
            } else if b &- UInt8(ascii: "A") < 26,
                let parsed = Timestamp.parseSyslog(p, at: i, year: year, zone: &zone)
            {
                return parsed.micros
            }
        }
        return nil
    }

    private static func isServiceNameByte(_ b: UInt8) -> Bool {
        isAlphanumeric(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
    }

    private static func isAlphanumeric(_ b: UInt8) -> Bool {
        b &- UInt8(ascii: "0") < 10 || (b | 0x20) &- UInt8(ascii: "a") < 26
    }
}
