import CZlib

/// Inflates gzip data from another source, member after member.
///
/// One `z_stream` is allocated once and freed in `deinit`. Rotated logs and `cat a.gz b.gz` hold several gzip
/// members back to back, so at the end of each member the stream is reset and reading goes on; a member's header
/// extras (docker writes an FEXTRA field) are handled by zlib. Memory is the 64 KiB input buffer plus zlib's
/// 32 KiB window, whatever the file size.
public final class GzipSource: ByteSource {
    private let upstream: ByteSource
    private var stream = z_stream()
    private var input: UnsafeMutableRawBufferPointer
    /// Compressed bytes consumed by inflate, i.e. the offset of the next unread compressed byte.
    private var consumed: Int64 = 0
    /// Decompressed bytes of the members already finished (zlib's total_out restarts with each member).
    private var producedBeforeMember: Int64 = 0
    private var produced: Int64 { producedBeforeMember + Int64(stream.total_out) }
    private var upstreamEnded = false
    private var finished = false
    /// An error found after some bytes of the same read were produced: those bytes are returned first and the
    /// error is thrown by the next read, so nothing decoded is lost.
    private var deferredError: InputError?
    /// True between members: the next bytes must start a new member or be the end.
    private var atMemberBoundary = false

    public var storedOffset: Int64 { consumed }

    public init(upstream: ByteSource, inputBufferSize: Int = 64 << 10) throws(InputError) {
        self.upstream = upstream
        self.input = UnsafeMutableRawBufferPointer.allocate(byteCount: inputBufferSize, alignment: 16)
        // 15 window bits + 16: gzip wrapper only (detection is done by the caller, by magic bytes).
        let rc = logtriage_inflateInit2(&stream, 15 + 16)
        if rc != Z_OK {
            input.deallocate()
            throw InputError(
                kind: .corruptGzip, operation: "inflate", offset: 0, detail: "zlib initialisation failed (\(rc))")
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    /// Makes sure some compressed input is available; returns false at the end of the upstream data.
    private func refill() throws(InputError) -> Bool {
        if stream.avail_in > 0 { return true }
        if upstreamEnded { return false }
        let n = try upstream.read(into: input)
        if n == 0 {
            upstreamEnded = true
            return false
        }
        stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_in = uInt(n)
        return true
    }

    private func error(_ kind: InputError.Kind, _ detail: String = "") -> InputError {
        InputError(kind: kind, operation: "inflate", offset: consumed, decodedBytes: produced, detail: detail)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        if let error = deferredError {
            deferredError = nil
            throw error
        }
        do {
            return try inflateInto(buffer)
        } catch {
            let produced = buffer.count - Int(stream.avail_out)
            if produced > 0 {
                deferredError = error
                return produced
            }
            throw error
        }
    }

    private func inflateInto(_ buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        guard !finished, let out = buffer.baseAddress, buffer.count > 0 else { return 0 }
        stream.next_out = out.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(buffer.count)
        while stream.avail_out > 0 {
            guard try refill() else {
                finished = true
                if atMemberBoundary || (consumed == 0 && produced == 0) {
                    break
                }
                throw error(.truncatedGzip)
            }
            if atMemberBoundary {
                // The next member must begin with the gzip magic; anything else is garbage after the data.
                let first = stream.next_in[0]
                if first != 0x1f {
                    finished = true
                    throw error(.trailingGarbage)
                }
                atMemberBoundary = false
            }
            let before = stream.avail_in
            let rc = inflate(&stream, Z_NO_FLUSH)
            consumed += Int64(before - stream.avail_in)
            switch rc {
            case Z_OK, Z_BUF_ERROR:
                continue
            case Z_STREAM_END:
                // A member ended; total_out restarts on reset, so fold it into the total first.
                producedBeforeMember += Int64(stream.total_out)
                inflateReset(&stream)
                atMemberBoundary = true
            case Z_DATA_ERROR:
                finished = true
                let message = stream.msg.map { String(cString: $0) } ?? "invalid deflate data"
                throw error(.corruptGzip, message)
            case Z_MEM_ERROR:
                finished = true
                throw error(.corruptGzip, "out of memory")
            default:
                finished = true
                throw error(.corruptGzip, "zlib error \(rc)")
            }
        }
        return buffer.count - Int(stream.avail_out)
    }
}
