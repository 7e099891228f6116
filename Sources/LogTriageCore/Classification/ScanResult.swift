/// What a scan found and how much it read.
public struct ScanResult: Sendable {
    public var incidents: [IncidentReport]
    public var stats: ScanStats
    /// Input problems: unreadable files, corrupt gzip, malformed records. Any makes the exit status 2.
    public var errors: [ScanError]
    /// Files passed over on purpose (binary data, journald's own files), with the reason.
    public var skipped: [ScanError]
    /// The scan was stopped (SIGINT, SIGTERM) before it read everything: the report covers what was read.
    public var interrupted = false
    /// The chains of causes and symptoms among `incidents`. O(incidents × places²).
    public var diagnosis: Diagnosis { Diagnosis(reports: incidents) }

    public init(incidents: [IncidentReport], stats: ScanStats, errors: [ScanError], skipped: [ScanError]) {
        self.incidents = incidents
        self.stats = stats
        self.errors = errors
        self.skipped = skipped
    }
}

public struct ScanStats: Equatable, Sendable {
    /// Files read (a rotated set counts each member).
    public var files = 0
    /// Decompressed bytes decoded.
    public var bytes: Int64 = 0
    /// Bytes as stored on disk (compressed bytes for gzip).
    public var storedBytes: Int64 = 0
    /// Records decoded.
    public var records = 0
    /// Records left out by `--since` / `--until`.
    public var recordsOutsideWindow = 0
    /// Records without a time kept in the window (left out with `--strict-window`).
    public var recordsUndatedKept = 0
    public var seconds: Double = 0

    public init() {}

    /// Adds the counts of another part of the input; `seconds` is left alone (parts overlap in time).
    mutating func add(_ other: ScanStats) {
        files += other.files
        bytes += other.bytes
        storedBytes += other.storedBytes
        records += other.records
        recordsOutsideWindow += other.recordsOutsideWindow
        recordsUndatedKept += other.recordsUndatedKept
    }
}

/// A problem tied to one input, for the report's `errors` list and stderr.
public struct ScanError: Equatable, Sendable {
    /// The file (or `stdin`), with a line number where one applies: `access.log:12`.
    public var source: String
    public var message: String

    public init(source: String, message: String) {
        self.source = source
        self.message = message
    }
}
