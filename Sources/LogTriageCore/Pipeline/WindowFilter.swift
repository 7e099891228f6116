/// The `--since` / `--until` filter between decoding and matching: records outside the window are counted and
/// go no further. Records without a time (and no earlier record of their source to take one from) are kept and
/// counted, or with `--strict-window` left out.
struct WindowFilter {
    let since: Int64?
    let until: Int64?
    /// Records without a time are left out too, instead of kept.
    let strict: Bool
    /// Records left out so far.
    private(set) var outside = 0
    /// Records without a time kept although a window is set: the report says how many.
    private(set) var undatedKept = 0

    init(since: Int64?, until: Int64?, strict: Bool = false) {
        self.since = since
        self.until = until
        self.strict = strict
    }

    /// Whether a record at `time` goes on to matching. O(1).
    @inline(__always)
    mutating func admits(_ time: Int64?) -> Bool {
        guard let time else {
            guard since != nil || until != nil else { return true }
            if strict {
                outside += 1
                return false
            }
            undatedKept += 1
            return true
        }
        if let since, time < since {
            outside += 1
            return false
        }
        if let until, time >= until {
            outside += 1
            return false
        }
        return true
    }
}
