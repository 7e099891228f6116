import Testing

@testable import LogTriageCore

/// ISA-L checked against zlib, the reference: identical bytes on valid data of many shapes and chunkings, and on
/// broken data the same kind of error, found at or after the broken byte, after the bytes both agree on.
///
/// Where the engines may differ (see `IsalInflater`): on truncated data ISA-L may deliver up to 2 bytes fewer
/// (it decodes up to three symbols per table look-up and will not split one at the end of the input), and inside
/// corrupt deflate data the two notice the problem at nearby bytes and stop after different amounts of output.
@Suite struct InflateEngineTests {
    static let pieces = [1, 2, 7, 64, 4096, 1 << 16]

    /// What reading a source to its end gave: the bytes, then the error that stopped it, if any.
    typealias Outcome = (bytes: [UInt8], error: InputError?)

    static func inflate(_ data: [UInt8], _ engine: InflateEngine, piece: Int, chunk: Int = 4096) -> Outcome {
        do {
            let source = try GzipSource(upstream: ChunkedSource(data, piece: piece), engine: engine)
            return drain(source, chunk: chunk)
        } catch {
            return ([], error)
        }
    }

    /// Members of different shapes: dynamic Huffman codes, fixed codes, stored blocks, every header field.
    static func members(seed: UInt64) -> [(data: [UInt8], text: [UInt8])] {
        let a = GzipTestData.text(count: 3000, seed: seed)
        let b = GzipTestData.noise(count: 700, seed: seed + 1)
        let c = GzipTestData.text(count: 1500, seed: seed + 2)
        let d = Array("short\n".utf8)
        return [
            (GzipTestData.member(a, extra: Array("docker-metadata".utf8)), a),
            (GzipTestData.member(b, level: 6), b),
            (GzipTestData.member([], header: .init(name: "empty.log")), []),
            (
                GzipTestData.member(
                    c, header: .init(extra: [1, 2, 3], name: "c.log", comment: "rotated", headerCRC: true)), c
            ),
            (GzipTestData.member(d, header: .init(headerCRC: true)), d),
        ]
    }

    @Test(arguments: pieces)
    func identicalBytesOnDataOfManySizes(piece: Int) {
        let sizes = [0, 1, 2, 100, 4095, 32767, 32768, 32769, 65535, 65824, 65825, 131_072, 131_073, 400_000]
        // Small pieces make many inflate calls per byte: keep their inputs small in a debug build.
        let largest = piece <= 2 ? 32769 : piece < 4096 ? 131_073 : .max
        for size in sizes where size <= largest {
            let seed = UInt64(size)
            // Dynamic codes at three levels, stored blocks from noise and from level 0.
            let cases: [(original: [UInt8], level: Int32)] = [
                (GzipTestData.text(count: size, seed: seed), 6),
                (GzipTestData.text(count: size, seed: seed + 1), 1),
                (GzipTestData.text(count: size, seed: seed + 2), 9),
                (GzipTestData.noise(count: size, seed: seed + 3), 6),
                (GzipTestData.text(count: size, seed: seed + 4), 0),
            ]
            let inputs = cases.map { GzipTestData.member($0.original, level: $0.level) }
            let originals = cases.map(\.original)
            for (data, original) in zip(inputs, originals) {
                for engine in GzipTestData.engines {
                    for chunk in [3, 4096, 1 << 17] where chunk > 3 || size <= 32769 {
                        let (bytes, error) = Self.inflate(data, engine, piece: piece, chunk: chunk)
                        #expect(error == nil, "\(engine) size \(size) chunk \(chunk)")
                        #expect(bytes == original, "\(engine) size \(size) chunk \(chunk)")
                    }
                }
            }
        }
    }

    @Test(arguments: pieces)
    func multiMemberAndEveryHeaderFieldAreReadWhole(piece: Int) throws {
        let members = Self.members(seed: 7)
        let data = members.flatMap(\.data)
        let text = members.flatMap(\.text)
        for engine in GzipTestData.engines {
            for chunk in [1, 3, 4096, 1 << 17] {
                let source = try GzipSource(upstream: ChunkedSource(data, piece: piece), engine: engine)
                let (bytes, error) = drain(source, chunk: chunk)
                #expect(error == nil, "\(engine) chunk \(chunk)")
                #expect(bytes == text, "\(engine) chunk \(chunk)")
                #expect(source.storedOffset == Int64(data.count))
            }
        }
    }

    /// A header with FHCRC split at every byte: ISA-L's own gzip header reader fails this.
    @Test func headerSplitAtAnyByteIsRead() throws {
        let text = Array("after a long header\n".utf8)
        let member = GzipTestData.member(
            text, header: .init(extra: Array(repeating: 7, count: 40), name: "n", comment: "c", headerCRC: true))
        for split in 1..<(member.count - 1) {
            for engine in GzipTestData.engines {
                let source = try GzipSource(upstream: SplitSource(member, at: split), engine: engine)
                let (bytes, error) = drain(source, chunk: 4096)
                #expect(error == nil, "\(engine) split at \(split)")
                #expect(bytes == text, "\(engine) split at \(split)")
            }
        }
    }

    @Test(arguments: [1, 7, 4096])
    func truncationAtEveryOffsetKeepsAPrefix(piece: Int) {
        let members = Self.members(seed: 11)
        let data = members.flatMap(\.data)
        let text = members.flatMap(\.text)
        var memberEnds: Set<Int> = [0]
        var end = 0
        for member in members {
            end += member.data.count
            memberEnds.insert(end)
        }
        for cut in 0..<data.count {
            let truncated = Array(data[..<cut])
            let results = GzipTestData.engines.map { Self.inflate(truncated, $0, piece: piece) }
            let zlibBytes = results[0].bytes
            for ((bytes, error), engine) in zip(results, GzipTestData.engines) {
                let label = "\(engine) cut at \(cut)"
                #expect(text.starts(with: bytes), "\(label)")
                if memberEnds.contains(cut) {
                    #expect(error == nil, "\(label)")
                    #expect(bytes.count == zlibBytes.count, "\(label)")
                    continue
                }
                #expect(error?.kind == .truncatedGzip, "\(label)")
                #expect(error?.offset == Int64(cut), "\(label)")
                #expect(error?.decodedBytes == Int64(bytes.count), "\(label)")
                #expect(bytes.count <= zlibBytes.count && bytes.count + 2 >= zlibBytes.count, "\(label)")
            }
        }
    }

    @Test func truncationOfLargeMembersKeepsAPrefix() {
        let text = GzipTestData.text(count: 600_000, seed: 5)
        let data = GzipTestData.member(text)
        var random = SplitMix64(seed: 3)
        for _ in 0..<40 {
            let cut = Int(random.next() % UInt64(data.count - 1)) + 1
            let truncated = Array(data[..<cut])
            let results = GzipTestData.engines.map { Self.inflate(truncated, $0, piece: 1 << 16, chunk: 1 << 18) }
            let reference = results[0]
            for ((bytes, error), engine) in zip(results, GzipTestData.engines) {
                let label = "\(engine) cut at \(cut)"
                #expect(error?.kind == .truncatedGzip, "\(label)")
                #expect(error?.offset == Int64(cut), "\(label)")
                #expect(text.starts(with: bytes), "\(label)")
                #expect(bytes.count <= reference.bytes.count && bytes.count + 2 >= reference.bytes.count, "\(label)")
            }
        }
    }

    @Test(arguments: [1, 7, 4096])
    func corruptionAtEveryOffsetIsTheSameKindOfError(piece: Int) {
        let members = Self.members(seed: 13)
        let data = members.flatMap(\.data)
        var random = SplitMix64(seed: UInt64(piece))
        var memberStart = 0
        var textBefore: [UInt8] = []
        for member in members {
            for position in memberStart..<(memberStart + member.data.count) {
                var corrupt = data
                corrupt[position] ^= 1 << UInt8(random.next() % 8)
                let results = GzipTestData.engines.map { Self.inflate(corrupt, $0, piece: piece) }
                let (zlibBytes, zlibError) = results[0]
                for ((bytes, error), engine) in zip(results, GzipTestData.engines) {
                    let label = "\(engine) byte \(position) of \(data.count)"
                    #expect(error?.kind == zlibError?.kind, "\(label): \(String(describing: error))")
                    // Members before the broken one come out whole; the engines agree on every byte both deliver.
                    #expect(bytes.starts(with: textBefore), "\(label)")
                    let common = min(bytes.count, zlibBytes.count)
                    #expect(bytes[..<common] == zlibBytes[..<common], "\(label)")
                    Self.expectNoBytesPastABadDistance(bytes, error, zlibBytes, zlibError, label)
                    if let error {
                        #expect(
                            error.offset >= Int64(position) && error.offset <= Int64(data.count), "\(label): \(error)")
                        #expect(error.decodedBytes == Int64(bytes.count), "\(label)")
                    }
                }
            }
            memberStart += member.data.count
            textBefore += member.text
        }
    }

    @Test func corruptionInLargeMembersIsTheSameKindOfError() {
        let text = GzipTestData.text(count: 300_000, seed: 17)
        let data = GzipTestData.member(text, level: 6)
        var random = SplitMix64(seed: 1)
        for _ in 0..<150 {
            let position = Int(random.next() % UInt64(data.count))
            var corrupt = data
            corrupt[position] ^= 1 << UInt8(random.next() % 8)
            let results = GzipTestData.engines.map { Self.inflate(corrupt, $0, piece: 4096, chunk: 1 << 18) }
            let reference = results[0]
            for ((bytes, error), engine) in zip(results, GzipTestData.engines) {
                let label = "\(engine) byte \(position)"
                #expect(error?.kind == reference.error?.kind, "\(label)")
                let common = min(bytes.count, reference.bytes.count)
                #expect(bytes[..<common] == reference.bytes[..<common], "\(label)")
                Self.expectNoBytesPastABadDistance(bytes, error, reference.bytes, reference.error, label)
                #expect(error.map { $0.offset >= Int64(position) } ?? true, "\(label)")
            }
        }
    }

    /// When both engines stop at a match reaching before the start of the member, they stopped at the same match:
    /// nothing of it may be delivered (ISA-L's fast decoder counts it as written; those bytes are withheld, up to
    /// a longest match's 258).
    static func expectNoBytesPastABadDistance(
        _ bytes: [UInt8], _ error: InputError?, _ zlibBytes: [UInt8], _ zlibError: InputError?, _ label: String
    ) {
        let tooFarBack = "invalid distance too far back"
        guard error?.detail == tooFarBack, zlibError?.detail == tooFarBack else { return }
        #expect(bytes.count <= zlibBytes.count && bytes.count + 258 >= zlibBytes.count, "\(label)")
    }

    /// Problems in the gzip wrapper are found at the same byte, with the same message, by both engines.
    @Test(arguments: [1, 7, 4096])
    func wrapperProblemsMatchZlibExactly(piece: Int) {
        let text = GzipTestData.text(count: 5000, seed: 19)
        let good = GzipTestData.member(text)
        let badCRC = GzipTestData.member(text, header: .init(), crcDelta: 1)
        let badSize = GzipTestData.member(text, header: .init(), sizeDelta: 1)
        var badHeaderCRC = GzipTestData.member(text, header: .init(name: "x", headerCRC: true))
        badHeaderCRC[13] ^= 1
        let cases: [(name: String, data: [UInt8], kind: InputError.Kind, offset: Int, detail: String, text: [UInt8])] =
            [
                ("crc", badCRC, .corruptGzip, badCRC.count - 4, "incorrect data check", text),
                ("size", badSize, .corruptGzip, badSize.count, "incorrect length check", text),
                (
                    "method", GzipTestData.member(text, header: .init(method: 7)), .corruptGzip, 4,
                    "unknown compression method", []
                ),
                (
                    "reserved flag", GzipTestData.member(text, header: .init(reservedFlags: 0x20)), .corruptGzip, 4,
                    "unknown header flags set", []
                ),
                ("header crc", badHeaderCRC, .corruptGzip, 14, "header crc mismatch", []),
                ("magic", good + [0x1f, 0x8c] + good, .corruptGzip, good.count + 2, "incorrect header check", text),
                ("lone 0x1f", good + [0x1f], .truncatedGzip, good.count + 1, "", text),
                ("half a header", good + good[..<7], .truncatedGzip, good.count + 7, "", text),
                ("garbage", good + Array("not gzip".utf8), .trailingGarbage, good.count, "", text),
                ("zeros", good + [0, 0, 0, 0], .trailingGarbage, good.count, "", text),
            ]
        for (name, data, kind, offset, detail, expected) in cases {
            for engine in GzipTestData.engines {
                let (bytes, error) = Self.inflate(data, engine, piece: piece)
                #expect(error?.kind == kind, "\(engine) \(name)")
                #expect(error?.offset == Int64(offset), "\(engine) \(name)")
                #expect(error?.detail == detail, "\(engine) \(name)")
                #expect(bytes == expected, "\(engine) \(name)")
            }
        }
    }
}

/// Serves a byte array in two reads, split at `at`.
final class SplitSource: ByteSource {
    private let source: ChunkedSource
    private let split: Int

    init(_ bytes: [UInt8], at split: Int) {
        source = ChunkedSource(bytes, piece: .max)
        self.split = split
    }

    var storedOffset: Int64 { source.storedOffset }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let offset = Int(source.storedOffset)
        let limit = offset < split ? split - offset : buffer.count
        return try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<min(limit, buffer.count)]))
    }
}
