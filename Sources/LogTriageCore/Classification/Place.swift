/// Where a record was found, as far as telling deployments apart goes: the host tree of its file, or its folder.
///
/// Logs collected from a server keep the server's layout (`var/log/…`, `var/lib/docker/…`, `home/<user>/…`), so
/// the part of a path before the rightmost such component is the root of one machine's tree:
/// `/var/log/nginx/error.log` and `/var/lib/docker/containers/…` are both on the host `/`, while
/// `cases/a/var/log/…` and `cases/b/var/log/…` are two machines. A file outside any such layout is known only by
/// its folder, which is weaker evidence: two such folders may still be one deployment.
public struct Place: Hashable, Codable, Sendable {
    public enum Kind: String, Codable, Sendable {
        /// The root of a machine's tree, found from the path's layout.
        case host
        /// The file's folder; no layout was recognised.
        case folder
    }

    public var kind: Kind
    public var path: String

    public init(kind: Kind, path: String) {
        self.kind = kind
        self.path = path
    }

    /// The place of `file` (`-` for standard input is one folder of its own). O(path length).
    public static func of(file: String) -> Place {
        let components = file.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let absolute = file.hasPrefix("/")
        var marker: Int?
        for index in components.indices.dropLast() {
            let next = components[index + 1]
            let isLayout: Bool =
                switch components[index] {
                case "var": ["log", "lib", "spool"].contains(next)
                case "run": next == "log"
                case "home": index + 2 < components.count
                case "root": true
                default: false
                }
            if isLayout { marker = index }
        }
        func joined(_ parts: ArraySlice<String>) -> String {
            let text = parts.filter { !$0.isEmpty }.joined(separator: "/")
            if absolute { return "/" + text }
            return text.isEmpty ? "." : text
        }
        if let marker { return Place(kind: .host, path: joined(components[..<marker])) }
        return Place(kind: .folder, path: joined(components.dropLast()))
    }

    /// Whether the two are known to be different machines (two host trees that differ).
    func isOtherHost(than other: Place) -> Bool {
        kind == .host && other.kind == .host && path != other.path
    }
}

/// What one incident's records at one place span: how many, from when to when, the first of them, and the minutes
/// they fell in.
public struct PlaceSpan: Codable, Equatable, Sendable {
    public var place: Place
    public var count: Int
    public var firstSeen: Int64?
    public var lastSeen: Int64?
    /// The earliest record with a time, or the first record while none has one.
    public var first: Evidence
    /// The distinct minutes records fell in, in order, each with its earliest record: all of them up to
    /// `2 × marksKept`, then the earliest and the latest `marksKept`.
    public var marks: [Mark] = []

    public struct Mark: Codable, Equatable, Sendable {
        /// Minutes since the Unix epoch.
        public var minute: Int64
        public var first: Evidence
    }

    static let marksKept = 16

    init(_ evidence: Evidence, place: Place) {
        self.place = place
        self.count = 1
        self.firstSeen = evidence.time
        self.lastSeen = evidence.time
        self.first = evidence
        if let time = evidence.time { marks = [Mark(minute: Timestamp.minute(of: time), first: evidence)] }
    }

    /// Adds what `other` (the same place, later input) spans. Keeping the earliest and latest marks of a union is
    /// the same as keeping them of each part first, so merged tallies end with the marks of one sequential count.
    mutating func absorb(_ other: PlaceSpan) {
        count += other.count
        if let time = other.firstSeen {
            if firstSeen.map({ time < $0 }) ?? true { first = other.first }
            firstSeen = min(firstSeen ?? time, time)
        }
        if let time = other.lastSeen { lastSeen = max(lastSeen ?? time, time) }
        guard !other.marks.isEmpty else { return }
        if other.marks.count == 1, let last = marks.last, other.marks[0].minute >= last.minute {
            // One record, in a minute at or after the last kept (records counted one by one, in order): the same
            // as the merge below, without copying the marks.
            let mark = other.marks[0]
            if mark.minute == last.minute {
                if mark.first.time! < last.first.time! { marks[marks.count - 1] = mark }
            } else {
                marks.append(mark)
                if marks.count > 2 * Self.marksKept { marks.remove(at: Self.marksKept) }
            }
            return
        }
        var merged: [Mark] = []
        merged.reserveCapacity(marks.count + other.marks.count)
        var (i, j) = (0, 0)
        while i < marks.count || j < other.marks.count {
            if j == other.marks.count || (i < marks.count && marks[i].minute < other.marks[j].minute) {
                merged.append(marks[i])
                i += 1
            } else if i == marks.count || other.marks[j].minute < marks[i].minute {
                merged.append(other.marks[j])
                j += 1
            } else {
                // The same minute: the earlier record, or ours on a tie (it came first in the input).
                let theirs = other.marks[j].first.time! < marks[i].first.time!
                merged.append(theirs ? other.marks[j] : marks[i])
                i += 1
                j += 1
            }
        }
        let keep = Self.marksKept
        if merged.count > 2 * keep { merged.removeSubrange(keep..<(merged.count - keep)) }
        marks = merged
    }

    /// The earliest record that fell in the minutes from `start` to `end` (times in microseconds), if any was kept.
    func firstRecord(from start: Int64, to end: Int64) -> Evidence? {
        let (low, high) = (Timestamp.minute(of: start), Timestamp.minute(of: end))
        return marks.first { $0.minute >= low && $0.minute <= high }?.first
    }

    enum CodingKeys: String, CodingKey { case place, count, firstSeen, lastSeen, first, marks }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        place = try container.decode(Place.self, forKey: .place)
        count = try container.decode(Int.self, forKey: .count)
        firstSeen = try container.decodeIfPresent(Int64.self, forKey: .firstSeen)
        lastSeen = try container.decodeIfPresent(Int64.self, forKey: .lastSeen)
        first = try container.decode(Evidence.self, forKey: .first)
        marks = try container.decodeIfPresent([Mark].self, forKey: .marks) ?? []
    }
}
