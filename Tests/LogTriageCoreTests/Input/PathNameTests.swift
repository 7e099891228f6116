import Foundation
import Testing

@testable import LogTriageCore

#if canImport(Glibc)
import Glibc
#endif

@Suite struct PathNameTests {
    /// Random names: ASCII, stray high bytes, valid UTF-8 of any scalar (the escapes' own range among them).
    private static func randomName(_ random: inout SplitMix64) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<Int.random(in: 0...12, using: &random) {
            switch Int.random(in: 0..<4, using: &random) {
            case 0: bytes.append(UInt8.random(in: 0x20...0x7E, using: &random))
            case 1: bytes.append(UInt8.random(in: 0x80...0xFF, using: &random))
            case 2:
                let value = UInt32.random(in: 0x10_FF70...0x10_FFFF, using: &random)
                bytes += Array(String(Unicode.Scalar(value)!).utf8)
            default:
                let value = UInt32.random(in: 0x80...0x10_FFFF, using: &random)
                if let scalar = Unicode.Scalar(value) { bytes += Array(String(scalar).utf8) }
            }
        }
        return bytes
    }

    @Test func everyByteStringComesBackExactly() {
        var random = SplitMix64(seed: 0x5EED_0F11)
        for _ in 0..<5000 {
            let bytes = Self.randomName(&random)
            let name = PathName.string(bytes)
            #expect(PathName.bytes(name) == bytes, "\(bytes)")
            let valid = String(validating: bytes, as: UTF8.self)
            let plainText = valid.map { !$0.unicodeScalars.contains { (0x10_FF80...0x10_FFFF).contains($0.value) } }
            if plainText == true {
                #expect(name == valid && PathName.isText(name), "valid UTF-8 stays as it is: \(bytes)")
            } else {
                #expect(!PathName.isText(name))
            }
        }
        #expect(PathName.string([0x6E, 0xFF, 0x2E]).unicodeScalars.map(\.value) == [0x6E, 0x10_FFFF, 0x2E])
        // A valid sequence cut short is escaped byte by byte: é is C3 A9.
        #expect(PathName.bytes(PathName.string([0xC3, 0x41])) == [0xC3, 0x41])
    }

    /// Creates `name` (raw bytes) in `directory` with `text`, without going through the code under test.
    private static func create(_ directory: String, _ name: [UInt8], _ text: String) throws {
        let path = Array(directory.utf8) + [0x2F] + name + [0]
        let fd = path.withUnsafeBufferPointer { pointer in
            pointer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: path.count) {
                open($0, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            }
        }
        try #require(fd >= 0, "creating the file: errno \(errno)")
        let bytes = Array(text.utf8)
        #expect(write(fd, bytes, bytes.count) == bytes.count)
        close(fd)
    }

    @Test func namesThatAreNotUTF8AreFoundOpenedAndKeptApart() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let line = "2025/08/05 01:03:02 [emerg] 1#1: bind() to 127.0.0.1:80 failed (98: Address already in use)\n"
        let latin1: [UInt8] = Array("caf".utf8) + [0xE9] + Array(".log".utf8)
        let composed = Array("caf\u{E9}.log".utf8)
        let decomposed = Array("cafe\u{301}.log".utf8)
        for name in [latin1, composed, decomposed] { try Self.create(directory, name, line) }
        let (groups, problems) = InputDiscovery.discover([directory])
        #expect(problems.isEmpty)
        let found = Set(groups.flatMap(\.files).map(PathName.bytes))
        let prefix = Array(directory.utf8) + [0x2F]
        #expect(found == Set([latin1, composed, decomposed].map { prefix + $0 }), "three files, three names")
        for path in groups.flatMap(\.files) {
            #expect(FileStatus.of(path)?.size == Int64(line.utf8.count))
            let input = try InputFile.open(path)
            var buffer = [UInt8](repeating: 0, count: 256)
            let count = buffer.withUnsafeMutableBytes { input.fill($0).count }
            #expect(count == line.utf8.count)
        }
        let shown = TerminalText.visible(PathName.string(prefix + latin1))
        #expect(shown == directory + "/caf\\xE9.log")
        let entries = try PathName.entries(of: directory).get()
        #expect(Set(entries.map(PathName.bytes)) == Set([latin1, composed, decomposed]))
        #expect(throws: SystemError.self) { try PathName.entries(of: directory + "/" + PathName.string(latin1)).get() }
    }
}
