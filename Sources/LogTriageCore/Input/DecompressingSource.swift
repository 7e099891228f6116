import CDecompress

/// Decompresses xz, bzip2 or zstd data from another source: the compressions logrotate's `compresscmd` is often
/// set to, besides gzip. Several streams (members, frames) back to back are read as one, as `xzcat`, `bzcat` and
/// `zstdcat` do. Memory is the 64 KiB input buffer plus the library's state (xz's dictionary, at most 64 MiB for
/// `xz -9`; zstd's window, bounded by the library's default limit of 128 MiB), whatever the file size. Truncated
/// and corrupt data are reported with the compressed offset and the bytes decompressed before, like gzip's.
final class DecompressingSource: ByteSource {
    enum Codec: Sendable {
        case xz, bzip2, zstd

        var name: String {
            switch self {
            case .xz: "xz"
            case .bzip2: "bzip2"
            case .zstd: "zstd"
            }
        }

        /// The codec whose magic bytes `head` starts with.
        static func detect(_ head: UnsafeRawBufferPointer) -> Codec? {
            func starts(_ magic: [UInt8]) -> Bool {
                head.count >= magic.count && zip(head, magic).allSatisfy { $0 == $1 }
            }
            if starts([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) { return .xz }
            if starts([0x28, 0xb5, 0x2f, 0xfd]) { return .zstd }
            if starts([0x42, 0x5a, 0x68]) && head.count > 3 && (0x31...0x39).contains(head[3]) { return .bzip2 }
            return nil
        }
    }

    let codec: Codec
    private let upstream: ByteSource
    private let decoder: OpaquePointer
    private let input: UnsafeMutableRawBufferPointer
    private var inputStart = 0
    private var inputEnd = 0
    /// Compressed bytes given to the decoder.
    private var consumed: Int64 = 0
    /// Decompressed bytes handed out.
    private var produced: Int64 = 0
    private var upstreamEnded = false
    private var finished = false
    /// A stream has begun and not ended: the input may not end here.
    private var inStream = false

    var storedOffset: Int64 { consumed }

    init(upstream: ByteSource, codec: Codec) throws(InputError) {
        let made: OpaquePointer? =
            switch codec {
            case .xz: lt_decoder_new(LT_XZ)
            case .bzip2: lt_decoder_new(LT_BZIP2)
            case .zstd: lt_decoder_new(LT_ZSTD)
            }
        guard let made else {
            throw InputError(kind: .corruptCompressed(codec.name), operation: "open", offset: 0, detail: "no memory")
        }
        self.codec = codec
        self.upstream = upstream
        self.decoder = made
        input = .allocate(byteCount: 64 << 10, alignment: 16)
    }

    deinit {
        lt_decoder_free(decoder)
        input.deallocate()
    }

    /// Decompresses into `buffer`; 0 at the end of the last stream. O(bytes produced + bytes consumed).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        while true {
            if inputStart == inputEnd && !upstreamEnded {
                let n = try upstream.read(into: input)
                inputStart = 0
                inputEnd = n
                if n == 0 { upstreamEnded = true }
            }
            var used = 0
            var made = 0
            // Safe because `inputStart..<inputEnd` lies inside `input` and `buffer` is the caller's whole buffer.
            let result = lt_decode(
                decoder, input.baseAddress! + inputStart, inputEnd - inputStart, &used,
                buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), buffer.count, &made)
            let emptyCall = inputStart == inputEnd
            inputStart += used
            consumed += Int64(used)
            produced += Int64(made)
            switch Int(result) {
            case LT_OK:
                if used > 0 || made > 0 { inStream = true }
                if made > 0 { return made }
                if used == 0 && upstreamEnded && inputStart == inputEnd {
                    if inStream { throw failure(.truncatedCompressed(codec.name)) }
                    finished = true
                    return 0
                }
            case LT_END:
                inStream = false
                if made > 0 { return made }
                if upstreamEnded && inputStart == inputEnd {
                    finished = true
                    return 0
                }
            case LT_CORRUPT where emptyCall && upstreamEnded:
                // xz asked to finish with no more input: the stream is cut short.
                throw failure(.truncatedCompressed(codec.name))
            case LT_MEMORY:
                throw failure(.corruptCompressed(codec.name), detail: "it needs more memory than is available")
            default:
                throw failure(.corruptCompressed(codec.name), detail: String(cString: lt_decoder_detail(decoder)))
            }
        }
    }

    private func failure(_ kind: InputError.Kind, detail: String = "") -> InputError {
        finished = true
        return InputError(kind: kind, operation: "decompress", offset: consumed, decodedBytes: produced, detail: detail)
    }
}
