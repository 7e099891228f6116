/// Decodes `journalctl -o export` (https://systemd.io/JOURNAL_EXPORT_FORMATS/) into one record per entry.
///
/// An entry is a run of fields ended by a blank line. A text field is `KEY=value\n`; a binary field, used for
/// values with newlines or control bytes, is `KEY\n`, a 64-bit little-endian length, the value, and `\n`. The
/// decoder is a byte state machine that can stop and resume at any byte, so a length or value may be split across
/// chunks. Only the fields `JournalEntry` keeps are buffered, each capped at `maxRecordBytes`; the rest are skipped
/// in place. A record's `line` is the entry's 1-based number in the file and its offset is where the entry starts.
///
/// An entry whose structure is broken (a field name with bytes journald never writes, an implausible binary
/// length, a binary value without its newline) is reported and skipped up to the next blank line.
struct JournalExportDecoder: LogDecoder {
    private enum State {
        /// At the start of a field line, or of the blank line that ends the entry.
        case fieldStart
        /// After a carriage return at the start of a line: the blank line of an export with CRLF line ends.
        case carriageReturn
        /// Inside a field name, gathered in `name`.
        case name
        /// Inside a text value; `nil` for a field that is skipped.
        case text(JournalEntry.Field?)
        /// Reading the 8 little-endian bytes of a binary value's length.
        case length(JournalEntry.Field?, bytesRead: Int, value: UInt64)
        /// Inside a binary value, with `remaining` bytes to go.
        case binary(JournalEntry.Field?, remaining: UInt64)
        /// Expecting the newline after a binary value.
        case binaryEnd
        /// Skipping a broken entry up to its blank line; `afterNewline` when the last byte seen was `\n`.
        case skipEntry(afterNewline: Bool)
    }

    /// Longest field name accepted; journald's own limit is 64 bytes.
    static let maxNameLength = 256
    /// Largest binary length taken as real (journald's import limit, `DATA_SIZE_MAX`); a larger one means the
    /// bytes read as a length were something else.
    static let maxBinaryLength: UInt64 = 768 << 20

    private let maxFieldBytes: Int
    private var state = State.fieldStart
    private var name: [UInt8] = []
    private var entry = JournalEntry()
    private var inEntry = false
    private var entryNumber = 0
    private var entryStart: Int64 = 0
    /// Offset in the current file of the first byte of the next chunk.
    private var offset: Int64 = 0
    /// Whether the current field has already been reported as over-long.
    private var fieldTruncated = false
    /// The bytes of the binary value being read (when its length fits a record), and the file offset they start at:
    /// read again when the length proves wrong.
    private var replay: [UInt8] = []
    private var replayStart: Int64 = 0
    private var keepsReplay = false
    private var binaryLength: UInt64 = 0

    init(context: DecoderContext) {
        maxFieldBytes = context.maxRecordBytes
        name.reserveCapacity(64)
    }

    /// `__CURSOR` of the last entry that ended, message or not.
    private var lastCursor: [UInt8] = []

    init(context: DecoderContext, resumingFrom checkpoint: DecoderCheckpoint) {
        self.init(context: context)
        offset = checkpoint.offset
        entryNumber = checkpoint.line - 1
        lastCursor = Array((checkpoint.cursor ?? "").utf8)
    }

    var committedOffset: Int64 { inEntry ? entryStart : offset }

    mutating func skipPadding(_ count: Int64) {
        offset += count
    }

    var checkpoint: DecoderCheckpoint {
        DecoderCheckpoint(
            offset: committedOffset, line: (inEntry ? entryNumber - 1 : entryNumber) + 1,
            cursor: lastCursor.isEmpty ? nil : String(decoding: lastCursor, as: UTF8.self))
    }

    /// Advances the state machine over `bytes`, handing on each entry as its blank line arrives. O(`bytes.count`),
    /// plus at most `maxFieldBytes` read again for each binary length that proves wrong.
    mutating func feed<S: RecordSink>(_ bytes: UnsafeRawBufferPointer, into sink: inout S) {
        var again = step(bytes, into: &sink)
        while let replay = again { again = replay.withUnsafeBytes { step($0, into: &sink) } }
    }

    /// One pass of the state machine; returns the bytes to read again when a binary length proved wrong (with
    /// `offset` set back to where they start), nil otherwise.
    private mutating func step<S: RecordSink>(_ bytes: UnsafeRawBufferPointer, into sink: inout S) -> [UInt8]? {
        var i = 0
        let n = bytes.count
        while i < n {
            // Each case consumes at least one byte or changes state to one that will.
            switch state {
            case .fieldStart:
                if bytes[i] == UInt8(ascii: "\n") {
                    if inEntry { endEntry(into: &sink) }
                    i += 1
                } else if bytes[i] == UInt8(ascii: "\r") {
                    state = .carriageReturn
                    i += 1
                } else {
                    if !inEntry { beginEntry(at: offset + Int64(i)) }
                    name.removeAll(keepingCapacity: true)
                    state = .name
                }

            case .carriageReturn:
                if bytes[i] == UInt8(ascii: "\n") {
                    if inEntry { endEntry(into: &sink) }
                    state = .fieldStart
                    i += 1
                } else {
                    if !inEntry { beginEntry(at: offset + Int64(i) - 1) }
                    skipEntry(because: "a line starts with a carriage return", into: &sink)
                }

            case .name:
                // The name is read in place; only a name that a chunk boundary cuts is gathered in `name`.
                let nameStart = i
                let room = Self.maxNameLength - name.count
                while i < n, i - nameStart < room, Self.isNameByte(bytes[i]) { i += 1 }
                let piece = UnsafeRawBufferPointer(rebasing: bytes[nameStart..<i])
                guard i < n else {
                    name.append(contentsOf: piece)
                    break
                }
                let b = bytes[i]
                guard b == UInt8(ascii: "=") || b == UInt8(ascii: "\n") else {
                    name.append(contentsOf: piece)
                    skipEntry(
                        because: Self.isNameByte(b) ? "a field name is too long" : "a field name has the byte \(b)",
                        into: &sink)
                    break
                }
                let field: JournalEntry.Field?
                if name.isEmpty {
                    field = beginField(named: piece)
                } else {
                    name.append(contentsOf: piece)
                    field = name.withUnsafeBytes { beginField(named: $0) }
                }
                state = b == UInt8(ascii: "=") ? .text(field) : .length(field, bytesRead: 0, value: 0)
                i += 1

            case .text(let field):
                let newline = bytes.firstIndex(of: UInt8(ascii: "\n"), from: i)
                var end = newline ?? n
                // CRLF line ends: a text value never holds a carriage return (journald writes such values as
                // binary fields), so one before the newline is the line end's.
                if newline != nil && end > i && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                if let field { store(UnsafeRawBufferPointer(rebasing: bytes[i..<end]), in: field, into: &sink) }
                if let field, newline != nil, end == i, entry.values[field.rawValue].last == UInt8(ascii: "\r") {
                    entry.values[field.rawValue].removeLast()  // the carriage return ended the previous chunk
                }
                if let newline {
                    state = .fieldStart
                    i = newline + 1
                } else {
                    i = n
                }

            case .length(let field, var bytesRead, var value):
                while bytesRead < 8 && i < n {
                    value |= UInt64(bytes[i]) << (8 * bytesRead)
                    bytesRead += 1
                    i += 1
                }
                if bytesRead < 8 {
                    state = .length(field, bytesRead: bytesRead, value: value)
                } else if value > Self.maxBinaryLength {
                    skipEntry(because: "a binary field's length, \(value), is implausible", into: &sink)
                } else {
                    state = value == 0 ? .binaryEnd : .binary(field, remaining: value)
                    // A value that fits a record is kept as read, so that if its length proves wrong the entries it
                    // swallowed are read again.
                    keepsReplay = value <= UInt64(maxFieldBytes)
                    replay.removeAll(keepingCapacity: true)
                    replayStart = offset + Int64(i)
                    binaryLength = value
                }

            case .binary(let field, let remaining):
                let take = Int(min(remaining, UInt64(n - i)))
                // Safe because take <= n - i.
                if let field { store(UnsafeRawBufferPointer(rebasing: bytes[i..<(i + take)]), in: field, into: &sink) }
                if keepsReplay { replay.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[i..<(i + take)])) }
                i += take
                state = remaining == UInt64(take) ? .binaryEnd : .binary(field, remaining: remaining - UInt64(take))

            case .binaryEnd:
                if bytes[i] == UInt8(ascii: "\n") {
                    state = .fieldStart
                    keepsReplay = false
                    i += 1
                } else if keepsReplay {
                    // The length ran past the value: read what it covered again, from the next blank line.
                    offset += Int64(i)
                    return resynchronise(then: UnsafeRawBufferPointer(rebasing: bytes[i..<n]), into: &sink)
                } else {
                    skipEntry(because: "a binary field's value is not followed by a newline", into: &sink)
                }

            case .skipEntry(let afterNewline):
                if afterNewline && bytes[i] == UInt8(ascii: "\n") {
                    state = .fieldStart
                    inEntry = false
                    i += 1
                } else if let newline = bytes.firstIndex(of: UInt8(ascii: "\n"), from: i) {
                    state = .skipEntry(afterNewline: true)
                    i = newline + 1
                } else {
                    state = .skipEntry(afterNewline: false)
                    i = n
                }
            }
        }
        offset += Int64(n)
        return nil
    }

    /// After a binary length that ran past its value (and the entry's end): reports it, skips the entry, and returns
    /// the bytes the value swallowed followed by `rest`, to be read again from the next blank line on. `offset` must
    /// be the file offset of `rest`; it is set back to that of the returned bytes.
    private mutating func resynchronise<S: RecordSink>(
        then rest: UnsafeRawBufferPointer, into sink: inout S
    ) -> [UInt8] {
        report(
            "a binary field's length, \(binaryLength), runs past its value; the entry was skipped and what the length "
                + "covered is read again from the next blank line", into: &sink)
        state = .skipEntry(afterNewline: false)
        keepsReplay = false
        var again = replay
        again.append(contentsOf: rest)
        replay.removeAll(keepingCapacity: true)
        offset = replayStart
        return again
    }

    /// Ends the current file: an entry without its final blank line is complete, one cut inside a binary field or
    /// a name is reported. Entry numbers and offsets restart. O(1).
    mutating func endOfFile<S: RecordSink>(into sink: inout S) {
        switch state {
        case .fieldStart, .carriageReturn, .text, .binaryEnd:
            if inEntry { endEntry(into: &sink) }
        case .name:
            skipEntry(because: "the file ends inside a field name", into: &sink)
        case .binary where keepsReplay:
            // The length ran past the end of the file: what it covered may hold whole entries.
            let again = resynchronise(then: UnsafeRawBufferPointer(start: nil, count: 0), into: &sink)
            again.withUnsafeBytes { feed($0, into: &sink) }
            endOfFile(into: &sink)
            return
        case .length, .binary:
            skipEntry(because: "the file ends inside a binary field", into: &sink)
        case .skipEntry:
            break
        }
        state = .fieldStart
        inEntry = false
        entryNumber = 0
        offset = 0
    }

    /// Ends the input; nothing spans files in this format. O(1).
    mutating func finish<S: RecordSink>(into sink: inout S) {
        endOfFile(into: &sink)
    }

    // MARK: - Pieces

    private mutating func beginEntry(at start: Int64) {
        inEntry = true
        entryNumber += 1
        entryStart = start
        entry.reset()
    }

    private mutating func endEntry<S: RecordSink>(into sink: inout S) {
        entry.emit(line: entryNumber, offset: entryStart, into: &sink)
        // Copied into `lastCursor`'s own storage: sharing the entry's buffer would make its reuse allocate.
        entry.values[JournalEntry.Field.cursor.rawValue].withUnsafeBytes { cursor in
            guard !cursor.isEmpty else { return }
            lastCursor.removeAll(keepingCapacity: true)
            lastCursor.append(contentsOf: cursor)
        }
        inEntry = false
        state = .fieldStart
    }

    /// The kept field `key` names, unless it is skipped or was already seen in this entry.
    private mutating func beginField(named key: UnsafeRawBufferPointer) -> JournalEntry.Field? {
        fieldTruncated = false
        guard let field = JournalEntry.field(named: key), entry.begin(field) else { return nil }
        return field
    }

    /// Appends part of a kept field's value, dropping what goes past `maxFieldBytes`.
    private mutating func store<S: RecordSink>(
        _ piece: UnsafeRawBufferPointer, in field: JournalEntry.Field, into sink: inout S
    ) {
        let room = maxFieldBytes - entry.values[field.rawValue].count
        if piece.count > room && !fieldTruncated {
            fieldTruncated = true
            report(
                "field \(field.name) is over the \(maxFieldBytes)-byte limit; "
                    + "the rest was dropped", into: &sink)
        }
        entry.values[field.rawValue].append(contentsOf: UnsafeRawBufferPointer(rebasing: piece.prefix(max(room, 0))))
    }

    private mutating func skipEntry<S: RecordSink>(because reason: String, into sink: inout S) {
        report("\(reason); the entry was skipped", into: &sink)
        state = .skipEntry(afterNewline: false)
    }

    private func report<S: RecordSink>(_ message: String, into sink: inout S) {
        sink.problem(DecodeProblem(line: entryNumber, offset: entryStart, message: "entry \(entryNumber): \(message)"))
    }

    /// Journal field names are uppercase letters, digits and underscores.
    private static func isNameByte(_ b: UInt8) -> Bool {
        b &- UInt8(ascii: "A") < 26 || b &- UInt8(ascii: "0") < 10 || b == UInt8(ascii: "_")
    }
}
