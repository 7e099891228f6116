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

    @OptionGroup var stateOption: StateOption

    @Option(
        name: [.customShort("s"), .long],
        help: ArgumentHelp(
            "Only records at or after this time: a duration back from now (24h, 30m) or a time (2025-03-01T10:00:00Z).",
            valueName: "time"))
    var since: String?

    @Option(
        name: [.customShort("o"), .customLong("output")],
        help: ArgumentHelp("Output style: text or json.", valueName: "style"))
    var output: OutputStyle = .text

    @OptionGroup var report: ReportOptions

    @OptionGroup var catalogOptions: CatalogOptions

    func run() throws {
        let zone = report.zone
        let catalog = try catalogOptions.load()
        var sinceMinute: Int64?
        if let since {
            do {
                sinceMinute = LivePipeline.minute(of: try TimeWindow.parse(since, zone: zone))
            } catch {
                throw ValidationError("--since: \(error)")
            }
        }
        let directory = stateOption.directory
        let result: ScanResult
        do {
            result = try StateSummary.result(
                directory: directory, sinceMinute: sinceMinute, catalog: catalog, maxEvidence: report.evidence)
        } catch {
            throw UserError("\(error)")
        }
        switch output {
        case .json: print(JSONReport.render(result), terminator: "")
        case .text: print(report.textReport.render(result), terminator: "")
        }
        if !result.incidents.isEmpty { throw ExitCode(1) }
    }
}
