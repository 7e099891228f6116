import ArgumentParser
import Foundation
import LogTriageCore

struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Scan archived logs and report the incidents found, with evidence and remediation.",
        discussion: """
            PATH may be a file, a directory (read recursively: rotated sets such as access.log.2.gz, \
            access.log.1, access.log are read oldest first; docker container folders are named after the \
            container), or - for standard input. gzip input is recognised by its content.

            Exit status: 0 no incident found, 1 incidents found, 2 an input or usage error, or no record read \
            with --require-input (2 wins over 1); 130 or 143 when SIGINT or SIGTERM stopped the scan, after the \
            report of what was read until then (a second signal ends it at once).
            """
    )

    @Argument(
        help: ArgumentHelp("Files, directories, or - for standard input.", valueName: "path"),
        completion: .file())
    var paths: [String] = []

    @OptionGroup var formatOption: FormatOption

    @Option(
        name: [.customShort("o"), .customLong("output")],
        help: ArgumentHelp("Output style: text or json.", valueName: "style"))
    var output: OutputStyle = .text

    @Option(
        name: [.customShort("s"), .long],
        help: ArgumentHelp(
            "Only records at or after this time: a duration back from now (2h, 30m, 1d) or a time (2025-03-01T10:00:00Z).",
            valueName: "time"))
    var since: String?

    @Option(
        name: [.customShort("u"), .long],
        help: ArgumentHelp("Only records before this time; same forms as --since.", valueName: "time"))
    var until: String?

    @OptionGroup var report: ReportOptions

    @Flag(help: "Do not show progress on stderr.")
    var noProgress = false

    @Flag(help: "Exit with status 2 when no record was read (an empty input), for cron jobs.")
    var requireInput = false

    @Flag(help: "Leave out records without a time when --since or --until is given, instead of keeping them.")
    var strictWindow = false

    @Option(
        name: [.customShort("j"), .long],
        help: ArgumentHelp(
            "Rotated sets scanned at the same time (default: one per processor core); the report is the same whatever the number.",
            discussion: "With 1, the whole scan stays on one core: listing, inflating and matching take turns.",
            valueName: "n"))
    var jobs: Int?

    @Option(
        help: ArgumentHelp(
            "The gzip inflater: auto (ISA-L when available, else zlib), isal or zlib.", valueName: "library"))
    var inflate: InflateEngine = .auto

    @OptionGroup var catalogOptions: CatalogOptions

    func validate() throws {
        if let jobs, jobs < 1 || jobs > 256 {
            throw ValidationError("--jobs must be between 1 and 256.")
        }
        if inflate == .isal, let reason = InflateEngine.isalUnavailableReason {
            throw ValidationError("--inflate isal: ISA-L cannot be used: \(reason); use --inflate zlib or auto.")
        }
        if paths.isEmpty && isatty(0) != 0 {
            throw ValidationError("Name at least one file or directory to scan, or - to read standard input.")
        }
    }

    func run() throws {
        let zone = report.zone
        let catalog: Catalog
        do {
            // One job keeps the scan on one core, from the catalog's parse on.
            catalog = try catalogOptions.load(threads: jobs ?? ScanConfiguration.defaultJobs)
        } catch {
            // A script that asked for JSON gets a document even so: no incidents, the problem among the errors.
            if output == .json {
                let failed = ScanResult(
                    incidents: [], stats: ScanStats(),
                    errors: [ScanError(source: "--patterns", message: "\(error)")], skipped: [])
                print(JSONReport.render(failed), terminator: "")
            }
            throw error
        }
        var window: (since: Int64?, until: Int64?) = (nil, nil)
        do {
            window.since = try since.map { text throws(TimeWindow.ParseError) in
                try TimeWindow.parse(text, zone: zone)
            }
            window.until = try until.map { text throws(TimeWindow.ParseError) in
                try TimeWindow.parse(text, zone: zone)
            }
        } catch {
            throw ValidationError("--since/--until: \(error)")
        }
        if let since = window.since, let until = window.until, since >= until {
            throw ValidationError("--since must be earlier than --until.")
        }
        var configuration = ScanConfiguration(
            paths: paths.isEmpty ? ["-"] : paths, format: formatOption.logFormat, catalog: catalog,
            since: window.since, until: window.until, maxEvidence: report.evidence,
            jobs: jobs ?? ScanConfiguration.defaultJobs)
        configuration.inflate = inflate
        configuration.zone = zone
        configuration.strictWindow = strictWindow
        let showProgress = !noProgress && output == .text && isatty(2) != 0
        let progress = ProgressLine(enabled: showProgress)
        let cancellation = ScanCancellation()
        configuration.cancellation = cancellation
        let stop = Self.stopOnSignals(cancellation)
        let pipeline = ScanPipeline(configuration: configuration)
        let result = showProgress ? pipeline.run(progress: { progress.update($0) }) : pipeline.run()
        progress.clear()

        for error in result.errors {
            let line = "logtriage: \(TerminalText.visible(error.source)): \(TerminalText.visible(error.message))\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
        switch output {
        case .json:
            print(JSONReport.render(result), terminator: "")
        case .text:
            print(report.textReport.render(result), terminator: "")
        }
        if result.interrupted { throw ExitCode(128 + stop.signal) }
        if !result.errors.isEmpty { throw ExitCode(2) }
        if requireInput && result.stats.records == 0 {
            FileHandle.standardError.write(Data("logtriage: no record was read, and --require-input was given\n".utf8))
            throw ExitCode(2)
        }
        if !result.incidents.isEmpty { throw ExitCode(1) }
    }

    /// Which signal stopped the scan.
    final class StopSignal: @unchecked Sendable {
        // Safe because `number` is written on the signal queue before the scan sees the cancellation, and read
        // after the scan has returned.
        var signal: Int32 = 0
        var sources: [DispatchSourceSignal] = []
    }

    /// SIGINT and SIGTERM stop the scan at its next chunk, and the report covers what was read (exit 130 or
    /// 143, the shell's convention); a second one ends the process at once.
    static func stopOnSignals(_ cancellation: ScanCancellation) -> StopSignal {
        let stop = StopSignal()
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if cancellation.isCancelled { Foundation.exit(128 + number) }
                stop.signal = number
                cancellation.cancel()
            }
            source.resume()
            stop.sources.append(source)
        }
        return stop
    }

}

/// The progress line on stderr: files and bytes done, throughput. Only on a terminal.
final class ProgressLine: @unchecked Sendable {
    let enabled: Bool
    private var shown = false

    init(enabled: Bool) { self.enabled = enabled }

    /// When the line was last drawn; it is redrawn at most five times a second.
    private var lastDrawn = -1.0

    func update(_ progress: ScanProgress) {
        guard enabled, progress.seconds - lastDrawn >= 0.2 || progress.filesDone == progress.filesTotal else { return }
        lastDrawn = progress.seconds
        FileHandle.standardError.write(Data("\rscanning: \(progress.line)\u{1b}[K".utf8))
        shown = true
    }

    func clear() {
        if shown { FileHandle.standardError.write(Data("\r\u{1b}[K".utf8)) }
    }
}

extension InflateEngine: CaseInsensitiveArgument {}
