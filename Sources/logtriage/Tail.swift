import ArgumentParser
import Foundation
import LogTriageCore

struct Tail: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow live logs and report each incident the moment it happens, with the fix.",
        discussion: """
            PATH may be a file (followed through rotations, and waited for if it does not exist yet), a directory \
            (its live logs are followed, and new ones are picked up: /var/log/nginx, /var/lib/docker/containers), \
            or - for a stream on standard input (journalctl -f -o export | logtriage tail -). With --journal, \
            logtriage runs journalctl itself and resumes after the last entry it read.

            What was read and found is kept in the state directory, committed together, so a restart (even after \
            kill -9) goes on where it stopped: no line is lost and none is counted twice. Files never followed \
            before are read from their end, unless --from-start is given.

            SIGINT or SIGTERM: commit, print the summary of what was seen, exit 0. SIGHUP: reload --patterns.

            Exit status: 0 after SIGINT or SIGTERM, or when a followed stream ends; 2 a usage or state error.
            """
    )

    @Argument(
        help: ArgumentHelp("Files, directories, or - for standard input.", valueName: "path"),
        completion: .file())
    var paths: [String] = []

    @Flag(help: "Follow the systemd journal (runs journalctl -f -o export).")
    var journal = false

    @OptionGroup var stateOption: StateOption

    @Flag(help: "Read files never followed before from their start instead of their end.")
    var fromStart = false

    @Option(
        name: [.customShort("s"), .long],
        help: ArgumentHelp(
            "Only records at or after this time: a duration back from now (2h, 30m) or a time (2025-03-01T10:00:00Z).",
            valueName: "time"))
    var since: String?

    @Option(
        help: ArgumentHelp(
            "Repeats of an incident within this time of its last report are counted, not printed; 0 prints every one.",
            valueName: "duration"))
    var window: String = "10m"

    @Option(
        help: ArgumentHelp(
            "Poll for changes at this interval (500ms, 2s) instead of using inotify, for filesystems where inotify does not work.",
            valueName: "interval"))
    var poll: String?

    @Option(
        name: [.customShort("o"), .customLong("output")],
        help: ArgumentHelp("Output style: text or json (JSON Lines).", valueName: "style"))
    var output: LiveReport.Style = .text

    @Option(
        help: ArgumentHelp(
            "How long what was counted stays for summary; older counts are forgotten (0 keeps everything).",
            valueName: "duration"))
    var keep: String = "30d"

    @Option(
        help: ArgumentHelp(
            "Write Prometheus metrics to this file every few seconds, for node_exporter's textfile collector.",
            valueName: "path"),
        completion: .file())
    var metricsFile: String?

    @OptionGroup var formatOption: FormatOption

    @OptionGroup var report: ReportOptions

    @OptionGroup var catalogOptions: CatalogOptions

    func validate() throws {
        if paths.isEmpty && !journal {
            throw ValidationError("Name at least one file or directory to follow, - for standard input, or --journal.")
        }
        if journal && paths.contains("-") {
            throw ValidationError("--journal and - both read a stream; use one of them.")
        }
        if paths.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("- (standard input) may be given only once.")
        }
        if Self.seconds(window) == nil {
            throw ValidationError("--window \(window) is not a duration such as 10m, 1h or 0.")
        }
        if Self.seconds(keep) == nil {
            throw ValidationError("--keep \(keep) is not a duration such as 30d, 12w or 0.")
        }
        if let poll, (Self.seconds(poll) ?? 0) <= 0 {
            throw ValidationError("--poll \(poll) is not an interval such as 500ms or 2s.")
        }
    }

    /// `10m`, `1h30m`, `500ms`, `0` → seconds.
    static func seconds(_ text: String) -> Double? {
        if text == "0" { return 0 }
        if text.hasSuffix("ms"), let millis = Int(text.dropLast(2)), millis >= 0 { return Double(millis) / 1000 }
        return TimeWindow.duration(text).map(Double.init)
    }

    func run() throws {
        let zone = report.zone
        let catalog = try catalogOptions.load()
        var sinceMicros: Int64?
        if let since {
            do {
                sinceMicros = try TimeWindow.parse(since, zone: zone)
            } catch {
                throw ValidationError("--since: \(error)")
            }
        }
        let files = paths.filter { $0 != "-" }
        var scan = ScanConfiguration(
            paths: files, format: formatOption.logFormat, catalog: catalog, since: sinceMicros,
            maxEvidence: report.evidence, jobs: 1)
        scan.zone = zone
        var configuration = LiveConfiguration(scan: scan, stateDirectory: stateOption.directory)
        configuration.fromStart = fromStart
        configuration.window = Self.seconds(window)!
        configuration.standardInput = paths.contains("-")
        configuration.journal = journal
        configuration.journalctl = ProcessInfo.processInfo.environment["LOGTRIAGE_JOURNALCTL"] ?? "journalctl"
        configuration.metricsFile = metricsFile
        let kept = Self.seconds(keep)!
        configuration.retention = kept > 0 ? kept : nil
        if let poll { configuration.watch = .poll(seconds: Self.seconds(poll)!) }

        let text = report.textReport
        let report = LiveReport(style: output, text: text)
        let options = catalogOptions
        let pipeline = LivePipeline(
            configuration: configuration, report: report, reloadCatalog: { try options.load() },
            write: { text in
                FileHandle.standardOutput.write(Data(text.utf8))
            },
            warn: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) })
        let result: ScanResult
        do {
            result = try pipeline.run()
        } catch {
            throw UserError("\(error)")
        }
        FileHandle.standardOutput.write(Data(report.renderSummary(result).utf8))
    }
}

extension LiveReport.Style: CaseInsensitiveArgument {}
