import Foundation
import Testing

@testable import LogTriageCore

/// Expected values were computed independently with GNU `date -u -d … +%s`.
@Suite struct TimestampTests {
    private func iso(_ text: String, offset: Int = 0) -> Int64? {
        withBytes(text) { Timestamp.parseISO8601($0, at: 0, defaultOffset: offset)?.micros }
    }

    @Test func rfc3339WithNanosecondsAndZ() {
        #expect(iso("2024-10-18T10:18:09.522123456Z") == 1_729_246_689_522_123)
        #expect(iso("2024-10-18T10:18:09Z") == 1_729_246_689_000_000)
        #expect(iso("2024-10-18T10:18:09.5Z") == 1_729_246_689_500_000)
    }

    @Test func offsets() {
        #expect(iso("2024-10-18T10:18:09+05:30") == 1_729_226_889_000_000)
        #expect(iso("2024-10-18T10:18:09-0200") == 1_729_253_889_000_000)
        #expect(iso("2024-10-18T10:18:09+00") == 1_729_246_689_000_000)
        #expect(iso("2000-10-10T13:55:36.25-07:00") == 971_211_336_250_000)
    }

    @Test func spaceSeparatorCommaFractionAndDefaultOffset() {
        #expect(iso("2024-10-18 10:18:09,522") == 1_729_246_689_522_000)
        // Without a zone the default offset applies: 10:18:09 at +02:00 is 08:18:09Z.
        #expect(iso("2024-10-18 10:18:09", offset: 7200) == 1_729_239_489_000_000)
        #expect(iso("2024-10-18 10:18:09Z", offset: 7200) == 1_729_246_689_000_000)
    }

    @Test func gunicornZoneAfterSpace() {
        let parsed = withBytes("[2024-10-18 10:18:09 -0200] [1] [INFO]") {
            Timestamp.parseISO8601($0, at: 1, defaultOffset: 3600)
        }
        #expect(parsed?.micros == 1_729_253_889_000_000)
        #expect(parsed?.end == 26)
        // A non-compact "-1" after a space is text, not a zone: the default offset applies.
        #expect(iso("2024-10-18 10:18:09 -1 retries", offset: 0) == 1_729_246_689_000_000)
    }

    @Test func civilArithmetic() {
        #expect(iso("1969-12-31T23:59:59Z") == -1_000_000)
        #expect(iso("2024-02-29T23:59:59Z") == 1_709_251_199_000_000)
        #expect(iso("2000-03-01T00:00:00Z") == 951_868_800_000_000)
        #expect(iso("1900-03-01T00:00:00Z") == -2_203_891_200_000_000)
        #expect(iso("1600-02-29T12:00:00Z") == -11_670_955_200_000_000)
        #expect(Timestamp.daysFromCivil(year: 1970, month: 1, day: 1) == 0)
    }

    @Test func rejectsImpossibleDatesAndShapes() {
        #expect(iso("2023-02-29T00:00:00Z") == nil)
        #expect(iso("1900-02-29T00:00:00Z") == nil)
        #expect(iso("2024-13-01T00:00:00Z") == nil)
        #expect(iso("2024-10-18T24:00:00Z") == nil)
        #expect(iso("2024-10-18T10:60:00Z") == nil)
        #expect(iso("2024-10-18") == nil)
        #expect(iso("2024-10-18T10:18") == nil)
        #expect(iso("2024-1-18T10:18:09Z") == nil)
        #expect(iso("") == nil)
    }

    @Test func nginxAccess() {
        let parsed = withBytes("10/Oct/2000:13:55:36 -0700]") { Timestamp.parseNginxAccess($0, at: 0) }
        #expect(parsed?.micros == 971_211_336_000_000)
        #expect(parsed?.end == 26)
        #expect(
            withBytes("18/Oct/2024:10:18:09 +0000") { Timestamp.parseNginxAccess($0, at: 0)?.micros }
                == 1_729_246_689_000_000)
        #expect(withBytes("10/Foo/2000:13:55:36 -0700") { Timestamp.parseNginxAccess($0, at: 0) } == nil)
        #expect(withBytes("10/Oct/2000:13:55:36") { Timestamp.parseNginxAccess($0, at: 0) } == nil)
    }

    @Test func nginxErrorSlashed() {
        #expect(
            withBytes("2024/10/18 10:18:09 [error]") { Timestamp.parseSlashed($0, at: 0, defaultOffset: 0)?.micros }
                == 1_729_246_689_000_000)
        #expect(
            withBytes("2024/10/18 10:18:09") { Timestamp.parseSlashed($0, at: 0, defaultOffset: 7200)?.micros }
                == 1_729_239_489_000_000)
        #expect(withBytes("2024/10/18T10:18:09") { Timestamp.parseSlashed($0, at: 0, defaultOffset: 0) } == nil)
    }

    @Test func syslog() {
        func syslog(_ text: String, year: Int = 2024, offset: Int = 0) -> Int64? {
            withBytes(text) { Timestamp.parseSyslog($0, at: 0, year: year, defaultOffset: offset)?.micros }
        }
        #expect(syslog("Nov 24 10:00:00 host sshd[1]: x") == 1_732_442_400_000_000)
        #expect(syslog("Nov  4 10:00:00 host") == 1_730_714_400_000_000)
        #expect(syslog("Nov 4 10:00:00 host") == 1_730_714_400_000_000)
        #expect(syslog("Jan  1 00:00:00", year: 2023) == 1_672_531_200_000_000)
        #expect(syslog("Nov 24 12:00:00", offset: 7200) == 1_732_442_400_000_000)
        #expect(syslog("Feb 29 00:00:00", year: 2023) == nil)
        // ctime / `dmesg -T`: the written year wins over the assumed one (2025-03-11T22:14:03Z).
        #expect(syslog("Mar 11 22:14:03 2025] Out of memory", year: 2026) == 1_741_731_243_000_000)
        // Five digits are no year: the assumed one applies (2026-03-11T22:14:03Z).
        #expect(syslog("Mar 11 22:14:03 20250", year: 2026) == 1_773_267_243_000_000)
        #expect(syslog("Now 24 10:00:00") == nil)
    }

    /// A named zone is resolved at each timestamp: Berlin is +01:00 in winter and +02:00 in summer, and the hour
    /// that does not exist or happens twice at a change is read sensibly. The reference is Foundation's own
    /// conversion of the same wall-clock times.
    @Test func aNamedZoneIsResolvedPerTimestamp() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        var zone = LocalZone.named(berlin)
        let winter = withBytes("2025/01/15 10:00:00") { Timestamp.parseSlashed($0, at: 0, zone: &zone)?.micros }
        let summer = withBytes("2025/07/15 10:00:00") { Timestamp.parseSlashed($0, at: 0, zone: &zone)?.micros }
        #expect(winter == 1_736_931_600_000_000, "09:00Z")
        #expect(summer == 1_752_566_400_000_000, "08:00Z")
        // Every hour of a year in three zones with different rules, against Calendar.
        for name in ["Europe/Berlin", "America/New_York", "Australia/Sydney"] {
            let tz = try #require(TimeZone(identifier: name))
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = tz
            var local = LocalZone.named(tz)
            for hour in stride(from: 0, to: 365 * 24, by: 7) {
                let wall = Int64(1_735_689_600 + hour * 3600 + 1234)  // 2025-01-01 + hour, read as wall time
                var utc = Calendar(identifier: .gregorian)
                utc.timeZone = TimeZone(identifier: "UTC")!
                let parts = utc.dateComponents(
                    [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(wall)))
                guard let expected = calendar.date(from: parts) else { continue }
                // Foundation resolves the skipped hour forward; skip the hours around a change, checked above.
                let off = local.offset(atLocal: wall)
                if tz.secondsFromGMT(for: expected) != tz.secondsFromGMT(for: expected.addingTimeInterval(-7200)) {
                    continue
                }
                #expect(wall - Int64(off) == Int64(expected.timeIntervalSince1970), "\(name) \(parts)")
            }
        }
    }
}
