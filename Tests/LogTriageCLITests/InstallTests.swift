import Foundation
import Testing

/// `scripts/install` puts the binary, a manual generated from the parser and completions under `PREFIX`.
@Suite struct InstallTests {
    @Test func installPutsEverythingUnderThePrefix() throws {
        let generator = CLI.repositoryRoot + "/.build/debug/generate-manual"
        try #require(
            FileManager.default.isExecutableFile(atPath: generator),
            "scripts/test builds generate-manual (swift build --product generate-manual)")
        let prefix = NSTemporaryDirectory() + "logtriage-install-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: prefix) }
        let run = try CLI.run(
            executable: "/bin/bash", [CLI.repositoryRoot + "/scripts/install"],
            environment: ["PREFIX": prefix, "BINARY": CLI.binary, "GENERATE_MANUAL": generator])
        #expect(run.status == 0, "\(run.stderr)")

        let installed = try CLI.run(executable: prefix + "/bin/logtriage", ["--version"])
        #expect(installed.status == 0)
        let manual = try String(contentsOfFile: prefix + "/share/man/man1/logtriage.1", encoding: .utf8)
        #expect(manual.contains(".Dt LOGTRIAGE 1"))
        for text in ["scan", "tail", "summary", "patterns", "--since", "--evidence-width"] {
            #expect(manual.contains(text), "the manual covers \(text)")
        }
        #expect(!manual.contains("\n\n"), "paragraphs are separated by .Pp, not empty lines")

        let bash = try String(contentsOfFile: prefix + "/share/bash-completion/completions/logtriage", encoding: .utf8)
        #expect(bash.contains("'nginx-access'"), "formats complete")
        #expect(bash.contains("'text'$'\\n''json'"), "outputs complete")
        #expect(bash.contains("---completion patterns show"), "incident ids complete through the binary")
        #expect(bash.contains("---completion scan -- --timezone"), "zones complete through the binary")
        for path in ["/share/zsh/site-functions/_logtriage", "/share/fish/vendor_completions.d/logtriage.fish"] {
            #expect(FileManager.default.fileExists(atPath: prefix + path), "\(path)")
        }
        let ids = try CLI.run([
            "---completion", "patterns", "show", "--", "positional@0", "3", "3", "x", "x", "x", "my",
        ])
        #expect(
            ids.stdout.split(separator: "\n").sorted() == [
                "mysql-access-denied", "mysql-config-no-group", "mysql-oom-killed", "mysql-unknown-option",
            ])
        let zones = try CLI.run([
            "---completion", "scan", "--", "--timezone", "3", "9", "logtriage", "scan", "--timezone", "Europe/Be",
        ])
        #expect(zones.stdout.split(separator: "\n").sorted() == ["Europe/Belgrade", "Europe/Berlin"])
    }
}
