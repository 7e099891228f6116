import CZlib

/// Inflates gzip members with zlib, which also reads each member's header (FEXTRA, FNAME, FHCRC …) and checks
/// its trailer.
///
/// One `z_stream` is allocated once, at a fixed address (zlib checks that the stream does not move), and freed in
/// `deinit`. Memory is zlib's 32 KiB window.
final class ZlibInflater: GzipInflater {
    private let stream: UnsafeMutablePointer<z_stream>

    init() throws(InputError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 window bits + 16: gzip wrapper only (detection is done by the caller, by magic bytes).
        let rc = logtriage_inflateInit2(stream, 15 + 16)
        if rc != Z_OK {
            stream.deallocate()
            throw InputError(
                kind: .corruptGzip, operation: "inflate", offset: 0, detail: "zlib initialisation failed (\(rc))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    func reset() {
        inflateReset(stream)
    }

    /// zlib keeps nothing between members beyond what `inflateReset` clears.
    func startOver() { reset() }

    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> InflateStep {
        // zlib never writes through next_in; the pointer is only not const in its declaration.
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(clamping: input.count)
        stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(clamping: output.count)
        let rc = CZlib.inflate(stream, Z_NO_FLUSH)
        var step = InflateStep(
            consumed: input.count - Int(stream.pointee.avail_in), produced: output.count - Int(stream.pointee.avail_out)
        )
        // zlib keeps pointers into neither buffer between calls, but clear them so nothing dangles.
        stream.pointee.next_in = nil
        stream.pointee.next_out = nil
        switch rc {
        case Z_OK, Z_BUF_ERROR:
            step.outcome = .progress
        case Z_STREAM_END:
            step.outcome = .memberEnd
        case Z_DATA_ERROR:
            step.outcome = .failed(stream.pointee.msg.map { String(cString: $0) } ?? "invalid deflate data")
        case Z_MEM_ERROR:
            step.outcome = .failed("out of memory")
        default:
            step.outcome = .failed("zlib error \(rc)")
        }
        return step
    }
}
