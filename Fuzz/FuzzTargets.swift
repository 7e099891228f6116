// libFuzzer targets for the stages that read hostile bytes: every decoder, the gzip reader, the catalog loader and
// the matcher. One file, one target per build: scripts/fuzz compiles it with `-D FUZZ_<TARGET>` against an
// instrumented build of LogTriageCore. Only the library's public interface is used.
import Foundation
import LogTriageCore

/// Records handed on: each is read through, so that a decoder's out-of-bounds message is touched.
struct TouchingSink: RecordSink {
    var checksum = 0
    mutating func accept(_ record: LogRecord) {
        for byte in record.message { checksum &+= Int(byte) }
        for byte in record.source { checksum &+= Int(byte) }
    }
    mutating func problem(_ problem: DecodeProblem) { checksum &+= problem.message.utf8.count }
}

/// Feeds `bytes` to a decoder of `format` in chunks whose sizes the input's first byte chooses, as reads cut it.
func decode(_ format: LogFormat, _ bytes: UnsafeRawBufferPointer) {
    guard let seed = bytes.first else { return }
    let body = UnsafeRawBufferPointer(rebasing: bytes.dropFirst())
    var decoder = DecoderFactory.make(for: format, context: DecoderContext(defaultYear: 2025, maxRecordBytes: 4096))
    var sink = TouchingSink()
    var start = 0
    var step = Int(seed % 61) + 1
    while start < body.count {
        let end = min(body.count, start + step)
        decoder.feed(UnsafeRawBufferPointer(rebasing: body[start..<end]), into: &sink)
        start = end
        step = step * 7 % 97 + 1
    }
    decoder.endOfFile(into: &sink)
    decoder.finish(into: &sink)
}

/// A byte source over memory, for the gzip reader.
final class MemorySource: ByteSource {
    let bytes: [UInt8]
    var position = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    var storedOffset: Int64 { Int64(position) }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let count = min(buffer.count, bytes.count - position, 333)
        for index in 0..<count { buffer[index] = bytes[position + index] }
        position += count
        return count
    }
}

nonisolated(unsafe) let matcher = CatalogMatcher(catalog: try! BuiltinCatalog.load())

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    #if FUZZ_DOCKER
    decode(.dockerJSON, bytes)
    #elseif FUZZ_CRI
    decode(.cri, bytes)
    #elseif FUZZ_JOURNAL
    decode(.journalExport, bytes)
    #elseif FUZZ_JOURNAL_JSON
    decode(.journalJSON, bytes)
    #elseif FUZZ_NGINX_ACCESS
    decode(.nginxAccess, bytes)
    #elseif FUZZ_NGINX_ERROR
    decode(.nginxError, bytes)
    #elseif FUZZ_PLAIN
    decode(.plain, bytes)
    #elseif FUZZ_GZIP
    if let source = try? GzipSource(upstream: MemorySource(Array(bytes)), inputBufferSize: 97) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
        defer { buffer.deallocate() }
        var total = 0
        // A bomb is bounded by the output read, not by the input: stop after 16 MiB.
        while total < 16 << 20, let count = try? source.read(into: buffer), count > 0 { total += count }
    }
    #elseif FUZZ_CATALOG
    _ = try? CatalogLoader.parse(String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml")
    #elseif FUZZ_MATCHER
    var hits: [CatalogMatcher.Hit] = []
    var context: [Int] = []
    matcher.match(bytes, hits: &hits, contextRules: &context)
    #endif
    return 0
}
