/// Where decoders deliver records during a scan: the time window, then matching, then classification.
///
/// The sink belongs to one scan job; it holds the job's matcher and the classifier of the rotated set being read.
struct ScanSink: RecordSink {
    let matcher: CatalogMatcher
    let maxEvidence: Int
    private(set) var classifier: Classifier
    private(set) var window: WindowFilter
    private(set) var problems: ProblemLog
    /// Records decoded, in the window or not.
    private(set) var records = 0
    /// Rules whose regex hit its match limit: how often, and where first.
    private(set) var limitReached: [Int: (count: Int, first: String)] = [:]

    /// The source of records that name none: the rotated set's.
    private var setSource = 0
    private var file = ""
    /// The file before the current one in the set, for records that began there.
    private var previousFile = ""
    /// Records without a time of their own (a traceback's later lines) take the time of the previous record of
    /// the same source in the same file, by source number: in `docker compose logs` output the services interleave.
    private var lastTimes: [Int64?] = []
    private var hits: [CatalogMatcher.Hit] = []
    private var contextRules: [Int] = []
    private let tap: (@Sendable (TappedRecord) -> Void)?

    init(matcher: CatalogMatcher, configuration: ScanConfiguration) {
        self.matcher = matcher
        self.maxEvidence = configuration.maxEvidence
        self.classifier = Classifier(rules: matcher.program.table, maxEvidence: configuration.maxEvidence)
        self.window = WindowFilter(
            since: configuration.since, until: configuration.until, strict: configuration.strictWindow)
        self.problems = ProblemLog(limit: configuration.maxProblemsPerFile)
        self.tap = configuration.recordTap
    }

    /// A sink that counts into `classifier`, shared with other sinks: the live pipeline's, one sink per followed
    /// path and one classifier for all of them.
    init(matcher: CatalogMatcher, configuration: ScanConfiguration, classifier: Classifier, source: String) {
        self.init(matcher: matcher, configuration: configuration)
        self.classifier = classifier
        setSource = classifier.source(named: source)
    }

    /// The problems found since the last call, and forgets them. O(problems).
    mutating func takeProblems() -> (errors: [ScanError], skipped: [ScanError]) {
        problems.take()
    }

    /// Starts a rotated set shown as `source`, with a fresh classifier and counts.
    mutating func beginSet(source: String) {
        classifier = Classifier(rules: matcher.program.table, maxEvidence: maxEvidence)
        window = WindowFilter(since: window.since, until: window.until, strict: window.strict)
        problems = ProblemLog(limit: problems.limit)
        records = 0
        limitReached = [:]
        setSource = classifier.source(named: source)
        file = ""
        previousFile = ""
        lastTimes.removeAll(keepingCapacity: true)
    }

    mutating func beginFile(_ display: String) {
        previousFile = file
        file = display
        lastTimes.removeAll(keepingCapacity: true)
    }

    mutating func endFile() {
        problems.endFile(file)
    }

    /// Something the reader stepped over on purpose and says so (NUL padding); not an error.
    mutating func note(_ message: String, file display: String) {
        problems.note(ScanError(source: display, message: message))
    }

    mutating func inputProblem(_ error: InputError, file display: String) {
        problems.inputProblem(error, file: display)
    }

    mutating func accept(_ record: LogRecord) {
        records += 1
        let source = record.source.isEmpty ? setSource : classifier.source(namedBytes: record.source)
        if source >= lastTimes.count { lastTimes += Array(repeating: nil, count: source + 1 - lastTimes.count) }
        let time = record.time ?? lastTimes[source]
        lastTimes[source] = time
        guard window.admits(time) else { return }
        if let tap {
            tap(
                TappedRecord(
                    source: classifier.sourceName(source), file: fileName(of: record),
                    line: record.line, time: time, message: record.isCandidate ? Array(record.message) : nil))
        }
        guard record.isCandidate else { return classifier.pass(source: source) }
        matcher.match(record.message, hits: &hits, contextRules: &contextRules)
        for rule in matcher.limitReached {
            let place = "\(fileName(of: record)):\(record.line)"
            limitReached[rule, default: (0, place)].count += 1
        }
        guard !hits.isEmpty || !contextRules.isEmpty else { return classifier.pass(source: source) }
        classifier.observe(
            record.message,
            at: .init(
                source: source, file: fileName(of: record), line: record.line,
                offset: record.offset, time: time),
            hits: hits, contextRules: contextRules)
    }

    /// The file a record is shown in: the one it started in. A follower reads every file of its path under the
    /// path's name, so there the previous file has none of its own.
    private func fileName(of record: LogRecord) -> String {
        record.startsInPreviousFile && !previousFile.isEmpty ? previousFile : file
    }

    mutating func problem(_ problem: DecodeProblem) {
        problems.decodeProblem(problem, file: file)
    }
}
