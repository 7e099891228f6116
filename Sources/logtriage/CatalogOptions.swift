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

    /// The built-in catalog plus the user's folders.
    func load() throws -> Catalog {
        do {
            var catalog = try BuiltinCatalog.load()
            for directory in directories {
                catalog = catalog.merging(try CatalogLoader.load(directory: directory))
            }
            for warning in catalog.warnings {
                FileHandle.standardError.write(Data("logtriage: warning: \(warning)\n".utf8))
            }
            return catalog
        } catch {
            throw UserError("pattern file \(error)")
        }
    }
}

/// An error the user can fix, printed as one sentence; exit status 2.
struct UserError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
