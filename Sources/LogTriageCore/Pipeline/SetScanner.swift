import Foundation

/// One scan job's worker: reads rotated sets, each oldest file first through one decoder, into its sink.
///
/// A worker owns one read buffer, reused for every chunk of every file, and one matcher; memory stays bounded
/// whatever the input size. A file that cannot be read, or whose compressed data breaks off, is reported and the
/// set goes on with its next file.
final class SetScanner {
    /// What scanning one rotated set yields; merged with the other sets' in input order.
    struct Result: Sendable {
        var tally: IncidentTally
        var stats: ScanStats
        var errors: [ScanError]
        var skipped: [ScanError]
        /// Rules whose regex hit its match limit in this set: how often, and where first.
        var limitReached: [Int: (count: Int, first: String)]
    }

    let configuration: ScanConfiguration
    private var sink: ScanSink
    private let buffer: UnsafeMutableRawBufferPointer
    /// This job's gzip inflaters, reused from file to file.
    private let inflaters = InflaterPool()
    /// The scan's job threads that have run out of work, when there are several.
    private let idle: IdleJobs?
    /// Plain files this worker went on reading on a reader thread, once another job's core was free.
    private(set) var filesReadAhead = 0

    init(configuration: ScanConfiguration, program: CatalogMatcher.Program, idle: IdleJobs? = nil) {
        self.configuration = configuration
        self.idle = idle
        self.sink = ScanSink(matcher: CatalogMatcher(program: program), configuration: configuration)
        self.buffer = .allocate(
            byteCount: max(configuration.chunkSize, ScanConfiguration.minimumChunkSize), alignment: 64)
    }

    deinit { buffer.deallocate() }

    /// Scans `set`. `progress` is told the stored and the decoded bytes read so far in it, after each chunk.
    func scan(_ set: InputGroup, progress: (Int64, Int64) -> Void) -> Result {
        sink.beginSet(source: set.source)
        var stats = ScanStats()
        var decoder: (any SinkBoundDecoder<ScanSink>)?
        var format: LogFormat?
        for path in set.files where configuration.cancellation?.isCancelled != true {
            read(path, decoder: &decoder, format: &format, stats: &stats, progress: progress)
        }
        decoder?.finish(into: &sink)
        sink.endFile()
        stats.records = sink.records
        stats.recordsOutsideWindow = sink.window.outside
        stats.recordsUndatedKept = sink.window.undatedKept
        return Result(
            tally: sink.classifier.tally(), stats: stats, errors: sink.problems.errors, skipped: sink.problems.skipped,
            limitReached: sink.limitReached)
    }

    /// Steps over NUL bytes at the start of a file, however many chunks they take, and leaves the head buffer
    /// holding the bytes after them. Returns how many there were. O(padding + head).
    private func skipPadding(_ input: InputFile, headCount: inout Int, failure: inout InputError?) -> Int64 {
        let sniff = UnsafeMutableRawBufferPointer(rebasing: buffer[..<ScanConfiguration.minimumChunkSize])
        var padding: Int64 = 0
        while headCount > 0 {
            let nuls = FormatSniffer.leadingNULs(UnsafeRawBufferPointer(rebasing: sniff[..<headCount]))
            guard nuls > 0 else { break }
            padding += Int64(nuls)
            if nuls < headCount {
                // Safe because both ranges lie inside `sniff`; memmove allows them to overlap.
                memmove(sniff.baseAddress!, sniff.baseAddress! + nuls, headCount - nuls)
                headCount -= nuls
                if failure == nil {
                    let (more, error) = input.fill(UnsafeMutableRawBufferPointer(rebasing: sniff[headCount...]))
                    headCount += more
                    failure = error
                }
                break
            }
            guard failure == nil else {
                headCount = 0
                break
            }
            (headCount, failure) = input.fill(sniff)
        }
        return padding
    }

    /// Reads one file of a set through the set's decoder (a new one if the file's format differs).
    /// A read error ends the file, not the set: what was read before it is decoded and counted first.
    private func read(
        _ path: String, decoder: inout (any SinkBoundDecoder<ScanSink>)?, format: inout LogFormat?,
        stats: inout ScanStats, progress: (Int64, Int64) -> Void
    ) {
        let display = InputFile.displayName(path)
        sink.beginFile(display)
        defer { sink.endFile() }
        // The head: large enough to recognise the format, and the whole of a small file.
        let sniff = UnsafeMutableRawBufferPointer(rebasing: buffer[..<ScanConfiguration.minimumChunkSize])
        let input: InputFile
        do {
            input = try InputFile.open(
                path, head: sniff, cancellation: configuration.cancellation, inflate: configuration.inflate,
                readAhead: configuration.readAhead, pool: inflaters,
                readAheadFrom: configuration.readAheadMinimumBytes, bufferSize: configuration.readAheadBufferBytes)
        } catch {
            // Stopped while waiting for a stream's first bytes: the scan's result says it was interrupted.
            if error.kind == .cancelled { return }
            if case .system(let code) = error.kind, code == EACCES || code == EPERM,
                !configuration.paths.contains(path)
            {
                // Met in a walk (/var/log/btmp, /var/log/private): said and passed over; only a file named on
                // the command line that cannot be read is an error.
                sink.note("cannot be read (\(String(cString: strerror(code)))); skipped", file: display)
            } else {
                sink.inputProblem(error, file: display)
            }
            return
        }
        var (headCount, headFailure) = input.fill(sniff, from: input.plainHead)
        let padding = skipPadding(input, headCount: &headCount, failure: &headFailure)
        if padding > 0 {
            sink.note(
                "the first \(padding) bytes are NUL padding (a copytruncate while the writer kept its offset); "
                    + "skipped", file: display)
        }
        var failure = headFailure
        // A head shorter than asked for, without an error, ended at the end of the input, and a plain file read to
        // its size when opened has nothing more to give: a small file is read in full by then, and asking again
        // would only be another system call returning nothing.
        let headReachedEnd = failure == nil && (headCount < sniff.count || input.readToSizeAtOpen)
        let head = UnsafeRawBufferPointer(rebasing: buffer[..<headCount])
        let detected = configuration.format ?? FormatSniffer.detect(head)
        if configuration.format == nil, let nul = FormatSniffer.binaryOffset(head, detected: detected) {
            sink.inputProblem(InputError(kind: .binary, operation: "read", offset: Int64(nul)), file: display)
            return
        }
        stats.files += 1
        if decoder == nil || detected != format {
            decoder?.finish(into: &sink)
            var context = DecoderContext(modified: input.modified, zone: configuration.zone)
            if configuration.candidateGates { context.gates = sink.matcher.program.gates }
            decoder = DecoderFactory.make(for: detected, context: context, sink: ScanSink.self)
            format = detected
        }
        let active = decoder!
        active.skipPadding(padding)
        let storedBefore = stats.storedBytes
        stats.bytes += padding + Int64(headCount)
        active.feed(head, into: &sink)
        // A reader thread searches the buffers waiting in its ring with the decoder's gate while it has nothing
        // else to do; what it found comes with the bytes.
        var source = input.source
        var ahead = source as? ReadAheadSource
        var foundEnds: [Int] = []
        var mayReadAhead = ahead == nil && configuration.readAhead
        func prepare(_ ahead: ReadAheadSource) {
            if let gate = active.gate { ahead.prepare { bytes, ends in gate.ends(in: bytes, into: &ends) } }
        }
        if let ahead { prepare(ahead) }
        if failure == nil && !headReachedEnd {
            do {
                while configuration.cancellation?.isCancelled != true {
                    if mayReadAhead, let more = readAhead(input, source, retry: &mayReadAhead) {
                        source = more
                        ahead = more
                        prepare(more)
                        filesReadAhead += 1
                    }
                    let chunk: UnsafeRawBufferPointer
                    var prepared = false
                    if let ahead {
                        // The reader's buffer itself, valid until the next read.
                        (chunk, prepared) = try ahead.readInPlace(ends: &foundEnds)
                    } else {
                        let n = try source.read(into: buffer)
                        chunk = UnsafeRawBufferPointer(rebasing: buffer[..<n])
                    }
                    if chunk.isEmpty { break }
                    stats.bytes += Int64(chunk.count)
                    if prepared, let gate = active.gate {
                        active.feed(chunk, found: GateEnds(gate: gate, ends: foundEnds), into: &sink)
                    } else {
                        active.feed(chunk, into: &sink)
                    }
                    progress(storedBefore + source.storedOffset, stats.bytes)
                }
            } catch {
                failure = error
            }
        }
        stats.storedBytes += source.storedOffset
        active.endOfFile(into: &sink)
        // The file as opened is shorter than what was read of it: truncated meanwhile. (Asked of the descriptor,
        // so a rotation renaming the file away is no truncation.)
        if failure == nil, !input.readWholeAtOnce, let size = input.sizeNow, size < source.storedOffset {
            failure = InputError(kind: .shrank(to: size), operation: "read", offset: source.storedOffset)
        }
        if let failure, failure.kind != .cancelled { sink.inputProblem(failure, file: display) }
    }

    /// The rest of a plain file, read on a thread of its own from now on, when another job's core has become free
    /// and enough of the file is left (a stream always is): that thread then reads and, while it is ahead, runs
    /// the gate's search. (Compressed files are read ahead from their start with more than one job; while every
    /// core scans a file of its own, a reader thread for plain data only moves the bytes between cores.)
    /// `retry` becomes false once it is no use asking again for this file.
    private func readAhead(_ input: InputFile, _ source: ByteSource, retry: inout Bool) -> ReadAheadSource? {
        guard idle?.any == true else { return nil }
        retry = false
        if let size = input.sizeNow, size - source.storedOffset < configuration.readAheadMinimumBytes { return nil }
        // Without a thread (out of resources), the file is read on this one, as before.
        return try? ReadAheadSource(upstream: source, bufferSize: configuration.readAheadBufferBytes)
    }
}
