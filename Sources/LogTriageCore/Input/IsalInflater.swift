import CISAL

/// Inflates gzip members with ISA-L: `GzipHeaderParser` reads each header, ISA-L decodes the raw deflate data and
/// keeps its CRC-32, and the 8-byte trailer is checked here, so that errors, their messages and where they are
/// reported match `ZlibInflater` wherever the two can be made to agree.
///
/// ISA-L's own gzip mode (`crc_flag = ISAL_GZIP`) is not used: `isal_inflate` reads the header into a struct on
/// its own stack at each call, so a header that arrives split over several calls loses its flags and header CRC
/// (with libisal 2.30 a valid FHCRC member read in pieces of under 64 bytes is reported corrupt).
///
/// Where the two engines may differ, all on broken data only:
/// - Truncation, trailing garbage and problems in a header or trailer are reported at the same compressed byte,
///   with the same message. On truncated data ISA-L may deliver up to 2 bytes fewer than zlib: it decodes up to
///   three symbols per table look-up and does not split one at the end of the input.
/// - Inside corrupt deflate data both report `corruptGzip` at or after the broken byte, but not always at the same
///   byte: ISA-L reads up to 8 bytes ahead into its bit buffer (those still unread are subtracted, see
///   `InflateStep.unread`, but after some errors ISA-L does not account for them), so its offset is usually equal
///   to zlib's or up to 8 bytes later; where the two stop at different problems (one accepts a malformed block
///   header that the other refuses) offsets and output lengths differ more. Both deliver the same bytes as far as
///   both deliver.
/// - On a distance reaching before the start of the member, ISA-L's fast decoder counts the failing match as
///   written without writing it, so the last 258 bytes (a longest match) before such an error are withheld.
///
/// Memory: ISA-L's state (about 85 KiB, mostly its own 64 KiB output buffer) and a 128 KiB staging buffer.
/// When the caller's buffer is smaller than `LOGTRIAGE_ISAL_WHOLE_OUTPUT_BYTES`, ISA-L decodes into the staging
/// buffer instead: ISA-L holds back what does not fit a small output buffer and drops it if an error follows,
/// and every byte decoded before a problem must reach the caller.
final class IsalInflater: GzipInflater {
    private enum Phase { case header, deflate, trailer }

    private let stream: OpaquePointer
    private let staging: UnsafeMutableRawBufferPointer
    private var stagedStart = 0
    private var stagedEnd = 0
    /// A decode error found while decoded bytes were still staged: reported once they are given out.
    private var pendingFailure: (message: String, unread: Int)?

    private var phase = Phase.header
    private var header = GzipHeaderParser()
    /// The member's CRC-32 as ISA-L computed it, and its size modulo 2^32 (gzip's ISIZE).
    private var crc: UInt32 = 0
    private var memberSize: UInt32 = 0
    /// Trailer bytes seen so far, little endian: CRC-32 then ISIZE.
    private var trailer: UInt64 = 0
    private var trailerCount = 0
    private var crcChecked = false

    init() throws(InputError) {
        guard let stream = logtriage_isal_create() else {
            throw InputError(
                kind: .inflateEngineUnavailable, operation: "inflate", offset: 0,
                detail: InflateEngine.isalUnavailableReason ?? "out of memory")
        }
        self.stream = stream
        staging = .allocate(byteCount: Int(LOGTRIAGE_ISAL_WHOLE_OUTPUT_BYTES), alignment: 64)
    }

    deinit {
        logtriage_isal_destroy(stream)
        staging.deallocate()
    }

    func reset() {
        logtriage_isal_reset(stream)
        phase = .header
        header = GzipHeaderParser()
        crc = 0
        memberSize = 0
        trailer = 0
        trailerCount = 0
        crcChecked = false
    }

    func startOver() {
        reset()
        stagedStart = 0
        stagedEnd = 0
        pendingFailure = nil
    }

    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> InflateStep {
        var step = InflateStep()
        if stagedStart < stagedEnd {
            step.produced = giveStaged(into: output)
            if stagedStart < stagedEnd { return step }
        }
        if let failure = pendingFailure {
            step.outcome = .failed(failure.message)
            step.unread = failure.unread
            return step
        }
        while true {
            let rest = UnsafeRawBufferPointer(rebasing: input[step.consumed...])
            switch phase {
            case .header:
                let (n, result) = header.parse(rest)
                step.consumed += n
                switch result {
                case .needMore: return step
                case .failed(let message):
                    step.outcome = .failed(message)
                    return step
                case .done: phase = .deflate
                }
            case .deflate:
                if step.produced == output.count { return step }
                let out = UnsafeMutableRawBufferPointer(rebasing: output[step.produced...])
                let direct = out.count >= Int(LOGTRIAGE_ISAL_WHOLE_OUTPUT_BYTES)
                let target = direct ? out : staging
                let result = logtriage_isal_inflate(
                    stream, rest.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt32(clamping: rest.count),
                    target.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt32(clamping: target.count))
                step.consumed += Int(result.consumed)
                var made = Int(result.produced)
                memberSize &+= UInt32(truncatingIfNeeded: made)
                if result.code == LOGTRIAGE_ISAL_INVALID_LOOKBACK {
                    // ISA-L's fast decoder counts the failing match as written before it checks the distance, so
                    // up to a longest match (258 bytes, RFC 1951) at the end is stale memory, not output.
                    made -= min(made, 258)
                }
                if direct {
                    step.produced += made
                } else {
                    stagedStart = 0
                    stagedEnd = made
                    step.produced += giveStaged(into: out)
                }
                if result.code < 0 {
                    let message = Self.message(result.code)
                    if stagedStart < stagedEnd {
                        pendingFailure = (message, Int(result.unread))
                    } else {
                        step.outcome = .failed(message)
                        step.unread = Int(result.unread)
                    }
                    return step
                }
                guard result.finished != 0 else { return step }
                crc = result.crc
                // The bit buffer may already hold the trailer's first bytes (it was consumed with the data).
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 8) { bytes in
                    let n = Int(logtriage_isal_take_unread(stream, bytes.baseAddress!))
                    for i in 0..<n { appendTrailer(bytes[i]) }
                }
                phase = .trailer
                // Staged bytes go out before the trailer is judged.
                if stagedStart < stagedEnd { return step }
            case .trailer:
                var taken = 0
                while trailerCount < (crcChecked ? 8 : 4), taken < rest.count {
                    appendTrailer(rest[taken])
                    taken += 1
                }
                step.consumed += taken
                if !crcChecked, trailerCount >= 4 {
                    crcChecked = true
                    if UInt32(truncatingIfNeeded: trailer) != crc {
                        step.outcome = .failed("incorrect data check")
                        // Bytes past the CRC field that came with the bit buffer.
                        step.unread = trailerCount - 4
                        return step
                    }
                    continue
                }
                if trailerCount == 8 {
                    step.outcome =
                        UInt32(truncatingIfNeeded: trailer >> 32) == memberSize
                        ? .memberEnd : .failed("incorrect length check")
                }
                return step
            }
        }
    }

    private func appendTrailer(_ byte: UInt8) {
        trailer |= UInt64(byte) << (8 * trailerCount)
        trailerCount += 1
    }

    /// Copies staged bytes to the front of `output`; returns how many.
    private func giveStaged(into output: UnsafeMutableRawBufferPointer) -> Int {
        let n = min(stagedEnd - stagedStart, output.count)
        guard n > 0 else { return 0 }
        // safe because stagedStart + n <= stagedEnd <= staging.count and n <= output.count
        output.baseAddress!.copyMemory(from: staging.baseAddress! + stagedStart, byteCount: n)
        stagedStart += n
        return n
    }

    private static func message(_ code: Int32) -> String {
        switch code {
        case LOGTRIAGE_ISAL_INVALID_BLOCK: return "invalid deflate block"
        case LOGTRIAGE_ISAL_INVALID_SYMBOL: return "invalid deflate code"
        case LOGTRIAGE_ISAL_INVALID_LOOKBACK: return "invalid distance too far back"
        default: return "ISA-L error \(code)"
        }
    }
}
