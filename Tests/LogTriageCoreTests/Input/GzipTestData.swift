import CZlib

/// Makes gzip members with zlib, optionally with an FEXTRA header field as docker writes it.
enum GzipTestData {
    static func member(_ text: String, extra: [UInt8]? = nil) -> [UInt8] {
        var stream = z_stream()
        precondition(logtriage_deflateInit2(&stream, 6, 15 + 16) == Z_OK)
        defer { deflateEnd(&stream) }
        // The header and its extra bytes must stay alive until deflate has written the header.
        let header = UnsafeMutablePointer<gz_header>.allocate(capacity: 1)
        header.initialize(to: gz_header())
        let extraBytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, extra?.count ?? 0))
        defer {
            header.deallocate()
            extraBytes.deallocate()
        }
        if let extra {
            _ = extraBytes.initialize(from: extra)
            header.pointee.extra = extraBytes.baseAddress
            header.pointee.extra_len = uInt(extra.count)
            precondition(deflateSetHeader(&stream, header) == Z_OK)
        }
        var input = Array(text.utf8)
        var output = [UInt8](repeating: 0, count: input.count + 1024)
        let produced = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                precondition(deflate(&stream, Z_FINISH) == Z_STREAM_END)
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return Array(output[..<produced])
    }
}
