/// Formats times for reports, without Foundation's formatters.
public enum TimeFormat {
    /// ISO 8601 in UTC: `2025-03-01T10:18:09Z`, with milliseconds when they are not zero.
    ///
    /// Complexity: O(1).
    public static func iso8601(_ microseconds: Int64) -> String {
        let (seconds, micros) = floorDivide(microseconds, 1_000_000)
        let (days, secondOfDay) = floorDivide(seconds, 86_400)
        let (year, month, day) = civil(fromDays: days)
        var text =
            "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T"
            + "\(pad(Int(secondOfDay / 3600), 2)):\(pad(Int(secondOfDay % 3600 / 60), 2)):\(pad(Int(secondOfDay % 60), 2))"
        let millis = Int(micros / 1000)
        if millis != 0 { text += ".\(pad(millis, 3))" }
        return text + "Z"
    }

    /// ISO 8601 in `zone`, the offset shown: `2025-03-01T11:18:09+01:00`; in UTC, `iso8601(_:)`'s `Z` form.
    ///
    /// Complexity: O(1) (a named zone's offset is looked up once per call).
    public static func iso8601(_ microseconds: Int64, in zone: LocalZone) -> String {
        let (seconds, _) = floorDivide(microseconds, 1_000_000)
        let offset = zone.offset(atInstant: seconds)
        guard offset != 0 || zone != .utc else { return iso8601(microseconds) }
        let local = String(iso8601(microseconds + Int64(offset) * 1_000_000).dropLast())
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        return local + sign + pad(minutes / 60, 2) + ":" + pad(minutes % 60, 2)
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let q = a / b, r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar (Howard Hinnant's method).
    static func civil(fromDays days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}
