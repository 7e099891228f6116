import Foundation

/// The pipeline's driver: input → decoding → matching → classification, for a whole `scan`.
///
/// Each rotated set is read oldest file first through one decoder, chunk by chunk into one reused buffer, so
/// memory stays bounded whatever the input size. A file that cannot be read, or whose gzip data breaks off, is
/// reported and the scan goes on with the rest.
public final class ScanPipeline {
    public let configuration: ScanConfiguration
    let matcher: CatalogMatcher
    let classifier: Classifier
    /// How many bytes to look at when detecting a file's format.
    static let sniffBytes = 64 << 10

    private var stats = ScanStats()
    private var errors: [ScanError] = []
    private var skipped: [ScanError] = []
    private var buffer: UnsafeMutableRawBufferPointer
    private var started = Date()

    public init(configuration: ScanConfiguration) {
        self.configuration = configuration
        self.matcher = CatalogMatcher(catalog: configuration.catalog)
        self.classifier = Classifier(matcher: matcher, maxEvidence: configuration.maxEvidence)
        self.buffer = .allocate(byteCount: max(configuration.chunkSize, Self.sniffBytes), alignment: 64)
    }

    deinit { buffer.deallocate() }

    /// Runs the scan. `progress` is called now and then (about every 8 MiB) from the scanning thread.
    public func run(progress: ((ScanProgress) -> Void)? = nil) -> ScanResult {
        started = Date()
        let (groups, problems) = InputDiscovery.discover(configuration.paths)
        for problem in problems { errors.append(ScanError(source: problem.path, message: problem.message)) }
        let total = groups.reduce(0) { $0 + $1.files.count }
        var lastReport: Int64 = 0
        var done = 0
        for group in groups {
            scan(group) { stored in
                guard let progress, stored - lastReport >= 8 << 20 else { return }
                lastReport = stored
                progress(
                    ScanProgress(
                        filesDone: done, filesTotal: total, storedBytes: stored,
                        seconds: Date().timeIntervalSince(self.started)))
            }
            done += group.files.count
            progress?(
                ScanProgress(
                    filesDone: done, filesTotal: total, storedBytes: stats.storedBytes,
                    seconds: Date().timeIntervalSince(started)))
        }
        stats.seconds = Date().timeIntervalSince(started)
        return ScanResult(incidents: classifier.finish(), stats: stats, errors: errors, skipped: skipped)
    }

    private func scan(_ group: InputGroup, progress: (Int64) -> Void) {
        var sink = ScanSink(scanner: self, groupSource: classifier.source(named: group.source))
        var decoder: (any LogDecoder)?
        var format: LogFormat?
        for path in group.files {
            read(path, sink: &sink, decoder: &decoder, format: &format, progress: progress)
        }
        decoder?.finish(into: &sink)
        sink.endFile()
    }

    /// Reads one file of a set through the set's decoder (a new one if the file's format differs).
    /// A read error ends the file, not the scan: what was read before it is decoded and counted first.
    private func read(
        _ path: String, sink: inout ScanSink, decoder: inout (any LogDecoder)?, format: inout LogFormat?,
        progress: (Int64) -> Void
    ) {
        let display = path == "-" ? "stdin" : path
        sink.beginFile(display)
        defer { sink.endFile() }
        let source: ByteSource
        do {
            let raw: ByteSource =
                path == "-" ? FileDescriptorSource(descriptor: 0) : try FileDescriptorSource(path: path)
            source = try InputOpener.open(raw)
        } catch {
            report(error, file: display)
            return
        }
        var failure: InputError?
        // Read a head large enough to recognise the format.
        var headCount = 0
        do {
            while headCount < Self.sniffBytes {
                let n = try source.read(
                    into: UnsafeMutableRawBufferPointer(rebasing: buffer[headCount..<Self.sniffBytes]))
                if n == 0 { break }
                headCount += n
            }
        } catch {
            failure = error
        }
        let head = UnsafeRawBufferPointer(rebasing: buffer[..<headCount])
        let detected = configuration.format ?? FormatSniffer.detect(head)
        // A file no log format recognises and with a NUL byte near the start is binary (wtmp, an executable).
        // Recognised formats may carry NULs legitimately: journald binary fields, the raw bytes of a TLS
        // handshake in nginx's error log.
        if detected == .plain, configuration.format == nil, let nul = head.prefix(8192).firstIndex(of: 0) {
            report(InputError(kind: .binary, operation: "read", offset: Int64(nul)), file: display)
            return
        }
        stats.files += 1
        if decoder == nil || detected != format {
            decoder?.finish(into: &sink)
            decoder = makeDecoder(detected, for: path)
            format = detected
        }
        stats.bytes += Int64(headCount)
        decoder!.feed(head, into: &sink)
        let storedBefore = stats.storedBytes
        if failure == nil {
            do {
                while true {
                    let n = try source.read(into: buffer)
                    if n == 0 { break }
                    stats.bytes += Int64(n)
                    decoder!.feed(UnsafeRawBufferPointer(rebasing: buffer[..<n]), into: &sink)
                    progress(storedBefore + source.storedOffset)
                }
            } catch {
                failure = error
            }
        }
        stats.storedBytes = storedBefore + source.storedOffset
        decoder!.endOfFile(into: &sink)
        if let failure { report(failure, file: display) }
    }

    private func report(_ error: InputError, file: String) {
        switch error.kind {
        case .journalFile, .binary:
            skipped.append(ScanError(source: file, message: error.description))
        default:
            errors.append(ScanError(source: file, message: error.description))
        }
    }

    private func makeDecoder(_ format: LogFormat, for path: String) -> any LogDecoder {
        var year = Calendar(identifier: .gregorian).component(.year, from: Date())
        if path != "-", let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let modified = attributes[.modificationDate] as? Date
        {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(secondsFromGMT: configuration.utcOffsetSeconds) ?? .current
            year = calendar.component(.year, from: modified)
        }
        let context = DecoderContext(defaultYear: year, utcOffsetSeconds: configuration.utcOffsetSeconds)
        return DecoderFactory.make(for: format, context: context)
    }

    /// Receives decoded records, applies the time window, and runs matching and classification.
    struct ScanSink: RecordSink {
        unowned let scanner: ScanPipeline
        let groupSource: Int
        var file = ""
        var problemsInFile = 0
        /// Records without a time of their own (a traceback's later lines) take the previous record's.
        var lastTime: Int64?
        var hits: [CatalogMatcher.Hit] = []
        var contextRules: [Int] = []
        var lastSourceBytes: [UInt8] = []
        var lastSource = 0

        init(scanner: ScanPipeline, groupSource: Int) {
            self.scanner = scanner
            self.groupSource = groupSource
        }

        /// The file before the current one in the set, for records that began there.
        var previousFile = ""

        mutating func beginFile(_ path: String) {
            previousFile = file
            file = path
            problemsInFile = 0
        }

        mutating func endFile() {
            let limit = scanner.configuration.maxProblemsPerFile
            if problemsInFile > limit {
                scanner.errors.append(
                    ScanError(source: file, message: "\(problemsInFile - limit) more problems like the above"))
            }
            problemsInFile = 0
        }

        mutating func accept(_ record: LogRecord) {
            scanner.stats.records += 1
            let time = record.time ?? lastTime
            lastTime = time
            if let time {
                if let since = scanner.configuration.since, time < since {
                    scanner.stats.recordsOutsideWindow += 1; return
                }
                if let until = scanner.configuration.until, time >= until {
                    scanner.stats.recordsOutsideWindow += 1; return
                }
            }
            scanner.matcher.match(record.message, hits: &hits, contextRules: &contextRules)
            let source = resolveSource(record.source)
            scanner.classifier.observe(
                record.message,
                at: .init(
                    source: source, file: record.startsInPreviousFile ? previousFile : file, line: record.line,
                    offset: record.offset, time: time),
                hits: hits, contextRules: contextRules)
        }

        mutating func problem(_ problem: DecodeProblem) {
            problemsInFile += 1
            guard problemsInFile <= scanner.configuration.maxProblemsPerFile else { return }
            scanner.errors.append(
                ScanError(
                    source: "\(file):\(problem.line)", message: "\(problem.message) (byte \(problem.offset))"))
        }

        /// The source a record names for itself (journald unit, compose service), or the file's.
        private mutating func resolveSource(_ bytes: UnsafeRawBufferPointer) -> Int {
            if bytes.isEmpty { return groupSource }
            if bytes.elementsEqual(lastSourceBytes) { return lastSource }
            lastSourceBytes = Array(bytes)
            lastSource = scanner.classifier.source(named: String(decoding: bytes, as: UTF8.self))
            return lastSource
        }
    }
}
