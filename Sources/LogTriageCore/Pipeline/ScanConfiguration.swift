import Foundation

/// One decoded record, as `ScanConfiguration.recordTap` sees it.
public struct TappedRecord: Sendable {
    public var source: String
    public var file: String
    public var line: Int
    public var time: Int64?
    /// The message; nil when its buffer held no literal of the catalog (it cannot be evidence or context) and
    /// `candidateGates` skipped decoding it.
    public var message: [UInt8]?
}

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
    /// With a window, records without a time are left out rather than kept.
    public var strictWindow = false
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
    /// One job keeps the whole scan on one core: listing, inflating and matching take turns on one thread.
    public var jobs: Int
    /// Which library inflates gzip data.
    public var inflate: InflateEngine = .auto
    /// Whether a large file is read on a thread of its own, ahead of decoding and matching (a bounded ring of
    /// buffers): gzip data is inflated there, and while the ring is full that thread runs the gate's search on the
    /// buffers waiting, so that one large file keeps two cores busy. On with more than one job.
    public var readAhead: Bool
    /// Files from this size on are read ahead (when `readAhead` is set); smaller ones do not repay a thread.
    var readAheadMinimumBytes = InputFile.readAheadMinimumBytes
    /// The size of each of the read-ahead ring's buffers.
    var readAheadBufferBytes = ReadAheadSource.defaultBufferSize
    /// Stops the scan early when cancelled; the result then says it was interrupted.
    public var cancellation: ScanCancellation?
    /// Stored bytes read between two progress reports.
    public var progressInterval: Int64 = 8 << 20
    /// Sees every record in the window as it is decoded, in input order with `jobs: 1`: how `patterns test`
    /// explains each rule's decision on a sample log. Nil in a scan.
    public var recordTap: (@Sendable (TappedRecord) -> Void)?
    /// Whether decoders skip the records whose bytes hold no literal of the catalog (`CandidateGate`); false
    /// decodes every record in full, for a tap that shows every message.
    public var candidateGates = true

    /// The smallest chunk: a file's format is detected from its first 64 KiB.
    public static let minimumChunkSize = 64 << 10

    /// The number of jobs when none is asked for: one per active processor core.
    public static var defaultJobs: Int { availableCores }

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
        self.readAhead = self.jobs > 1
    }
}

/// How far a scan has got, for a progress line.
public struct ScanProgress: Sendable {
    public var filesDone: Int
    /// Files listed so far; final once `listingDone`.
    public var filesTotal: Int
    /// Bytes read as stored (compressed bytes for compressed files), and of those listed so far.
    public var storedBytes: Int64
    public var storedTotal: Int64 = 0
    /// Bytes decoded (decompressed), the quantity the report counts.
    public var decodedBytes: Int64 = 0
    /// Whether the listing of the inputs has ended, so that the totals are final.
    public var listingDone = false
    public var seconds: Double

    /// The progress line: `3/120 files, 150.2 of 707.1 MiB (412.0 MiB decoded), 250.3 MiB/s, about 12 s left`.
    /// Stored bytes are what the rate and the time left go by: the total is known from the listing; while it goes
    /// on, the total and the time left are not shown.
    public var line: String {
        func mebibytes(_ bytes: Int64) -> String {
            let tenths = Int((Double(bytes) / 1_048_576 * 10).rounded())
            return "\(tenths / 10).\(tenths % 10)"
        }
        let rate = seconds > 0 ? Int64(Double(storedBytes) / seconds) : 0
        var text = "\(filesDone)/\(filesTotal)\(listingDone ? "" : "+") files, \(mebibytes(storedBytes))"
        if listingDone { text += " of \(mebibytes(storedTotal))" }
        text += " MiB"
        if decodedBytes != storedBytes && decodedBytes > 0 { text += " (\(mebibytes(decodedBytes)) MiB decoded)" }
        text += ", \(mebibytes(rate)) MiB/s"
        if let left = secondsLeft {
            let whole = Int(left.rounded(.up))
            text += whole < 60 ? ", about \(whole) s left" : ", about \(whole / 60) min \(whole % 60) s left"
        }
        return text
    }

    /// Seconds left at the rate so far, once the totals are final and the rate is known; `nil` before.
    public var secondsLeft: Double? {
        guard listingDone, seconds > 0.5, storedBytes > 0, storedTotal >= storedBytes else { return nil }
        return Double(storedTotal - storedBytes) / (Double(storedBytes) / seconds)
    }
}
