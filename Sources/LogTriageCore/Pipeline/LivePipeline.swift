import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The live pipeline's driver, for `tail`: follow → decoding → matching → classification → reporting and state.
///
/// One thread runs a loop: wait for the `Watcher`, let every `LiveFollower` (one per followed path) and the stream
/// read what is new through the same decoders, matcher and classifier as `scan`, print the incidents counted, then
/// commit the files' checkpoints and what was counted in one transaction. Printing comes before committing: after
/// a crash an incident may be printed again, but nothing is lost and nothing is counted twice, because the lines
/// read after the last commit are read again and counted only then.
///
/// SIGINT and SIGTERM end the loop after a last commit, and the summary of what was seen is printed; SIGHUP loads
/// the catalog again and goes on with it.
public final class LivePipeline {
    public let configuration: LiveConfiguration
    private let report: LiveReport
    private let reloadCatalog: (() throws -> Catalog)?
    private let write: (String) -> Void
    private let warn: (String) -> Void

    private var store: StateStore!
    private var environment: LiveEnvironment!
    private var followers: [String: LiveFollower] = [:]
    private var stream: LiveStream?
    private let watcher: Watcher
    /// What was committed of each followed file, to write only what changed.
    private var written: [Int64: FollowedFileState] = [:]
    private var alerts: [String: AlertState] = [:]
    /// All-time counts per incident id.
    private var totals: [String: Int] = [:]
    /// What this run counted, for the summary.
    private var seen: IncidentTally!
    private var pending: [(incident: Int, evidence: Evidence, values: [(name: String, value: String)], new: Bool)] = []
    private var recordsCommitted: [ObjectIdentifier: Int] = [:]
    private var problemsSeen: [ScanError] = []
    private var stats = ScanStats()
    private var decodeErrors: Int64 = 0
    private var lastEvent: Int64?
    private var lastMetrics = -Double.infinity
    private var lastRescan = -Double.infinity
    private var lastPrune = -Double.infinity
    private let signals = SignalFlags()
    private var signalSources: [DispatchSourceSignal] = []

    /// `write` prints to standard output, `warn` one line to standard error. `reloadCatalog` gives the catalog
    /// again on SIGHUP.
    public init(
        configuration: LiveConfiguration, report: LiveReport, reloadCatalog: (() throws -> Catalog)? = nil,
        write: @escaping (String) -> Void, warn: @escaping (String) -> Void
    ) {
        self.configuration = configuration
        self.report = report
        self.reloadCatalog = reloadCatalog
        self.write = write
        self.warn = warn
        self.watcher = Watcher(mode: configuration.watch)
    }

    /// Follows until SIGINT or SIGTERM (or the end of the stream, when only a stream is followed), then returns
    /// the summary of what was seen. Throws when the state store cannot be used.
    /// What is followed, for the line on standard error that says following has begun.
    private func followedDescription() -> String {
        var parts: [String] = []
        if configuration.standardInput { parts.append("standard input") }
        if configuration.journal { parts.append("the journal") }
        let paths = configuration.scan.paths.filter { $0 != "-" }
        if !paths.isEmpty {
            parts.append(
                "\(followers.count) file\(followers.count == 1 ? "" : "s") in "
                    + paths.map(TerminalText.visible).joined(separator: ", "))
        }
        return parts.joined(separator: " and ")
    }

    public func run() throws(StateError) -> ScanResult {
        let started = Date()
        store = try StateStore(directory: configuration.stateDirectory, writer: true)
        let stored = try store.files()
        alerts = try store.alerts()
        let counters = try store.counters()
        lastEvent = counters["last_event_time"]
        let program = CatalogMatcher.Program(RuleTable(configuration.scan.catalog))
        setUp(program: program, firstID: (stored.map(\.id).max() ?? 0) + 1)
        let allTime = try store.tally(
            sinceMinute: nil, incidents: program.table.incidents, maxEvidence: configuration.scan.maxEvidence)
        for report in allTime.tally.reports() { totals[report.incident.id] = report.count }
        if let reason = watcher.fallbackReason {
            warn("logtriage: warning: inotify cannot be used (\(reason)); polling every 0.25 s")
        }
        installSignalHandlers()

        if configuration.standardInput {
            stream = LiveStream(standardInputWith: environment)
        } else if configuration.journal {
            do {
                stream = try LiveStream(
                    journalWith: environment, journalctl: configuration.journalctl, cursor: try store.journalCursor(),
                    fromStart: configuration.fromStart)
            } catch let error as StateError {
                throw error
            } catch {
                throw StateError(directory: configuration.stateDirectory, "cannot run journalctl: \(error)")
            }
        }
        if let descriptor = stream?.waitDescriptor { watcher.streams = [descriptor] }

        let byPath = Dictionary(grouping: stored, by: \.path)
        discover(startup: true, stored: byPath)
        for row in stored { written[row.id] = row }
        try flush(now: Self.monotonic())
        warn("logtriage: following " + followedDescription() + "; state in \(configuration.stateDirectory)")

        var lastCycle = Self.monotonic()
        while !signals.stop {
            if signals.takeReload() { reload() }
            let woke = watcher.wait()
            if woke {
                // Appends that come together are read together: wait out the rest of the batch interval.
                let rest = configuration.batchInterval - (Self.monotonic() - lastCycle)
                if rest > 0 { usleep(UInt32(rest * 1e6)) }
            }
            let now = Self.monotonic()
            lastCycle = now
            if watcher.entriesChanged || now - lastRescan >= rescanInterval {
                watcher.entriesChanged = false
                discover(startup: false, stored: [:])
            }
            for follower in followers.values { follower.poll(now: now) }
            stream?.poll()
            try flush(now: now)
            if let stream, stream.ended {
                watcher.streams = []
                if followers.isEmpty && configuration.scan.paths.isEmpty { break }
            }
        }
        for follower in followers.values { follower.poll(now: Self.monotonic()) }
        stream?.poll()
        try flush(now: Self.monotonic())
        writeMetrics(force: true)
        stats.seconds = Date().timeIntervalSince(started)
        stats.files = followers.count
        return ScanResult(incidents: seen.reports(), stats: stats, errors: problemsSeen, skipped: [])
    }

    /// How often followed folders are listed again when no event says that they changed.
    private var rescanInterval: Double {
        if case .poll(let seconds) = watcher.mode { return max(seconds, 1) }
        return 5
    }

    private func setUp(program: CatalogMatcher.Program, firstID: Int64) {
        let classifier = Classifier(rules: program.table, maxEvidence: configuration.scan.maxEvidence)
        classifier.onCount = { [unowned self] incident, evidence, values, new in
            pending.append((incident, evidence, values, new))
        }
        environment = LiveEnvironment(
            configuration: configuration.scan, matcher: CatalogMatcher(program: program), classifier: classifier,
            firstID: firstID)
        var tally = IncidentTally(incidents: program.table.incidents, maxEvidence: configuration.scan.maxEvidence)
        if let old = seen {
            let index = Dictionary(old.incidents.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
            for (number, incident) in program.table.incidents.enumerated() {
                guard let before = index[incident.id] else { continue }
                let entry = old.entry(before)
                if entry.count > 0 { tally.restore(entry, incident: number) }
            }
        }
        seen = tally
    }

    // MARK: - Following

    /// Lists the followed paths again and follows the live files not followed yet: at startup from their end
    /// (or start, with `--from-start`) or from their committed state; later from their start, since they
    /// appeared while being followed.
    private func discover(startup: Bool, stored: [String: [FollowedFileState]]) {
        lastRescan = Self.monotonic()
        let roots = configuration.scan.paths
        guard !roots.isEmpty else { return }
        let (groups, problems) = InputDiscovery.discover(roots)
        var folders: Set<String> = []
        for root in roots where InputDiscovery.fileType(root) == .directory { folders.insert(root) }
        for group in groups {
            guard let live = group.files.last, RotationName(fileName: PathName.split(live).name).age == .live,
                !live.hasSuffix(".gz"), live != "-"
            else { continue }
            folders.insert(PathName.split(live).directory)
            guard followers[live] == nil else { continue }
            followers[live] = LiveFollower(
                path: live, source: group.source, stored: stored[live] ?? [],
                fromStart: startup ? configuration.fromStart : true, environment: environment)
        }
        if startup {
            // Files followed before and rotated away since, whose live name is not back yet.
            for (path, rows) in stored where followers[path] == nil {
                followers[path] = LiveFollower(
                    path: path, source: path, stored: rows, fromStart: false, environment: environment)
            }
            for problem in problems {
                warn("logtriage: \(TerminalText.visible(problem.path)): \(TerminalText.visible(problem.message))")
            }
            // A named file that does not exist yet is followed once it appears, as `tail -F` does.
            for root in roots where followers[root] == nil && InputDiscovery.fileType(root) != .directory {
                if case .missing = InputDiscovery.fileType(root) {
                    followers[root] = LiveFollower(
                        path: root, source: root, stored: [], fromStart: true, environment: environment)
                }
            }
        }
        for follower in followers.values { folders.insert(PathName.split(follower.path).directory) }
        for folder in folders { watcher.watch(directory: folder.isEmpty ? "." : folder) }
        // Subfolders of followed folders: a new container's folder is watched before its log appears.
        for root in roots where InputDiscovery.fileType(root) == .directory {
            for entry in (try? PathName.entries(of: root).get()) ?? [] {
                let path = PathName.join(root, entry)
                if InputDiscovery.fileType(path) == .directory { watcher.watch(directory: path) }
            }
        }
    }

    /// Reports and commits what the followers read since the last flush. O(what was read).
    private func flush(now: Double) throws(StateError) {
        let wall = Int64(Date().timeIntervalSince1970 * 1e6)
        var batch = StateBatch()
        var records = 0
        var bytes: Int64 = 0
        let readers: [(AnyObject, () -> (errors: [ScanError], notes: [ScanError]), Int)] =
            followers.values.map { ($0, $0.takeProblems, $0.records) }
            + (stream.map { [($0, $0.takeProblems, $0.records)] } ?? [])
        for (reader, take, count) in readers {
            let (errors, notes) = take()
            for problem in errors + notes {
                warn("logtriage: \(TerminalText.visible(problem.source)): \(TerminalText.visible(problem.message))")
            }
            for problem in errors {
                if problemsSeen.count < 1000 { problemsSeen.append(problem) }
                decodeErrors += 1
                batch.counterDeltas["decode_errors", default: 0] += 1
            }
            let key = ObjectIdentifier(reader)
            records += count - recordsCommitted[key, default: 0]
            recordsCommitted[key] = count
        }
        for follower in followers.values { bytes += follower.bytesRead }
        bytes += stream?.bytesRead ?? 0
        stats.records += records
        stats.bytes += bytes
        batch.counterDeltas["records"] = Int64(records)
        batch.counterDeltas["bytes"] = bytes

        var out = ""
        let incidents = environment.classifier.table.incidents
        for occurrence in pending {
            var evidence = occurrence.evidence
            // A record without a time of its own happened when it was read.
            if evidence.time == nil { evidence.time = wall }
            let minute = Self.minute(of: evidence.time!)
            let incident = incidents[occurrence.incident]
            if batch.tallies[minute] == nil {
                batch.tallies[minute] = IncidentTally(
                    incidents: incidents, maxEvidence: configuration.scan.maxEvidence)
            }
            guard occurrence.new else {
                batch.tallies[minute]!.mergeValues(occurrence.values, incident: occurrence.incident)
                seen.mergeValues(occurrence.values, incident: occurrence.incident)
                continue
            }
            batch.tallies[minute]!.add(evidence, incident: occurrence.incident, values: occurrence.values)
            seen.add(evidence, incident: occurrence.incident, values: occurrence.values)
            totals[incident.id, default: 0] += 1
            lastEvent = wall
            batch.counterValues["last_event_time"] = wall
            var alert = alerts[incident.id] ?? AlertState(reported: 0, suppressed: 0)
            let due = alerts[incident.id] == nil || Double(wall) - Double(alert.reported) >= configuration.window * 1e6
            if configuration.window <= 0 || due {
                out += report.render(
                    LiveReport.Event(
                        incident: incident, evidence: evidence, values: Self.values(occurrence.values, of: incident),
                        count: totals[incident.id]!, repeatsNotPrinted: alert.suppressed, detected: wall))
                alert = AlertState(reported: wall, suppressed: 0)
            } else {
                alert.suppressed += 1
            }
            alerts[incident.id] = alert
            batch.alerts[incident.id] = alert
        }
        pending.removeAll()
        if !out.isEmpty { write(out) }

        for follower in followers.values {
            for state in follower.states() where written[state.id] != state {
                batch.files.append(state)
                written[state.id] = state
            }
            for id in follower.released {
                written[id] = nil
                batch.removedFiles.append(id)
            }
        }
        // A file let go and followed again under a new number is written after its removal: drop the removal.
        let kept = Set(batch.files.map(\.id))
        batch.removedFiles.removeAll { kept.contains($0) }
        if let cursor = stream?.cursor { batch.journalCursor = cursor }
        if !batch.isEmpty { try store.commit(batch) }
        for follower in followers.values { follower.committed() }
        stream?.committed()
        // A file named on the command line is waited for even while it does not exist; others go when gone.
        let named = Set(configuration.scan.paths)
        followers = followers.filter { !$0.value.isFinished || named.contains($0.key) }
        if now - lastPrune >= 3600 { prune() }
        writeMetrics(force: false, now: now)
    }

    /// Forgets what was counted longer ago than the retention, hourly.
    private func prune() {
        lastPrune = Self.monotonic()
        guard let keep = configuration.retention else { return }
        do {
            try store.prune(countedBefore: Int64((Date().timeIntervalSince1970 - keep) * 1e6))
        } catch {
            warn("logtriage: \(error)")
        }
    }

    private func writeMetrics(force: Bool, now: Double = LivePipeline.monotonic()) {
        guard let path = configuration.metricsFile, force || now - lastMetrics >= configuration.metricsInterval
        else { return }
        lastMetrics = now
        var counts = MetricsFile.Counts()
        counts.incidents = environment.classifier.table.incidents.map {
            ($0.id, $0.severity.rawValue, totals[$0.id] ?? 0)
        }
        if let all = try? store.counters() {
            counts.records = all["records"] ?? 0
            counts.bytes = all["bytes"] ?? 0
            counts.decodeErrors = all["decode_errors"] ?? 0
        }
        counts.filesFollowed = followers.values.reduce(0) { $0 + ($1.current == nil ? 0 : 1) }
        counts.lastEvent = lastEvent
        do {
            try MetricsFile.write(counts, to: path)
        } catch {
            warn("logtriage: \(error)")
        }
    }

    /// SIGHUP: the catalog is loaded again; decoders restart from their checkpoints with the new catalog's gates.
    private func reload() {
        guard let reloadCatalog else { return }
        let catalog: Catalog
        do {
            catalog = try reloadCatalog()
        } catch {
            warn("logtriage: SIGHUP: the patterns were not reloaded: \(error)")
            return
        }
        try? flush(now: Self.monotonic())
        var scan = configuration.scan
        scan.catalog = catalog
        let program = CatalogMatcher.Program(RuleTable(catalog))
        let nextID = environment.newID()
        let previous = followers
        setUp(program: program, firstID: nextID)
        followers = [:]
        recordsCommitted = [:]
        for (path, follower) in previous {
            followers[path] = LiveFollower(
                path: path, source: follower.source, stored: follower.states(), fromStart: false,
                environment: environment)
        }
        warn("logtriage: SIGHUP: patterns reloaded (\(program.table.incidents.count) incidents)")
    }

    // MARK: - Helpers

    private func installSignalHandlers() {
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            let flags = signals
            let watcher = self.watcher
            source.setEventHandler {
                if number == SIGHUP { flags.requestReload() } else { flags.requestStop() }
                watcher.wake()
            }
            source.resume()
            signalSources.append(source)
        }
    }

    /// The minute (since the epoch) that a time in µs falls in: how the state store files what was counted.
    public static func minute(of micros: Int64) -> Int64 { Timestamp.minute(of: micros) }

    static func values(_ found: [(name: String, value: String)], of incident: Incident) -> [IncidentReport.Value] {
        var names = incident.valueLabels.map(\.name)
        for (name, _) in found where !names.contains(name) { names.append(name) }
        return names.compactMap { name in
            var list: [String] = []
            for (n, value) in found where n == name && !list.contains(value) { list.append(value) }
            return list.isEmpty ? nil : .init(name: name, label: incident.label(for: name), values: list)
        }
    }

    static func monotonic() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}

/// Which signals have arrived, set from the signal sources' queue and read by the loop.
final class SignalFlags: @unchecked Sendable {
    // Safe because both flags are read and written only while `lock` is held.
    private let lock = NSLock()
    private var stopRequested = false
    private var reloadRequested = false

    var stop: Bool { lock.withLock { stopRequested } }
    func requestStop() { lock.withLock { stopRequested = true } }
    func requestReload() { lock.withLock { reloadRequested = true } }
    func takeReload() -> Bool {
        lock.withLock {
            defer { reloadRequested = false }
            return reloadRequested
        }
    }
}
