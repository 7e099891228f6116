#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which file a followed file is, across renames, restarts and reused inode numbers: its device and inode, and
/// its first bytes.
///
/// An inode number is reused as soon as its file is deleted, so a new file can carry a followed file's number;
/// the first bytes tell them apart. They also recognise the file after gzip gave it a new inode (`x.log.1` became
/// `x.log.1.gz`) and a `copytruncate` copy, and show that a file was truncated and written again.
public struct FileIdentity: Codable, Equatable, Sendable {
    public var device: UInt64
    public var inode: UInt64
    /// The first `min(size, fingerprintLength)` bytes as last seen.
    public var fingerprint: [UInt8]

    /// How many first bytes are kept: enough to hold a timestamp and more on every log line format.
    static let fingerprintLength = 256

    public init(device: UInt64, inode: UInt64, fingerprint: [UInt8]) {
        self.device = device
        self.inode = inode
        self.fingerprint = fingerprint
    }

    /// Whether `status` is the same inode.
    func isSameInode(_ status: FileStatus) -> Bool { status.device == device && status.inode == inode }

    func isSameInode(_ other: FileIdentity) -> Bool { other.device == device && other.inode == inode }

    /// Whether a file whose first bytes are `head` may be this one: it starts with the fingerprint. An empty
    /// fingerprint (the file was empty) proves nothing either way and matches.
    func matches(head: [UInt8]) -> Bool {
        head.count >= fingerprint.count && head[..<fingerprint.count].elementsEqual(fingerprint)
    }

    /// Reads the first bytes of an open descriptor, up to `fingerprintLength`. O(1).
    static func head(of descriptor: Int32) -> [UInt8] {
        var head = [UInt8](repeating: 0, count: fingerprintLength)
        var count = 0
        while count < head.count {
            // Safe because the pointer covers head[count...] and pread writes at most that many bytes.
            let n = head.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress! + count, $0.count - count, off_t(count))
            }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            count += n
        }
        return Array(head[..<count])
    }

    /// The first bytes of `path` as decompressed (a `.gz` rotation is inflated); `nil` when it cannot be read.
    static func head(ofPath path: String) -> [UInt8]? {
        guard let input = try? InputFile.open(path) else { return nil }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: fingerprintLength, alignment: 1)
        defer { buffer.deallocate() }
        let (count, _) = input.fill(buffer)
        return Array(buffer[..<count])
    }
}
