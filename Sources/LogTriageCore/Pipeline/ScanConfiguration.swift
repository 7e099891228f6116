import Foundation

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
    /// The zone assumed for timestamps that carry none, resolved at each timestamp (a named zone's DST).
    public var zone: LocalZone
    /// Bytes read per chunk: at least `ScanConfiguration.minimumChunkSize`, the head read to detect a file's
    /// format; smaller values are taken as that minimum.
    public var chunkSize: Int
    /// Decode problems listed per file; the rest are counted.
    public var maxProblemsPerFile: Int
    /// Rotated sets scanned at the same time, each on its own thread; the result is the same whatever the number.
    public var jobs: Int
    /// Which library inflates gzip data.
    public var inflate: InflateEngine = .auto
    /// Whether gzip data is inflated on a thread of its own, ahead of decoding and matching (a bounded ring of
    /// buffers), so that one large compressed file keeps two cores busy.
    public var readAhead = true
    /// Stops the scan early when cancelled; the result then says it was interrupted.
    public var cancellation: ScanCancellation?
    /// Stored bytes read between two progress reports.
    public var progressInterval: Int64 = 8 << 20

    /// The smallest chunk: a file's format is detected from its first 64 KiB.
    public static let minimumChunkSize = 64 << 10

    /// The number of jobs when none is asked for: one per active processor core.
    public static var defaultJobs: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    public init(
        paths: [String], format: LogFormat? = nil, catalog: Catalog, since: Int64? = nil, until: Int64? = nil,
        maxEvidence: Int = 3, utcOffsetSeconds: Int = 0, chunkSize: Int = 256 << 10, maxProblemsPerFile: Int = 10,
        jobs: Int = ScanConfiguration.defaultJobs
    ) {
        self.paths = paths
        self.format = format
        self.catalog = catalog
        self.since = since
        self.until = until
        self.maxEvidence = maxEvidence
        self.zone = .fixed(utcOffsetSeconds)
        self.chunkSize = chunkSize
        self.maxProblemsPerFile = maxProblemsPerFile
        self.jobs = max(1, jobs)
    }
}

/// How far a scan has got, for a progress line.
public struct ScanProgress: Sendable {
    public var filesDone: Int
    public var filesTotal: Int
    public var storedBytes: Int64
    public var seconds: Double
}
