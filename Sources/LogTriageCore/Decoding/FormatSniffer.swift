/// Picks a file's log format from its first bytes.
///
/// journald export output is recognised by its first entry. Every other format is voted on line by line: each of
/// the first `sampleLines` non-empty lines votes for every format whose shape it has, and the best-supported format
/// that at least half of the lines vote for wins, so one odd line (a banner, a truncated first line) does not
/// decide. Without such a format the file is plain.
public enum FormatSniffer {
    /// How many non-empty lines are sampled.
    static let sampleLines = 20

    /// The formats that are voted on, most specific first: a tie goes to the earlier one.
    private static let votedFormats: [LogFormat] = [.journalJSON, .dockerJSON, .cri, .nginxError, .nginxAccess]

    /// The format of a file whose decoded stream begins with `prefix` (up to its first 64 KiB).
    ///
    /// O(`prefix.count`) at worst; typically a few lines are read.
    public static func detect(_ prefix: UnsafeRawBufferPointer) -> LogFormat {
        var p = prefix
        if p.hasLiteral("\u{FEFF}", at: 0) { p = UnsafeRawBufferPointer(rebasing: p[3...]) }  // UTF-8 byte order mark
        if looksLikeJournalExport(p) { return .journalExport }

        var votes = [Int](repeating: 0, count: votedFormats.count)
        var lines = 0
        var start = 0
        while lines < sampleLines, start < p.count {
            let newline = p.firstIndex(of: UInt8(ascii: "\n"), from: start)
            // The unterminated tail may be cut short by the prefix's end: use it only when it is all there is.
            if newline == nil && lines > 0 { break }
            let end = newline ?? p.count
            var line = UnsafeRawBufferPointer(rebasing: p[start..<end])
            if line.last == UInt8(ascii: "\r") { line = UnsafeRawBufferPointer(rebasing: line.dropLast()) }
            start = end + 1
            guard !line.isEmpty else { continue }
            lines += 1
            for (i, format) in votedFormats.enumerated() where matches(line, format) { votes[i] += 1 }
        }

        var best: (format: LogFormat, votes: Int)?
        for (i, format) in votedFormats.enumerated() where votes[i] > 0 && votes[i] * 2 >= lines {
            if votes[i] > best?.votes ?? 0 { best = (format, votes[i]) }
        }
        return best?.format ?? .plain
    }

    /// How far into a file its first bytes are checked for binary content.
    static let binaryCheckBytes = 8192

    /// The offset of the first byte that is not text in a head that shows the file to be binary (wtmp, an
    /// executable, a database), or `nil` for text.
    ///
    /// A file is binary when more than a tenth of its first `binaryCheckBytes` are NULs or control bytes no text
    /// log holds (anything below 0x20 but tab, newline, vertical tab, form feed, carriage return and escape, and
    /// DEL): a log with a few stray NULs in it is still a log to read. Only files no log format recognises are
    /// checked: recognised formats may carry such bytes legitimately (journald binary fields, the raw bytes of a
    /// TLS handshake in nginx's error log). Leading NUL padding is the caller's to skip first
    /// (`leadingNULs(_:)`). O(`binaryCheckBytes`).
    public static func binaryOffset(_ head: UnsafeRawBufferPointer, detected: LogFormat) -> Int? {
        guard detected == .plain else { return nil }
        let checked = UnsafeRawBufferPointer(rebasing: head.prefix(binaryCheckBytes))
        var first: Int?
        var count = 0
        for (i, b) in checked.enumerated() where (b < 0x20 && !(0x09...0x0D).contains(b) && b != 0x1B) || b == 0x7F {
            if first == nil { first = i }
            count += 1
        }
        return count * 10 > checked.count ? first : nil
    }

    /// How many NUL bytes `bytes` starts with: the padding a copytruncate leaves in a log whose writer kept its
    /// offset (the file is cut to 0 and the next write lands at the old offset, with a hole before it). O(n).
    public static func leadingNULs(_ bytes: UnsafeRawBufferPointer) -> Int {
        bytes.firstIndex { $0 != 0 } ?? bytes.count
    }

    /// Whether one line has `format`'s shape.
    static func matches(_ line: UnsafeRawBufferPointer, _ format: LogFormat) -> Bool {
        switch format {
        case .journalJSON:
            return line.first == UInt8(ascii: "{")
                && (line.contains("\"__REALTIME_TIMESTAMP\"") || line.contains("\"__CURSOR\""))
        case .dockerJSON:
            return line.first == UInt8(ascii: "{") && line.contains("\"log\":")
        case .cri:
            return looksLikeCRI(line)
        case .nginxError:
            return looksLikeNginxError(line)
        case .nginxAccess:
            return looksLikeNginxAccess(line)
        case .journalExport, .plain:
            return false
        }
    }

    /// `KEY=value` on the first line and `__CURSOR=` or `__REALTIME_TIMESTAMP=` starting a line of the first
    /// kilobytes, as `journalctl -o export` writes every entry.
    private static func looksLikeJournalExport(_ p: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        while i < p.count, p[i] &- UInt8(ascii: "A") < 26 || p[i] &- UInt8(ascii: "0") < 10 || p[i] == UInt8(ascii: "_")
        {
            i += 1
        }
        guard i > 0, i < p.count, p[i] == UInt8(ascii: "=") else { return false }
        let head = UnsafeRawBufferPointer(rebasing: p.prefix(4096))
        return head.hasLiteral("__CURSOR=", at: 0) || head.hasLiteral("__REALTIME_TIMESTAMP=", at: 0)
            || head.contains("\n__CURSOR=") || head.contains("\n__REALTIME_TIMESTAMP=")
    }

    /// `<RFC 3339 time> <stdout|stderr> <P|F>[:…] …`.
    private static func looksLikeCRI(_ line: UnsafeRawBufferPointer) -> Bool {
        var utc = LocalZone.utc
        guard let (_, end) = Timestamp.parseISO8601(line, at: 0, zone: &utc),
            line.hasLiteral(" stdout ", at: end) || line.hasLiteral(" stderr ", at: end)
        else { return false }
        let tag = end + 8
        guard tag < line.count, line[tag] == UInt8(ascii: "P") || line[tag] == UInt8(ascii: "F") else { return false }
        return tag + 1 == line.count || line[tag + 1] == UInt8(ascii: " ") || line[tag + 1] == UInt8(ascii: ":")
    }

    /// `2024/10/18 10:18:09 [level] 123#456: …`.
    private static func looksLikeNginxError(_ line: UnsafeRawBufferPointer) -> Bool {
        var utc = LocalZone.utc
        guard let (_, end) = Timestamp.parseSlashed(line, at: 0, zone: &utc), line.hasLiteral(" [", at: end)
        else { return false }
        var i = end + 2
        let levelStart = i
        while i < line.count, line[i] &- UInt8(ascii: "a") < 26 { i += 1 }
        guard i > levelStart, line.hasLiteral("] ", at: i) else { return false }
        i += 2
        guard skipDigits(line, &i), line.hasLiteral("#", at: i) else { return false }
        i += 1
        return skipDigits(line, &i) && line.hasLiteral(":", at: i)
    }

    /// `addr ident user [10/Oct/2000:13:55:36 -0700] "…`: the bracketed time after at least two fields and
    /// followed by the quoted request. `docker compose logs` of an nginx service is not this: its prefix is kept.
    private static func looksLikeNginxAccess(_ line: UnsafeRawBufferPointer) -> Bool {
        guard PlainLineFormat.composePrefix(line) == nil, let open = line.firstIndex(of: UInt8(ascii: "["), from: 0),
            open < NginxAccessLineFormat.searchWindow,
            open > 0, line[0] != UInt8(ascii: " "), line[open - 1] == UInt8(ascii: " "),
            let (_, end) = Timestamp.parseNginxAccess(line, at: open + 1), line.hasLiteral("] \"", at: end)
        else { return false }
        return line[..<open].lazy.filter { $0 == UInt8(ascii: " ") }.count >= 2
    }

    private static func skipDigits(_ line: UnsafeRawBufferPointer, _ i: inout Int) -> Bool {
        let start = i
        while i < line.count, line[i] &- UInt8(ascii: "0") < 10 { i += 1 }
        return i > start
    }
}
