import ArgumentParser
import Foundation
import LogTriageCore

/// How times are read and reports are shown, shared by `scan`, `tail` and `summary`: the zone, the evidence shown,
/// the brief form, UTC or local times, colour.
struct ReportOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The zone of times that carry none (nginx error log, most application logs, a --since time): UTC, local, +08:00 or a name such as Europe/Berlin.",
            valueName: "zone"),
        // Asked of the binary when completing: listing the zones takes a millisecond of every run otherwise.
        completion: .custom { _, _, prefix in
            (["UTC", "local"] + TimeZone.knownTimeZoneIdentifiers).filter { $0.hasPrefix(prefix) }
        })
    var timezone: String = "local"

    @Option(help: ArgumentHelp("Evidence records shown per incident.", valueName: "n"))
    var evidence: Int = 3

    @Option(help: ArgumentHelp("Characters of evidence text shown before it is cut; 0 shows it whole.", valueName: "n"))
    var evidenceWidth: Int = 240

    @Flag(help: "Show evidence text whole (the same as --evidence-width 0).")
    var full = false

    @Flag(help: "One line per incident: severity, id, count, last seen, source.")
    var brief = false

    @Flag(help: "Show times in UTC (the default when the output is not a terminal, and always in JSON).")
    var utc = false

    @Flag(help: "Show times in --timezone's zone with their offset (the default on a terminal).")
    var local = false

    @Option(
        help: ArgumentHelp(
            "Colour the text output: auto (on a terminal, unless NO_COLOR is set), always, never.", valueName: "when"))
    var color: ColorChoice = .auto

    func validate() throws {
        if utc && local { throw ValidationError("--utc and --local are two ways to show times; give one of them.") }
        if evidence < 1 || evidence > 100 {
            throw ValidationError("--evidence must be between 1 and 100.")
        }
        if evidenceWidth < 0 {
            throw ValidationError("--evidence-width must be 0 (whole) or more.")
        }
        if LocalZone.parse(timezone) == nil {
            throw ValidationError(
                "--timezone \(timezone) is not UTC, local, an offset such as +08:00, or a zone name such as Asia/Shanghai."
            )
        }
    }

    /// The zone of `--timezone`; checked by `validate()`.
    var zone: LocalZone { LocalZone.parse(timezone) ?? .utc }

    /// The text report these options ask for. Times show in `--utc`, `--local` (`--timezone`'s zone), else local
    /// on a terminal and UTC otherwise.
    var textReport: TextReport {
        var report = TextReport(color: color.enabled, evidenceLines: evidence)
        report.evidenceWidth = full ? 0 : evidenceWidth
        report.brief = brief
        report.width = Self.terminalWidth()
        report.timeZone = utc ? .utc : local || isatty(1) != 0 ? zone : .utc
        return report
    }
}

extension ReportOptions {
    /// The width text is wrapped to: `COLUMNS` when set to a number, else the terminal's on standard output; nil
    /// (no wrapping) when standard output is not a terminal.
    static func terminalWidth() -> Int? {
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 {
            return columns
        }
        guard isatty(1) != 0 else { return nil }
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}

/// `--format`, shared by `scan` and `tail`.
struct FormatOption: ParsableArguments {
    @Option(
        name: [.customShort("f"), .long],
        help: ArgumentHelp(
            "The input format, or auto to detect it per file.",
            discussion: "One of: auto, \(LogFormat.allCases.map(\.rawValue).joined(separator: ", ")).",
            valueName: "format"),
        completion: .list(["auto"] + LogFormat.allCases.map(\.rawValue)))
    var format: String = "auto"

    func validate() throws {
        if format.lowercased() != "auto" && logFormat == nil {
            throw ValidationError(
                "--format \(format) is not a known format; use auto or one of \(LogFormat.allCases.map(\.rawValue).joined(separator: ", "))."
            )
        }
    }

    /// The format asked for; `nil` for `auto`.
    var logFormat: LogFormat? { LogFormat(rawValue: format.lowercased()) }
}

/// `--state`, shared by `tail` and `summary`.
struct StateOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The state directory (default: $XDG_STATE_HOME/logtriage, else ~/.local/state/logtriage).",
            valueName: "dir"),
        completion: .directory)
    var state: String?

    var directory: String { state ?? StateStore.defaultDirectory() }
}

enum OutputStyle: String, CaseInsensitiveArgument, CaseIterable { case text, json }

enum ColorChoice: String, CaseInsensitiveArgument, CaseIterable {
    case auto, always, never

    /// Whether text on standard output is coloured: `auto` means on a terminal, unless `NO_COLOR` is set.
    var enabled: Bool {
        switch self {
        case .always: true
        case .never: false
        case .auto: isatty(1) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
        }
    }
}

/// An option whose values are words: `--output JSON` is `--output json`.
protocol CaseInsensitiveArgument: ExpressibleByArgument, RawRepresentable where RawValue == String {}

extension CaseInsensitiveArgument {
    public init?(argument: String) {
        self.init(rawValue: argument.lowercased())
    }
}
