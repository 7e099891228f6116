/// Timestamp parsing on raw bytes: the forms logs write, turned into microseconds since the Unix epoch, UTC.
///
/// Every parser takes the buffer and a start index and returns the time and the index just past the timestamp, or
/// `nil` when the bytes there are not that form (or name an impossible date). Nothing allocates and Foundation is
/// not used: these run once per record.
enum Timestamp {
    /// A parsed time and the index just past it.
    typealias Parsed = (micros: Int64, end: Int)

    /// The minute since the epoch that a time in µs falls in (rounded down, before 1970 too): the unit the state
    /// store files counts by and a place's marks keep.
    static func minute(of micros: Int64) -> Int64 {
        micros >= 0 ? micros / 60_000_000 : (micros - 59_999_999) / 60_000_000
    }

    /// Parses RFC 3339 / ISO 8601: `2024-10-18T10:18:09(.fraction)?(Z|±HH:MM|±HHMM|±HH)?`.
    ///
    /// The date and time may be separated by `T` or a space, the fraction introduced by `.` or `,` (digits past
    /// microseconds are read and dropped), and the zone may follow a space as `±HHMM` (gunicorn's
    /// `2024-10-18 10:18:09 +0000`). Without a zone, `local`'s offset at that time applies. O(length).
    static func parseISO8601(_ p: UnsafeRawBufferPointer, at start: Int, zone local: inout LocalZone) -> Parsed? {
        guard let year = number(p, start, 4), byte(p, start + 4) == UInt8(ascii: "-"),
            let month = number(p, start + 5, 2), byte(p, start + 7) == UInt8(ascii: "-"),
            let day = number(p, start + 8, 2)
        else { return nil }
        let separator = byte(p, start + 10)
        guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: " ") || separator == UInt8(ascii: "t"),
            let clock = parseClock(p, at: start + 11)
        else { return nil }
        var i = clock.end
        var fraction: Int64 = 0
        if let f = parseFraction(p, at: i) {
            fraction = f.micros
            i = f.end
        }
        var offset: Int?
        if let zone = parseZone(p, at: i) {
            offset = zone.seconds
            i = zone.end
        } else if byte(p, i) == UInt8(ascii: " "), let zone = parseZone(p, at: i + 1), zone.compact {
            // Only the compact `±HHMM` after a space: `10:18:09 -1` is more likely text than a zone.
            offset = zone.seconds
            i = zone.end
        }
        guard let seconds = epochSeconds(year, month, day, clock.hour, clock.minute, clock.second) else { return nil }
        return ((seconds - Int64(offset ?? local.offset(atLocal: seconds))) * 1_000_000 + fraction, i)
    }

    /// Parses the slashed form nginx's error log writes, `2024/10/18 10:18:09`, which carries no zone. O(1).
    static func parseSlashed(_ p: UnsafeRawBufferPointer, at start: Int, zone: inout LocalZone) -> Parsed? {
        guard let year = number(p, start, 4), byte(p, start + 4) == UInt8(ascii: "/"),
            let month = number(p, start + 5, 2), byte(p, start + 7) == UInt8(ascii: "/"),
            let day = number(p, start + 8, 2), byte(p, start + 10) == UInt8(ascii: " "),
            let clock = parseClock(p, at: start + 11),
            let seconds = epochSeconds(year, month, day, clock.hour, clock.minute, clock.second)
        else { return nil }
        return ((seconds - Int64(zone.offset(atLocal: seconds))) * 1_000_000, clock.end)
    }

    /// Parses nginx's `$time_local`, `10/Oct/2000:13:55:36 -0700`, without the surrounding brackets. O(1).
    static func parseNginxAccess(_ p: UnsafeRawBufferPointer, at start: Int) -> Parsed? {
        guard let day = number(p, start, 2), byte(p, start + 2) == UInt8(ascii: "/"),
            let month = parseMonthName(p, at: start + 3), byte(p, start + 6) == UInt8(ascii: "/"),
            let year = number(p, start + 7, 4), byte(p, start + 11) == UInt8(ascii: ":"),
            let clock = parseClock(p, at: start + 12), byte(p, clock.end) == UInt8(ascii: " "),
            let zone = parseZone(p, at: clock.end + 1), zone.compact,
            let seconds = epochSeconds(year, month, day, clock.hour, clock.minute, clock.second)
        else { return nil }
        return ((seconds - Int64(zone.seconds)) * 1_000_000, zone.end)
    }

    /// Parses the BSD syslog form `Nov 24 10:00:00` (day space-padded or not), which carries neither year nor
    /// zone: `year` and `zone` supply them. A year right after the clock, as C's `ctime` and `dmesg -T`
    /// write it (`Tue Mar 11 22:14:03 2025`; the weekday is skipped by the caller's word search), wins over
    /// `year`. O(1).
    static func parseSyslog(_ p: UnsafeRawBufferPointer, at start: Int, year: Int, zone: inout LocalZone) -> Parsed? {
        guard let month = parseMonthName(p, at: start), byte(p, start + 3) == UInt8(ascii: " ") else { return nil }
        var i = start + 4
        if byte(p, i) == UInt8(ascii: " ") { i += 1 }  // `Nov  4`
        let dayDigits = isDigit(byte(p, i + 1)) ? 2 : 1
        guard let day = number(p, i, dayDigits), byte(p, i + dayDigits) == UInt8(ascii: " "),
            let clock = parseClock(p, at: i + dayDigits + 1)
        else { return nil }
        var end = clock.end
        var fraction: Int64 = 0
        if let f = parseFraction(p, at: end) {  // rsyslog's high-precision variant
            fraction = f.micros
            end = f.end
        }
        var resolvedYear = year
        if byte(p, end) == UInt8(ascii: " "), let written = number(p, end + 1, 4), !isDigit(byte(p, end + 5)) {
            resolvedYear = written
            end += 5
        }
        guard let seconds = epochSeconds(resolvedYear, month, day, clock.hour, clock.minute, clock.second) else {
            return nil
        }
        return ((seconds - Int64(zone.offset(atLocal: seconds))) * 1_000_000 + fraction, end)
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date (negative before it). O(1).
    ///
    /// Howard Hinnant's days-from-civil: shift the year to start in March so the leap day falls last, then count
    /// whole 400-year eras, years within the era, and days within the year.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400  // [0, 399]
        let monthFromMarch = month > 2 ? month - 3 : month + 9  // [0, 11]
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1  // [0, 365]
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear  // [0, 146096]
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Number of days in `month` of `year`.
    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // MARK: - Pieces

    /// Seconds since the epoch for a validated civil date and time read as UTC; `nil` for an impossible one.
    private static func epochSeconds(
        _ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int
    )
        -> Int64?
    {
        // A leap second (:60) is accepted and lands on the next second, as most converters do.
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month), hour <= 23,
            minute <= 59, second <= 60
        else { return nil }
        let days = Int64(daysFromCivil(year: year, month: month, day: day))
        return days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// `HH:MM:SS`.
    private static func parseClock(
        _ p: UnsafeRawBufferPointer, at i: Int
    ) -> (hour: Int, minute: Int, second: Int, end: Int)? {
        guard let hour = number(p, i, 2), byte(p, i + 2) == UInt8(ascii: ":"),
            let minute = number(p, i + 3, 2), byte(p, i + 5) == UInt8(ascii: ":"),
            let second = number(p, i + 6, 2)
        else { return nil }
        return (hour, minute, second, i + 8)
    }

    /// `.ddd…` or `,ddd…` as microseconds; at least one digit.
    private static func parseFraction(_ p: UnsafeRawBufferPointer, at i: Int) -> (micros: Int64, end: Int)? {
        let mark = byte(p, i)
        guard mark == UInt8(ascii: ".") || mark == UInt8(ascii: ","), isDigit(byte(p, i + 1)) else { return nil }
        var j = i + 1
        var micros: Int64 = 0
        var digits = 0
        while isDigit(byte(p, j)) {
            if digits < 6 {
                micros = micros * 10 + Int64(byte(p, j) &- UInt8(ascii: "0"))
                digits += 1
            }
            j += 1
        }
        while digits < 6 {
            micros *= 10
            digits += 1
        }
        return (micros, j)
    }

    /// `Z`, `±HH:MM`, `±HHMM` or `±HH` as seconds east of UTC; `compact` tells whether it was `±HHMM`.
    private static func parseZone(_ p: UnsafeRawBufferPointer, at i: Int) -> (seconds: Int, end: Int, compact: Bool)? {
        let b = byte(p, i)
        if b == UInt8(ascii: "Z") || b == UInt8(ascii: "z") { return (0, i + 1, false) }
        guard b == UInt8(ascii: "+") || b == UInt8(ascii: "-"), let hours = number(p, i + 1, 2), hours <= 23 else {
            return nil
        }
        let sign = b == UInt8(ascii: "-") ? -1 : 1
        var minutes = 0
        var end = i + 3
        var compact = false
        if byte(p, end) == UInt8(ascii: ":"), let m = number(p, end + 1, 2) {
            minutes = m
            end += 3
        } else if let m = number(p, end, 2) {
            minutes = m
            end += 2
            compact = true
        }
        guard minutes <= 59, !isDigit(byte(p, end)) else { return nil }
        return (sign * (hours * 3600 + minutes * 60), end, compact)
    }

    /// `Jan` … `Dec` as 1 … 12.
    private static func parseMonthName(_ p: UnsafeRawBufferPointer, at i: Int) -> Int? {
        guard i + 3 <= p.count else { return nil }
        // Packs the three letters into one integer so the lookup is a switch over constants.
        let key = UInt32(p[i]) << 16 | UInt32(p[i + 1]) << 8 | UInt32(p[i + 2])
        switch key {
        case 0x4A_61_6E: return 1  // Jan
        case 0x46_65_62: return 2  // Feb
        case 0x4D_61_72: return 3  // Mar
        case 0x41_70_72: return 4  // Apr
        case 0x4D_61_79: return 5  // May
        case 0x4A_75_6E: return 6  // Jun
        case 0x4A_75_6C: return 7  // Jul
        case 0x41_75_67: return 8  // Aug
        case 0x53_65_70: return 9  // Sep
        case 0x4F_63_74: return 10  // Oct
        case 0x4E_6F_76: return 11  // Nov
        case 0x44_65_63: return 12  // Dec
        default: return nil
        }
    }

    /// Exactly `count` decimal digits at `i`, as a number.
    private static func number(_ p: UnsafeRawBufferPointer, _ i: Int, _ count: Int) -> Int? {
        guard i >= 0, i + count <= p.count else { return nil }
        var value = 0
        for j in i..<(i + count) {
            let d = p[j] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            value = value * 10 + Int(d)
        }
        return value
    }

    /// The byte at `i`, or 0 past the end, so parsers can look ahead without separate bound checks.
    @inline(__always)
    private static func byte(_ p: UnsafeRawBufferPointer, _ i: Int) -> UInt8 {
        i < p.count ? p[i] : 0
    }

    @inline(__always)
    private static func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }
}
