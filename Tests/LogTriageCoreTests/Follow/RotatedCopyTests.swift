import Foundation
import Testing

@testable import LogTriageCore

@Suite struct RotatedCopyTests {
    static func folder() throws -> String {
        let path = NSTemporaryDirectory() + "logtriage-rotated-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func gzip(_ path: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-f", path]
        try process.run()
        process.waitUntilExit()
    }

    @Test func siblingsAreTheRotationsOldestFirstWithAPlainFileNewerThanItsGzip() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in ["a.log", "a.log.1", "a.log.1.gz", "a.log.2.gz", "a.log.10.gz", "b.log.1", "a.logx"] {
            FileManager.default.createFile(atPath: dir + "/" + name, contents: Data("x\n".utf8))
        }
        #expect(
            RotatedCopy.siblings(of: dir + "/a.log").map { ($0 as NSString).lastPathComponent }
                == ["a.log.10.gz", "a.log.2.gz", "a.log.1.gz", "a.log.1"])
    }

    /// A renamed file is found by its inode, a compressed one by its first bytes; a file that took a deleted
    /// file's inode number is not taken for it, and the rest is read from the offset given.
    @Test func findsTheFileByInodeOrFirstBytesAndReadsOn() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = (1...20).map { "line \($0) of the first file" }.joined(separator: "\n") + "\n"
        let second = (1...20).map { "line \($0) of the second file" }.joined(separator: "\n") + "\n"
        try first.write(toFile: dir + "/a.log.2", atomically: false, encoding: .utf8)
        try second.write(toFile: dir + "/a.log.1", atomically: false, encoding: .utf8)
        let one = try #require(LiveFollower.identity(of: dir + "/a.log.2"))
        let two = try #require(LiveFollower.identity(of: dir + "/a.log.1"))
        let siblings = RotatedCopy.siblings(of: dir + "/a.log")
        #expect(RotatedCopy.find(one, among: siblings).map { siblings[$0] } == dir + "/a.log.2")
        #expect(RotatedCopy.find(two, among: siblings).map { siblings[$0] } == dir + "/a.log.1")

        try Self.gzip(dir + "/a.log.2")
        let compressed = RotatedCopy.siblings(of: dir + "/a.log")
        #expect(RotatedCopy.find(one, among: compressed).map { compressed[$0] } == dir + "/a.log.2.gz")

        // The same inode number with other first bytes is another file.
        var reused = two
        reused.fingerprint = Array("something else entirely".utf8)
        #expect(RotatedCopy.find(reused, among: compressed) == nil)

        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 7, alignment: 1)
        defer { buffer.deallocate() }
        let offset = Int64(first.utf8.count - 30)
        var rest: [UInt8] = []
        let (bytes, error) = RotatedCopy.read(dir + "/a.log.2.gz", from: offset, buffer: buffer) { rest += $0 }
        #expect(error == nil)
        #expect(bytes == 30)
        #expect(rest == Array(first.utf8.suffix(30)))
    }

    @Test func aLiveFileTellsTruncationReplacementAndRemoval() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/a.log"
        try "first line\nsecond line\n".write(toFile: path, atomically: false, encoding: .utf8)
        let file = try LiveFile(path: path)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
        defer { buffer.deallocate() }
        #expect(try file.read(into: buffer) == 23)
        #expect(file.change(at: path) == .same)
        // copytruncate, then new lines longer than what was read: the first bytes tell.
        try "another beginning, long enough to pass the old offset\n".write(
            toFile: path, atomically: false, encoding: .utf8)
        #expect(file.change(at: path) == .truncated)
        file.restart()
        #expect(file.offset == 0)
        #expect(file.change(at: path) == .same)
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        #expect(file.change(at: path) == .missing)
        try "new\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(file.change(at: path) == .replaced)
    }
}
