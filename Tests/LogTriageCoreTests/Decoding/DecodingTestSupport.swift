import Testing

@testable import LogTriageCore

/// A record copied out of a decoder, for comparison in tests.
struct Rec: Equatable, CustomStringConvertible {
    var bytes: [UInt8]
    var source: String
    var time: Int64?
    var line: Int
    var offset: Int64
    var isKernel: Bool

    init(_ message: String, source: String = "", time: Int64? = nil, line: Int, offset: Int64, isKernel: Bool = false) {
        self.init(
            bytes: Array(message.utf8), source: source, time: time, line: line, offset: offset, isKernel: isKernel)
    }

    init(bytes: [UInt8], source: String = "", time: Int64? = nil, line: Int, offset: Int64, isKernel: Bool = false) {
        self.bytes = bytes
        self.source = source
        self.time = time
        self.line = line
        self.offset = offset
        self.isKernel = isKernel
    }

    var message: String { String(decoding: bytes, as: UTF8.self) }

    var description: String {
        "Rec(\(message.debugDescription), source: \(source.debugDescription), time: \(time.map(String.init) ?? "nil"), "
            + "line: \(line), offset: \(offset)\(isKernel ? ", kernel" : ""))"
    }
}

/// Copies everything a decoder delivers.
struct CollectingSink: RecordSink, Equatable {
    var records: [Rec] = []
    var problems: [DecodeProblem] = []

    mutating func accept(_ record: LogRecord) {
        records.append(
            Rec(
                bytes: Array(record.message), source: String(decoding: record.source, as: UTF8.self), time: record.time,
                line: record.line, offset: record.offset, isKernel: record.isKernel))
    }

    mutating func problem(_ problem: DecodeProblem) {
        problems.append(problem)
    }
}

/// The chunk sizes every decoder is fed in; `Int.max` feeds each file whole.
let chunkSizes = [1, 2, 3, 5, 7, 16, 64, 500, Int.max]

/// A context with a fixed year and zone so expected times do not depend on the machine.
func testContext(utcOffsetSeconds: Int = 0, maxRecordBytes: Int = 1 << 20) -> DecoderContext {
    DecoderContext(defaultYear: 2024, utcOffsetSeconds: utcOffsetSeconds, maxRecordBytes: maxRecordBytes)
}

/// Feeds `files` one after another in chunks of `chunkSize`, with `endOfFile` after each and `finish` at the end.
func decode<D: LogDecoder>(_ files: [[UInt8]], chunkSize: Int, with decoder: D) -> CollectingSink {
    var decoder = decoder
    var sink = CollectingSink()
    for file in files {
        file.withUnsafeBytes { bytes in
            var start = 0
            while start < bytes.count {
                let end = start + min(chunkSize, bytes.count - start)
                decoder.feed(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), into: &sink)
                start = end
            }
        }
        decoder.endOfFile(into: &sink)
    }
    decoder.finish(into: &sink)
    return sink
}

/// Decodes `files` in every chunk size, expects all results to equal the whole-file one, and returns it.
func decodeInAllChunkings<D: LogDecoder>(
    _ files: [[UInt8]], with make: () -> D, sourceLocation: SourceLocation = #_sourceLocation
) -> CollectingSink {
    let whole = decode(files, chunkSize: Int.max, with: make())
    for size in chunkSizes.dropLast() {
        let chunked = decode(files, chunkSize: size, with: make())
        #expect(chunked == whole, "chunk size \(size)", sourceLocation: sourceLocation)
    }
    return whole
}

/// One-file, string-input convenience.
func decodeInAllChunkings<D: LogDecoder>(
    _ text: String, with make: () -> D, sourceLocation: SourceLocation = #_sourceLocation
) -> CollectingSink {
    decodeInAllChunkings([Array(text.utf8)], with: make, sourceLocation: sourceLocation)
}

/// Runs `body` over `text`'s bytes.
func withBytes<R>(_ text: String, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    Array(text.utf8).withUnsafeBytes(body)
}

/// The byte offset where each of `lines` starts once they are joined with "\n".
func lineStarts(_ lines: [String]) -> [Int64] {
    var starts: [Int64] = []
    var offset: Int64 = 0
    for line in lines {
        starts.append(offset)
        offset += Int64(line.utf8.count + 1)
    }
    return starts
}

/// The timestamp parsers with a fixed offset, as most tests want them.
extension Timestamp {
    static func parseISO8601(_ p: UnsafeRawBufferPointer, at start: Int, defaultOffset: Int) -> Parsed? {
        var zone = LocalZone.fixed(defaultOffset)
        return parseISO8601(p, at: start, zone: &zone)
    }

    static func parseSlashed(_ p: UnsafeRawBufferPointer, at start: Int, defaultOffset: Int) -> Parsed? {
        var zone = LocalZone.fixed(defaultOffset)
        return parseSlashed(p, at: start, zone: &zone)
    }

    static func parseSyslog(_ p: UnsafeRawBufferPointer, at start: Int, year: Int, defaultOffset: Int) -> Parsed? {
        var zone = LocalZone.fixed(defaultOffset)
        return parseSyslog(p, at: start, year: year, zone: &zone)
    }
}
