import ArgumentParser
import Foundation
import LogTriageCore

/// `--patterns`, shared by every subcommand that needs the catalog.
struct CatalogOptions: ParsableArguments {
    @Option(
        name: [.customShort("p"), .customLong("patterns")],
        help: ArgumentHelp(
            "A folder of extra incident definitions (YAML); may be given more than once.",
            discussion: "An incident with the id of a built-in one replaces it.",
            valueName: "dir"),
        completion: .directory)
    var directories: [String] = []

    /// The built-in catalog plus the user's folders. With `checkExamples`, the folders' incidents must pass their
    /// own examples (`CatalogCheck`); another incident that one of their match examples also yields is a warning.
    /// The built-in files are parsed on up to `threads` threads.
    func load(threads: Int = ScanConfiguration.defaultJobs) throws -> Catalog {
        try Self.load(directories: directories, checkExamples: true, threads: threads).catalog
    }

    /// The catalog and the ids the folders define (the incidents to check).
    static func load(
        directories: [String], checkExamples: Bool, threads: Int = ScanConfiguration.defaultJobs
    ) throws -> (catalog: Catalog, added: Set<String>) {
        var catalog = try builtin(threads: threads)
        var added: Set<String> = []
        for directory in directories {
            let incidents = try loadFolder(directory)
            added.formUnion(incidents.map(\.id))
            catalog = catalog.merging(incidents)
        }
        for warning in catalog.warnings {
            FileHandle.standardError.write(Data("logtriage: warning: \(warning)\n".utf8))
        }
        if checkExamples && !added.isEmpty {
            let check = CatalogCheck(catalog: catalog, ids: added)
            for failure in check.failures where failure.isOverlap {
                FileHandle.standardError.write(Data("logtriage: warning: \(failure)\n".utf8))
            }
            let failures = check.failures.filter { !$0.isOverlap }
            if !failures.isEmpty {
                throw UserError(
                    failures.map(\.description).joined(separator: "\nlogtriage: ")
                        + "\nlogtriage: fix the pattern or its example; `logtriage patterns check DIR` runs every check"
                )
            }
        }
        return (catalog, added)
    }

    static func builtin(threads: Int = ScanConfiguration.defaultJobs) throws -> Catalog {
        do { return try BuiltinCatalog.load(threads: threads) } catch { throw UserError("built-in catalog: \(error)") }
    }

    /// One folder's incidents, with an error naming the file and line of a problem.
    private static func loadFolder(_ directory: String) throws -> [Incident] {
        do { return try CatalogLoader.load(directory: directory) } catch { throw UserError("\(error)") }
    }
}

/// An error the user can fix, printed as one sentence; exit status 2.
struct UserError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
