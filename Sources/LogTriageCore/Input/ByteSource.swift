#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The input stage of the pipeline: something that yields the bytes of one file, decompressed.
///
/// Sources are pulled: the pipeline asks for the next chunk into a buffer it owns and reuses, so memory stays
/// bounded whatever the input size, and a source can later be moved to a reader thread unchanged.
public protocol ByteSource: AnyObject {
    /// Fills `buffer` with the next bytes and returns how many were written; 0 means end of input.
    /// Throws `InputError` when the bytes cannot be read; what was returned before stays valid.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int
    /// Bytes consumed from the underlying file so far (compressed bytes for gzip).
    var storedOffset: Int64 { get }
}

/// Reads a file descriptor with `read(2)`.
public final class FileDescriptorSource: ByteSource {
    private let fd: Int32
    /// The descriptor read, for `fstat`; it stays owned by this source.
    var descriptor: Int32 { fd }
    private let ownsDescriptor: Bool
    public private(set) var storedOffset: Int64 = 0

    /// Opens `path` for reading.
    public init(path: String) throws(InputError) {
        let fd = PathName.withCString(path) { open($0, O_RDONLY | O_CLOEXEC) }
        if fd < 0 {
            throw InputError(kind: .system(errno: errno), operation: "open", offset: 0)
        }
        self.fd = fd
        self.ownsDescriptor = true
    }

    /// Reads an already open descriptor (standard input); it is not closed.
    public init(descriptor: Int32) {
        self.fd = descriptor
        self.ownsDescriptor = false
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            #if canImport(Glibc)
            let n = Glibc.read(fd, base, buffer.count)
            #else
            let n = Darwin.read(fd, base, buffer.count)
            #endif
            if n >= 0 {
                storedOffset += Int64(n)
                return n
            }
            if errno == EINTR { continue }
            throw InputError(kind: .system(errno: errno), operation: "read", offset: storedOffset)
        }
    }
}

/// Serves bytes already read (the sniffed head of a file) before handing over to the underlying source.
final class PrefixedSource: ByteSource {
    private var prefix: [UInt8]
    private var prefixPosition = 0
    private let rest: ByteSource

    init(prefix: [UInt8], rest: ByteSource) {
        self.prefix = prefix
        self.rest = rest
    }

    var storedOffset: Int64 { rest.storedOffset - Int64(prefix.count - prefixPosition) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        if prefixPosition < prefix.count {
            let n = min(buffer.count, prefix.count - prefixPosition)
            prefix.withUnsafeBytes { raw in
                // safe because prefixPosition + n <= prefix.count and n <= buffer.count
                buffer.baseAddress!.copyMemory(from: raw.baseAddress! + prefixPosition, byteCount: n)
            }
            prefixPosition += n
            if prefixPosition == prefix.count { prefix = []; prefixPosition = 0 }
            return n
        }
        return try rest.read(into: buffer)
    }
}
