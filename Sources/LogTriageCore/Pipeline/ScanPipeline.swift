import Foundation

/// The pipeline's driver: input → decoding → matching → classification, for a whole `scan`.
///
/// It only wires the stages: discovery lists the rotated sets on a thread of its own, the job scheduler runs one
/// `SetScanner` per thread over them as they come (the largest set waiting first), and each set's tally, counts and
/// problems are merged in input order, so the result is the same whatever the number of jobs. With one job,
/// listing and scanning take turns on the calling thread instead.
public final class ScanPipeline {
    public let configuration: ScanConfiguration

    public init(configuration: ScanConfiguration) {
        self.configuration = configuration
    }

    /// Runs the scan. `progress` is called now and then (every `progressInterval` bytes, and after each set) from
    /// the scanning threads, one call at a time.
    public func run(progress: (@Sendable (ScanProgress) -> Void)? = nil) -> ScanResult {
        let started = Date()
        let configuration = self.configuration
        // With one job the scan stays on one core, as `rg --threads 1` does: the program is built, then each
        // folder is listed and its sets scanned in turn, on this thread. With more, the program is built while the
        // inputs are listed on a thread of their own, and sets are scanned as soon as the folder holding them has
        // been listed.
        let oneCore = configuration.jobs <= 1
        let building = oneCore ? nil : ProgramBuild(configuration.catalog)
        let meter = ProgressMeter(
            jobs: configuration.jobs, interval: configuration.progressInterval, started: started, report: progress)
        let listing = oneCore ? nil : Listing(configuration.paths, meter: meter)
        let program = building?.wait() ?? CatalogMatcher.Program(RuleTable(configuration.catalog), threads: 1)
        var tally = IncidentTally(incidents: program.table.incidents, maxEvidence: configuration.maxEvidence)
        var stats = ScanStats()
        var setErrors: [ScanError] = []
        var skipped: [ScanError] = []
        var limitReached: [Int: (count: Int, first: String)] = [:]
        func scan(_ set: InputGroup, with scanner: SetScanner) -> SetScanner.Result {
            let job = meter.begin()
            let result = scanner.scan(set) { meter.update(job: job, storedBytes: $0, decodedBytes: $1) }
            meter.end(
                job: job, files: set.files.count, storedBytes: result.stats.storedBytes,
                decodedBytes: result.stats.bytes)
            return result
        }
        func deliver(_ result: SetScanner.Result) {
            tally.merge(result.tally)
            stats.add(result.stats)
            setErrors += result.errors
            skipped += result.skipped
            for (rule, seen) in result.limitReached {
                limitReached[rule, default: (0, seen.first)].count += seen.count
            }
        }
        let listingProblems: [InputProblem]
        if let listing {
            let idle = IdleJobs()
            JobScheduler.run(
                queue: listing.queue, jobs: configuration.jobs, idle: idle,
                makeWorker: { SetScanner(configuration: configuration, program: program, idle: idle) },
                work: { scanner, index in scan(listing.take(index), with: scanner) },
                deliver: { _, result in deliver(result) })
            listingProblems = listing.problems()
        } else {
            let scanner = SetScanner(configuration: configuration, program: program)
            // Each set is scanned once the next is listed, and the last once the listing has ended, so that the
            // progress after the last set has the totals.
            var listed: InputGroup?
            listingProblems = InputDiscovery.discover(configuration.paths) { set in
                meter.addFiles(set.files.count, storedBytes: set.storedBytes)
                if let listed { deliver(scan(listed, with: scanner)) }
                listed = set
            }
            meter.listingEnded()
            if let listed { deliver(scan(listed, with: scanner)) }
        }
        // Problems of the listing come first, as they were found before any set was read.
        var errors = listingProblems.map { ScanError(source: $0.path, message: $0.message) } + setErrors
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
        var result = ScanResult(incidents: tally.reports(), stats: stats, errors: errors, skipped: skipped)
        result.interrupted = configuration.cancellation?.isCancelled == true
        return result
    }

}

/// Discovery on a thread of its own, feeding the job queue with each rotated set as it is found.
final class Listing: @unchecked Sendable {
    // Safe because `sets` and `found` are read and written only while `lock` is held; `done` orders the write of
    // `found` before its read.
    private let lock = NSLock()
    private var sets: [InputGroup] = []
    private var found: [InputProblem] = []
    private let done = DispatchSemaphore(value: 0)
    let queue = JobQueue()

    init(_ paths: [String], meter: ProgressMeter) {
        Thread.detachNewThread { [self] in
            let problems = InputDiscovery.discover(paths) { set in
                lock.lock()
                sets.append(set)
                lock.unlock()
                meter.addFiles(set.files.count, storedBytes: set.storedBytes)
                queue.add(size: set.storedBytes)
            }
            lock.lock()
            found = problems
            lock.unlock()
            meter.listingEnded()
            queue.finish()
            done.signal()
        }
    }

    /// Set `index`, handed over: the queue hands out each index once, so the listing keeps no copy of it (the paths
    /// of a tree of many files would otherwise stay in memory to the end of the scan). It has been added to the
    /// queue, so it exists.
    func take(_ index: Int) -> InputGroup {
        lock.lock()
        defer { lock.unlock() }
        let set = sets[index]
        sets[index] = InputGroup(source: "", files: [])
        return set
    }

    /// The problems the listing found; waits for it to end.
    func problems() -> [InputProblem] {
        done.wait()
        lock.lock()
        defer { lock.unlock() }
        return found
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
    private var filesTotal = 0
    private var storedTotal: Int64 = 0
    private var listingDone = false
    private var decodedDone: Int64 = 0
    /// Decoded bytes of the sets being read, by job slot.
    private var decodedRunning: [Int64] = []
    private let interval: Int64
    private let started: Date
    private let report: (@Sendable (ScanProgress) -> Void)?
    private var filesDone = 0
    private var storedDone: Int64 = 0
    /// Stored bytes of the sets being read, by job slot.
    private var running: [Int64?]
    private var lastReported: Int64 = 0

    init(jobs: Int, interval: Int64, started: Date, report: (@Sendable (ScanProgress) -> Void)?) {
        self.interval = interval
        self.started = started
        self.report = report
        self.running = Array(repeating: nil, count: max(1, jobs))
    }

    /// Counts files found by the listing, which goes on while sets are read.
    func addFiles(_ count: Int, storedBytes: Int64 = 0) {
        lock.lock()
        filesTotal += count
        storedTotal += storedBytes
        lock.unlock()
    }

    /// The listing has ended: the totals are final.
    func listingEnded() {
        lock.lock()
        listingDone = true
        lock.unlock()
    }

    /// Takes a free slot for a set that starts now.
    func begin() -> Int {
        lock.lock()
        defer { lock.unlock() }
        let slot = running.firstIndex { $0 == nil } ?? running.count
        if slot == running.count { running.append(0) } else { running[slot] = 0 }
        while decodedRunning.count < running.count { decodedRunning.append(0) }
        decodedRunning[slot] = 0
        return slot
    }

    func update(job: Int, storedBytes: Int64, decodedBytes: Int64 = 0) {
        guard report != nil else { return }
        lock.lock()
        defer { lock.unlock() }
        running[job] = storedBytes
        decodedRunning[job] = decodedBytes
        let total = storedDone + running.reduce(0) { $0 + ($1 ?? 0) }
        guard total - lastReported >= interval else { return }
        lastReported = total
        send(total)
    }

    func end(job: Int, files: Int, storedBytes: Int64, decodedBytes: Int64 = 0) {
        lock.lock()
        defer { lock.unlock() }
        running[job] = nil
        decodedRunning[job] = 0
        filesDone += files
        storedDone += storedBytes
        decodedDone += decodedBytes
        send(storedDone + running.reduce(0) { $0 + ($1 ?? 0) })
    }

    private func send(_ stored: Int64) {
        var progress = ScanProgress(
            filesDone: filesDone, filesTotal: filesTotal, storedBytes: stored,
            seconds: Date().timeIntervalSince(started))
        progress.storedTotal = storedTotal
        progress.decodedBytes = decodedDone + decodedRunning.reduce(0, +)
        progress.listingDone = listingDone
        report?(progress)
    }
}
