import Foundation

/// The pipeline's driver: input → decoding → matching → classification, for a whole `scan`.
///
/// It only wires the stages: discovery lists the rotated sets, the job scheduler runs one `SetScanner` per
/// thread over them (largest set first), and each set's tally, counts and problems are merged in input order, so
/// the result is the same whatever the number of jobs.
public final class ScanPipeline {
    public let configuration: ScanConfiguration

    public init(configuration: ScanConfiguration) {
        self.configuration = configuration
    }

    /// Runs the scan. `progress` is called now and then (every `progressInterval` bytes, and after each set) from
    /// the scanning threads, one call at a time.
    public func run(progress: (@Sendable (ScanProgress) -> Void)? = nil) -> ScanResult {
        let started = Date()
        // The matcher's program is built while the inputs are listed: both take a few tens of milliseconds.
        let building = ProgramBuild(configuration.catalog)
        let (sets, problems) = InputDiscovery.discover(configuration.paths)
        let program = building.wait()
        var tally = IncidentTally(incidents: program.table.incidents, maxEvidence: configuration.maxEvidence)
        var stats = ScanStats()
        var errors = problems.map { ScanError(source: $0.path, message: $0.message) }
        var skipped: [ScanError] = []
        var limitReached: [Int: (count: Int, first: String)] = [:]
        let meter = ProgressMeter(
            filesTotal: sets.reduce(0) { $0 + $1.files.count }, jobs: configuration.jobs,
            interval: configuration.progressInterval, started: started, report: progress)
        let configuration = self.configuration
        JobScheduler.run(
            items: sets.count, jobs: configuration.jobs, order: Self.largestFirst(sets),
            makeWorker: { SetScanner(configuration: configuration, program: program) },
            work: { scanner, index in
                let job = meter.begin()
                let result = scanner.scan(sets[index]) { meter.update(job: job, storedBytes: $0) }
                meter.end(job: job, files: sets[index].files.count, storedBytes: result.stats.storedBytes)
                return result
            },
            deliver: { _, result in
                tally.merge(result.tally)
                stats.add(result.stats)
                errors += result.errors
                skipped += result.skipped
                for (rule, seen) in result.limitReached {
                    limitReached[rule, default: (0, seen.first)].count += seen.count
                }
            })
        // Once per rule, where it first happened: a regex cut off by its match limit is a record not verified.
        for (rule, seen) in limitReached.sorted(by: { $0.key < $1.key }) {
            let definition = program.table.rules[rule]
            errors.append(
                ScanError(
                    source: seen.first,
                    message: "rule '\(definition.definition.name)' of incident "
                        + "'\(program.table.incidents[definition.incident].id)': its regex hit the match limit "
                        + "(\(BoundedRegex.matchLimit) steps) on \(seen.count) record\(seen.count == 1 ? "" : "s"), "
                        + "the first here; they were not counted as evidence"))
        }
        stats.seconds = Date().timeIntervalSince(started)
        return ScanResult(incidents: tally.reports(), stats: stats, errors: errors, skipped: skipped)
    }

    /// Set indices, the set with the most stored bytes first, so that the last set to start is a small one.
    static func largestFirst(_ sets: [InputGroup]) -> [Int] {
        sets.indices.sorted { (-sets[$0].storedBytes, $0) < (-sets[$1].storedBytes, $1) }
    }
}

/// Builds the matcher's program on another thread.
final class ProgramBuild: @unchecked Sendable {
    // Safe because `program` is written once on the building thread before `done` is signalled, and read only
    // after waiting for it.
    private var program: CatalogMatcher.Program?
    private let done = DispatchSemaphore(value: 0)

    init(_ catalog: Catalog) {
        Thread.detachNewThread { [self] in
            program = CatalogMatcher.Program(RuleTable(catalog))
            done.signal()
        }
    }

    func wait() -> CatalogMatcher.Program {
        done.wait()
        return program!
    }
}

/// Adds up the progress of the jobs running at once, for one progress line.
final class ProgressMeter: @unchecked Sendable {
    // Safe because every stored property is read and written only while `lock` is held (the `let`s are
    // immutable), and `report` is only called with the lock held, so one call at a time.
    private let lock = NSLock()
    private let filesTotal: Int
    private let interval: Int64
    private let started: Date
    private let report: (@Sendable (ScanProgress) -> Void)?
    private var filesDone = 0
    private var storedDone: Int64 = 0
    /// Stored bytes of the sets being read, by job slot.
    private var running: [Int64?]
    private var lastReported: Int64 = 0

    init(filesTotal: Int, jobs: Int, interval: Int64, started: Date, report: (@Sendable (ScanProgress) -> Void)?) {
        self.filesTotal = filesTotal
        self.interval = interval
        self.started = started
        self.report = report
        self.running = Array(repeating: nil, count: max(1, jobs))
    }

    /// Takes a free slot for a set that starts now.
    func begin() -> Int {
        lock.lock()
        defer { lock.unlock() }
        let slot = running.firstIndex { $0 == nil } ?? running.count
        if slot == running.count { running.append(0) } else { running[slot] = 0 }
        return slot
    }

    func update(job: Int, storedBytes: Int64) {
        guard report != nil else { return }
        lock.lock()
        defer { lock.unlock() }
        running[job] = storedBytes
        let total = storedDone + running.reduce(0) { $0 + ($1 ?? 0) }
        guard total - lastReported >= interval else { return }
        lastReported = total
        send(total)
    }

    func end(job: Int, files: Int, storedBytes: Int64) {
        lock.lock()
        defer { lock.unlock() }
        running[job] = nil
        filesDone += files
        storedDone += storedBytes
        send(storedDone + running.reduce(0) { $0 + ($1 ?? 0) })
    }

    private func send(_ stored: Int64) {
        report?(
            ScanProgress(
                filesDone: filesDone, filesTotal: filesTotal, storedBytes: stored,
                seconds: Date().timeIntervalSince(started)))
    }
}
