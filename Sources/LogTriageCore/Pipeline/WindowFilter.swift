/// The `--since` / `--until` filter between decoding and matching: records outside the window are counted and
/// go no further. Records without a time are kept.
struct WindowFilter {
    let since: Int64?
    let until: Int64?
    /// Records left out so far.
    private(set) var outside = 0

    init(since: Int64?, until: Int64?) {
        self.since = since
        self.until = until
    }

    /// Whether a record at `time` goes on to matching. O(1).
    @inline(__always)
    mutating func admits(_ time: Int64?) -> Bool {
        guard let time else { return true }
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
