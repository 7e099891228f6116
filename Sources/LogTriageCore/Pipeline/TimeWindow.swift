import Foundation

/// Parses the times users give to `--since` / `--until`: absolute dates and times, or durations back from now.
public enum TimeWindow {
    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Parses like `parse(_:now:utcOffsetSeconds:)`, taking a time without a zone in `zone` as it was at that time
    /// (a winter date in `Europe/Berlin` is +01:00 even in summer).
    public static func parse(_ text: String, now: Date = Date(), zone: LocalZone) throws(ParseError) -> Int64 {
        let asUTC = try parse(text, now: now, utcOffsetSeconds: 0)
        var zone = zone
        let offset = zone.offset(atLocal: asUTC >= 0 ? asUTC / 1_000_000 : (asUTC - 999_999) / 1_000_000)
        return try parse(text, now: now, utcOffsetSeconds: offset)
    }

    /// Parses `2h`, `90m`, `1h30m`, `2d`, `1w`, `45s` (that long before `now`), or an absolute time:
    /// `2025-03-01`, `2025-03-01 10:00`, `2025-03-01T10:00:00`, each optionally with `Z` or `±HH:MM`.
    /// Times without a zone are taken in `utcOffsetSeconds`. Returns µs since the epoch.
    public static func parse(_ text: String, now: Date = Date(), utcOffsetSeconds: Int = 0) throws(ParseError) -> Int64
    {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = duration(trimmed) {
            return Int64((now.timeIntervalSince1970 - Double(seconds)) * 1_000_000)
        }
        if let micros = absolute(trimmed, utcOffsetSeconds: utcOffsetSeconds) {
            return micros
        }
        throw ParseError(
            description:
                "'\(text)' is neither a duration such as 2h, 30m, 1h30m, 7d nor a time such as 2025-03-01 or 2025-03-01T10:00:00Z"
        )
    }

    /// `1h30m` → 5400. Units: s, m, h, d, w.
    public static func duration(_ text: String) -> Int? {
        guard !text.isEmpty else { return nil }
        var total = 0
        var number: Int?
        for character in text {
            if let digit = character.wholeNumberValue, character.isASCII {
                number = (number ?? 0) * 10 + digit
                if number! > 100_000_000 { return nil }
                continue
            }
            guard let value = number else { return nil }
            switch character {
            case "s": total += value
            case "m": total += value * 60
            case "h": total += value * 3600
            case "d": total += value * 86_400
            case "w": total += value * 604_800
            default: return nil
            }
            number = nil
        }
        return number == nil ? total : nil
    }

    static func absolute(_ text: String, utcOffsetSeconds: Int) -> Int64? {
        let bytes = Array(text.utf8)
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for b in bytes[start..<start + count] {
                guard b >= 0x30 && b <= 0x39 else { return nil }
                value = value * 10 + Int(b - 0x30)
            }
            return value
        }
        guard let year = digits(0, 4), bytes.count >= 10, bytes[4] == 0x2d, let month = digits(5, 2), bytes[7] == 0x2d,
            let day = digits(8, 2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var hour = 0, minute = 0, second = 0
        var index = 10
        if index < bytes.count, bytes[index] == 0x54 || bytes[index] == 0x20 {
            guard let h = digits(index + 1, 2), index + 3 < bytes.count, bytes[index + 3] == 0x3a,
                let m = digits(index + 4, 2), h < 24, m < 60
            else { return nil }
            hour = h
            minute = m
            index += 6
            if index < bytes.count, bytes[index] == 0x3a {
                guard let s = digits(index + 1, 2), s < 61 else { return nil }
                second = s
                index += 3
            }
        }
        var offset = utcOffsetSeconds
        if index < bytes.count {
            let rest = String(decoding: bytes[index...], as: UTF8.self)
            if rest == "Z" || rest == "z" {
                offset = 0
            } else if rest.count == 6, let sign = rest.first, sign == "+" || sign == "-",
                let h = Int(rest.dropFirst().prefix(2)), rest.dropFirst(3).first == ":", let m = Int(rest.suffix(2)),
                (0...23).contains(h), (0...59).contains(m),
                rest.dropFirst().allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ":") })
            {
                offset = (sign == "-" ? -1 : 1) * (h * 3600 + m * 60)
            } else {
                return nil
            }
        }
        guard day <= Timestamp.daysInMonth(year: year, month: month) else { return nil }
        let days = Timestamp.daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
        return seconds * 1_000_000
    }
}
