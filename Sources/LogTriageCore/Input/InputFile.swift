import Foundation

/// One input opened for reading: a file or standard input, as decompressed bytes, with what decoding needs to know
/// about it.
struct InputFile {
    /// The path as given, `-` for standard input.
    let path: String
    /// How messages name it: the path, or `stdin`.
    let display: String
    let source: ByteSource
    /// The file's modification time; `nil` for standard input.
    let modified: Date?
    /// The descriptor of the file as opened (owned by `source`), for its size now; `nil` for standard input.
    let descriptor: Int32?
    /// How many bytes of plain data `open` left at the start of the buffer it was given (`source` goes on after
    /// them); 0 when it was given none or the data is compressed.
    let plainHead: Int
    /// The size of a regular file when it was opened, when its data is plain; else `nil`.
    private let plainSizeAtOpen: Int64?

    /// Stored bytes from which a file is worth a reader thread of its own: below it, starting the thread and its
    /// ring costs more than reading (and inflating) alongside decoding.
    static let readAheadMinimumBytes: Int64 = 1 << 20

    /// Opens `path` (`-` for standard input) and recognises its compression; gzip data is inflated by `inflate`.
    /// With `readAhead`, a compressed file of `readAheadFrom` stored bytes or more (a stream always) is read and
    /// inflated on a thread of its own, through buffers of `bufferSize` bytes. O(1) beyond the first read. gzip
    /// inflaters come from `pool` when one is given.
    ///
    /// With `head`, the first read goes into it: when the data is plain, `plainHead` of its bytes are then the
    /// input's first and `source` goes on after them (see `InputOpener.open(_:head:inflate:readAhead:pool:)`).
    ///
    /// With `cancellation`, a stream (standard input, a FIFO, a device) is read only when it has data, so that
    /// cancelling stops a read waiting for a writer: the read, or this open, throws `.cancelled`. A FIFO is then
    /// opened without waiting for a writer to open it too.
    static func open(
        _ path: String, head: UnsafeMutableRawBufferPointer? = nil, cancellation: ScanCancellation? = nil,
        inflate: InflateEngine = .auto,
        readAhead: Bool = false, pool: InflaterPool? = nil, readAheadFrom: Int64 = readAheadMinimumBytes,
        bufferSize: Int = ReadAheadSource.defaultBufferSize
    ) throws(InputError)
        -> InputFile
    {
        let raw: FileDescriptorSource
        let status: FileStatus?
        var descriptor: Int32?
        if path == "-" {
            raw = FileDescriptorSource(descriptor: 0)
            status = nil
        } else {
            raw = try FileDescriptorSource(path: path, nonBlocking: cancellation != nil)
            status = FileStatus.of(descriptor: raw.descriptor)
            descriptor = raw.descriptor
        }
        // Standard input may be a file too (`< file`); only then does it need no waiting.
        if let cancellation, (status ?? FileStatus.of(descriptor: raw.descriptor))?.isRegular != true {
            raw.waitForData(wake: cancellation.wakeDescriptor)
        }
        let large = status.map { !$0.isRegular || $0.size >= readAheadFrom } ?? true
        let readAhead = readAhead && large
        let source: ByteSource
        var plainHead = 0
        if let head {
            (source, plainHead) = try InputOpener.open(
                raw, head: head, inflate: inflate, readAhead: readAhead, pool: pool, bufferSize: bufferSize)
        } else {
            source = try InputOpener.open(
                raw, inflate: inflate, readAhead: readAhead, pool: pool, bufferSize: bufferSize)
        }
        let regular = status?.isRegular == true
        return InputFile(
            path: path, display: displayName(path), source: source, modified: status?.modified,
            descriptor: regular ? descriptor : nil, plainHead: plainHead,
            plainSizeAtOpen: regular && source === raw ? status?.size : nil)
    }

    /// The size of the opened file now (the same inode, wherever a rotation moved it); `nil` for streams. O(1).
    var sizeNow: Int64? { descriptor.flatMap { FileStatus.of(descriptor: $0)?.size } }

    /// Whether all a plain regular file held when it was opened has been read from `source`: asking again would be
    /// a `read(2)` returning nothing (or bytes written since, which a scan of the file as opened leaves out).
    var readToSizeAtOpen: Bool { plainSizeAtOpen != nil && plainSizeAtOpen == source.storedOffset }

    /// Whether the first read brought the whole file as it was when opened and nothing was read after it: no
    /// truncation can then fall between two reads, so there is none to look for.
    var readWholeAtOnce: Bool { readToSizeAtOpen && Int64(plainHead) == plainSizeAtOpen }

    /// How messages name `path`.
    static func displayName(_ path: String) -> String { path == "-" ? "stdin" : path }

    /// Reads until `buffer` is full or the input ends (a plain regular file: once it is read to its size when
    /// opened); returns the count and the error that stopped it, if any. The first `from` bytes of `buffer` are
    /// taken as filled already.
    func fill(_ buffer: UnsafeMutableRawBufferPointer, from: Int = 0) -> (count: Int, error: InputError?) {
        var count = from
        do {
            while count < buffer.count && !readToSizeAtOpen {
                let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[count...]))
                if n == 0 { break }
                count += n
            }
        } catch {
            return (count, error)
        }
        return (count, nil)
    }
}
