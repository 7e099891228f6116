import Foundation
import Testing

/// `patterns check` and what `--patterns` checks when it loads a user's folder.
@Suite struct PatternsCommandTests {
    static let valid = """
        id: disk-nearly-full
        title: Disk nearly full
        severity: warning
        summary: The disk is nearly full.
        evidence:
          - name: df
            any: ['filesystem is 9']
            regex: 'filesystem is (?<percent>9\\d)% full'
        values:
          percent: Percent used
        remediation: |
          Free space: `du -sh /var/log/*`; the disk is <percent>% full.
        examples:
          match:
            - 'warning: filesystem is 97% full'
          no_match:
            - 'filesystem is 90 GB'
        """

    static func folder(_ text: String, name: String = "disk-nearly-full.yaml") throws -> String {
        let path = NSTemporaryDirectory() + "logtriage-patterns-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8)
        return path
    }

    @Test func theBuiltInCatalogPassesItsOwnCheck() throws {
        let run = try CLI.run(["patterns", "check"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("the built-in catalog: "))
        #expect(run.stdout.contains(", 0 failures"))
    }

    @Test func aGoodFolderPassesAndIsUsedByScan() throws {
        let dir = try Self.folder(Self.valid)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let check = try CLI.run(["patterns", "check", dir])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("1 incident, 2 examples, 0 failures"))
        let scan = try CLI.run(["scan", "-p", dir, "-"], stdin: Data("warning: filesystem is 95% full\n".utf8))
        #expect(scan.status == 1)
        #expect(scan.stdout.contains("disk is 95% full"), "the remediation uses the value")
    }

    @Test func aFailingExampleIsAnErrorWithItsLine() throws {
        let dir = try Self.folder(
            Self.valid.replacingOccurrences(of: "filesystem is 97% full", with: "filesystem is 80% full"))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let check = try CLI.run(["patterns", "check", dir])
        #expect(check.status == 1)
        #expect(
            check.stdout.contains(dir + "/disk-nearly-full.yaml:15: disk-nearly-full: match example does not yield"))
        let scan = try CLI.run(["scan", "-p", dir, "-"], stdin: Data())
        #expect(scan.status == 2)
        #expect(scan.stderr.hasPrefix("logtriage: " + dir + "/disk-nearly-full.yaml:15: "), "\(scan.stderr)")
    }

    @Test func anUnknownLeadsToIsAnError() throws {
        let dir = try Self.folder(
            Self.valid.replacingOccurrences(of: "severity: warning", with: "severity: warning\nleads_to: [disk-fulll]"))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let scan = try CLI.run(["scan", "-p", dir, "-"], stdin: Data())
        #expect(scan.status == 2)
        #expect(scan.stderr.contains("disk-nearly-full.yaml:4: disk-nearly-full: leads_to names 'disk-fulll'"))
    }

    @Test func aMissingFolderOrAFileIsNamedPlainly() throws {
        let missing = try CLI.run(["patterns", "list", "-p", "/no/such/folder"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/no/such/folder: no such pattern folder"))
        let file = try CLI.run(["patterns", "list", "-p", "README.md"])
        #expect(file.status == 2)
        #expect(file.stderr.contains("README.md: is a file, not a folder"))
        #expect(!file.stderr.contains("NSCocoaErrorDomain"))
    }
}

extension PatternsCommandTests {
    @Test func patternsTestExplainsASampleAndEndsWithASummary() throws {
        let sample =
            "2025/08/05 01:03:02 [emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address already in use)\n"
            + "nothing to see\n"
        let run = try CLI.run(
            ["patterns", "test", "--id", "port-already-in-use", "--show-misses", "-"],
            stdin: Data(sample.utf8))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("port-already-in-use / nginx-bind: 1 matched, 0 rejected"))
        #expect(run.stdout.contains("matched  stdin:1  address=0.0.0.0 port=80"))
        #expect(run.stdout.contains("Records no rule tested matched (1):\n  stdin:2\n      nothing to see"))
        #expect(run.stdout.contains("Summary: 2 records; 1 matched 2 rules of 1 incident; 0 rejected"))
        let none = try CLI.run(["patterns", "test", "-"], stdin: Data("nothing to see\n".utf8))
        #expect(none.status == 1)
        let unknown = try CLI.run(["patterns", "test", "--id", "no-such", "-"], stdin: Data())
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no incident has the id 'no-such'"))
    }
}
