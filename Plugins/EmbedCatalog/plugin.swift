import Foundation
import PackagePlugin

/// Compiles the `patterns/` catalog into the library, so the `logtriage` binary carries its built-in incidents
/// and works wherever it is copied.
@main
struct EmbedCatalog: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let patterns = context.package.directoryURL.appending(path: "patterns")
        let files = try FileManager.default.contentsOfDirectory(at: patterns, includingPropertiesForKeys: nil)
            .filter { ["yaml", "yml"].contains($0.pathExtension) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedCatalog.swift")
        return [
            .buildCommand(
                displayName: "Embedding the incident catalog (\(files.count) files)",
                executable: try context.tool(named: "catalog-embedder").url,
                arguments: [output.path] + files.map(\.path),
                inputFiles: files + [patterns],
                outputFiles: [output]
            )
        ]
    }
}
