/// Inflates gzip data from another source, member after member, with ISA-L or zlib.
///
/// Rotated logs and `cat a.gz b.gz` hold several gzip members back to back, so at the end of each member the
/// inflater is reset and reading goes on; a member's header extras (docker writes an FEXTRA field) are skipped.
/// Both engines sit behind `GzipInflater` and behave alike: the same `InputError.Kind` for truncated data,
/// corrupt data and trailing garbage, the bytes decoded before a problem delivered first, and the compressed
/// offset reported. On broken data the offset and the last few bytes delivered may differ a little between the
/// engines; `IsalInflater` says where and by how much. Memory is the 64 KiB input buffer plus the engine's state
/// (zlib's 32 KiB window; ISA-L's about 210 KiB), whatever the file size.
public final class GzipSource: ByteSource {
    /// The engine in use: `.isal` or `.zlib`.
    public let engine: InflateEngine
    private let upstream: ByteSource
    private let inflater: any GzipInflater
    private let pool: InflaterPool?
    private let input: UnsafeMutableRawBufferPointer
    /// The unread part of `input` is `inputStart..<inputEnd`.
    private var inputStart = 0
    private var inputEnd = 0
    /// Compressed bytes given to the inflater, i.e. the offset of the next compressed byte it will see.
    private var consumed: Int64 = 0
    /// Decompressed bytes handed out.
    private var produced: Int64 = 0
    private var upstreamEnded = false
    private var finished = false
    /// An error found after some bytes of the same read were produced: those bytes are returned first and the
    /// error is thrown by the next read, so nothing decoded is lost.
    private var deferredError: InputError?
    /// True between members: the next bytes must start a new member or be the end.
    private var atMemberBoundary = false

    public var storedOffset: Int64 { consumed }

    /// Inflates `upstream`, which must start with a gzip member. `engine` `.auto` picks ISA-L when it is
    /// available; `.isal` throws `InputError.Kind.inflateEngineUnavailable` when it is not. The inflater comes
    /// from `pool` when one is given, and goes back to it when this source is released.
    public convenience init(
        upstream: ByteSource, engine: InflateEngine = .auto, inputBufferSize: Int = 64 << 10
    ) throws(InputError) {
        try self.init(upstream: upstream, engine: engine, inputBufferSize: inputBufferSize, pool: nil)
    }

    init(
        upstream: ByteSource, engine: InflateEngine = .auto, inputBufferSize: Int = 64 << 10, pool: InflaterPool?
    ) throws(InputError) {
        self.upstream = upstream
        self.engine = engine.resolved
        self.pool = pool
        if let pool {
            inflater = try pool.take(self.engine)
        } else {
            inflater = try InflaterPool.make(self.engine)
        }
        input = .allocate(byteCount: max(1, inputBufferSize), alignment: 16)
    }

    deinit {
        input.deallocate()
        pool?.giveBack(inflater, engine: engine)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        if let error = deferredError {
            deferredError = nil
            throw error
        }
        guard !finished, buffer.count > 0 else { return 0 }
        var filled = 0
        do {
            try inflate(into: buffer, filled: &filled)
        } catch {
            if filled > 0 {
                deferredError = error
                return filled
            }
            throw error
        }
        return filled
    }

    private func inflate(into buffer: UnsafeMutableRawBufferPointer, filled: inout Int) throws(InputError) {
        while filled < buffer.count {
            if inputStart == inputEnd, !upstreamEnded {
                inputStart = 0
                inputEnd = try upstream.read(into: input)
                upstreamEnded = inputEnd == 0
            }
            let available = UnsafeRawBufferPointer(rebasing: input[inputStart..<inputEnd])
            if atMemberBoundary {
                // The next member must begin with the gzip magic; anything else is garbage after the data.
                guard let first = available.first else {
                    finished = true
                    return
                }
                if first != 0x1f {
                    finished = true
                    throw error(.trailingGarbage)
                }
                atMemberBoundary = false
            }
            if available.isEmpty, consumed == 0 {
                // Empty input.
                finished = true
                return
            }
            let step = inflater.inflate(available, into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            inputStart += step.consumed
            consumed += Int64(step.consumed)
            filled += step.produced
            produced += Int64(step.produced)
            switch step.outcome {
            case .progress:
                if step.consumed == 0, step.produced == 0 {
                    // With input and room for output an inflater always moves; without input it has nothing left.
                    finished = true
                    throw available.isEmpty
                        ? error(.truncatedGzip) : error(.corruptGzip, "the inflater made no progress")
                }
            case .memberEnd:
                inflater.reset()
                atMemberBoundary = true
            case .failed(let message):
                finished = true
                throw error(.corruptGzip, message, unread: step.unread)
            }
        }
    }

    private func error(_ kind: InputError.Kind, _ detail: String = "", unread: Int = 0) -> InputError {
        InputError(
            kind: kind, operation: "inflate", offset: consumed - Int64(unread), decodedBytes: produced,
            detail: detail)
    }
}
