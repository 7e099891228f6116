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

    /// For a stream: the read end of `ScanCancellation`'s pipe (or -1), waited on beside the data.
    private var wake: Int32?

    /// Opens `path` for reading. With `nonBlocking`, opening a FIFO does not wait for a writer; a stream opened so
    /// must then be told to `waitForData`.
    public init(path: String, nonBlocking: Bool = false) throws(InputError) {
        let flags = O_RDONLY | O_CLOEXEC | (nonBlocking ? O_NONBLOCK : 0)
        let fd = PathName.withCString(path) { open($0, flags) }
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

    /// From now on each read first waits for data, or the end, with `poll(2)`, and throws `.cancelled` once
    /// `wake` (`ScanCancellation.wakeDescriptor`, -1 for none) becomes readable: for a stream, whose reads can wait
    /// for a writer forever. Not for a regular file, which always has data or its end at hand.
    func waitForData(wake: Int32) { self.wake = wake }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            if let wake { try waitForData(orStop: wake) }
            #if canImport(Glibc)
            let n = Glibc.read(fd, base, buffer.count)
            #else
            let n = Darwin.read(fd, base, buffer.count)
            #endif
            if n >= 0 {
                storedOffset += Int64(n)
                return n
            }
            // EAGAIN: a descriptor opened without blocking, woken for nothing (another reader took the data).
            if errno == EINTR || (wake != nil && (errno == EAGAIN || errno == EWOULDBLOCK)) { continue }
            throw InputError(kind: .system(errno: errno), operation: "read", offset: storedOffset)
        }
    }

    /// Returns once `fd` has data or has ended; throws `.cancelled` once `wake` is readable, even with data
    /// waiting (a stop asked for is not put off by a writer that keeps writing).
    private func waitForData(orStop wake: Int32) throws(InputError) {
        var descriptors = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
        if wake >= 0 { descriptors.append(pollfd(fd: wake, events: Int16(POLLIN), revents: 0)) }
        while true {
            let ready = poll(&descriptors, nfds_t(descriptors.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                throw InputError(kind: .system(errno: errno), operation: "poll", offset: storedOffset)
            }
            if descriptors.count > 1 && descriptors[1].revents != 0 {
                throw InputError(kind: .cancelled, operation: "read", offset: storedOffset)
            }
            if descriptors[0].revents != 0 { return }
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
