/// Everything a scan needs, resolved from the command line: the pipeline's single input.
public struct ScanConfiguration: Sendable {
    /// Files, directories, or `-` for standard input.
    public var paths: [String]
    /// Forces one format for every input instead of detecting it per file.
    public var format: LogFormat?
    public var catalog: Catalog
    /// Only records at or after this time (µs since the epoch) count; records with no time are kept.
    public var since: Int64?
    /// Only records before this time count.
    public var until: Int64?
    /// Evidence records kept per incident.
    public var maxEvidence: Int
    /// Assumed zone for timestamps that carry none, in seconds east of UTC.
    public var utcOffsetSeconds: Int
    /// Bytes read per chunk.
    public var chunkSize: Int
    /// Decode problems listed per file; the rest are counted.
    public var maxProblemsPerFile: Int

    public init(
        paths: [String], format: LogFormat? = nil, catalog: Catalog, since: Int64? = nil, until: Int64? = nil,
        maxEvidence: Int = 3, utcOffsetSeconds: Int = 0, chunkSize: Int = 256 << 10, maxProblemsPerFile: Int = 10
    ) {
        self.paths = paths
        self.format = format
        self.catalog = catalog
        self.since = since
        self.until = until
        self.maxEvidence = maxEvidence
        self.utcOffsetSeconds = utcOffsetSeconds
        self.chunkSize = chunkSize
        self.maxProblemsPerFile = maxProblemsPerFile
    }
}

/// What a scan found and how much it read.
public struct ScanResult: Sendable {
    public var incidents: [IncidentReport]
    public var stats: ScanStats
    /// Input problems: unreadable files, corrupt gzip, malformed records. Any makes the exit status 2.
    public var errors: [ScanError]
    /// Files passed over on purpose (binary data, journald's own files), with the reason.
    public var skipped: [ScanError]
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
    public var seconds: Double = 0

    public init() {}
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

/// How far a scan has got, for a progress line.
public struct ScanProgress: Sendable {
    public var filesDone: Int
    public var filesTotal: Int
    public var storedBytes: Int64
    public var seconds: Double
}
