/// Opens one input and picks how to read it from its first bytes: gzip, xz, bzip2 and zstd by magic bytes, never
/// by name.
///
/// Complexity: O(1) beyond the first read.
enum InputOpener {
    /// gzip's magic bytes.
    static func isGzip(_ head: UnsafeRawBufferPointer) -> Bool {
        head.count >= 2 && head[0] == 0x1f && head[1] == 0x8b
    }

    /// journald's own binary files start with this signature; they are read through `journalctl`.
    static func isJournalFile(_ head: UnsafeRawBufferPointer) -> Bool {
        let signature: [UInt8] = Array("LPKSHHRH".utf8)
        return head.count >= 8 && zip(head, signature).allSatisfy { $0 == $1 }
    }

    /// Wraps `raw` so that it yields decompressed bytes. The first bytes are read to look at the magic and then
    /// served again, so nothing is lost and a pipe (stdin) works the same as a file.
    ///
    /// gzip data is inflated by `inflate` (`.auto`: ISA-L when available, else zlib; `.isal` throws
    /// `InputError.Kind.inflateEngineUnavailable` when it is not), with an inflater from `pool` when one is given.
    /// With `readAhead`, compressed data is read and inflated on a reader thread (`ReadAheadSource`, with buffers
    /// of `bufferSize` bytes), else on the caller's thread. Plain data is passed through on the caller's thread.
    static func open(
        _ raw: ByteSource, inflate: InflateEngine = .auto, readAhead: Bool = false, pool: InflaterPool? = nil,
        bufferSize: Int = ReadAheadSource.defaultBufferSize
    ) throws(InputError) -> ByteSource {
        let head = UnsafeMutableRawBufferPointer.allocate(byteCount: magicBytes, alignment: 1)
        defer { head.deallocate() }
        let opened = try open(
            raw, head: head, inflate: inflate, readAhead: readAhead, pool: pool, bufferSize: bufferSize)
        guard opened.plainHead > 0 else { return opened.source }
        return PrefixedSource(prefix: Array(head[..<opened.plainHead]), rest: opened.source)
    }

    /// The bytes looked at to recognise a format.
    private static let magicBytes = 8

    /// Opens `raw` as `open(_:inflate:readAhead:pool:bufferSize:)` does, reading its first bytes into `head`: a
    /// read of `head.count` bytes, repeated only while fewer than the magic's 8 have come. When the data is
    /// plain, those bytes are its start, `plainHead` of them, and `source` goes on after them, so a small file
    /// is read by one `read(2)` into the caller's buffer. When it is compressed, `plainHead` is 0 and `source`
    /// serves the bytes read again before the rest; what `head` holds is then of no further use to the caller.
    static func open(
        _ raw: ByteSource, head: UnsafeMutableRawBufferPointer, inflate: InflateEngine = .auto,
        readAhead: Bool = false, pool: InflaterPool? = nil, bufferSize: Int = ReadAheadSource.defaultBufferSize
    ) throws(InputError) -> (source: ByteSource, plainHead: Int) {
        var filled = 0
        // A pipe may deliver fewer bytes than asked; read until 8 bytes or the end.
        while filled < min(magicBytes, head.count) {
            let n = try raw.read(into: UnsafeMutableRawBufferPointer(rebasing: head[filled...]))
            if n == 0 { break }
            filled += n
        }
        let bytes = UnsafeRawBufferPointer(rebasing: head[..<filled])
        if isJournalFile(bytes) {
            throw InputError(kind: .journalFile, operation: "read", offset: 0)
        }
        let codec = DecompressingSource.Codec.detect(bytes)
        guard codec != nil || isGzip(bytes) else { return (raw, filled) }
        let prefixed = PrefixedSource(prefix: Array(bytes), rest: raw)
        let source: ByteSource =
            if let codec {
                try DecompressingSource(upstream: prefixed, codec: codec)
            } else {
                try GzipSource(upstream: prefixed, engine: inflate, pool: pool)
            }
        return (readAhead ? try ReadAheadSource(upstream: source, bufferSize: bufferSize) : source, 0)
    }
}
