import Foundation
import Testing

@testable import LogTriageCore

/// xz, bzip2 and zstd, made by the real tools: read whole in any chunking, several streams as one, truncation and
/// corruption reported with what was decoded before.
@Suite struct DecompressingSourceTests {
    static let tools: [(DecompressingSource.Codec, String)] = [(.xz, "xz"), (.bzip2, "bzip2"), (.zstd, "zstd")]

    static func compress(_ data: [UInt8], with tool: String) throws -> [UInt8]? {
        let path = ["/usr/bin/", "/bin/"].map { $0 + tool }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-c", "-q"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // Write from another thread so that a full output pipe cannot block the writer.
        DispatchQueue.global().async {
            input.fileHandleForWriting.write(Data(data))
            try? input.fileHandleForWriting.close()
        }
        let compressed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return [UInt8](compressed)
    }

    static func text(_ seed: UInt64) -> [UInt8] {
        var random = SplitMix64(seed: seed)
        var out = ""
        for n in 0..<4000 { out += "2025/08/05 01:03:02 [error] \(n)#1: record \(random.next() % 100_000)\n" }
        return Array(out.utf8)
    }

    @Test(arguments: DecompressingSourceTests.tools.map(\.1))
    func decodesWholeAndConcatenatedStreamsInAnyChunking(tool: String) throws {
        let codec = Self.tools.first { $0.1 == tool }!.0
        let first = Self.text(1)
        let second = Self.text(2)
        guard let a = try Self.compress(first, with: tool), let b = try Self.compress(second, with: tool) else {
            return  // the tool is not installed (scripts/test installs it)
        }
        for (piece, chunk) in [(1, 7), (13, 4096), (65536, 1 << 20)] {
            let source = try InputOpener.open(ChunkedSource(a + b, piece: piece))
            let (bytes, error) = drain(source, chunk: chunk)
            #expect(error == nil, "\(tool) piece \(piece)")
            #expect(bytes == first + second, "\(tool) piece \(piece)")
            #expect((source as? DecompressingSource)?.codec == codec)
        }
    }

    @Test(arguments: DecompressingSourceTests.tools.map(\.1))
    func truncationAndCorruptionAreReportedAfterWhatWasDecoded(tool: String) throws {
        let plain = Self.text(3)
        guard let data = try Self.compress(plain, with: tool) else { return }
        let cut = Array(data.prefix(data.count * 2 / 3))
        let (partial, error) = drain(try InputOpener.open(ChunkedSource(cut, piece: 997)), chunk: 4096)
        let truncated = try #require(error, "\(tool): a cut stream is reported")
        #expect(truncated.kind == .truncatedCompressed(tool == "bzip2" ? "bzip2" : tool))
        #expect(truncated.decodedBytes == Int64(partial.count))
        #expect(plain.starts(with: partial))

        var corrupt = data
        corrupt[corrupt.count / 2] ^= 0xFF
        corrupt[corrupt.count / 2 + 1] ^= 0x55
        let (_, bad) = drain(try InputOpener.open(ChunkedSource(corrupt, piece: 4096)), chunk: 4096)
        let failure = try #require(bad, "\(tool): corrupt data is reported")
        #expect(failure.kind == .corruptCompressed(tool) || failure.kind == .truncatedCompressed(tool))
        #expect(failure.description.contains("\(tool) data is"))
    }
}
