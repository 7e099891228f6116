import ArgumentParser
import Foundation
import LogTriageCore

struct Patterns: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the incident catalog: what logtriage recognises and how it says to fix it.",
        subcommands: [List.self, Show.self, Check.self, Test.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every incident with its id, severity and title.")

        @OptionGroup var catalogOptions: CatalogOptions

        func run() throws {
            let catalog = try catalogOptions.load()
            let width = catalog.incidents.map(\.id.count).max() ?? 0
            for incident in catalog.incidents.sorted(by: { ($0.severity.rank, $0.id) < ($1.severity.rank, $1.id) }) {
                let id = incident.id + String(repeating: " ", count: width - incident.id.count)
                let severity =
                    incident.severity.rawValue + String(repeating: " ", count: 8 - incident.severity.rawValue.count)
                print("\(id)  \(severity)  \(incident.title)")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one incident's evidence rules and remediation.")

        @Argument(
            help: ArgumentHelp("The incident id, as `patterns list` prints it.", valueName: "id"),
            completion: .custom { words, _, prefix in Patterns.incidentIDs(words: words, prefix: prefix) })
        var id: String

        @OptionGroup var catalogOptions: CatalogOptions

        func run() throws {
            let catalog = try catalogOptions.load()
            guard let incident = catalog.incident(id: id) else {
                throw UserError("no incident has the id '\(id)'; `logtriage patterns list` shows them all.")
            }
            print(CatalogDescription.render(incident), terminator: "")
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check pattern files and run their examples; exit 1 on any failure.",
            discussion: """
                Each folder's files are loaded as --patterns loads them (every problem named with its file and \
                line), added to the built-in catalog, and each of their incidents' examples is classified: a \
                match example must yield its incident and no other, a no_match example must not yield it, and \
                leads_to must name known incidents. With no folder, the built-in catalog is checked.
                """)

        @Argument(help: ArgumentHelp("Folders of pattern files (YAML).", valueName: "dir"), completion: .directory)
        var directories: [String] = []

        func run() throws {
            // Each folder is read once: the ids it defines come back with the catalog.
            let (catalog, added) = try CatalogOptions.load(directories: directories, checkExamples: false)
            let check = CatalogCheck(catalog: catalog, ids: directories.isEmpty ? nil : added)
            for failure in check.failures { print(failure) }
            let what = directories.isEmpty ? "the built-in catalog" : directories.joined(separator: ", ")
            print(
                "\(what): \(check.incidents) incident\(check.incidents == 1 ? "" : "s"), \(check.examples) "
                    + "example\(check.examples == 1 ? "" : "s"), \(check.failures.count) failure\(check.failures.count == 1 ? "" : "s")"
            )
            if !check.failures.isEmpty { throw ExitCode(1) }
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show, per rule, which records of a sample log match and which are rejected, and why.",
            discussion: """
                LOGFILE is read as scan reads it (any format, gzip, a folder, or - for standard input). For each \
                rule of the incidents tested: the records it matched, with the values it extracts, and the records \
                that contain one of its literals but were rejected: by a `not` literal, by the regex, or because no \
                context record was near. A summary line ends the report. Exit status: 0 when a rule matched, 1 \
                when none did, 2 on an error.
                """)

        @Argument(
            help: ArgumentHelp("A sample log, a folder, or - for standard input.", valueName: "logfile"),
            completion: .file())
        var path: String

        @Option(
            help: ArgumentHelp("Test only this incident (may be given more than once).", valueName: "id"),
            completion: .custom { words, _, prefix in Patterns.incidentIDs(words: words, prefix: prefix) })
        var id: [String] = []

        @Flag(help: "Also list the records that no rule tested matched.")
        var showMisses = false

        @Option(help: ArgumentHelp("Records shown per list (0: all).", valueName: "n"))
        var maxShown = 10

        @OptionGroup var formatOption: FormatOption
        @OptionGroup var catalogOptions: CatalogOptions

        func validate() throws {
            if maxShown < 0 { throw ValidationError("--max-shown must be 0 (all) or more.") }
        }

        func run() throws {
            let catalog = try catalogOptions.load()
            for unknown in id where catalog.incident(id: unknown) == nil {
                throw UserError("no incident has the id '\(unknown)'; `logtriage patterns list` shows them all.")
            }
            var configuration = ScanConfiguration(
                paths: [path], format: formatOption.logFormat, catalog: catalog, jobs: 1)
            configuration.zone = .utc
            let sample = PatternTest.read(configuration)
            for error in sample.result.errors {
                FileHandle.standardError.write(Data("logtriage: \(error.source): \(error.message)\n".utf8))
            }
            let test = PatternTest(catalog: catalog, ids: id.isEmpty ? nil : Set(id), records: sample.records)
            print(
                PatternTestReport(
                    test: test, sample: sample, maxShown: maxShown, showMisses: showMisses,
                    everyRule: !id.isEmpty
                ).render(), terminator: "")
            if test.results.allSatisfy({ $0.matched.isEmpty }) { throw ExitCode(1) }
        }
    }

    /// The ids a shell completes: the built-in catalog's and those of the `--patterns` folders on the line so far.
    @Sendable static func incidentIDs(words: [String], prefix: String) -> [String] {
        var ids = Set((try? BuiltinCatalog.load())?.incidents.map(\.id) ?? [])
        for (index, word) in words.enumerated().dropLast() where word == "-p" || word == "--patterns" {
            for incident in (try? CatalogLoader.load(directory: words[index + 1])) ?? [] { ids.insert(incident.id) }
        }
        return ids.filter { $0.hasPrefix(prefix) }.sorted()
    }
}
