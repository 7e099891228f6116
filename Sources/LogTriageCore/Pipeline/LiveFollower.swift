import Foundation

/// Follows one live path (`/var/log/nginx/error.log`, a container's `…-json.log`) through its rotations, for
/// `tail`: the file now at the path, read as it grows, and files a rotation moved away, read to their end.
///
/// Every look at the path tells what happened since the last (`LiveFile.Change`):
/// - rename + create (logrotate's default, docker's own rotation): the old file is read to its end, then its
///   decoder goes on into the new file, so a docker line split across the rotation is still joined; the old file
///   stays open for `rotateWait` seconds in case its writer has not reopened yet (nginx before `USR1`);
/// - copytruncate: the bytes not read before the truncation are read from the copy beside it (`x.log.1`, plain
///   or compressed), then the file from its start;
/// - gone: read to its end, and let go once nothing has come back for `rotateWait` seconds.
/// After a restart the same is done from the committed checkpoints: a file rotated while nobody followed it is
/// found beside its path by inode or first bytes and read on from where it stopped, then the rotations newer than
/// it, then the live file.
final class LiveFollower {
    typealias Decoder = any SinkBoundDecoder<ScanSink>

    /// A decoder, or what is needed to make one when the first bytes come: the format if known, and where to
    /// resume. It moves from a rotated file to its successor, carrying records held across the rotation.
    final class Slot {
        var decoder: Decoder?
        var format: LogFormat?
        /// Where the decoder starts when it is made: a checkpoint restored, or the end of a file first seen.
        var pending: DecoderCheckpoint
        /// Binary data: reported once and not read.
        var ignored = false

        init(decoder: Decoder? = nil, format: LogFormat?, pending: DecoderCheckpoint) {
            self.decoder = decoder
            self.format = format
            self.pending = pending
        }

        /// Where a restart resumes.
        var checkpoint: DecoderCheckpoint { decoder?.checkpoint ?? pending }
    }

    /// One open file and the slot reading it.
    final class Reading {
        let id: Int64
        let file: LiveFile
        var slot: Slot
        /// When a rotation moved it away (seconds, monotonic); `nil` for the file at the path.
        var drainingSince: Double?
        var lastGrowth: Double = 0
        /// The file read before this one under the same path.
        var predecessor: FileIdentity?
        /// Where the file's content starts after NUL padding, while reading has not gone past it; -1 when not
        /// read from its start.
        var paddingEnd: Int64

        init(id: Int64, file: LiveFile, slot: Slot, predecessor: FileIdentity? = nil) {
            self.id = id
            self.file = file
            self.slot = slot
            self.predecessor = predecessor
            self.paddingEnd = file.offset == 0 ? 0 : -1
        }
    }

    let path: String
    /// How records that name no source of their own are shown: the container, or the path.
    let source: String
    private(set) var sink: ScanSink
    private let environment: LiveEnvironment
    private(set) var current: Reading?
    private(set) var drains: [Reading] = []
    /// The slot of a file that went missing, for the next file at the path.
    private var carried: Slot?
    private var missingSince: Double?
    /// Files let go since the last commit.
    private(set) var released: [Int64] = []
    /// Decompressed bytes read since the last commit.
    private(set) var bytesRead: Int64 = 0

    /// Seconds a file renamed away is still read, and a missing path is waited for.
    static let rotateWait = 5.0

    /// Follows `path`, as the state store last left it (`stored`: its live file and any still draining), or
    /// from its end (its start with `fromStart`) when it was never followed.
    init(path: String, source: String, stored: [FollowedFileState], fromStart: Bool, environment: LiveEnvironment) {
        self.path = path
        self.source = source
        self.environment = environment
        self.sink = ScanSink(
            matcher: environment.matcher, configuration: environment.configuration,
            classifier: environment.classifier, source: source)
        sink.beginFile(path)
        for row in stored where row.draining { recoverRotated(row, thenLive: false) }
        if let live = stored.first(where: { !$0.draining }) {
            resume(live)
        } else if let file = try? LiveFile(path: path) {
            let reading = Reading(id: environment.newID(), file: file, slot: Slot(format: nil, pending: .start))
            current = reading
            if !fromStart { skipToEnd(reading) }
        }
    }

    /// Whether the path is gone for good and nothing is left to read.
    var isFinished: Bool { current == nil && drains.isEmpty && carried == nil && missingSince == nil }

    /// The followed files' state for the next commit.
    func states() -> [FollowedFileState] {
        (drains + (current.map { [$0] } ?? [])).map { reading in
            reading.file.refreshFingerprint()
            return FollowedFileState(
                id: reading.id, path: path, identity: reading.file.identity, format: reading.slot.format,
                checkpoint: reading.slot.checkpoint, draining: reading.drainingSince != nil,
                predecessor: reading.predecessor)
        }
    }

    /// Forgets what was reported to the last commit.
    func committed() {
        released = []
        bytesRead = 0
    }

    /// Problems found since the last call, and notes of what was stepped over on purpose.
    func takeProblems() -> (errors: [ScanError], notes: [ScanError]) {
        let (errors, skipped) = sink.takeProblems()
        return (errors, skipped)
    }

    /// Records decoded so far.
    var records: Int { sink.records }

    // MARK: - Following

    /// Reads what is new and looks at the path. O(bytes read).
    func poll(now: Double) {
        for reading in drains where pump(reading) { reading.lastGrowth = now }
        drains.removeAll { reading in
            guard now - reading.drainingSince! >= Self.rotateWait, now - reading.lastGrowth >= 1 else { return false }
            reading.slot.decoder?.finish(into: &sink)
            released.append(reading.id)
            return true
        }
        if current == nil {
            guard let file = try? LiveFile(path: path) else {
                if let since = missingSince, now - since >= Self.rotateWait { finishCarried() }
                return
            }
            missingSince = nil
            current = Reading(id: environment.newID(), file: file, slot: carried ?? Slot(format: nil, pending: .start))
            carried = nil
        }
        guard let reading = current else { return }
        // Look before reading: bytes of a file truncated and written again are not the ones after `offset`.
        switch reading.file.change(at: path) {
        case .same:
            missingSince = nil
            pump(reading)
        case .truncated:
            recoverTruncation(reading)
        case .replaced:
            pump(reading)
            missingSince = nil
            if let file = try? LiveFile(path: path) { rotate(reading, to: file, now: now) }
        case .missing:
            pump(reading)
            if missingSince == nil { missingSince = now }
            if now - missingSince! >= Self.rotateWait {
                endOfFile(reading.slot)
                carried = reading.slot
                released.append(reading.id)
                current = nil
            }
        }
    }

    /// The path has been gone for a while: records still held are flushed, and the follower is finished.
    func finishCarried() {
        carried?.decoder?.finish(into: &sink)
        carried = nil
        missingSince = nil
    }

    /// Reads `reading` from its offset to its current end. Returns whether anything was read. O(bytes read).
    @discardableResult
    private func pump(_ reading: Reading) -> Bool {
        let slot = reading.slot
        guard !slot.ignored else { return false }
        let buffer = environment.buffer
        var any = false
        while true {
            let n: Int
            do {
                n = try reading.file.read(into: buffer)
            } catch {
                sink.inputProblem(error, file: path)
                break
            }
            if n == 0 { break }
            var bytes = UnsafeRawBufferPointer(rebasing: buffer[..<n])
            if reading.file.offset - Int64(n) == reading.paddingEnd {
                // NULs where the file starts: a copytruncate while the writer kept its offset. Stepped over.
                let nuls = FormatSniffer.leadingNULs(bytes)
                if nuls > 0 {
                    if reading.paddingEnd == 0 {
                        sink.note(
                            "NUL padding at the start (a copytruncate while the writer kept its offset); skipped",
                            file: path)
                    }
                    reading.paddingEnd += Int64(nuls)
                    if let decoder = slot.decoder {
                        decoder.skipPadding(Int64(nuls))
                    } else {
                        slot.pending.offset += Int64(nuls)
                    }
                    bytesRead += Int64(nuls)
                    any = true
                    bytes = UnsafeRawBufferPointer(rebasing: bytes[nuls...])
                    if bytes.isEmpty { continue }
                }
                reading.paddingEnd = -1
            }
            if slot.decoder == nil {
                // The format is recognised from whole lines: wait for one unless the buffer is full.
                if slot.format == nil && n < buffer.count && bytes.firstIndex(of: UInt8(ascii: "\n")) == nil {
                    reading.file.offset -= Int64(bytes.count)
                    break
                }
                guard makeDecoder(slot, head: bytes, at: reading.file.offset - Int64(bytes.count)) else { break }
            }
            slot.decoder!.feed(bytes, into: &sink)
            bytesRead += Int64(bytes.count)
            any = true
        }
        return any
    }

    /// Makes the decoder of `slot`, recognising the format from `head` (at byte `offset`) unless it is known.
    /// Returns false for binary data, which is reported and not followed.
    @discardableResult
    private func makeDecoder(_ slot: Slot, head: UnsafeRawBufferPointer, at offset: Int64) -> Bool {
        let configured = environment.configuration.format
        let format = configured ?? slot.format ?? FormatSniffer.detect(head)
        if configured == nil && slot.format == nil, let nul = FormatSniffer.binaryOffset(head, detected: format) {
            sink.inputProblem(InputError(kind: .binary, operation: "read", offset: offset + Int64(nul)), file: path)
            slot.ignored = true
            return false
        }
        slot.format = format
        var context = DecoderContext(modified: Date(), zone: environment.configuration.zone)
        context.gates = environment.matcher.program.gates
        slot.decoder = DecoderFactory.make(
            for: format, context: context, sink: ScanSink.self, resumingFrom: slot.pending)
        return true
    }

    /// Ends the current file of `slot`; records held across files (restored ones too) go on to the next file.
    private func endOfFile(_ slot: Slot) {
        if slot.decoder == nil && slot.format != nil && slot.pending.holdsRecords {
            makeDecoder(slot, head: UnsafeRawBufferPointer(start: nil, count: 0), at: 0)
        }
        if let decoder = slot.decoder {
            decoder.endOfFile(into: &sink)
        } else {
            slot.pending = .start
        }
    }

    /// The path now holds a new file: the old one becomes a drain and its slot goes on into the new one.
    private func rotate(_ old: Reading, to file: LiveFile, now: Double) {
        let slot = old.slot
        drain(old, from: slot, now: now)
        old.file.refreshFingerprint()
        // More than one rotation since the last look (a busy writer, or catching up after a restart): the
        // rotations between the old file and the new one are read first, oldest first.
        var predecessor = old.file.identity
        let siblings = RotatedCopy.siblings(of: path)
        if let index = RotatedCopy.find(predecessor, among: siblings), index + 1 < siblings.count {
            predecessor = readNewer(than: predecessor, upTo: file, into: slot) ?? predecessor
        }
        endOfFile(slot)
        current = Reading(id: environment.newID(), file: file, slot: slot, predecessor: predecessor)
        pump(current!)
    }

    /// Makes `reading`, read to its end through `slot`, a drain with a slot of its own; `slot` goes on to the
    /// next file.
    private func drain(_ reading: Reading, from slot: Slot, now: Double) {
        let stood = slot.checkpoint
        // A last line without its newline is handed on by the next `endOfFile`; a late write starts a new line.
        let tail = reading.file.offset > stood.offset ? 1 : 0
        reading.slot = Slot(
            format: slot.format, pending: DecoderCheckpoint(offset: reading.file.offset, line: stood.line + tail))
        reading.drainingSince = now
        reading.lastGrowth = now
        drains.append(reading)
    }

    /// The file was cut short: what was not read yet is in the copy beside it, if logrotate made one.
    private func recoverTruncation(_ reading: Reading) {
        let before = reading.file.identity
        if let found = locate(before) {
            if let copy = found.file {
                copy.offset = reading.file.offset
                pump(Reading(id: reading.id, file: copy, slot: reading.slot))
            } else {
                readRest(of: found.path, from: reading.file.offset, into: reading.slot)
            }
            // After a copytruncate the copy is the newest rotation. Newer ones mean the file was rotated away
            // while nobody followed it and its inode number went to the file now at the path: read them too.
            reading.predecessor =
                readNewer(than: found.identity, upTo: reading.file, into: reading.slot) ?? found.identity
        } else if !before.fingerprint.isEmpty {
            sink.inputProblem(
                InputError(
                    kind: .follow(
                        "was truncated and no rotated copy of it was found beside it; lines written after byte "
                            + "\(reading.file.offset) and before the truncation, if any, were not read"),
                    operation: "follow", offset: reading.file.offset), file: path)
        }
        endOfFile(reading.slot)
        reading.file.restart()
        reading.paddingEnd = 0
        pump(reading)
    }

    /// Reads, oldest first, the rotations newer than the one that is `last`, up to the file `live` (held open at
    /// the path). The folder is listed again after each, so a rotation that happens meanwhile is followed too.
    /// Returns the identity of the last file read, `nil` when none was.
    @discardableResult
    private func readNewer(than last: FileIdentity, upTo live: LiveFile?, into slot: Slot) -> FileIdentity? {
        var last = last
        var read: FileIdentity?
        // Bounded: each step reads a newer file (or finds one renamed since), and a folder holds few rotations of
        // one file.
        var ended = false
        for _ in 0..<1000 {
            guard let next = locate(after: last) else { break }
            // The live file itself, plain or (rotated and compressed since it was opened) as its compressed copy:
            // it is read from the descriptor held open, so not here too.
            if let live {
                let plainCopy = next.file != nil && live.identity.isSameInode(next.identity)
                let compressedCopy = next.file == nil && live.isContent(ofCompressed: next.identity)
                if plainCopy || compressedCopy { break }
            }
            if !ended { endOfFile(slot) }
            ended = true
            if let file = next.file {
                // A plain rotation may still be written by a writer that has not reopened: keep it as a drain.
                let reading = Reading(id: environment.newID(), file: file, slot: slot)
                pump(reading)
                drain(reading, from: slot, now: LivePipeline.monotonic())
            } else if !readRest(of: next.path, from: 0, into: slot) {
                continue  // renamed meanwhile (`x.log.1.gz` became `x.log.2.gz`): look again
            }
            ended = false
            last = next.identity
            read = next.identity
        }
        return read
    }

    /// A rotation found beside the path: its name, its identity, and for a plain file the file held open, so that
    /// gzip replacing it meanwhile changes nothing.
    struct Located {
        var path: String
        var identity: FileIdentity
        var file: LiveFile?
    }

    /// The rotation that is `wanted` or, with `after`, the one right after the rotation that is `after`. A
    /// rotation happening this very moment (logrotate renaming `x.log.1` to `x.log.2`, gzip replacing `x.log.1`
    /// with `x.log.1.gz`) can hide a file from one look, so the folder is looked at again a few times before
    /// concluding there is none. O(rotations) small reads per look.
    private func locate(_ wanted: FileIdentity? = nil, after: FileIdentity? = nil) -> Located? {
        for attempt in 0..<6 {
            if attempt > 0 { usleep(50_000) }
            let siblings = RotatedCopy.siblings(of: path)
            guard let index = RotatedCopy.find((wanted ?? after)!, among: siblings) else { continue }
            let position = after == nil ? index : index + 1
            // Nothing after it: the file found is the newest rotation.
            if after != nil && position >= siblings.count { return nil }
            let candidate = siblings[position]
            guard let identity = Self.identity(of: candidate) else { continue }
            if candidate.hasSuffix(".gz") { return Located(path: candidate, identity: identity, file: nil) }
            guard let file = try? LiveFile(path: candidate), file.identity.isSameInode(identity) else { continue }
            return Located(path: candidate, identity: identity, file: file)
        }
        return nil
    }

    /// The identity of the file at `path` (its first bytes inflated if compressed); `nil` if it cannot be read.
    static func identity(of path: String) -> FileIdentity? {
        guard let status = FileStatus.of(path), let head = FileIdentity.head(ofPath: path) else { return nil }
        return FileIdentity(device: status.device, inode: status.inode, fingerprint: head)
    }

    /// Reads `sibling` (a rotation, possibly compressed) from `offset` to its end through `slot`. Returns false,
    /// having read nothing, when the file is no longer there to open (a rotation renamed it since it was found:
    /// look again); other errors are reported.
    @discardableResult
    private func readRest(of sibling: String, from offset: Int64, into slot: Slot) -> Bool {
        var position = offset
        let (bytes, error) = RotatedCopy.read(sibling, from: offset, buffer: environment.buffer) { chunk in
            defer { position += Int64(chunk.count) }
            if slot.decoder == nil { guard makeDecoder(slot, head: chunk, at: position) else { return } }
            slot.decoder?.feed(chunk, into: &sink)
        }
        bytesRead += bytes
        if let error, error.operation == "open", error.kind == .system(errno: ENOENT), bytes == 0 { return false }
        if let error { sink.inputProblem(error, file: sibling) }
        return true
    }

    // MARK: - Starting

    /// Starts a file never followed at its end: after its last complete line, whose number is counted.
    private func skipToEnd(_ reading: Reading) {
        guard let size = reading.file.size, size > 0 else { return }
        let buffer = environment.buffer
        var lines = 0
        var lastNewline: Int64 = -1
        var head: [UInt8]?
        while reading.file.offset < size {
            let start = reading.file.offset
            let n = (try? reading.file.read(into: buffer)) ?? 0
            if n == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[..<n])
            if head == nil { head = Array(chunk.prefix(ScanConfiguration.minimumChunkSize)) }
            var from = 0
            while let newline = chunk.firstIndex(of: UInt8(ascii: "\n"), from: from) {
                lines += 1
                lastNewline = start + Int64(newline)
                from = newline + 1
            }
        }
        reading.file.offset = lastNewline + 1
        reading.slot.pending = DecoderCheckpoint(offset: lastNewline + 1, line: lines + 1)
        if let head, head.contains(UInt8(ascii: "\n")) {
            _ = head.withUnsafeBytes { makeDecoder(reading.slot, head: $0, at: 0) }
        }
    }

    /// Resumes the live file of a committed state: the same inode is the same file, perhaps truncated while
    /// nobody followed it, which `poll` then sees against the stored fingerprint and reads the copy of.
    private func resume(_ row: FollowedFileState) {
        if row.identity.fingerprint.isEmpty, !row.checkpoint.holdsRecords, let predecessor = row.predecessor,
            RotatedCopy.find(predecessor, among: RotatedCopy.siblings(of: path)) != nil
        {
            // Empty when committed, so nothing tells it apart from a later file given its inode number: read
            // whatever came after its predecessor, which had content and is recognised by it.
            let live = try? LiveFile(path: path)
            let slot = Slot(format: row.format, pending: row.checkpoint)
            released.append(row.id)
            let last = readNewer(than: predecessor, upTo: live, into: slot) ?? predecessor
            endOfFile(slot)
            startLive(live, with: slot, predecessor: last)
            return
        }
        // The same inode with the same first bytes is the same file; an inode number alone may have been given to
        // a new file, and a file truncated while nobody followed it has other first bytes: its copy is looked for.
        if let file = try? LiveFile(path: path, offset: row.checkpoint.offset), file.identity.isSameInode(row.identity),
            row.identity.matches(head: file.identity.fingerprint)
        {
            file.adopt(fingerprint: row.identity.fingerprint)
            current = Reading(
                id: row.id, file: file, slot: Slot(format: row.format, pending: row.checkpoint),
                predecessor: row.predecessor)
            return
        }
        recoverRotated(row, thenLive: true)
    }

    /// A file rotated away while nobody followed it: found beside the path and read on from its checkpoint, then
    /// the rotations newer than it; with `thenLive`, the file now at the path is read next, from its start. A
    /// rotation that is still a plain file (renamed, not compressed) is kept open as a drain, since its writer
    /// may not have reopened yet. The live file is opened first: a rotation while this runs then only renames
    /// a file already held, which the next `poll` sees.
    private func recoverRotated(_ row: FollowedFileState, thenLive: Bool) {
        let live = thenLive ? try? LiveFile(path: path) : nil
        let slot = Slot(format: row.format, pending: row.checkpoint)
        guard let found = locate(row.identity) else {
            sink.inputProblem(
                InputError(
                    kind: .follow(
                        "was rotated while logtriage was not running and is no longer beside its path (looked for "
                            + "by inode and first bytes); lines written to it after byte \(row.checkpoint.offset) "
                            + "were not read"),
                    operation: "follow", offset: row.checkpoint.offset), file: path)
            released.append(row.id)
            if thenLive { startLive(live, with: slot, predecessor: nil) }
            return
        }
        let foundIdentity = found.identity
        if let file = found.file, file.identity.isSameInode(row.identity) {
            // Still the same inode: follow it as a drain, under its own number.
            file.offset = row.checkpoint.offset
            let reading = Reading(id: row.id, file: file, slot: slot)
            file.adopt(fingerprint: row.identity.fingerprint)
            pump(reading)
            guard thenLive else {
                reading.drainingSince = LivePipeline.monotonic()
                reading.lastGrowth = reading.drainingSince!
                drains.append(reading)
                return
            }
            drain(reading, from: slot, now: LivePipeline.monotonic())
        } else if let copy = found.file {
            // A plain copy (copytruncate): read on from the file held open.
            copy.offset = row.checkpoint.offset
            let reading = Reading(id: row.id, file: copy, slot: slot)
            pump(reading)
            released.append(row.id)
            guard thenLive else {
                slot.decoder?.finish(into: &sink)
                return
            }
        } else {
            readRest(of: found.path, from: row.checkpoint.offset, into: slot)
            released.append(row.id)
            guard thenLive else {
                slot.decoder?.finish(into: &sink)
                return
            }
        }
        let last = readNewer(than: foundIdentity, upTo: live, into: slot) ?? foundIdentity
        endOfFile(slot)
        startLive(live, with: slot, predecessor: last)
    }

    /// Follows `live`, the file that was at the path, from its start, going on with `slot`.
    private func startLive(_ live: LiveFile?, with slot: Slot, predecessor: FileIdentity?) {
        if let live {
            current = Reading(id: environment.newID(), file: live, slot: slot, predecessor: predecessor)
        } else {
            carried = slot
        }
    }
}

/// What all followers of one `tail` share: the configuration, the matcher and classifier, one read buffer, and
/// the numbering of followed files.
final class LiveEnvironment {
    let configuration: ScanConfiguration
    let matcher: CatalogMatcher
    let classifier: Classifier
    let buffer: UnsafeMutableRawBufferPointer
    private var nextID: Int64

    init(configuration: ScanConfiguration, matcher: CatalogMatcher, classifier: Classifier, firstID: Int64) {
        self.configuration = configuration
        self.matcher = matcher
        self.classifier = classifier
        self.buffer = .allocate(
            byteCount: max(configuration.chunkSize, ScanConfiguration.minimumChunkSize), alignment: 64)
        self.nextID = firstID
    }

    deinit { buffer.deallocate() }

    func newID() -> Int64 {
        defer { nextID += 1 }
        return nextID
    }
}
