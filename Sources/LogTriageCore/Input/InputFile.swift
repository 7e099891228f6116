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

    /// Opens `path` (`-` for standard input) and recognises its compression. O(1) beyond the first read.
    static func open(_ path: String) throws(InputError) -> InputFile {
        let raw: ByteSource
        let modified: Date?
        if path == "-" {
            raw = FileDescriptorSource(descriptor: 0)
            modified = nil
        } else {
            raw = try FileDescriptorSource(path: path)
            modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        }
        return InputFile(
            path: path, display: displayName(path), source: try InputOpener.open(raw), modified: modified)
    }

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
