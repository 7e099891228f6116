import Foundation
import Testing

@testable import LogTriageCore

@Suite struct TimeWindowTests {
    static let now = Date(timeIntervalSince1970: 1_740_830_400)  // 2025-03-01T12:00:00Z

    @Test(arguments: [("45s", 45), ("30m", 1800), ("2h", 7200), ("1h30m", 5400), ("7d", 604_800), ("1w", 604_800)])
    func durationsCountBackFromNow(text: String, seconds: Int) throws {
        #expect(try TimeWindow.parse(text, now: Self.now) == (1_740_830_400 - Int64(seconds)) * 1_000_000)
    }

    @Test(arguments: [
        ("2025-03-01", 0, 1_740_787_200),
        ("2025-03-01T12:00:00Z", 3600, 1_740_830_400),
        ("2025-03-01 12:00", 0, 1_740_830_400),
        ("2025-03-01T12:00:00+08:00", 0, 1_740_801_600),
        ("2025-03-01T12:00:00", 3600, 1_740_826_800),
    ])
    func absoluteTimes(text: String, offset: Int, epoch: Int64) throws {
        #expect(try TimeWindow.parse(text, now: Self.now, utcOffsetSeconds: offset) == epoch * 1_000_000)
    }

    @Test(arguments: ["", "yesterday", "2h30", "2025-02-30", "2025-13-01", "5x", "2025-03-01T25:00"])
    func nonsenseIsRejectedWithTheText(text: String) {
        do {
            _ = try TimeWindow.parse(text, now: Self.now)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.contains("'\(text)'"))
        }
    }
}

extension TimeWindowTests {
    /// Offsets out of range are no offsets, in `--since` as in the logs' own times.
    @Test func impossibleOffsetsAreRejected() throws {
        for text in ["2025-03-01T10:00:00+99:99", "2025-03-01T10:00:00+24:00", "2025-03-01T10:00:00-05:60"] {
            #expect(throws: TimeWindow.ParseError.self, "\(text)") { try TimeWindow.parse(text) }
        }
        #expect(try TimeWindow.parse("2025-03-01T10:00:00+08:00") == 1_740_794_400_000_000)
        // A docker entry's time field must be a time as a whole.
        let line = #"{"log":"x\n","stream":"stdout","time":"2025-03-01T10:00:00+99:99"}"# + "\n"
        let records = decodeInAllChunkings(line, with: { DockerJSONDecoder(context: testContext()) }).records
        #expect(records.map(\.time) == [nil])
        let good = #"{"log":"x\n","stream":"stdout","time":"2025-03-01T10:00:00+08:00"}"# + "\n"
        #expect(
            decodeInAllChunkings(good, with: { DockerJSONDecoder(context: testContext()) }).records.map(\.time)
                == [1_740_794_400_000_000])
    }
}
