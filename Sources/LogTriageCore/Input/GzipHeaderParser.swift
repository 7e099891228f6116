import CZlib

/// Reads a gzip member's header (RFC 1952, section 2.3) as its bytes arrive, in pieces of any size, with zlib's
/// checks, messages and positions: the magic is checked after 2 bytes, the method and flags after 4, and the
/// header CRC (FHCRC) after its 2 bytes. FEXTRA, FNAME and FCOMMENT are skipped.
///
/// Used in front of ISA-L, whose own streaming header reader does not keep its place in a header split over
/// several calls (see `IsalInflater`).
///
/// Complexity: O(n) in the header's length.
struct GzipHeaderParser {
    enum Result: Equatable {
        case needMore
        /// The header ended; deflate data follows.
        case done
        case failed(String)
    }

    private enum Field {
        /// ID1 ID2 (2 bytes), then CM FLG (2), then MTIME XFL OS (6).
        case magic, methodAndFlags, timeAndSystem
        case extraLength, extra, name, comment, headerCRC, done
    }

    private static let fextra: UInt8 = 0x04
    private static let fname: UInt8 = 0x08
    private static let fcomment: UInt8 = 0x10
    private static let fhcrc: UInt8 = 0x02
    /// Bits 5 to 7 of FLG are reserved; zlib refuses a header that sets them.
    private static let reserved: UInt8 = 0xe0

    private static let order: [Field] = [
        .magic, .methodAndFlags, .timeAndSystem, .extraLength, .extra, .name, .comment, .headerCRC,
    ]

    private var field = Field.magic
    private var flags: UInt8 = 0
    /// Bytes of the current fixed-size field still to come, and those seen so far (little endian).
    private var needed = 2
    private var value: UInt32 = 0
    private var valueShift: UInt32 = 0
    /// FEXTRA bytes still to skip.
    private var extraLeft = 0
    /// CRC-32 of the header bytes before the FHCRC field, complete once that field is reached.
    private var crc: UInt = 0
    private var crcComplete = false

    init() { crc = CZlib.crc32(0, nil, 0) }

    /// Takes header bytes from the front of `input`; returns how many were taken, which stops at the header's end
    /// or at the byte that made it invalid.
    mutating func parse(_ input: UnsafeRawBufferPointer) -> (consumed: Int, result: Result) {
        var position = 0
        var result = Result.needMore
        while position < input.count, result == .needMore {
            switch field {
            case .magic, .methodAndFlags, .timeAndSystem, .extraLength, .headerCRC:
                if field == .headerCRC, !crcComplete {
                    // Everything of this call before the FHCRC field is header.
                    addToCRC(UnsafeRawBufferPointer(rebasing: input[..<position]))
                    crcComplete = true
                }
                value |= UInt32(input[position]) << valueShift
                valueShift += 8
                position += 1
                needed -= 1
                if needed == 0 { result = finishField() }
            case .extra:
                let n = min(extraLeft, input.count - position)
                position += n
                extraLeft -= n
                if extraLeft == 0 { result = next(after: .extra) }
            case .name, .comment:
                let byte = input[position]
                position += 1
                if byte == 0 { result = next(after: field) }
            case .done:
                result = .done
            }
        }
        if !crcComplete { addToCRC(UnsafeRawBufferPointer(rebasing: input[..<position])) }
        return (position, result)
    }

    private mutating func addToCRC(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        crc = CZlib.crc32(crc, base.assumingMemoryBound(to: Bytef.self), uInt(bytes.count))
    }

    /// Checks a complete fixed-size field and moves on.
    private mutating func finishField() -> Result {
        let completed = field
        let bytes = value
        value = 0
        valueShift = 0
        switch completed {
        case .magic:
            if bytes != 0x8b1f { return .failed("incorrect header check") }
        case .methodAndFlags:
            if bytes & 0xff != 8 { return .failed("unknown compression method") }
            flags = UInt8(bytes >> 8)
            if flags & Self.reserved != 0 { return .failed("unknown header flags set") }
        case .extraLength:
            extraLeft = Int(bytes)
            if extraLeft > 0 {
                field = .extra
                return .needMore
            }
        case .headerCRC:
            if bytes != UInt32(crc & 0xffff) { return .failed("header crc mismatch") }
        default:
            break
        }
        return next(after: completed)
    }

    /// The field that follows `current`, given the flags.
    private mutating func next(after current: Field) -> Result {
        var index = Self.order.firstIndex(of: current)! + 1
        while index < Self.order.count {
            let candidate = Self.order[index]
            switch candidate {
            case .methodAndFlags:
                return begin(candidate, bytes: 2)
            case .timeAndSystem:
                return begin(candidate, bytes: 6)
            case .extraLength where flags & Self.fextra != 0:
                return begin(candidate, bytes: 2)
            case .name where flags & Self.fname != 0, .comment where flags & Self.fcomment != 0:
                field = candidate
                return .needMore
            case .headerCRC where flags & Self.fhcrc != 0:
                return begin(candidate, bytes: 2)
            default:
                index += 1
            }
        }
        field = .done
        return .done
    }

    private mutating func begin(_ next: Field, bytes: Int) -> Result {
        field = next
        needed = bytes
        return .needMore
    }
}
