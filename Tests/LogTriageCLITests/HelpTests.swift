import Foundation
import Testing

/// The whole `--help` output is pinned: a change to the command line shows up as a change to these files.
/// Regenerate them with `LOGTRIAGE_UPDATE_HELP=1 swift test --filter HelpTests` after a deliberate change.
@Suite struct HelpTests {
    @Test(arguments: [
        ["--help"], ["scan", "--help"], ["tail", "--help"], ["summary", "--help"], ["patterns", "--help"],
        ["patterns", "show", "--help"],
    ])
    func helpIsPinned(arguments: [String]) throws {
        let run = try CLI.run(arguments, environment: ["COLUMNS": "100"])
        #expect(run.status == 0)
        let name = arguments.dropLast().joined(separator: "-")
        let path = CLI.repositoryRoot + "/Tests/LogTriageCLITests/Help/\(name.isEmpty ? "logtriage" : name).txt"
        if ProcessInfo.processInfo.environment["LOGTRIAGE_UPDATE_HELP"] == "1" {
            try run.stdout.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let pinned = try String(contentsOfFile: path, encoding: .utf8)
        #expect(run.stdout == pinned)
    }
}
