#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One followed file, held open: reads what was appended since the last read, and tells how the file now at its
/// path differs from it.
///
/// The descriptor stays open through a rename, so a file that a rotation moved away, compressed or deleted can
/// still be read to its end.
final class LiveFile {
    let descriptor: Int32
    private(set) var identity: FileIdentity
    /// Offset of the next byte to read.
    var offset: Int64

    /// Opens `path` to read from `offset`. O(1).
    init(path: String, offset: Int64 = 0) throws(InputError) {
        let fd = PathName.withCString(path) { open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { throw InputError(kind: .system(errno: errno), operation: "open", offset: 0) }
        guard let status = FileStatus.of(descriptor: fd), status.isRegular else {
            close(fd)
            throw InputError(kind: .notRegular, operation: "open", offset: 0)
        }
        descriptor = fd
        identity = FileIdentity(device: status.device, inode: status.inode, fingerprint: FileIdentity.head(of: fd))
        self.offset = offset
    }

    deinit { close(descriptor) }

    /// The file's size now; `nil` when `fstat` fails.
    var size: Int64? { FileStatus.of(descriptor: descriptor)?.size }

    /// Reads the next bytes from `offset` into `buffer` and advances; 0 at the end for now. O(bytes read).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        while true {
            let n = pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset))
            if n >= 0 {
                offset += Int64(n)
                return n
            }
            if errno == EINTR { continue }
            throw InputError(kind: .system(errno: errno), operation: "read", offset: offset)
        }
    }

    /// How the file at `path` relates to this one. O(1): a `stat`, an `fstat` and a read of the first bytes.
    enum Change: Equatable {
        /// Still this file, grown or not.
        case same
        /// This file was cut short (`copytruncate`) or written over from its start.
        case truncated
        /// Another file is at the path now: this one was renamed or deleted and a new one created.
        case replaced
        /// Nothing is at the path: renamed or deleted, no new file yet.
        case missing
    }

    func change(at path: String) -> Change {
        guard let status = FileStatus.of(path) else { return .missing }
        guard identity.isSameInode(status) else { return .replaced }
        return checkContent()
    }

    /// Whether the open file still starts with its fingerprint and reaches `offset`; the fingerprint grows with
    /// the file until it is full.
    func checkContent() -> Change {
        guard let size, size >= offset else { return .truncated }
        let head = FileIdentity.head(of: descriptor)
        guard identity.matches(head: head) else { return .truncated }
        if head.count > identity.fingerprint.count { identity.fingerprint = head }
        return .same
    }

    /// Lengthens a fingerprint shorter than `fingerprintLength` if the file has grown, so that what is committed
    /// tells the file apart from others that begin alike. O(1).
    func refreshFingerprint() {
        guard identity.fingerprint.count < FileIdentity.fingerprintLength else { return }
        let head = FileIdentity.head(of: descriptor)
        if head.count > identity.fingerprint.count && identity.matches(head: head) { identity.fingerprint = head }
    }

    /// Whether a compressed rotation whose inflated first bytes are `rotation`'s fingerprint holds this file's
    /// content (gzip made it from this file after it was opened): it starts with this file's first bytes, as read
    /// now. A file that is still empty proves nothing and is not. O(1).
    func isContent(ofCompressed rotation: FileIdentity) -> Bool {
        refreshFingerprint()
        return !identity.fingerprint.isEmpty && identity.matches(head: rotation.fingerprint)
    }

    /// Takes the fingerprint a committed state knew, so that a file truncated and written again while nobody
    /// followed it is seen to be truncated. O(1).
    func adopt(fingerprint: [UInt8]) {
        identity.fingerprint = fingerprint
    }

    /// Starts over at the beginning, after a truncation. O(1).
    func restart() {
        offset = 0
        identity.fingerprint = FileIdentity.head(of: descriptor)
    }
}
