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

    /// Stored bytes from which a file is worth a reader thread of its own: below it, starting the thread and its
    /// ring costs more than reading (and inflating) alongside decoding.
    static let readAheadMinimumBytes: Int64 = 1 << 20

    /// Opens `path` (`-` for standard input) and recognises its compression; gzip data is inflated by `inflate`.
    /// With `readAhead`, a compressed file of `readAheadFrom` stored bytes or more (a stream always) is read and
    /// inflated on a thread of its own, through buffers of `bufferSize` bytes. O(1) beyond the first read. gzip
    /// inflaters come from `pool` when one is given.
    static func open(
        _ path: String, inflate: InflateEngine = .auto, readAhead: Bool = false, pool: InflaterPool? = nil,
        readAheadFrom: Int64 = readAheadMinimumBytes, bufferSize: Int = ReadAheadSource.defaultBufferSize
    ) throws(InputError)
        -> InputFile
    {
        let raw: ByteSource
        let status: FileStatus?
        var descriptor: Int32?
        if path == "-" {
            raw = FileDescriptorSource(descriptor: 0)
            status = nil
        } else {
            let file = try FileDescriptorSource(path: path)
            raw = file
            status = FileStatus.of(descriptor: file.descriptor)
            descriptor = file.descriptor
        }
        let large = status.map { !$0.isRegular || $0.size >= readAheadFrom } ?? true
        return InputFile(
            path: path, display: displayName(path),
            source: try InputOpener.open(
                raw, inflate: inflate, readAhead: readAhead && large, pool: pool, bufferSize: bufferSize),
            modified: status?.modified, descriptor: status?.isRegular == true ? descriptor : nil)
    }

    /// The size of the opened file now (the same inode, wherever a rotation moved it); `nil` for streams. O(1).
    var sizeNow: Int64? { descriptor.flatMap { FileStatus.of(descriptor: $0)?.size } }

    /// How messages name `path`.
    static func displayName(_ path: String) -> String { path == "-" ? "stdin" : path }

    /// Reads until `buffer` is full or the input ends; returns the count and the error that stopped it, if any.
    func fill(_ buffer: UnsafeMutableRawBufferPointer) -> (count: Int, error: InputError?) {
        var count = 0
        do {
            while count < buffer.count {
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
