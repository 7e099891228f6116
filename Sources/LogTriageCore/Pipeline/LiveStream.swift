import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stream that `tail` follows: standard input, or the export stream of a `journalctl -f` it runs itself.
///
/// A stream has no offsets to resume from; journald's has cursors, and the cursor of the last entry read is
/// committed with the state, so a restart runs `journalctl --after-cursor` and misses and repeats nothing.
final class LiveStream {
    let display: String
    private(set) var sink: ScanSink
    private let descriptor: Int32
    private let environment: LiveEnvironment
    private var decoder: (any SinkBoundDecoder<ScanSink>)?
    private var format: LogFormat?
    /// Bytes read before the format is known.
    private var head: [UInt8] = []
    private let process: Process?
    private(set) var ended = false
    private(set) var bytesRead: Int64 = 0
    /// The cursor of the last journald entry read; kept when no entry came since.
    private(set) var cursor: String?

    init(standardInputWith environment: LiveEnvironment) {
        display = "stdin"
        descriptor = 0
        process = nil
        self.environment = environment
        sink = ScanSink(
            matcher: environment.matcher, configuration: environment.configuration,
            classifier: environment.classifier, source: "stdin")
        sink.beginFile(display)
        format = environment.configuration.format
    }

    /// Runs `journalctl -f -o export`, after `cursor` when there is one, else from the end (from the start with
    /// `fromStart`), and from `since` (µs) when given.
    init(journalWith environment: LiveEnvironment, journalctl: String, cursor: String?, fromStart: Bool) throws {
        display = "journal"
        self.environment = environment
        self.cursor = cursor
        sink = ScanSink(
            matcher: environment.matcher, configuration: environment.configuration,
            classifier: environment.classifier, source: "journal")
        sink.beginFile(display)
        format = .journalExport
        var arguments = ["--follow", "--output=export", "--no-pager"]
        if let cursor {
            arguments += ["--after-cursor=\(cursor)", "--lines=all"]
        } else if fromStart || environment.configuration.since != nil {
            arguments.append("--lines=all")
        } else {
            arguments.append("--lines=0")
        }
        if let since = environment.configuration.since { arguments.append("--since=@\(since / 1_000_000)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.resolve(journalctl))
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        descriptor = pipe.fileHandleForReading.fileDescriptor
        // The handle must outlive the descriptor's use; keep the pipe alive through the process's lifetime.
        self.pipe = pipe
    }

    private var pipe: Pipe?

    deinit {
        if let process, process.isRunning { process.terminate() }
    }

    /// The descriptor to wait on, while the stream has not ended.
    var waitDescriptor: Int32? { ended ? nil : descriptor }

    /// Looks a program name up in `PATH`, as a shell would.
    private static func resolve(_ name: String) -> String {
        guard !name.contains("/") else { return name }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return name
    }

    /// Reads what is available without blocking. O(bytes read).
    func poll() {
        guard !ended else { return }
        let buffer = environment.buffer
        while true {
            var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard Glibc.poll(&ready, 1, 0) > 0 else { return }
            let n = read(descriptor, buffer.baseAddress, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                end()
                return
            }
            bytesRead += Int64(n)
            feed(UnsafeRawBufferPointer(rebasing: buffer[..<n]))
        }
    }

    private func feed(_ bytes: UnsafeRawBufferPointer) {
        if let decoder {
            decoder.feed(bytes, into: &sink)
        } else {
            head += bytes
            // Recognise the format from whole lines, or from a full head.
            if format != nil || head.count >= ScanConfiguration.minimumChunkSize || head.contains(UInt8(ascii: "\n")) {
                startDecoding()
            }
        }
        if let latest = decoder?.checkpoint.cursor { cursor = latest }
    }

    /// Makes the decoder for the bytes held so far and hands them to it.
    private func startDecoding() {
        let detected = head.withUnsafeBytes { format ?? FormatSniffer.detect($0) }
        format = detected
        var context = DecoderContext(modified: nil, zone: environment.configuration.zone)
        context.gates = environment.matcher.program.gates
        let made = DecoderFactory.make(for: detected, context: context, sink: ScanSink.self)
        decoder = made
        head.withUnsafeBytes { made.feed($0, into: &sink) }
        head = []
    }

    private func end() {
        ended = true
        if decoder == nil && !head.isEmpty { startDecoding() }
        decoder?.finish(into: &sink)
        if let latest = decoder?.checkpoint.cursor { cursor = latest }
        if let process {
            process.waitUntilExit()
            if process.terminationStatus != 0 {
                sink.inputProblem(
                    InputError(
                        kind: .follow("journalctl ended with exit status \(process.terminationStatus)"),
                        operation: "follow", offset: bytesRead), file: display)
            }
        }
    }

    /// Problems found since the last call.
    func takeProblems() -> (errors: [ScanError], notes: [ScanError]) {
        let (errors, skipped) = sink.takeProblems()
        return (errors, skipped)
    }

    var records: Int { sink.records }

    func committed() { bytesRead = 0 }
}
