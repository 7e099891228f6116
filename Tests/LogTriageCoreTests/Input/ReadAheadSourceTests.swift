import Foundation
import Testing

@testable import LogTriageCore

/// Records what happens to an upstream that the reader thread owns; read on the test thread only after the
/// `ReadAheadSource` is gone (its thread joined).
final class UpstreamLog {
    var reads = 0
    var released = false
}

/// Endless bytes (a counter), optionally failing with `EIO` after `failAfter` bytes.
final class EndlessSource: ByteSource {
    private let log: UpstreamLog
    private let failAfter: Int?
    private(set) var storedOffset: Int64 = 0

    init(log: UpstreamLog, failAfter: Int? = nil) {
        self.log = log
        self.failAfter = failAfter
    }

    deinit { log.released = true }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        log.reads += 1
        var n = min(buffer.count, 1000)
        if let failAfter {
            if storedOffset >= failAfter {
                throw InputError(kind: .system(errno: 5), operation: "read", offset: storedOffset)
            }
            n = min(n, failAfter - Int(storedOffset))
        }
        for i in 0..<n { buffer[i] = UInt8(truncatingIfNeeded: Int(storedOffset) + i) }
        storedOffset += Int64(n)
        return n
    }
}

@Suite struct ReadAheadSourceTests {
    /// A gzip file of two members and the text in it.
    static let members = (1...3000).map { "record \($0) of a rotated log\n" }.joined()
    static let gzip = GzipTestData.member(members, extra: Array("docker".utf8)) + GzipTestData.member(members)
    static let smallGzip = GzipTestData.member(String(members.prefix(20_000))) + GzipTestData.member("end\n")
    /// Rings of tiny buffers wake the reader every few bytes.
    static let tinyGzip = GzipTestData.member(String(members.prefix(2000))) + GzipTestData.member("end\n")
    static let rings: [(count: Int, size: Int)] = [(1, 1), (2, 3), (3, 4096), (4, 256 << 10)]

    @Test(arguments: [1, 3, 4096, 1 << 20])
    func deliversTheUpstreamsBytesInOrder(chunk: Int) throws {
        for ring in Self.rings {
            // Reading or handing over one byte at a time is slow in a debug build: keep that input small.
            let gzip = ring.size < 4096 ? Self.tinyGzip : chunk == 1 ? Self.smallGzip : Self.gzip
            for engine in GzipTestData.engines {
                let direct = drain(
                    try GzipSource(upstream: ChunkedSource(gzip, piece: 4096), engine: engine), chunk: 4096)
                let upstream = try GzipSource(upstream: ChunkedSource(gzip, piece: 4096), engine: engine)
                let source = try ReadAheadSource(upstream: upstream, bufferCount: ring.count, bufferSize: ring.size)
                let (bytes, error) = drain(source, chunk: chunk)
                #expect(error == nil)
                #expect(bytes == direct.0, "ring \(ring) chunk \(chunk)")
                #expect(source.storedOffset == Int64(gzip.count))
                #expect(try source.read(into: UnsafeMutableRawBufferPointer(start: nil, count: 0)) == 0)
            }
        }
    }

    @Test(arguments: [1, 3, 4096, 1 << 20])
    func anUpstreamErrorComesAfterItsBytes(chunk: Int) throws {
        for ring in Self.rings {
            let gzip = ring.size < 4096 ? Self.tinyGzip : chunk == 1 ? Self.smallGzip : Self.gzip
            let truncated = Array(gzip[..<(gzip.count * 3 / 4)])
            for engine in GzipTestData.engines {
                let reference = try GzipSource(upstream: ChunkedSource(truncated, piece: 100), engine: engine)
                let (expectedBytes, expectedError) = drain(reference, chunk: chunk)
                let upstream = try GzipSource(upstream: ChunkedSource(truncated, piece: 100), engine: engine)
                let source = try ReadAheadSource(upstream: upstream, bufferCount: ring.count, bufferSize: ring.size)
                let (bytes, error) = drain(source, chunk: chunk)
                #expect(bytes == expectedBytes, "ring \(ring)")
                #expect(error == expectedError, "ring \(ring)")
                #expect(error?.kind == .truncatedGzip)
                #expect(source.storedOffset == reference.storedOffset)
                // The error is thrown once; the source has ended.
                let (after, again) = drain(source, chunk: chunk)
                #expect(after.isEmpty && again == nil)
            }
        }
    }

    @Test func aSystemErrorComesAfterTheBytesReadBeforeIt() throws {
        let log = UpstreamLog()
        let source = try ReadAheadSource(
            upstream: EndlessSource(log: log, failAfter: 12_345), bufferCount: 2, bufferSize: 4096)
        let (bytes, error) = drain(source, chunk: 1000)
        #expect(bytes.count == 12_345)
        #expect(bytes.enumerated().allSatisfy { $0.element == UInt8(truncatingIfNeeded: $0.offset) })
        #expect(error == InputError(kind: .system(errno: 5), operation: "read", offset: 12_345))
        #expect(source.storedOffset == 12_345)
    }

    /// The stored offset is the upstream's as of the buffer being handed out: never behind the bytes returned,
    /// at most one buffer ahead of them, never going back.
    @Test func storedOffsetFollowsTheBytesHandedOut() throws {
        let bytes = GzipTestData.noise(count: 50_000, seed: 3)
        let size = 4096
        let source = try ReadAheadSource(upstream: ChunkedSource(bytes, piece: 1000), bufferCount: 3, bufferSize: size)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 333, alignment: 1)
        defer { buffer.deallocate() }
        var returned: Int64 = 0
        var last: Int64 = 0
        while true {
            let n = try source.read(into: buffer)
            if n == 0 { break }
            returned += Int64(n)
            #expect(source.storedOffset >= returned && source.storedOffset <= returned + Int64(size))
            #expect(source.storedOffset >= last)
            last = source.storedOffset
        }
        #expect(returned == Int64(bytes.count))
        #expect(source.storedOffset == Int64(bytes.count))
    }

    @Test(arguments: [0, 1, 3, 50])
    func droppingItMidStreamStopsAndJoinsTheReader(readsBeforeDrop: Int) throws {
        let log = UpstreamLog()
        do {
            let source = try ReadAheadSource(upstream: EndlessSource(log: log), bufferCount: 2, bufferSize: 512)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 100, alignment: 1)
            defer { buffer.deallocate() }
            for _ in 0..<readsBeforeDrop { #expect(try source.read(into: buffer) > 0) }
        }
        // The reader thread has been joined and the endless upstream released: nothing reads it any more.
        #expect(log.released)
        let reads = log.reads
        #expect(reads >= min(readsBeforeDrop, 1))
        #expect(log.reads == reads)
    }

    @Test func droppingAGzipReaderMidStreamReleasesIt() throws {
        for engine in GzipTestData.engines {
            let data = GzipTestData.member(GzipTestData.text(count: 2_000_000, seed: 8))
            weak var weakUpstream: GzipSource?
            var source: ReadAheadSource? = try {
                let upstream = try GzipSource(upstream: ChunkedSource(data, piece: 1 << 16), engine: engine)
                weakUpstream = upstream
                return try ReadAheadSource(upstream: upstream)
            }()
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
            defer { buffer.deallocate() }
            for _ in 0..<3 { #expect(try source!.read(into: buffer) == 4096) }
            source = nil
            #expect(weakUpstream == nil)
        }
    }

    @Test func theOpenerReadsGzipAheadAndPassesPlainDataThrough() throws {
        let gzip = try InputOpener.open(ChunkedSource(Self.gzip, piece: 4096), readAhead: true)
        #expect(gzip is ReadAheadSource)
        #expect(String(decoding: drain(gzip, chunk: 4096).0, as: UTF8.self) == Self.members + Self.members)
        let plain = try InputOpener.open(ChunkedSource(Array("plain\n".utf8), piece: 4096), readAhead: true)
        #expect(!(plain is ReadAheadSource))
    }

    /// Where "ab" ends in `bytes`: the offsets just past each copy.
    static func abEnds(_ bytes: UnsafeRawBufferPointer) -> [Int] {
        guard bytes.count >= 2 else { return [] }
        return (1..<bytes.count).filter { bytes[$0 - 1] == UInt8(ascii: "a") && bytes[$0] == UInt8(ascii: "b") }
            .map { $0 + 1 }
    }

    /// What the reader prepares comes out with the bytes it was found in: for each read, at least what the step
    /// finds in the bytes returned, and nothing that is not a copy ending in them (a copy that began in the bytes
    /// before, in the same buffer, may be there too). Reads of every size, rings of every shape, a caller slow
    /// enough that the reader prepares most buffers, and reads that copy part of a buffer and that hand out the rest
    /// of it in place, mixed.
    @Test(arguments: [1, 7, 4096, 100_000])
    func preparedResultsComeWithTheirBytes(chunk: Int) throws {
        var random = SplitMix64(seed: UInt64(chunk))
        // Reads of a few bytes are slow in a debug build: keep their input small.
        let text = (0..<(chunk < 4096 ? 30_000 : 300_000)).map { _ in
            UInt8(ascii: ["a", "b", "c", "\n"][Int(random.next() % 4)])
        }
        let everywhere = text.withUnsafeBytes { Set(Self.abEnds($0)) }
        let rings: [(count: Int, size: Int)] = [(1, 4096), (2, 4093), (4, 65536)]
        for ring in rings {
            let source = try ReadAheadSource(
                upstream: ChunkedSource(text, piece: 5000), bufferCount: ring.count, bufferSize: ring.size)
            source.prepare { bytes, ends in ends += ReadAheadSourceTests.abEnds(bytes) }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 1)
            defer { buffer.deallocate() }
            var offset = 0
            var ends: [Int] = []
            var preparedReads = 0
            var reads = 0
            while true {
                reads += 1
                // Copying reads (a part of a buffer, without the results) and reads in place (the rest of it, with
                // the results from there on) take turns.
                let bytes: UnsafeRawBufferPointer
                var prepared = false
                if reads % 2 == 0 {
                    (bytes, prepared) = try source.readInPlace(ends: &ends)
                } else {
                    bytes = UnsafeRawBufferPointer(rebasing: buffer[..<(try source.read(into: buffer))])
                }
                let n = bytes.count
                if n == 0 { break }
                #expect(Array(bytes) == Array(text[offset..<(offset + n)]), "ring \(ring) at \(offset)")
                if prepared {
                    preparedReads += 1
                    #expect(ends == ends.sorted())
                    #expect(Set(Self.abEnds(bytes)).isSubset(of: ends), "ring \(ring) at \(offset)")
                    #expect(ends.allSatisfy { $0 >= 1 && $0 <= n && everywhere.contains(offset + $0) })
                }
                offset += n
                if reads % 3 == 0 && (chunk >= 4096 || reads % 600 == 0) {
                    usleep(200)  // a slow caller: the ring fills and the reader prepares
                }
            }
            #expect(offset == text.count)
            if ring.count > 1 && chunk >= 4096 {
                #expect(preparedReads > 0, "ring \(ring): the reader prepared nothing")
            }
        }
    }
}
