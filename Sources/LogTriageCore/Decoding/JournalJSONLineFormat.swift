/// The decoder for `journalctl -o json`.
typealias JournalJSONDecoder = LineDecoder<JournalJSONLineFormat>

/// Decodes `journalctl -o json` lines, one JSON object per entry, with the same field choice as the export
/// format (see `JournalEntry`). A line that is not a JSON object is reported and still handed on, raw.
struct JournalJSONLineFormat: LineFormat {
    private var entry = JournalEntry()

    init(context: DecoderContext) {}

    /// Decodes one entry. O(line length).
    mutating func decode<S: RecordSink>(_ line: FramedLine, into sink: inout S) {
        entry.reset()
        do throws(JSONScanner.Failure) {
            var scanner = JSONScanner(line.bytes)
            try scanner.beginObject()
            while let key = try scanner.nextMember() {
                if let field = JournalEntry.field(named: key), entry.begin(field) {
                    try Self.readValue(&scanner, into: &entry.values[field.rawValue])
                } else {
                    try scanner.skipValue()
                }
            }
            try scanner.expectEnd()
        } catch {
            sink.problem(
                DecodeProblem(
                    line: line.number, offset: line.offset,
                    message: "not a journal JSON entry: \(error.description)"))
            sink.accept(LogRecord(message: line.bytes, line: line.number, offset: line.offset))
            return
        }
        entry.emit(line: line.number, offset: line.offset, into: &sink)
    }

    /// Appends a field's value to `out`.
    ///
    /// journalctl writes a value as a string, as `null` when it is too large or unprintable to show, as an array of
    /// byte values when it is not valid UTF-8, and a field that occurs several times as an array of its values, of
    /// which the first is kept.
    private static func readValue(
        _ scanner: inout JSONScanner, into out: inout [UInt8], isElement: Bool = false
    ) throws(JSONScanner.Failure) {
        switch try scanner.peekKind() {
        case .string:
            try scanner.readString(into: &out)
        case .array:
            let valuesMayNest = !isElement  // only one level: a list of values, each a string or a byte array
            try scanner.beginArray()
            var index = 0
            while try scanner.nextElement() {
                switch try scanner.peekKind() {
                case .number: out.append(try scanner.readByteValue())
                case .string where index == 0, .array where index == 0 && valuesMayNest:
                    try readValue(&scanner, into: &out, isElement: true)
                default: try scanner.skipValue()
                }
                index += 1
            }
        default:
            try scanner.skipValue()
        }
    }
}
