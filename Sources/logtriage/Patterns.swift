import ArgumentParser
import LogTriageCore

struct Patterns: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the incident catalog: what logtriage recognises and how it says to fix it.",
        subcommands: [List.self, Show.self, Check.self],
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
            let catalog = try CatalogOptions.load(directories: directories, checkExamples: false)
            var ids: Set<String>?
            if !directories.isEmpty {
                ids = []
                for directory in directories {
                    for incident in try CatalogOptions.loadFolder(directory) { ids?.insert(incident.id) }
                }
            }
            let check = CatalogCheck(catalog: catalog, ids: ids)
            for failure in check.failures { print(failure) }
            let what = directories.isEmpty ? "the built-in catalog" : directories.joined(separator: ", ")
            print(
                "\(what): \(check.incidents) incident\(check.incidents == 1 ? "" : "s"), \(check.examples) "
                    + "example\(check.examples == 1 ? "" : "s"), \(check.failures.count) failure\(check.failures.count == 1 ? "" : "s")"
            )
            if !check.failures.isEmpty { throw ExitCode(1) }
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
