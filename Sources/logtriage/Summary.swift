import ArgumentParser
import Foundation
import LogTriageCore

struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the incidents a running or stopped tail has counted, as scan reports them.",
        discussion: """
            Reads the state directory of logtriage tail (it may be running). --since counts records whose time is \
            at or after the given time, to the minute.

            Exit status: 0 no incident counted, 1 incidents counted, 2 a usage or state error.
            """
    )

    @Option(
        help: ArgumentHelp(
            "The state directory (default: $XDG_STATE_HOME/logtriage, else ~/.local/state/logtriage).",
            valueName: "dir"))
    var state: String?

    @Option(
        name: [.customShort("s"), .long],
        help: ArgumentHelp(
            "Only records at or after this time: a duration back from now (24h, 30m) or a time (2025-03-01T10:00:00Z).",
            valueName: "time"))
    var since: String?

    @Option(
        name: [.customShort("o"), .customLong("output")],
        help: ArgumentHelp("Output style: text or json.", valueName: "style"))
    var output: Scan.OutputStyle = .text

    @Option(
        help: ArgumentHelp(
            "The zone of a --since time that carries none: UTC, local, +08:00 or a name such as Europe/Berlin.",
            valueName: "zone"))
    var timezone: String = "local"

    @Option(help: ArgumentHelp("Evidence records shown per incident.", valueName: "n"))
    var evidence: Int = 3

    @Option(help: ArgumentHelp("Characters of evidence text shown before it is cut; 0 shows it whole.", valueName: "n"))
    var evidenceWidth: Int = 240

    @Flag(help: "One line per incident: severity, id, count, last seen, source.")
    var brief = false

    @Flag(help: "Show times in UTC (the default when the output is not a terminal, and always in JSON).")
    var utc = false

    @Flag(help: "Show times in --timezone's zone with their offset (the default on a terminal).")
    var local = false

    @Option(
        help: ArgumentHelp(
            "Colour the text output: auto (on a terminal, unless NO_COLOR is set), always, never.", valueName: "when"))
    var color: Scan.ColorChoice = .auto

    @OptionGroup var catalogOptions: CatalogOptions

    func validate() throws {
        if utc && local { throw ValidationError("--utc and --local are two ways to show times; give one of them.") }
        if evidence < 1 || evidence > 100 {
            throw ValidationError("--evidence must be between 1 and 100.")
        }
        if evidenceWidth < 0 {
            throw ValidationError("--evidence-width must be 0 (whole) or more.")
        }
    }

    func run() throws {
        let zone = try Scan.zone(timezone)
        let catalog = try catalogOptions.load()
        var sinceMinute: Int64?
        if let since {
            do {
                sinceMinute = LivePipeline.minute(of: try TimeWindow.parse(since, zone: zone))
            } catch {
                throw ValidationError("--since: \(error)")
            }
        }
        let directory = state ?? StateStore.defaultDirectory()
        let result: ScanResult
        do {
            result = try StateSummary.result(
                directory: directory, sinceMinute: sinceMinute, catalog: catalog, maxEvidence: evidence)
        } catch {
            throw UserError("\(error)")
        }
        switch output {
        case .json: print(JSONReport.render(result), terminator: "")
        case .text:
            var textReport = TextReport(color: color.enabled, evidenceLines: evidence)
            textReport.evidenceWidth = evidenceWidth
            textReport.brief = brief
            textReport.timeZone = Scan.shownZone(utc: utc, local: local, zone: zone)
            print(textReport.render(result), terminator: "")
        }
        if !result.incidents.isEmpty { throw ExitCode(1) }
    }
}
