#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File names as the kernel has them — bytes, not text — carried through the pipeline as `String`s without loss.
///
/// A file name on Linux is any run of bytes without `/` and NUL; it need not be UTF-8. Every path the scan meets
/// (a command-line argument, a directory entry) is made a `String` here and turned back into its exact bytes here
/// when a system call needs it, so a name such as `name_\xff.log` is found, opened, followed and reported as the
/// file it is:
///
/// - valid UTF-8 stays as it is;
/// - each byte that is not part of valid UTF-8 becomes the private-use scalar U+10FF00 + byte (bytes 0x80–0xFF,
///   so U+10FF80–U+10FFFF), and so does each byte of a name's own U+10FF80–U+10FFFF characters, so that the
///   mapping is one to one and `bytes(string(b)) == b` for every `b`.
///
/// Such a byte is shown as `\xHH`, on a terminal (`TerminalText.visible`) and in JSON, where a name that is not
/// UTF-8 also gets its exact bytes in base64 beside it (`JSONWriter.pathField`). Complexity: O(length) for each
/// conversion.
public enum PathName {
    /// The scalar that stands for `byte` (0x80–0xFF).
    static func escape(_ byte: UInt8) -> Unicode.Scalar { Unicode.Scalar(0x10_FF00 + UInt32(byte))! }

    /// The byte `scalar` stands for, when it is one of the escapes.
    public static func escapedByte(_ scalar: Unicode.Scalar) -> UInt8? {
        (0x10_FF80...0x10_FFFF).contains(scalar.value) ? UInt8(scalar.value - 0x10_FF00) : nil
    }

    /// The name made of `bytes`.
    public static func string(_ bytes: some Collection<UInt8>) -> String {
        bytes.withContiguousStorageIfAvailable(string(contiguous:))
            ?? Array(bytes).withUnsafeBufferPointer(string(contiguous:))
    }

    private static func string(contiguous bytes: UnsafeBufferPointer<UInt8>) -> String {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        let raw = UnsafeRawBufferPointer(bytes)
        var out = String.UnicodeScalarView()
        var index = 0
        while index < raw.count {
            let length = UTF8Sequence.length(raw, at: index)
            let sequence = UnsafeRawBufferPointer(rebasing: raw[index..<index + max(length, 1)])
            let scalar = length == 0 ? nil : String(decoding: sequence, as: UTF8.self).unicodeScalars.first
            if let scalar, escapedByte(scalar) == nil {
                out.append(scalar)
            } else {
                // Not UTF-8, or one of the escapes itself: written out byte by byte.
                for byte in sequence { out.append(escape(byte)) }
            }
            index += sequence.count
        }
        return String(out)
    }

    /// The name made of the NUL-terminated `cString` (a directory entry, an argument).
    public static func string(cString: UnsafePointer<CChar>) -> String {
        string(
            UnsafeBufferPointer(
                start: UnsafeRawPointer(cString).assumingMemoryBound(to: UInt8.self),
                count: strlen(cString)))
    }

    /// The exact bytes of `name`.
    public static func bytes(_ name: String) -> [UInt8] {
        guard !isText(name) else { return Array(name.utf8) }
        var out: [UInt8] = []
        out.reserveCapacity(name.utf8.count)
        for scalar in name.unicodeScalars {
            if let byte = escapedByte(scalar) { out.append(byte) } else { out += String(scalar).utf8 }
        }
        return out
    }

    /// Whether `name` is valid UTF-8 as it stands on disk (it holds no escaped byte).
    public static func isText(_ name: String) -> Bool {
        // An escape's UTF-8 starts with 0xF4, which few names hold: their bytes are scanned, not their scalars.
        !name.utf8.contains(0xF4) || !name.unicodeScalars.contains { escapedByte($0) != nil }
    }

    /// Whether `a` and `b` are the same bytes (`==` on `String`s is canonical equivalence, under which an NFC name
    /// and its NFD twin are equal). O(length).
    static func sameBytes(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0)
            }
        }
    }

    /// Calls `body` with `name` as the NUL-terminated bytes a system call takes.
    public static func withCString<Result>(
        _ name: String, _ body: (UnsafePointer<CChar>) throws -> Result
    ) rethrows
        -> Result
    {
        if isText(name) { return try name.withCString(body) }
        var raw = bytes(name).map { CChar(bitPattern: $0) }
        raw.append(0)
        return try raw.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    /// The program's arguments with their exact bytes (`CommandLine.arguments` replaces invalid UTF-8 by U+FFFD).
    public static var arguments: [String] {
        (0..<Int(CommandLine.argc)).compactMap { index in CommandLine.unsafeArgv[index].map { string(cString: $0) } }
    }

    /// `directory/name`, without doubling a slash; just `name` for the current directory.
    static func join(_ directory: String, _ name: String) -> String {
        if directory.isEmpty { return name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// The folder of `path` (`/` for a file at the root, empty for a bare name) and the name in it.
    static func split(_ path: String) -> (directory: String, name: String) {
        // By bytes: a slash followed by a combining mark is one `Character`, but still the slash of a path.
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return ("", path) }
        let directory = Substring(path.utf8[..<slash])
        return (
            directory.isEmpty ? "/" : String(directory), String(Substring(path.utf8[path.utf8.index(after: slash)...]))
        )
    }

    /// The bytes of the small file at `path` (a container's config, a pattern file), `nil` when it cannot be read
    /// or holds more than `limit` bytes. O(size).
    public static func contents(of path: String, limit: Int = 1 << 20) -> [UInt8]? {
        guard let source = try? FileDescriptorSource(path: path) else { return nil }
        var bytes = [UInt8](repeating: 0, count: min(limit + 1, 1 << 16))
        var count = 0
        while true {
            if count == bytes.count {
                guard count <= limit else { return nil }
                bytes += [UInt8](repeating: 0, count: min(bytes.count, limit + 1 - bytes.count))
            }
            let n = bytes.withUnsafeMutableBytes { buffer in
                try? source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[count...]))
            }
            guard let n else { return nil }
            if n == 0 { return Array(bytes[..<count]) }
            count += n
        }
    }

    /// The entries of the folder at `path`, `.` and `..` left out, in no particular order; `errno` on failure.
    public static func entries(of path: String) -> Result<[String], SystemError> {
        entries(of: path, statting: { _ in false }).map { $0.map(\.name) }
    }

    /// The entries of the folder at `path` as `entries(of:)` has them, each that `wanted` picks with its `lstat(2)`
    /// status or `errno`. The status is taken relative to the open folder, so the kernel does not walk the folder's
    /// path again for each entry (a tree of many small files makes that show).
    static func entries(
        of path: String, statting wanted: (String) -> Bool
    ) -> Result<[(name: String, status: Result<stat, SystemError>?)], SystemError> {
        guard let folder = withCString(path, { opendir($0) }) else { return .failure(SystemError(code: errno)) }
        defer { closedir(folder) }
        let descriptor = dirfd(folder)
        var found: [(name: String, status: Result<stat, SystemError>?)] = []
        while true {
            errno = 0
            guard let entry = readdir(folder) else {
                if errno != 0 { return .failure(SystemError(code: errno)) }
                return .success(found)
            }
            withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { cName in
                    let name = string(cString: cName)
                    guard name != "." && name != ".." else { return }
                    guard wanted(name) else { return found.append((name, nil)) }
                    var info = stat()
                    let rc = fstatat(descriptor, cName, &info, AT_SYMLINK_NOFOLLOW)
                    found.append((name, rc == 0 ? .success(info) : .failure(SystemError(code: errno))))
                }
            }
        }
    }
}

/// A failed system call's `errno`, with its message.
public struct SystemError: Error, Equatable, Sendable, CustomStringConvertible {
    public var code: Int32
    public var description: String { String(cString: strerror(code)) }
}

/// Where valid UTF-8 starts and ends in bytes that need not be UTF-8 (file names, log messages).
enum UTF8Sequence {
    /// The length of the valid UTF-8 sequence starting at `index`, or 0 when the byte there does not start one
    /// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
    static func length(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Int {
        let lead = bytes[index]
        if lead < 0x80 { return 1 }
        let (length, low, high): (Int, UInt8, UInt8) =
            switch lead {
            case 0xC2...0xDF: (2, 0x80, 0xBF)
            case 0xE0: (3, 0xA0, 0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: (3, 0x80, 0xBF)
            case 0xED: (3, 0x80, 0x9F)
            case 0xF0: (4, 0x90, 0xBF)
            case 0xF1...0xF3: (4, 0x80, 0xBF)
            case 0xF4: (4, 0x80, 0x8F)
            default: (0, 0, 0)
            }
        guard length > 0, index + length <= bytes.count else { return 0 }
        guard (low...high).contains(bytes[index + 1]) else { return 0 }
        for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 { return 0 }
        return length
    }
}
