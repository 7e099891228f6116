#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An input problem that stops reading one file: it could not be opened or read, or its compressed data is
/// truncated or corrupt. Other files go on being scanned.
public struct InputError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// A system call failed; the errno is kept.
        case system(errno: Int32)
        /// gzip data ended before the end of a member.
        case truncatedGzip
        /// gzip data is not valid deflate, or a member's checksum does not match.
        case corruptGzip
        /// Bytes after the last gzip member that are not another member.
        case trailingGarbage
        /// xz, bzip2 or zstd data (named) ended inside a stream.
        case truncatedCompressed(String)
        /// xz, bzip2 or zstd data (named) is not valid.
        case corruptCompressed(String)
        /// The file holds binary data, not text logs.
        case binary
        /// A journald binary journal file, which only journalctl reads.
        case journalFile
        /// ISA-L was asked for by name but cannot be used here; `detail` says why.
        case inflateEngineUnavailable
        /// Following needs a regular file; this is a directory, a device or a pipe.
        case notRegular
        /// Following lost track of part of a file; the sentence says what and why.
        case follow(String)
        /// The file became shorter than what had been read of it: truncated or rewritten while it was read.
        case shrank(to: Int64)
        /// The scan was stopped (SIGINT, SIGTERM) while a read waited on a stream; not a problem of the file.
        case cancelled
    }

    public var kind: Kind
    /// What was being done: "open", "read", "inflate".
    public var operation: String
    /// Offset in the file as stored (compressed bytes for gzip) where the problem was found.
    public var offset: Int64
    /// Decompressed bytes successfully read before the problem (and handed to decoding).
    public var decodedBytes: Int64
    public var detail: String

    public init(kind: Kind, operation: String, offset: Int64, decodedBytes: Int64 = 0, detail: String = "") {
        self.kind = kind
        self.operation = operation
        self.offset = offset
        self.decodedBytes = decodedBytes
        self.detail = detail
    }

    public var description: String {
        switch kind {
        case .system(let code):
            let reason = String(cString: strerror(code))
            return "cannot \(operation): \(reason)" + (offset > 0 ? " at byte \(offset)" : "")
        case .truncatedGzip:
            return "gzip data is truncated at compressed byte \(offset); "
                + "the \(decodedBytes) bytes decompressed before that were scanned"
        case .corruptGzip:
            return "gzip data is corrupt at compressed byte \(offset)"
                + (detail.isEmpty ? "" : " (\(detail))")
                + "; the \(decodedBytes) bytes decompressed before that were scanned"
        case .trailingGarbage:
            return "unexpected bytes after the last gzip member at compressed byte \(offset); "
                + "the \(decodedBytes) bytes decompressed before that were scanned"
        case .truncatedCompressed(let name):
            return "\(name) data is truncated at compressed byte \(offset); "
                + "the \(decodedBytes) bytes decompressed before that were scanned"
        case .corruptCompressed(let name):
            return "\(name) data is corrupt at compressed byte \(offset)"
                + (detail.isEmpty ? "" : " (\(detail))")
                + "; the \(decodedBytes) bytes decompressed before that were scanned"
        case .binary:
            return "binary data, not a text log (a NUL byte at byte \(offset)); skipped"
        case .journalFile:
            return "a journald binary file; read it with `journalctl --file FILE -o export | logtriage scan -`"
        case .inflateEngineUnavailable:
            return "cannot inflate with ISA-L: \(detail); zlib can read the file instead"
        case .follow(let sentence):
            return sentence
        case .shrank(let size):
            return "the file shrank to \(size) bytes while it was read, after \(offset) bytes: it was truncated "
                + "(copytruncate?) or rewritten meanwhile; the bytes read before that were scanned"
        case .notRegular:
            return "not a regular file, so it cannot be followed; pipe it in with `logtriage tail -`"
        case .cancelled:
            return "the scan was stopped after \(offset) bytes of it"
        }
    }
}
