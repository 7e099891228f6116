import ArgumentParser
import Foundation
import LogTriageCore

@main
struct LogTriage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logtriage",
        abstract: "Find known deployment incidents in docker, journald and nginx logs, with the fix for each.",
        version: "0.1.0",
        subcommands: [Scan.self, Tail.self, Summary.self, Patterns.self]
    )

    /// Exit statuses: 0 no incident, 1 incidents found, 2 an input or usage error (2 wins over 1).
    /// Every error is printed in one style, `logtriage: <message>`, a usage error with the usage of the command
    /// it concerns.
    static func main() {
        var command: any ParsableCommand
        do {
            // The arguments with their exact bytes: a file name need not be UTF-8 (see `PathName`).
            command = try parseAsRoot(Array(PathName.arguments.dropFirst()))
        } catch {
            fail(error, in: nil)
        }
        do {
            try command.run()
        } catch {
            fail(error, in: type(of: command))
        }
    }

    private static func fail(_ error: Error, in subcommand: ParsableCommand.Type?) -> Never {
        if let exit = error as? ExitCode { Foundation.exit(exit.rawValue) }
        if let error = error as? UserError {
            FileHandle.standardError.write(Data("logtriage: \(visibleLines("\(error)"))\n".utf8))
            Foundation.exit(2)
        }
        if exitCode(for: error) == .success {
            // --help and --version
            print(fullMessage(for: error))
            Foundation.exit(0)
        }
        var text: String
        if let subcommand, subcommand != LogTriage.self {
            // A check made while running (a --since that does not parse): the usage is the subcommand's.
            let name = subcommand.configuration.commandName ?? "\(subcommand)".lowercased()
            text =
                "logtriage: \(message(for: error))\nUsage: \(usageString(for: subcommand))\n"
                + "  See 'logtriage \(name) --help' for more information."
        } else {
            text = fullMessage(for: error)
            if text.hasPrefix("Error: ") { text = "logtriage: " + text.dropFirst("Error: ".count) }
        }
        FileHandle.standardError.write(Data((visibleLines(text) + "\n").utf8))
        Foundation.exit(2)
    }

    /// A message that may quote an argument, made safe to print line by line.
    private static func visibleLines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { TerminalText.visible(String($0)) }
            .joined(separator: "\n")
    }
}
