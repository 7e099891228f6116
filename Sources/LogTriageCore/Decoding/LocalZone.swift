import Foundation

/// The zone of timestamps that carry none (nginx's error log, syslog, most application logs): a fixed offset, or a
/// named zone resolved at each timestamp, so that winter lines are read with winter time and summer lines with
/// summer time (`Europe/Berlin` is +01:00 in January and +02:00 in July).
///
/// The offset of the last hour looked up is kept, so that a named zone costs one comparison per record: records
/// come in time order, and zones change their offset on the hour. A copy has its own cache: each decoder owns one.
public struct LocalZone: Sendable, Equatable {
    enum Rule: Sendable, Equatable {
        case fixed(Int)
        case named(TimeZone)
    }

    let rule: Rule
    private var cachedHour = Int64.min
    private var cachedOffset = 0

    /// A fixed offset, in seconds east of UTC.
    public static func fixed(_ seconds: Int) -> LocalZone { LocalZone(rule: .fixed(seconds)) }
    /// A zone with its rules (DST, historic changes).
    public static func named(_ zone: TimeZone) -> LocalZone { LocalZone(rule: .named(zone)) }
    public static let utc = LocalZone.fixed(0)

    /// `--timezone`'s forms: `UTC` (or `Z`), `local` (the machine's zone, with its rules), an offset such as
    /// `+08:00`, `-0530` or `+8`, or a zone name such as `Europe/Berlin`; `nil` for anything else.
    public static func parse(_ text: String) -> LocalZone? {
        switch text.lowercased() {
        case "local": return .named(TimeZone.current)
        case "utc", "z": return .utc
        default: break
        }
        if let sign = text.first, sign == "+" || sign == "-" {
            let body = text.dropFirst()
            let parts =
                body.contains(":")
                ? body.split(separator: ":", omittingEmptySubsequences: false)
                : body.count == 4 ? [body.prefix(2), body.suffix(2)] : [body]
            guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }),
                let hours = Int(parts[0]), hours <= 14, let minutes = parts.count == 2 ? Int(parts[1]) : 0,
                minutes < 60
            else { return nil }
            return .fixed((sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60))
        }
        return TimeZone(identifier: text).map { .named($0) }
    }

    private init(rule: Rule) { self.rule = rule }

    public static func == (a: LocalZone, b: LocalZone) -> Bool { a.rule == b.rule }

    /// The zone's offset now, for what has no time of its own to go by (a year's guess, `--since` dates).
    public var currentOffset: Int {
        switch rule {
        case .fixed(let seconds): seconds
        case .named(let zone): zone.secondsFromGMT(for: Date())
        }
    }

    /// Seconds east of UTC in effect at the instant `seconds` since the epoch. O(1).
    func offset(atInstant seconds: Int64) -> Int {
        switch rule {
        case .fixed(let offset): offset
        case .named(let zone): zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds)))
        }
    }

    /// Seconds east of UTC in effect at the wall-clock time `local` (seconds since the epoch, as if it were UTC).
    /// In the hour a clock is set back, the first (summer) reading is taken; in the hour it skips, the time is read
    /// with the offset before the change. O(1) when the hour is the last one's.
    mutating func offset(atLocal local: Int64) -> Int {
        switch rule {
        case .fixed(let seconds):
            return seconds
        case .named(let zone):
            let hour = local >= 0 ? local / 3600 : (local - 3599) / 3600
            if hour == cachedHour { return cachedOffset }
            // The offsets half a day either side; where they differ, a change is near: take the one that reads
            // `local` back as itself, the larger (the first reading) when both do (the hour set back), and the
            // earlier one when neither does (the hour skipped forward).
            func offset(at seconds: Int64) -> Int {
                zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds)))
            }
            let before = offset(at: local - 43_200)
            let after = offset(at: local + 43_200)
            var chosen = before
            if before != after {
                let valid = [before, after].filter { offset(at: local - Int64($0)) == $0 }
                chosen = valid.max() ?? before
            }
            cachedHour = hour
            cachedOffset = chosen
            // Only an hour with no change near it is cached: near one, each time is resolved on its own.
            if before != after { cachedHour = Int64.min }
            return chosen
        }
    }
}
