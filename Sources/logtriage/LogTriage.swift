import ArgumentParser
import Foundation

@main
struct LogTriage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logtriage",
        abstract: "Find known deployment incidents in docker, journald and nginx logs, with the fix for each.",
        version: "0.1.0",
        subcommands: [Scan.self, Tail.self, Summary.self, Patterns.self]
    )

    /// Exit statuses: 0 no incident, 1 incidents found, 2 an input or usage error (2 wins over 1).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch let error as UserError {
            FileHandle.standardError.write(Data("logtriage: error: \(error)\n".utf8))
            Foundation.exit(2)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                // --help and --version
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}
