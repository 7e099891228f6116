import Foundation
import Testing

@testable import LogTriageCore

/// Opening an input with a head buffer: the first read goes into it, and a small plain file is read whole by it.
@Suite struct InputFileTests {
    private static let headSize = 64 << 10

    private func withHead<T>(_ body: (UnsafeMutableRawBufferPointer) throws -> T) rethrows -> T {
        let head = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.headSize, alignment: 64)
        defer { head.deallocate() }
        return try body(head)
    }

    private func bytes(_ count: Int, seed: UInt64) -> [UInt8] { GzipTestData.text(count: count, seed: seed) }

    /// The whole file is in the head after one read; asking for more reads nothing, so bytes appended after the
    /// file was opened are not taken (the file is scanned as it was opened).
    @Test func aSmallPlainFileComesWholeInTheFirstRead() throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/small.log"
        let content = bytes(1_000, seed: 1)
        try Data(content).write(to: URL(fileURLWithPath: path))
        try withHead { head in
            let input = try InputFile.open(path, head: head)
            #expect(input.plainHead == content.count)
            #expect(Array(head[..<input.plainHead]) == content)
            #expect(input.readToSizeAtOpen)
            #expect(input.readWholeAtOnce)
            let appended = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try appended.seekToEnd()
            try appended.write(contentsOf: Data("more\n".utf8))
            try appended.close()
            let (count, error) = input.fill(head, from: input.plainHead)
            #expect(error == nil)
            #expect(count == content.count)
            #expect(input.source.storedOffset == Int64(content.count))
        }
    }

    /// A file larger than the head: the head holds its first bytes and the source goes on after them.
    @Test func aLargerFileGoesOnAfterTheHead() throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/large.log"
        let content = bytes(Self.headSize * 2 + 123, seed: 2)
        try Data(content).write(to: URL(fileURLWithPath: path))
        try withHead { head in
            let input = try InputFile.open(path, head: head)
            #expect(input.plainHead > 0 && input.plainHead <= Self.headSize)
            #expect(!input.readWholeAtOnce)
            let first = Array(head[..<input.plainHead])
            let (rest, error) = drain(input.source, chunk: 10_007)
            #expect(error == nil)
            #expect(first + rest == content)
            #expect(input.readToSizeAtOpen)
        }
    }

    /// Compressed data leaves nothing for the caller in the head: the source serves the bytes read again, inflated.
    @Test func aGzipFileLeavesNoPlainHead() throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/app.log.1.gz"
        let content = bytes(5_000, seed: 3)
        try Data(GzipTestData.member(content)).write(to: URL(fileURLWithPath: path))
        try withHead { head in
            let input = try InputFile.open(path, head: head)
            #expect(input.plainHead == 0)
            #expect(!input.readToSizeAtOpen)
            let (inflated, error) = drain(input.source, chunk: 4_096)
            #expect(error == nil)
            #expect(inflated == content)
        }
    }

    /// An empty file is read to its end by the first read.
    @Test func anEmptyFileIsReadToItsEnd() throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/empty.log"
        try Data().write(to: URL(fileURLWithPath: path))
        try withHead { head in
            let input = try InputFile.open(path, head: head)
            #expect(input.plainHead == 0)
            #expect(input.readToSizeAtOpen)
            #expect(input.fill(head).count == 0)
        }
    }

    /// A pipe that delivers a few bytes at a time is read until the 8 bytes of the magic have come, and no further.
    @Test func aTrickleIsReadUntilTheMagicHasCome() throws {
        let content = bytes(100, seed: 4)
        try withHead { head in
            let pipe = ChunkedSource(content, piece: 3)
            let (source, plainHead) = try InputOpener.open(pipe, head: head)
            #expect(plainHead == 9)
            let (rest, error) = drain(source, chunk: 7)
            #expect(error == nil)
            #expect(Array(head[..<plainHead]) + rest == content)
        }
    }

    /// A FIFO read with a cancellation: a read waiting on a writer that writes nothing ends with `.cancelled` once the scan is cancelled, after the bytes that had come were read; and a
    /// cancelled read stops even with data waiting.
    @Test func aWaitingReadOnAFIFOEndsWhenTheScanIsCancelled() throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fifo = root + "/live.fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let cancellation = ScanCancellation()
        // Read and write, so that opening it waits for no reader (the data written first is the magic's read).
        let writer = open(fifo, O_RDWR | O_CLOEXEC)
        try #require(writer >= 0)
        defer { close(writer) }
        let line = Array("first line\n".utf8)
        #expect(write(writer, line, line.count) == line.count)
        let input = try InputFile.open(fifo, cancellation: cancellation)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 8)
        defer { buffer.deallocate() }
        // The magic's 8 bytes were read on their own: the line comes in two reads.
        var came: [UInt8] = []
        while came.count < line.count {
            let n = try input.source.read(into: buffer)
            try #require(n > 0)
            came += buffer[..<n]
        }
        #expect(came == line)
        // The writer stays open and quiet: the next read waits until the cancellation, from another thread.
        let cancelled = DispatchSemaphore(value: 0)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) {
            cancellation.cancel()
            cancelled.signal()
        }
        #expect(throws: InputError(kind: .cancelled, operation: "read", offset: Int64(line.count))) {
            _ = try input.source.read(into: buffer)
        }
        cancelled.wait()
        #expect(write(writer, line, line.count) == line.count)
        #expect(throws: InputError(kind: .cancelled, operation: "read", offset: Int64(line.count))) {
            _ = try input.source.read(into: buffer)
        }
    }
}
