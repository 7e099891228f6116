import CZlib

@testable import LogTriageCore

/// Makes gzip members with zlib, optionally with an FEXTRA header field as docker writes it, and test inputs.
enum GzipTestData {
    /// The engines this machine can run: zlib always, ISA-L when it is available.
    static let engines: [InflateEngine] = InflateEngine.isalAvailable ? [.zlib, .isal] : [.zlib]

    static func member(_ text: String, extra: [UInt8]? = nil) -> [UInt8] {
        member(Array(text.utf8), extra: extra)
    }

    /// A member as zlib's gzip wrapper writes it; `level` 0 makes stored blocks.
    static func member(_ input: [UInt8], level: Int32 = 6, extra: [UInt8]? = nil) -> [UInt8] {
        var stream = z_stream()
        precondition(logtriage_deflateInit2(&stream, level, 15 + 16) == Z_OK)
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
        return deflate(&stream, input)
    }

    /// The header fields RFC 1952 allows, for members built field by field.
    struct Header {
        var extra: [UInt8]?
        var name: String?
        var comment: String?
        var headerCRC = false
        var method: UInt8 = 8
        var reservedFlags: UInt8 = 0
    }

    /// A member with the given header around raw deflate data, and its trailer (CRC-32 and size as given, so that
    /// tests can break them).
    static func member(
        _ input: [UInt8], header: Header, level: Int32 = 6, crcDelta: UInt32 = 0, sizeDelta: UInt32 = 0
    ) -> [UInt8] {
        var flags: UInt8 = header.reservedFlags
        if header.extra != nil { flags |= 0x04 }
        if header.name != nil { flags |= 0x08 }
        if header.comment != nil { flags |= 0x10 }
        if header.headerCRC { flags |= 0x02 }
        var bytes: [UInt8] = [0x1f, 0x8b, header.method, flags, 1, 2, 3, 4, 0, 3]
        if let extra = header.extra {
            bytes += [UInt8(extra.count & 0xff), UInt8(extra.count >> 8)] + extra
        }
        if let name = header.name { bytes += Array(name.utf8) + [0] }
        if let comment = header.comment { bytes += Array(comment.utf8) + [0] }
        if header.headerCRC {
            let crc = crc32(of: bytes)
            bytes += [UInt8(crc & 0xff), UInt8((crc >> 8) & 0xff)]
        }
        var stream = z_stream()
        precondition(logtriage_deflateInit2(&stream, level, -15) == Z_OK)
        defer { deflateEnd(&stream) }
        bytes += deflate(&stream, input)
        bytes +=
            littleEndian(crc32(of: input) &+ crcDelta)
            + littleEndian(UInt32(truncatingIfNeeded: input.count) &+ sizeDelta)
        return bytes
    }

    static func crc32(of bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(CZlib.crc32(0, $0.baseAddress, uInt($0.count))) }
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8((value >> (8 * $0)) & 0xff) }
    }

    private static func deflate(_ stream: inout z_stream, _ input: [UInt8]) -> [UInt8] {
        var input = input
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 1024)
        let produced = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                precondition(CZlib.deflate(&stream, Z_FINISH) == Z_STREAM_END)
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return Array(output[..<produced])
    }

    /// Log-like text: repeated words and numbers, so deflate finds matches and builds dynamic Huffman codes.
    static func text(count: Int, seed: UInt64) -> [UInt8] {
        var random = SplitMix64(seed: seed)
        let words = ["GET", "/api/login", "200", "upstream", "connect()", "failed", "(111:", "Connection", "refused)"]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 32)
        while bytes.count < count {
            bytes += Array(words[Int(random.next() % UInt64(words.count))].utf8)
            bytes.append(random.next() % 8 == 0 ? 0x0a : 0x20)
            if random.next() % 4 == 0 { bytes += Array(String(random.next() % 100_000).utf8) }
        }
        return Array(bytes[..<count])
    }

    /// Bytes that do not compress: deflate stores them.
    static func noise(count: Int, seed: UInt64) -> [UInt8] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }
}
