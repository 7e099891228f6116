import Testing

@testable import LogTriageCore

/// Serves a byte array in fixed-size pieces, like a pipe.
final class ChunkedSource: ByteSource {
    let bytes: [UInt8]
    let piece: Int
    private(set) var storedOffset: Int64 = 0

    init(_ bytes: [UInt8], piece: Int) {
        self.bytes = bytes
        self.piece = piece
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let start = Int(storedOffset)
        let n = min(piece, buffer.count, bytes.count - start)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { raw in
            // safe because start + n <= bytes.count and n <= buffer.count
            buffer.baseAddress!.copyMemory(from: raw.baseAddress! + start, byteCount: n)
        }
        storedOffset += Int64(n)
        return n
    }
}

/// Reads a source to its end in `chunk`-byte reads; returns the bytes and the error that stopped it, if any.
func drain(_ source: ByteSource, chunk: Int) -> ([UInt8], InputError?) {
    var out: [UInt8] = []
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 1)
    defer { buffer.deallocate() }
    do {
        while true {
            let n = try source.read(into: buffer)
            if n == 0 { return (out, nil) }
            out += buffer[..<n]
        }
    } catch {
        return (out, error)
    }
}

@Suite struct GzipSourceTests {
    static let text = (1...400).map { "line \($0) of the first member\n" }.joined()
    static let second = "a second member, as `cat a.gz b.gz` makes\n"

    @Test(arguments: GzipTestData.engines, [1, 2, 7, 64, 4096, 1 << 16])
    func multiMemberWithExtraFieldIsReadWhole(engine: InflateEngine, piece: Int) throws {
        let data =
            GzipTestData.member(Self.text, extra: Array("docker-metadata".utf8))
            + GzipTestData.member(Self.second)
        #expect(data[3] & 0x04 != 0, "FEXTRA flag set")
        for chunk in [1, 3, 4096] {
            let source = try InputOpener.open(ChunkedSource(data, piece: piece), inflate: engine)
            let (bytes, error) = drain(source, chunk: chunk)
            #expect(error == nil)
            #expect(String(decoding: bytes, as: UTF8.self) == Self.text + Self.second)
            #expect(source.storedOffset == Int64(data.count))
        }
    }

    @Test(arguments: GzipTestData.engines)
    func truncatedDataReportsWhatWasRead(engine: InflateEngine) throws {
        let data = GzipTestData.member(Self.text)
        let cut = Array(data[..<(data.count / 2)])
        let (bytes, error) = drain(try InputOpener.open(ChunkedSource(cut, piece: 100), inflate: engine), chunk: 512)
        let failure = try #require(error)
        #expect(failure.kind == .truncatedGzip)
        #expect(failure.offset == Int64(cut.count))
        #expect(failure.decodedBytes == Int64(bytes.count))
        #expect(!bytes.isEmpty)
        #expect(Self.text.utf8.starts(with: bytes))
        #expect(failure.description.contains("truncated at compressed byte \(cut.count)"))
    }

    @Test(arguments: GzipTestData.engines)
    func corruptDataIsAnError(engine: InflateEngine) throws {
        var data = GzipTestData.member(Self.text)
        for i in 12..<40 { data[i] ^= 0x5a }
        let (_, error) = drain(try InputOpener.open(ChunkedSource(data, piece: 4096), inflate: engine), chunk: 4096)
        #expect(error?.kind == .corruptGzip)
    }

    @Test(arguments: GzipTestData.engines)
    func trailingGarbageIsReportedAfterTheData(engine: InflateEngine) throws {
        let member = GzipTestData.member(Self.second)
        let data = member + Array("not gzip".utf8)
        let (bytes, error) = drain(try InputOpener.open(ChunkedSource(data, piece: 5), inflate: engine), chunk: 64)
        #expect(String(decoding: bytes, as: UTF8.self) == Self.second)
        #expect(error?.kind == .trailingGarbage)
        #expect(error?.offset == Int64(member.count))
    }

    @Test(arguments: GzipTestData.engines)
    func plainTextPassesThroughUnchanged(engine: InflateEngine) throws {
        for text in ["", "a", "ab", "plain text that is not gzip\n"] {
            let source = try InputOpener.open(ChunkedSource(Array(text.utf8), piece: 3), inflate: engine)
            let (bytes, error) = drain(source, chunk: 2)
            #expect(error == nil)
            #expect(bytes == Array(text.utf8))
        }
    }

    @Test(arguments: GzipTestData.engines)
    func emptyInputIsEmpty(engine: InflateEngine) throws {
        let (bytes, error) = drain(try GzipSource(upstream: ChunkedSource([], piece: 1), engine: engine), chunk: 16)
        #expect(error == nil)
        #expect(bytes.isEmpty)
    }

    @Test func journalFilesAreRefusedByContent() {
        #expect(throws: InputError(kind: .journalFile, operation: "read", offset: 0)) {
            _ = try InputOpener.open(ChunkedSource(Array("LPKSHHRH\0\0".utf8), piece: 1))
        }
    }

    @Test func autoPicksISALWhenAvailableAndZlibOtherwise() throws {
        let data = GzipTestData.member(Self.second)
        let source = try GzipSource(upstream: ChunkedSource(data, piece: 64), engine: .auto)
        #expect(source.engine == (InflateEngine.isalAvailable ? .isal : .zlib))
        #expect(try GzipSource(upstream: ChunkedSource(data, piece: 64), engine: .zlib).engine == .zlib)
        #expect(InflateEngine.isalAvailable == (InflateEngine.isalUnavailableReason == nil))
    }

    @Test func askingForAnUnavailableISALIsATypedError() throws {
        let data = GzipTestData.member(Self.second)
        if InflateEngine.isalAvailable {
            #expect(try GzipSource(upstream: ChunkedSource(data, piece: 64), engine: .isal).engine == .isal)
        } else {
            let error = #expect(throws: InputError.self) {
                _ = try InputOpener.open(ChunkedSource(data, piece: 64), inflate: .isal)
            }
            #expect(error?.kind == .inflateEngineUnavailable)
            #expect(error?.description.contains("cannot inflate with ISA-L") == true)
        }
    }
}

extension GzipSourceTests {
    /// A job reuses its inflaters from file to file (`InflaterPool`): whatever the last file left behind (a member
    /// cut short, corrupt data with decoded bytes still staged, a bad trailer, a file given up after its first
    /// bytes, as a binary file is), the next file reads exactly as with a new inflater, bytes, error and offset
    /// alike.
    @Test(arguments: GzipTestData.engines)
    func aReusedInflaterRemembersNothingOfTheLastFile(engine: InflateEngine) throws {
        let whole = GzipTestData.member(GzipTestData.text(count: 300_000, seed: 7))
        var corrupt = whole
        for index in stride(from: 2_000, to: 2_040, by: 3) { corrupt[index] ^= 0x5a }
        var badTrailer = GzipTestData.member(Self.text)
        badTrailer[badTrailer.count - 6] ^= 0xff
        let inputs: [[UInt8]] = [
            Array(whole.prefix(whole.count / 2)), corrupt, whole + GzipTestData.member(Self.second), badTrailer,
            Array(whole.prefix(5)), GzipTestData.member(Self.text), whole,
        ]
        let pool = InflaterPool()
        var random = SplitMix64(seed: 11)
        for round in 0..<4 {
            for (index, input) in inputs.shuffled(using: &random).enumerated() {
                let chunk = [1, 100, 4096][(round + index) % 3]
                let pooled = try InputOpener.open(ChunkedSource(input, piece: 999), inflate: engine, pool: pool)
                let fresh = try InputOpener.open(ChunkedSource(input, piece: 999), inflate: engine)
                if (round + index) % 2 == 1 {
                    // Given up after one read: the pooled inflater goes back with bytes still staged.
                    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 1)
                    defer { buffer.deallocate() }
                    #expect((try? pooled.read(into: buffer)) == (try? fresh.read(into: buffer)))
                    continue
                }
                let (pooledBytes, pooledError) = drain(pooled, chunk: chunk)
                let (freshBytes, freshError) = drain(fresh, chunk: chunk)
                #expect(pooledBytes == freshBytes, "input of \(input.count) bytes, reads of \(chunk)")
                #expect(pooledError == freshError, "input of \(input.count) bytes, reads of \(chunk)")
            }
        }
    }
}
