import Foundation

/// Finds where a rotation put a followed file: among the files beside its path that are rotations of it
/// (`x.log.1`, `x.log.2.gz`, `x.log-20250102`), the one that holds it.
///
/// Needed when the open descriptor is no help: after a `copytruncate` (the content now lives in a copy) and after
/// a restart (the file was rotated while nobody followed it). A rename keeps the inode; gzip and a copy keep the
/// first bytes, so the fingerprint recognises those.
enum RotatedCopy {
    /// The rotations of `path` beside it, oldest first; the live file itself is not among them. O(entries in the
    /// folder).
    static func siblings(of path: String) -> [String] {
        let (directory, name) = PathName.split(path)
        let folder = directory.isEmpty ? "." : directory
        guard case .success(let entries) = PathName.entries(of: folder) else { return [] }
        let rotations = entries.compactMap { entry -> (name: String, age: RotationName.Age, plain: Bool)? in
            let rotation = RotationName(fileName: entry)
            guard rotation.base == name, rotation.age != .live else { return nil }
            return (entry, rotation.age, !entry.hasSuffix(".gz"))
        }
        // Of `x.log.1` and `x.log.1.gz` (gzip still writing), the plain one is newer: looked at first.
        return rotations.sorted { a, b in
            if a.age != b.age { return a.age < b.age }
            if a.plain != b.plain { return !a.plain }
            return a.name < b.name
        }.map { PathName.join(directory, $0.name) }
    }

    /// The index in `siblings` of the file that is `identity`: the same inode starting with its fingerprint
    /// (inode numbers of deleted files are reused, by the new live file or a compressed rotation), else (a
    /// compressed or copied rotation) the newest that starts with its fingerprint; `nil` when none is. An empty
    /// fingerprint proves nothing, so then only the inode counts. O(siblings) small reads.
    static func find(_ identity: FileIdentity, among siblings: [String]) -> Int? {
        for (index, path) in siblings.enumerated().reversed() {
            if let status = FileStatus.of(path), identity.isSameInode(status), !path.hasSuffix(".gz"),
                let head = FileIdentity.head(ofPath: path), identity.matches(head: head)
            {
                return index
            }
        }
        guard !identity.fingerprint.isEmpty else { return nil }
        for (index, path) in siblings.enumerated().reversed() {
            if let head = FileIdentity.head(ofPath: path), identity.matches(head: head) { return index }
        }
        return nil
    }

    /// Reads `path` (inflated if compressed) from decompressed byte `offset` to its end, in chunks through
    /// `buffer`. Returns the bytes handed on, and the error that stopped reading early, if any.
    static func read(
        _ path: String, from offset: Int64, buffer: UnsafeMutableRawBufferPointer,
        _ body: (UnsafeRawBufferPointer) -> Void
    ) -> (bytes: Int64, error: InputError?) {
        let input: InputFile
        do { input = try InputFile.open(path) } catch { return (0, error) }
        var skipped: Int64 = 0
        var handed: Int64 = 0
        do {
            while true {
                let n = try input.source.read(into: buffer)
                if n == 0 { break }
                var start = 0
                if skipped < offset {
                    let skip = Int(min(Int64(n), offset - skipped))
                    skipped += Int64(skip)
                    start = skip
                }
                if start < n {
                    body(UnsafeRawBufferPointer(rebasing: buffer[start..<n]))
                    handed += Int64(n - start)
                }
            }
        } catch {
            return (handed, error)
        }
        return (handed, nil)
    }
}
