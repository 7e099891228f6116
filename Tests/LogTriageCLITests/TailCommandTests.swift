import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `tail` and `summary` as a user meets them: where following starts, repeats, the state directory's lock and
/// its refusals, summaries, metrics, signals, streams and journald's cursor.
@Suite struct TailCommandTests {
    static let bind = "2025/08/05 01:03:02 [emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address already in use)\n"

    static func append(_ text: String, to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    /// Waits until `condition` holds, up to `seconds`; returns whether it did.
    static func eventually(_ seconds: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(50_000)
        }
        return try condition()
    }

    static func incidentLines(_ output: String) -> [[String: Any]] {
        output.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["event"] as? String == "incident"
            else { return nil }
            return object
        }
    }

    @Test func startsAtTheEndOfFilesNeverSeenAndPicksUpNewFilesFromTheirStart() throws {
        let root = try Live.workspace("start")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try (Self.bind + Self.bind).write(toFile: root + "/logs/old.log", atomically: true, encoding: .utf8)
        let tail = try Live.TailProcess(
            ["--state", root + "/state", "--window", "0", "--output", "json", root + "/logs"], output: root + "/t")
        usleep(500_000)
        // A file that appears while following is read from its start.
        try Self.bind.write(toFile: root + "/logs/new.log", atomically: true, encoding: .utf8)
        try Self.append(Self.bind, to: root + "/logs/old.log")
        #expect(Self.eventually { Self.incidentLines(tail.stdout).count == 2 })
        #expect(tail.stop() == 0)
        let events = Self.incidentLines(tail.stdout)
        #expect(events.count == 2, "the two lines that were in old.log before tail started are not reported")
        let old = events.first { ($0["file"] as? String)?.hasSuffix("old.log") == true }
        #expect(old?["line"] as? Int == 3, "line numbers count the lines skipped at the start")
        #expect(events.allSatisfy { $0["id"] as? String == "port-already-in-use" })
        #expect(tail.stdout.contains("\"event\":\"summary\""))
    }

    @Test func aNamedFileIsWaitedForUntilItExists() throws {
        let root = try Live.workspace("named")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let log = root + "/logs/later.log"
        let tail = try Live.TailProcess(
            ["--state", root + "/state", "--window", "0", "--output", "json", log], output: root + "/t")
        usleep(1_500_000)  // several rounds of looking, with nothing there
        try Self.bind.write(toFile: log, atomically: true, encoding: .utf8)
        #expect(Self.eventually { Self.incidentLines(tail.stdout).count == 1 })
        #expect(tail.stop() == 0)
    }

    /// Two rotations between two looks at the path (a writer that rotates faster than tail looks, or a catch-up
    /// after a restart): the file in between is read too, not stepped over on the way to the newest.
    @Test func twoRotationsBetweenTwoLooksLoseNothing() throws {
        let root = try Live.workspace("two-rotations")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let log = root + "/logs/error.log"
        func bind(_ port: Int) -> String { Self.bind.replacingOccurrences(of: ":80 ", with: ":\(port) ") }
        try bind(81).write(toFile: log, atomically: true, encoding: .utf8)
        let tail = try Live.TailProcess(
            ["--state", root + "/state", "--window", "0", "--from-start", "--output", "json", root + "/logs"],
            output: root + "/t")
        #expect(Self.eventually { Self.incidentLines(tail.stdout).count == 1 })
        // All at once, in one process: the second rotation lands before tail has handled the first.
        let script =
            "cd \"$1\" && mv error.log error.log.1 && printf '%s' \"$2\" > error.log && mv error.log.1 error.log.2 "
            + "&& mv error.log error.log.1 && printf '%s' \"$3\" > error.log"
        let rotated = try CLI.run(executable: "/bin/sh", ["-c", script, "sh", root + "/logs", bind(82), bind(83)])
        try #require(rotated.status == 0, "\(rotated.stderr)")
        #expect(Self.eventually { Self.incidentLines(tail.stdout).count >= 3 })
        #expect(tail.stop() == 0)
        let ports = Self.incidentLines(tail.stdout).compactMap { ($0["values"] as? [String: [String]])?["port"]?.first }
        #expect(ports == ["81", "82", "83"], "\(tail.stderr)")
    }

    @Test func repeatsWithinTheWindowAreCountedNotPrinted() throws {
        let root = try Live.workspace("window")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let log = root + "/logs/error.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let tail = try Live.TailProcess(
            ["--state", root + "/state", "--output", "text", "--color", "never", root + "/logs"], output: root + "/t")
        usleep(400_000)
        for _ in 0..<5 { try Self.append(Self.bind, to: log) }
        #expect(Self.eventually { (try? Live.summaryCount(state: root + "/state", id: "port-already-in-use")) == 5 })
        #expect(tail.stop() == 0)
        let text = tail.stdout
        #expect(text.components(separatedBy: "new incident").count == 2, "printed once: \(text)")
        #expect(text.contains("[ERROR] Port already taken by another server"))
        #expect(text.contains("remediation:"))
        // The summary at exit counts all five.
        #expect(text.contains("count 5"))
    }

    @Test func summaryHasScanShapesAndHonoursSince() throws {
        let root = try Live.workspace("summary")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let recent = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-600))
        let line = "{\"log\":\"nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)\\n\","
        let docker =
            line + "\"stream\":\"stderr\",\"time\":\"2020-01-01T00:00:00Z\"}\n"
            + line + "\"stream\":\"stderr\",\"time\":\"\(recent)\"}\n"
        try docker.write(toFile: root + "/logs/c-json.log", atomically: true, encoding: .utf8)
        let tail = try Live.TailProcess(
            ["--state", root + "/state", "--from-start", root + "/logs"], output: root + "/t")
        #expect(Self.eventually { (try? Live.summaryCount(state: root + "/state", id: "port-already-in-use")) == 2 })
        #expect(tail.stop(SIGTERM) == 0)
        let all = try CLI.run(["summary", "--state", root + "/state", "--output", "json"])
        #expect(all.status == 1)
        let document = try all.json()
        #expect(Array(document.keys).sorted() == ["diagnosis", "errors", "incidents", "skipped", "stats"])
        let incident = (document["incidents"] as? [[String: Any]])?.first
        #expect(incident?["count"] as? Int == 2)
        #expect(incident?["first_seen"] as? String == "2020-01-01T00:00:00Z")
        #expect((document["stats"] as? [String: Any])?["records"] as? Int == 2)
        let recentOnly = try CLI.run(["summary", "--state", root + "/state", "--since", "1h", "--output", "json"])
        let recentIncident = (try recentOnly.json()["incidents"] as? [[String: Any]])?.first
        #expect(recentIncident?["count"] as? Int == 1)
        let text = try CLI.run(["summary", "--state", root + "/state", "--color", "never"])
        #expect(text.stdout.hasPrefix("1 incident found"))
    }

    @Test func aSecondTailOnTheSameStateIsRefused() throws {
        let root = try Live.workspace("lock")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let first = try Live.TailProcess(["--state", root + "/state", root + "/logs"], output: root + "/first")
        #expect(Self.eventually { FileManager.default.fileExists(atPath: root + "/state/state.sqlite") })
        usleep(200_000)
        let second = try CLI.run(["tail", "--state", root + "/state", root + "/logs"])
        #expect(second.status == 2)
        #expect(second.stderr.contains("another logtriage tail is using it (process "), "\(second.stderr)")
        #expect(first.stop() == 0)
    }

    @Test func aForeignOrDamagedStateIsReportedAndLeftAlone() throws {
        let root = try Live.workspace("foreign")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/state", withIntermediateDirectories: true)
        let junk = Data("this is not a database, it is a note\n".utf8) + Data(repeating: 7, count: 4096)
        try junk.write(to: URL(fileURLWithPath: root + "/state/state.sqlite"))
        let run = try CLI.run(["tail", "--state", root + "/state", root + "/logs"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("is not an SQLite database"), "\(run.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: root + "/state/state.sqlite")) == junk, "left alone")

        let other = root + "/other"
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        // Another program's database: the sqlite3 tool (installed by scripts/test) makes one.
        _ = try CLI.runTool("/usr/bin/env", ["sqlite3", other + "/state.sqlite", "CREATE TABLE notes(x);"])
        try #require(FileManager.default.fileExists(atPath: other + "/state.sqlite"), "sqlite3 made no database")
        let foreign = try CLI.run(["summary", "--state", other])
        #expect(foreign.status == 2)
        #expect(foreign.stderr.contains("database of another program"), "\(foreign.stderr)")
        let missing = try CLI.run(["summary", "--state", root + "/nothing-here"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("holds no state database"))
    }

    @Test func metricsFileScrapesAndAgreesWithTheSummary() throws {
        let root = try Live.workspace("metrics")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let log = root + "/logs/error.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let metrics = root + "/logtriage.prom"
        let tail = try Live.TailProcess(
            ["--state", root + "/state", "--metrics-file", metrics, root + "/logs"], output: root + "/t")
        usleep(400_000)
        for _ in 0..<3 { try Self.append(Self.bind + "2025/08/05 01:03:02 [info] 1#1: fine\n", to: log) }
        #expect(Self.eventually { (try? Live.summaryCount(state: root + "/state", id: "port-already-in-use")) == 3 })
        #expect(tail.stop() == 0)
        let text = try String(contentsOfFile: metrics, encoding: .utf8)
        #expect(text.contains("logtriage_incidents_total{id=\"port-already-in-use\",severity=\"error\"} 3\n"))
        #expect(text.contains("logtriage_incidents_total{id=\"mysql-oom-killed\",severity=\"critical\"} 0\n"))
        #expect(text.contains("logtriage_records_total 6\n"))
        #expect(text.contains("# TYPE logtriage_incidents_total counter\n"))
        #expect(text.contains("logtriage_last_event_timestamp_seconds "))
        #expect(!FileManager.default.fileExists(atPath: metrics + ".tmp"), "written beside and renamed")
        if let promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        }) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: promtool)
            process.arguments = ["check", "metrics"]
            let input = Pipe()
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = output
            try process.run()
            input.fileHandleForWriting.write(Data(text.utf8))
            try input.fileHandleForWriting.close()
            process.waitUntilExit()
            let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus == 0, "promtool check metrics: \(said)")
        }
    }

    @Test func sighupReloadsThePatterns() throws {
        let root = try Live.workspace("hup")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let log = root + "/logs/app.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let extra = root + "/extra"
        try FileManager.default.createDirectory(atPath: extra, withIntermediateDirectories: true)
        try Live.pattern.replacingOccurrences(of: "test-sequence-hit", with: "other-probe")
            .replacingOccurrences(of: "SEQHIT", with: "OTHERPROBE")
            .write(toFile: extra + "/other-probe.yaml", atomically: true, encoding: .utf8)
        let tail = try Live.TailProcess(
            ["--state", root + "/state", "--patterns", extra, "--window", "0", "--output", "json", root + "/logs"],
            output: root + "/t")
        usleep(400_000)
        try Self.append("x SEQHIT 1\n", to: log)
        usleep(400_000)
        try Live.pattern.write(toFile: extra + "/test-sequence-hit.yaml", atomically: true, encoding: .utf8)
        #expect(tail.signal(SIGHUP))
        #expect(Self.eventually { tail.stderr.contains("patterns reloaded") })
        try Self.append("x SEQHIT 2\n", to: log)
        #expect(Self.eventually { Live.printedSeqs(tail.stdout) == [2] })
        #expect(tail.stop() == 0)
        #expect(Live.printedSeqs(tail.stdout).first == 2, "the line before the reload did not match")
    }

    @Test func followsAStreamOnStandardInputUntilItEnds() throws {
        let input = Self.bind + "2025/08/05 01:03:02 [info] 1#1: fine\n" + Self.bind
        let root = try Live.workspace("stdin")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let run = try CLI.run(
            ["tail", "--state", root + "/state", "--window", "0", "--output", "json", "-"], stdin: Data(input.utf8))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Self.incidentLines(run.stdout).count == 2)
        #expect(run.stdout.contains("\"event\":\"summary\""))
    }

    /// `--journal` runs journalctl; a stand-in that honours `--after-cursor` shows that a restart resumes after
    /// the last entry read, missing and repeating none.
    @Test func journalResumesAfterItsCursor() throws {
        let root = try Live.workspace("journal")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var export = ""
        for n in 1...6 {
            export += "__CURSOR=s=1;i=\(n)\n__REALTIME_TIMESTAMP=1754355782000000\n_SYSTEMD_UNIT=nginx.service\n"
            export += "MESSAGE=nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use) #\(n)\n\n"
        }
        try export.write(toFile: root + "/journal.export", atomically: true, encoding: .utf8)
        // Prints the entries after the cursor given (all without one), records its arguments, then waits.
        let script = """
            #!/bin/sh
            echo "$@" >> \(root)/args
            after=0
            for a in "$@"; do case "$a" in --after-cursor=*) after="${a##*i=}";; esac; done
            awk -v after="$after" 'BEGIN { RS=""; ORS="\\n\\n" } { split($1, c, "i="); if (c[2] + 0 > after + 0) print }' \(root)/journal.export
            exec sleep 20
            """
        try script.write(toFile: root + "/journalctl", atomically: true, encoding: .utf8)
        chmod(root + "/journalctl", 0o755)
        setenv("LOGTRIAGE_JOURNALCTL", root + "/journalctl", 1)
        defer { unsetenv("LOGTRIAGE_JOURNALCTL") }
        let arguments = ["--state", root + "/state", "--journal", "--window", "0", "--output", "json"]
        let first = try Live.TailProcess(arguments, output: root + "/first")
        #expect(Self.eventually { Self.incidentLines(first.stdout).count == 6 })
        #expect(Self.eventually { (try? Live.summaryCount(state: root + "/state", id: "port-already-in-use")) == 6 })
        first.stop(SIGKILL)
        // Two more entries while it is down.
        for n in 7...8 {
            try Self.append(
                "__CURSOR=s=1;i=\(n)\n__REALTIME_TIMESTAMP=1754355782000000\n_SYSTEMD_UNIT=nginx.service\n"
                    + "MESSAGE=nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use) #\(n)\n\n",
                to: root + "/journal.export")
        }
        let second = try Live.TailProcess(arguments, output: root + "/second")
        #expect(Self.eventually { Self.incidentLines(second.stdout).count == 2 })
        #expect(Self.eventually { (try? Live.summaryCount(state: root + "/state", id: "port-already-in-use")) == 8 })
        #expect(second.stop() == 0)
        let args = try String(contentsOfFile: root + "/args", encoding: .utf8)
        #expect(args.contains("--follow --output=export --no-pager --lines=0"))
        #expect(args.contains("--after-cursor=s=1;i=6"), "\(args)")
        let texts = Self.incidentLines(second.stdout).compactMap { $0["text"] as? String }
        #expect(texts.map { $0.suffix(2) } == ["#7", "#8"])
        #expect(Self.incidentLines(second.stdout).first?["source"] as? String == "nginx.service")
    }

    /// copytruncate with a writer that did not open its log with O_APPEND: the next write lands at the old
    /// offset, after a hole of NULs. tail steps over the padding and reads the line.
    @Test func nulPaddingAfterATruncationIsSteppedOver() throws {
        let root = try Live.workspace("padding")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let log = root + "/logs/app.log"
        try "2025/08/05 01:03:01 [info] 1#1: started\n".write(toFile: log, atomically: true, encoding: .utf8)
        let tail = try Live.TailProcess(
            ["--state", root + "/state", "--window", "0", "--output", "json", root + "/logs"], output: root + "/t")
        usleep(500_000)
        let fd = open(log, O_WRONLY)
        lseek(fd, 0, SEEK_END)
        truncate(log, 0)
        _ = Self.bind.withCString { write(fd, $0, strlen($0)) }
        close(fd)
        #expect(Self.eventually { Self.incidentLines(tail.stdout).count == 1 })
        #expect(tail.stop() == 0)
        #expect(tail.stderr.contains("NUL padding at the start"))
        #expect(Self.incidentLines(tail.stdout).first?["offset"] as? Int == 40, "the line's own offset, after the hole")
    }
}
