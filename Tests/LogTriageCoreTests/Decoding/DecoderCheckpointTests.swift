import Foundation
import Testing

@testable import LogTriageCore

/// A decoder stopped at any moment and resumed from its checkpoint hands on exactly the records of one that ran
/// through: nothing lost, nothing repeated, the same lines, offsets and times — docker and CRI partials included,
/// also when they straddle both the stop and a rotation.
@Suite struct DecoderCheckpointTests {
    /// Feeds `files` in random chunks, stopping at random chunk boundaries: the decoder is dropped, its checkpoint
    /// goes through JSON (as the state store keeps it) and a new decoder resumes at the checkpoint's offset.
    static func decodeWithStops<D: LogDecoder>(
        _ files: [[UInt8]], make: (DecoderCheckpoint?) -> D, random: inout SplitMix64
    ) throws -> (CollectingSink, stops: Int) {
        var decoder = make(nil)
        var sink = CollectingSink()
        var stops = 0
        for file in files {
            var position = 0
            while position < file.count {
                let end = min(file.count, position + 1 + Int(random.next() % 97))
                file.withUnsafeBytes { bytes in
                    decoder.feed(UnsafeRawBufferPointer(rebasing: bytes[position..<end]), into: &sink)
                }
                position = end
                if random.next() % 4 == 0 {
                    let stored = try JSONEncoder().encode(decoder.checkpoint)
                    let checkpoint = try JSONDecoder().decode(DecoderCheckpoint.self, from: stored)
                    #expect(checkpoint.offset <= Int64(position))
                    decoder = make(checkpoint)
                    position = Int(checkpoint.offset)
                    stops += 1
                }
            }
            decoder.endOfFile(into: &sink)
        }
        decoder.finish(into: &sink)
        return (sink, stops)
    }

    static func dockerLine(_ log: String, stream: String, second: Int) -> String {
        let escaped = log.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return
            "{\"log\":\"\(escaped)\",\"stream\":\"\(stream)\",\"time\":\"2024-10-18T10:18:\(10 + second % 50).5Z\"}\n"
    }

    /// Two docker files whose entries interleave stdout and stderr, with lines split into partial entries, some
    /// of them across the end of the first file.
    static func dockerFiles(_ random: inout SplitMix64) -> [[UInt8]] {
        var files: [[UInt8]] = [[], []]
        var file = 0
        for n in 0..<60 {
            if n == 30 { file = 1 }
            let stream = random.next() % 2 == 0 ? "stdout" : "stderr"
            let parts = 1 + Int(random.next() % 3)
            for part in 0..<parts {
                let last = part == parts - 1
                files[file] += Array(
                    Self.dockerLine("m\(n)p\(part)" + (last ? "\n" : ""), stream: stream, second: n).utf8)
                // A rotation may fall between the parts of a split line.
                if n == 29 && part == 0 && parts > 1 { file = 1 }
            }
        }
        return files
    }

    @Test func dockerPartialsSurviveStopsAndRotation() throws {
        for seed in 0..<60 {
            var random = SplitMix64(seed: UInt64(seed))
            let files = Self.dockerFiles(&random)
            let make: (DecoderCheckpoint?) -> DockerJSONDecoder = { checkpoint in
                checkpoint.map { DockerJSONDecoder(context: testContext(), resumingFrom: $0) }
                    ?? DockerJSONDecoder(context: testContext())
            }
            let whole = decode(files, chunkSize: Int.max, with: make(nil))
            let (stopped, stops) = try Self.decodeWithStops(files, make: make, random: &random)
            #expect(stops > 0)
            #expect(stopped.records == whole.records, "seed \(seed)")
            #expect(stopped.problems == whole.problems, "seed \(seed)")
        }
    }

    @Test func criPartialsSurviveStops() throws {
        var text = ""
        for n in 0..<50 {
            let stream = n % 3 == 0 ? "stderr" : "stdout"
            if n % 4 == 0 { text += "2024-10-18T10:18:09.5Z \(stream) P part\(n)-a\n" }
            text += "2024-10-18T10:18:09.5Z \(stream) F line\(n)\n"
        }
        let files = [Array(text.utf8)]
        let make: (DecoderCheckpoint?) -> CRIDecoder = { checkpoint in
            checkpoint.map { CRIDecoder(context: testContext(), resumingFrom: $0) }
                ?? CRIDecoder(context: testContext())
        }
        let whole = decode(files, chunkSize: Int.max, with: make(nil))
        #expect(whole.records.count == 50)
        for seed in 0..<30 {
            var random = SplitMix64(seed: UInt64(seed))
            let (stopped, _) = try Self.decodeWithStops(files, make: make, random: &random)
            #expect(stopped.records == whole.records, "seed \(seed)")
        }
    }

    @Test func plainLinesKeepTheirNumbersAcrossStops() throws {
        let text = (1...80).map { "2024-10-18 10:18:09 line \($0) of the log" }.joined(separator: "\n") + "\nlast"
        let files = [Array(text.utf8), Array("second file\n".utf8)]
        let make: (DecoderCheckpoint?) -> PlainDecoder = { checkpoint in
            checkpoint.map { PlainDecoder(context: testContext(), resumingFrom: $0) }
                ?? PlainDecoder(context: testContext())
        }
        let whole = decode(files, chunkSize: Int.max, with: make(nil))
        for seed in 0..<30 {
            var random = SplitMix64(seed: UInt64(seed))
            let (stopped, _) = try Self.decodeWithStops(files, make: make, random: &random)
            #expect(stopped.records == whole.records, "seed \(seed)")
        }
    }

    @Test func journalEntriesAndTheCursorSurviveStops() throws {
        var text = ""
        for n in 1...40 {
            text += "__CURSOR=s=abc;i=\(n)\n__REALTIME_TIMESTAMP=17000000000000\(n % 10)\n"
            text += "_SYSTEMD_UNIT=app.service\nMESSAGE=entry \(n)\n\n"
        }
        let files = [Array(text.utf8)]
        let make: (DecoderCheckpoint?) -> JournalExportDecoder = { checkpoint in
            checkpoint.map { JournalExportDecoder(context: testContext(), resumingFrom: $0) }
                ?? JournalExportDecoder(context: testContext())
        }
        let whole = decode(files, chunkSize: Int.max, with: make(nil))
        #expect(whole.records.count == 40)
        for seed in 0..<30 {
            var random = SplitMix64(seed: UInt64(seed))
            let (stopped, _) = try Self.decodeWithStops(files, make: make, random: &random)
            #expect(stopped.records == whole.records, "seed \(seed)")
        }
        var decoder = JournalExportDecoder(context: testContext())
        var sink = CollectingSink()
        Array(text.utf8).withUnsafeBytes { decoder.feed($0, into: &sink) }
        #expect(decoder.checkpoint.cursor == "s=abc;i=40")
        #expect(decoder.checkpoint.line == 41)
    }
}
