/// The text an evidence record keeps of a message's bytes: what a person can read, with every byte that is not
/// text shown as `\xHH`, as nginx writes such bytes in its access log.
///
/// - A message with C0 control bytes other than tab, newline, carriage return and escape is binary (a TLS
///   ClientHello that nginx copied raw into its error log): every byte outside printable ASCII becomes `\xHH`.
/// - Otherwise valid UTF-8 is kept as it is (a Chinese log message, colour codes) and only bytes that are not part
///   of a valid UTF-8 sequence become `\xHH`.
///
/// At most `limit` bytes are kept, cut at a character boundary and followed by `…` when cut. O(length).
enum EvidenceText {
    static func make(_ message: UnsafeRawBufferPointer, limit: Int) -> String {
        var end = min(message.count, limit)
        if end < message.count {
            // Do not cut a UTF-8 sequence in two: step back over continuation bytes to its lead byte.
            var back = end
            while back > 0 && end - back < 3 && message[back] & 0xC0 == 0x80 { back -= 1 }
            if message[back] & 0xC0 == 0x80 || back == end { back = end }
            end = back
        }
        let bytes = UnsafeRawBufferPointer(rebasing: message[..<end])
        let binary = bytes.contains(where: isBinaryControl)
        if !binary, let valid = String(validating: bytes, as: UTF8.self) {
            // The usual case, text as it is: no byte to escape.
            return end < message.count ? valid + "…" : valid
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if binary {
                if byte >= 0x20 && byte < 0x7F || byte == 0x09 { out.append(byte) } else { escape(byte, into: &out) }
                index += 1
                continue
            }
            let length = UTF8Sequence.length(bytes, at: index)
            if length == 0 {
                escape(byte, into: &out)
                index += 1
            } else {
                out.append(contentsOf: bytes[index..<(index + length)])
                index += length
            }
        }
        var text = String(decoding: out, as: UTF8.self)
        if end < message.count { text += "…" }
        return text
    }

    /// A C0 control byte that text does not carry (tab, newline, carriage return and escape do).
    private static func isBinaryControl(_ byte: UInt8) -> Bool {
        let textControls: [UInt8] = [0x09, 0x0A, 0x0D, 0x1B]
        return byte < 0x20 && !textControls.contains(byte)
    }

    private static func escape(_ byte: UInt8, into out: inout [UInt8]) {
        let digits = Array("0123456789ABCDEF".utf8)
        out.append(contentsOf: [0x5C, 0x78, digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
