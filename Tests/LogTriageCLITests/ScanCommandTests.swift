import Foundation
import Testing

@Suite struct ScanCommandTests {
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "logtriage-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static let nginxError = """
        2025/03/01 10:00:00 [error] 31#31: *7 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: _, request: "GET /api/login HTTP/1.1", upstream: "http://172.18.0.4:8000/api/login", host: "example.com"
        2025/03/01 12:00:00 [error] 31#31: *9 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: _, request: "GET /api/login HTTP/1.1", upstream: "http://172.18.0.4:8000/api/login", host: "example.com"

        """

    @Test func jsonDocumentHasTheDocumentedShape() throws {
        let run = try CLI.run(["scan", "-", "--output", "json"], stdin: Data(Self.nginxError.utf8))
        #expect(run.status == 1)
        let document = try run.json()
        let incidents = try #require(document["incidents"] as? [[String: Any]])
        let incident = try #require(incidents.first)
        for key in [
            "id", "title", "severity", "count", "first_seen", "last_seen", "sources", "evidence", "values",
            "remediation",
        ] {
            #expect(incident[key] != nil, "incident lacks \(key)")
        }
        #expect(incident["id"] as? String == "upstream-connection-refused")
        #expect(incident["count"] as? Int == 2)
        #expect(incident["first_seen"] as? String == "2025-03-01T10:00:00Z")
        #expect(incident["last_seen"] as? String == "2025-03-01T12:00:00Z")
        #expect(incident["sources"] as? [String] == ["stdin"])
        let evidence = try #require((incident["evidence"] as? [[String: Any]])?.first)
        for key in ["source", "line", "time", "text"] { #expect(evidence[key] != nil, "evidence lacks \(key)") }
        #expect(evidence["line"] as? Int == 1)
        #expect((evidence["text"] as? String)?.contains("111: Connection refused") == true)
        let stats = try #require(document["stats"] as? [String: Any])
        for key in ["files", "bytes", "records", "seconds"] { #expect(stats[key] != nil, "stats lacks \(key)") }
        #expect(stats["records"] as? Int == 2)
        #expect((document["errors"] as? [Any])?.isEmpty == true)
    }

    @Test func timeWindowLimitsRecords() throws {
        let run = try CLI.run(
            ["scan", "-", "--output", "json", "--since", "2025-03-01T11:00:00Z", "--timezone", "UTC"],
            stdin: Data(Self.nginxError.utf8))
        let incident = try #require((try run.json()["incidents"] as? [[String: Any]])?.first)
        #expect(incident["count"] as? Int == 1)
        #expect(incident["first_seen"] as? String == "2025-03-01T12:00:00Z")
        let none = try CLI.run(
            ["scan", "-", "--until", "2025-03-01", "--timezone", "UTC"], stdin: Data(Self.nginxError.utf8))
        #expect(none.status == 0)
        #expect(none.stdout.contains("No known incident"))
    }

    @Test func missingFilesAreErrorsButOtherFilesAreStillScanned() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.nginxError.write(toFile: directory + "/error.log", atomically: true, encoding: .utf8)
        let run = try CLI.run(["scan", directory + "/nope.log", directory + "/error.log", "--output", "json"])
        #expect(run.status == 2, "2 wins over 1")
        #expect(run.stderr.contains(directory + "/nope.log"))
        let document = try run.json()
        #expect((document["incidents"] as? [Any])?.count == 1)
        let errors = try #require(document["errors"] as? [[String: Any]])
        #expect(errors.first?["source"] as? String == directory + "/nope.log")
    }

    @Test func truncatedGzipReportsTheOffsetAndScansWhatItRead() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lines = String(repeating: Self.nginxError, count: 200)
        try lines.write(toFile: directory + "/error.log", atomically: true, encoding: .utf8)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-n", directory + "/error.log"]
        try gzip.run()
        gzip.waitUntilExit()
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/error.log.gz"))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: directory + "/error.log.gz"))
        let run = try CLI.run(["scan", directory + "/error.log.gz", "--output", "json"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("truncated at compressed byte \(data.count / 2)"), "\(run.stderr)")
        // Every line inside the bytes the message says were decompressed is counted; a cut last line only if
        // it got as far as the end of its upstream.
        let decoded = try #require(
            (try? #/the (\d+) bytes decompressed/#.firstMatch(in: run.stderr)).flatMap { Int($0.output.1) })
        let readable = Array(lines.utf8).prefix(decoded)
        let expected = readable.split(separator: UInt8(ascii: "\n")).filter {
            String(decoding: $0, as: UTF8.self).contains(#/Connection refused.*upstream: "[^"]+"/#)
        }.count
        #expect(decoded > 0 && expected > 0)
        let incident = try #require((try run.json()["incidents"] as? [[String: Any]])?.first)
        #expect(incident["count"] as? Int == expected)
    }

    @Test func gzipOnStandardInputIsRecognisedByContent() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.nginxError.write(toFile: directory + "/e", atomically: true, encoding: .utf8)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-n", directory + "/e"]
        try gzip.run()
        gzip.waitUntilExit()
        let run = try CLI.run(
            ["scan", "-", "--output", "json"], stdin: try Data(contentsOf: URL(fileURLWithPath: directory + "/e.gz")))
        #expect(run.status == 1)
        #expect((try run.json()["incidents"] as? [[String: Any]])?.first?["count"] as? Int == 2)
    }

    @Test func usageErrorsExitWithTwoAndSayWhatToFix() throws {
        let badFormat = try CLI.run(["scan", "corpus", "--format", "syslog"])
        #expect(badFormat.status == 2)
        #expect(badFormat.stderr.contains("--format syslog"))
        let badSince = try CLI.run(["scan", "corpus", "--since", "yesterday-ish"])
        #expect(badSince.status == 2)
        #expect(badSince.stderr.contains("yesterday-ish"))
        let unknown = try CLI.run(["patterns", "show", "no-such-incident"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no-such-incident"))
    }

    @Test func malformedUserPatternsAreRejectedWithFileAndLine() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "id: my-incident\ntitle: Mine\nseverity: urgent\n".write(
            toFile: directory + "/my-incident.yaml", atomically: true, encoding: .utf8)
        let run = try CLI.run(["scan", "corpus", "--patterns", directory])
        #expect(run.status == 2)
        #expect(run.stderr.contains(directory + "/my-incident.yaml:3:"), "\(run.stderr)")
        #expect(run.stderr.contains("severity 'urgent'"))
    }

    @Test func userPatternsAreAddedToTheCatalog() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try """
        id: disk-full
        title: Disk full
        severity: critical
        summary: The disk filled up.
        evidence:
          - name: enospc
            any: ['No space left on device']
        remediation: |
          1. Free space: `docker system prune`.
        """.write(toFile: directory + "/disk-full.yaml", atomically: true, encoding: .utf8)
        let run = try CLI.run(
            ["scan", "-", "--patterns", directory, "--output", "json"],
            stdin: Data("write error: No space left on device\n".utf8))
        #expect(run.status == 1)
        #expect((try run.json()["incidents"] as? [[String: Any]])?.first?["id"] as? String == "disk-full")
        let show = try CLI.run(["patterns", "show", "disk-full", "--patterns", directory])
        #expect(show.status == 0)
        #expect(show.stdout.contains("No space left on device"))
        #expect(show.stdout.contains("docker system prune"))
    }

    @Test func colourOnlyWhenAsked() throws {
        let plain = try CLI.run(["scan", "-"], stdin: Data(Self.nginxError.utf8))
        #expect(!plain.stdout.contains("\u{1b}["))
        let forced = try CLI.run(["scan", "-", "--color", "always"], stdin: Data(Self.nginxError.utf8))
        #expect(forced.stdout.contains("\u{1b}["))
        #expect(!forced.stderr.contains("scanning:"), "no progress line when stderr is not a terminal")
    }

    /// A broken pattern file still gives `--output json` a document, with the problem among its errors.
    @Test func aPatternErrorStillGivesAJSONDocument() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "id: broken\ntitle: [unclosed\n".write(
            toFile: directory + "/broken.yaml", atomically: true, encoding: .utf8)
        let run = try CLI.run(
            ["scan", "-", "--output", "json", "--patterns", directory], stdin: Data(Self.nginxError.utf8))
        #expect(run.status == 2)
        let document = try run.json()
        #expect((document["incidents"] as? [Any])?.isEmpty == true)
        let errors = try #require(document["errors"] as? [[String: Any]])
        #expect(errors.count == 1)
        #expect((errors.first?["message"] as? String)?.contains("broken.yaml") == true, "\(errors)")
        #expect(run.stderr.contains("broken.yaml"))
    }

    /// An empty input is not an all-clear: it says that nothing was read, and `--require-input` makes it an error.
    @Test func anEmptyInputIsNotAnAllClear() throws {
        let empty = try CLI.run(["scan", "--color", "never", "-"], stdin: Data())
        #expect(empty.status == 0)
        #expect(empty.stdout.hasPrefix("Nothing was classified: no record was read (1 file, 0 B)."))
        #expect(!empty.stdout.contains("No known incident"))
        let required = try CLI.run(["scan", "--require-input", "-"], stdin: Data())
        #expect(required.status == 2)
        #expect(required.stderr.contains("no record was read"))
        let some = try CLI.run(["scan", "--require-input", "-"], stdin: Data("a quiet line\n".utf8))
        #expect(some.status == 0)
        #expect(some.stdout.contains("No known incident found"))
    }

    /// The common options have short forms, and word values take any case: `-o JSON` is `--output json`.
    @Test func shortFlagsAndWordValuesInAnyCase() throws {
        let line = "2025/08/05 01:03:02 [emerg] 1#1: bind() to 127.0.0.1:80 failed (98: Address already in use)\n"
        let short = try CLI.run(
            ["scan", "-o", "JSON", "-f", "Nginx-Error", "-j", "1", "--color", "NEVER", "-"],
            stdin: Data(line.utf8))
        #expect(short.status == 1, "\(short.stderr)")
        let long = try CLI.run(
            ["scan", "--output", "json", "--format", "nginx-error", "--jobs", "1", "-"],
            stdin: Data(line.utf8))
        #expect(try short.json()["incidents"] as? NSArray == long.json()["incidents"] as? NSArray)
        let window = try CLI.run(
            ["scan", "-s", "2025-08-05T01:00:00Z", "-u", "2025-08-05T01:02:00Z", "-"],
            stdin: Data(line.utf8))
        #expect(window.status == 0, "the record is after --until")
    }

    /// Every error has one style, `logtriage: <message>`; a --since that does not parse shows scan's usage.
    @Test func oneErrorStyleAndTheSubcommandsUsage() throws {
        let since = try CLI.run(["scan", "--since", "yesterday-ish", "-"], stdin: Data())
        #expect(since.status == 2)
        #expect(since.stderr.hasPrefix("logtriage: --since/--until: 'yesterday-ish' is neither"))
        #expect(since.stderr.contains("Usage: logtriage scan [<options>] [<path> ...]"))
        let unknown = try CLI.run(["scan", "--bogus"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.hasPrefix("logtriage: Unknown option '--bogus'"))
        let patterns = try CLI.run(["scan", "-p", "/nonexistent-patterns", "-"], stdin: Data())
        #expect(patterns.stderr.hasPrefix("logtriage: /nonexistent-patterns: no such pattern folder"))
        let missing = try CLI.run(["scan", "/nonexistent-log"])
        #expect(missing.stderr.hasPrefix("logtriage: /nonexistent-log: "))
        for run in [since, unknown, patterns, missing] {
            #expect(!run.stderr.contains("Error:") && !run.stderr.contains("error:"), "\(run.stderr)")
        }
    }

    /// SIGINT stops a scan and the report covers what was read until then, marked as interrupted (exit 130), even
    /// while the read waits for a writer that has gone quiet but keeps the FIFO open; on one job and on two (where
    /// a stream is read on a thread of its own).
    @Test(arguments: ["1", "2"]) func anInterruptedScanReportsWhatItRead(jobs: String) throws {
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fifo = root + "/live.fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let (process, out) = try Self.startScan(["--jobs", jobs, fifo])
        let writer = FileHandle(forWritingAtPath: fifo)!
        let line = "2025/08/05 01:03:02 [emerg] 1#1: bind() to 127.0.0.1:80 failed (98: Address already in use)\n"
        writer.write(Data(line.utf8))
        // Once the FIFO holds nothing and the scan waits in poll(2), it has read the line (and set its signal
        // handlers, which come first).
        let deadline = Date().addingTimeInterval(10)
        var unread: Int32 = 1
        while Date() < deadline && (ioctl(writer.fileDescriptor, UInt(FIONREAD), &unread) != 0 || unread > 0) {
            usleep(10_000)
        }
        #expect(unread == 0, "the scan did not read the line")
        Self.waitUntilPolling(process)
        kill(process.processIdentifier, SIGINT)
        let stopped = Self.exits(process, within: 10)
        try writer.close()
        process.waitUntilExit()
        #expect(stopped, "the scan went on waiting for the writer after SIGINT")
        let document = try Self.stoppedReport(process, out, by: SIGINT, "jobs \(jobs)")
        #expect((document["incidents"] as? [[String: Any]])?.first?["id"] as? String == "port-already-in-use")
    }

    /// SIGTERM stops a scan waiting on a FIFO that no writer has opened yet, and one waiting on standard input
    /// (a pipe whose writer keeps it open and writes nothing): exit 143 at once, the report empty but there.
    @Test func aScanWaitingForAWriterStopsOnSIGTERM() throws {
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fifo = root + "/nobody.fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let quiet = Pipe()
        for (arguments, input) in [([fifo], nil), (["-"], quiet)] as [([String], Pipe?)] {
            let (process, out) = try Self.startScan(arguments, stdin: input)
            Self.waitUntilPolling(process)
            kill(process.processIdentifier, SIGTERM)
            let stopped = Self.exits(process, within: 10)
            if !stopped {
                // Lets the scan end, so that the test does not hang: a writer that comes and goes.
                if input == nil { close(open(fifo, O_WRONLY | O_NONBLOCK)) }
                try input?.fileHandleForWriting.close()
            }
            process.waitUntilExit()
            #expect(stopped, "\(arguments): the scan went on waiting after SIGTERM")
            _ = try Self.stoppedReport(process, out, by: SIGTERM, "\(arguments)")
        }
        try quiet.fileHandleForWriting.close()
    }

    /// Starts `logtriage scan -o json ARGUMENTS`, its standard output on the pipe returned, `stdin` (when given) as
    /// its standard input.
    private static func startScan(_ arguments: [String], stdin: Pipe? = nil) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = ["scan", "-o", "json"] + arguments
        let out = Pipe()
        process.standardOutput = out
        if let stdin { process.standardInput = stdin }
        try process.run()
        return (process, out)
    }

    /// The JSON report of `process`, which has ended, stopped by `signal`: its exit status is the shell's 128 +
    /// `signal`, the report is marked interrupted, and the stop is no error of the input.
    private static func stoppedReport(
        _ process: Process, _ out: Pipe, by signal: Int32, _ context: String
    ) throws -> [String: Any] {
        #expect(process.terminationStatus == 128 + signal, "\(context)")
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(context)")
        #expect(document["interrupted"] as? Bool == true, "\(context)")
        #expect((document["errors"] as? [Any])?.isEmpty == true, "\(context): a stop is not a problem of the input")
        return document
    }

    /// Waits (10 s at most) until one of `process`'s threads waits in poll(2), as its kernel wait channel says:
    /// then it is reading a stream, its signal handlers set.
    private static func waitUntilPolling(_ process: Process) {
        let tasks = "/proc/\(process.processIdentifier)/task"
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let threads = (try? FileManager.default.contentsOfDirectory(atPath: tasks)) ?? []
            let channels = threads.compactMap { try? String(contentsOfFile: "\(tasks)/\($0)/wchan", encoding: .utf8) }
            if channels.contains(where: { $0.hasPrefix("poll_schedule_timeout") || $0 == "do_sys_poll" }) { return }
            usleep(10_000)
        }
    }

    /// Whether `process` ends within `seconds`.
    private static func exits(_ process: Process, within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        return !process.isRunning
    }

    /// A file met in a directory walk that cannot be read (root's /var/log/btmp) is skipped with the reason; the
    /// same file named on the command line is an error. Run as an unprivileged user, since root reads anything.
    @Test func anUnreadableFileInAWalkIsSkippedNamedItIsAnError() throws {
        let root = NSTemporaryDirectory() + "logtriage-unreadable-\(getpid())"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let line = "2025/08/05 01:03:02 [emerg] 1#1: bind() to 127.0.0.1:80 failed (98: Address already in use)\n"
        try line.write(toFile: root + "/error.log", atomically: true, encoding: .utf8)
        try "secret\n".write(toFile: root + "/btmp", atomically: true, encoding: .utf8)
        chmod(root + "/btmp", 0)
        chmod(root, 0o755)
        chmod(root + "/error.log", 0o644)
        var prefix: [String] = []
        if getuid() == 0 {
            let setpriv = "/usr/bin/setpriv"
            try #require(FileManager.default.isExecutableFile(atPath: setpriv), "setpriv (util-linux) drops root")
            prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
        }
        func scan(_ arguments: [String]) throws -> (Int32, String, String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: prefix.first ?? CLI.binary)
            process.arguments = Array(prefix.dropFirst()) + (prefix.isEmpty ? [] : [CLI.binary]) + arguments
            let out = Pipe()
            let err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            let said = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (
                process.terminationStatus, String(decoding: data, as: UTF8.self), String(decoding: said, as: UTF8.self)
            )
        }
        let (walked, document, _) = try scan(["scan", "-o", "json", root])
        #expect(walked == 1, "incidents found, no error: \(document)")
        #expect(
            document.contains(
                "\"skipped\":[{\"source\":\"\(root)/btmp\",\"message\":\"cannot be read (Permission denied); skipped\"}]"
            ))
        let (named, _, stderr) = try scan(["scan", root + "/btmp"])
        #expect(named == 2)
        #expect(stderr.contains("logtriage: \(root)/btmp: cannot open: Permission denied"), "\(stderr)")
    }

    /// File names are bytes: one that is not UTF-8 is found in a walk and opened when named, shown as `\xHH` on a
    /// terminal and in JSON, where `file_bytes` holds its exact bytes; control characters in a name cannot reach the
    /// terminal.
    @Test func fileNamesThatAreNotUTF8AreScannedAndShownEscaped() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let line = "2025/08/05 01:03:02 [emerg] 1#1: bind() to 127.0.0.1:80 failed (98: Address already in use)\n"
        // The shell makes the names from octal escapes, so the bytes never pass through a Swift String.
        let make =
            "cd \"$1\" && printf '%s' \"$2\" > \"$(printf 'name_\\377.log')\" "
            + "&& printf '%s' \"$2\" > \"$(printf 'evil\\033]0;owned\\007\\n.log')\""
        let made = try CLI.run(executable: "/bin/sh", ["-c", make, "sh", directory, line])
        try #require(made.status == 0, "\(made.stderr)")
        let walked = try CLI.run(["scan", directory])
        #expect(walked.status == 1, "\(walked.stderr)")
        #expect(walked.stdout.contains(directory + "/name_\\xFF.log:1"), "\(walked.stdout)")
        #expect(walked.stdout.contains(directory + "/evil^[]0;owned^G⏎.log:1"))
        #expect(!walked.stdout.contains("\u{1B}]") && !walked.stdout.contains("\u{7}"))
        let json = try CLI.run(["scan", "-o", "json", directory])
        let files = try #require(json.json()["incidents"] as? [[String: Any]]).flatMap {
            ($0["evidence"] as? [[String: Any]]) ?? []
        }
        let latin = try #require(files.first { ($0["file"] as? String)?.hasSuffix("/name_\\xFF.log") == true })
        let exact = try #require(Data(base64Encoded: latin["file_bytes"] as? String ?? ""))
        #expect(exact == Data(directory.utf8) + Data("/name_".utf8) + Data([0xFF]) + Data(".log".utf8))
        #expect(files.filter { $0["file_bytes"] != nil }.count == 1, "a UTF-8 name needs no bytes")
        #expect(json.stdout.contains("\"file\":\"\(directory)/evil\\u001b]0;owned\\u0007\\n.log\""))
        // Named on the command line, with its bytes as they are.
        let named = try CLI.run(
            executable: "/bin/sh",
            ["-c", "exec \"$0\" scan -o json \"$1/$(printf 'name_\\377.log')\"", CLI.binary, directory])
        #expect(named.status == 1, "\(named.stderr)")
        let document = try named.json()
        #expect((document["errors"] as? [Any])?.isEmpty == true)
        #expect((document["incidents"] as? [[String: Any]])?.first?["id"] as? String == "port-already-in-use")
        let missing = try CLI.run(
            executable: "/bin/sh", ["-c", "exec \"$0\" scan \"$1/$(printf 'gone_\\376.log')\"", CLI.binary, directory])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains(directory + "/gone_\\xFE.log: No such file or directory"), "\(missing.stderr)")
    }

    /// A user pattern that backtracking engines take exponential time on is warned about when it is loaded; the
    /// scan still finishes (the match limit cuts the record off, and says so).
    @Test func anExponentialPatternIsWarnedAboutAndCannotStall() throws {
        let root = NSTemporaryDirectory() + "logtriage-redos-\(getpid())"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try """
        id: redos-probe
        title: A pattern written carelessly
        severity: warning
        summary: Nested repetition.
        evidence:
          - name: nested
            any: ['aaaa']
            regex: '(a+)+$'
        remediation: |
          None.
        """.write(toFile: root + "/redos-probe.yaml", atomically: true, encoding: .utf8)
        let line = String(repeating: "a", count: 40) + "!\n"
        let run = try CLI.run(["scan", "-p", root, "-"], stdin: Data(line.utf8))
        #expect(run.stderr.contains("logtriage: warning: incident 'redos-probe', rule 'nested': the regex repeats"))
        #expect(run.stderr.contains("match limit"), "\(run.stderr)")
        #expect(run.status == 2, "the record cut off by the limit is reported")
    }

    /// `--brief` gives one line per incident; `--evidence-width 0` shows evidence whole.
    @Test func briefAndWholeEvidence() throws {
        let long =
            "2025/08/05 01:03:02 [emerg] 1#1: bind() to 127.0.0.1:80 failed (98: Address already in use) "
            + String(repeating: "x", count: 400) + "END\n"
        let brief = try CLI.run(["scan", "--brief", "--color", "never", "-"], stdin: Data(long.utf8))
        let lines = brief.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("ERROR    port-already-in-use  1  last 2025-08-05T01:03:02Z  stdin") })
        #expect(!brief.stdout.contains("remediation:"))
        let cut = try CLI.run(["scan", "--color", "never", "-"], stdin: Data(long.utf8))
        #expect(!cut.stdout.contains("END") && cut.stdout.contains("…"))
        let whole = try CLI.run(["scan", "--evidence-width", "0", "--color", "never", "-"], stdin: Data(long.utf8))
        #expect(whole.stdout.contains(String(repeating: "x", count: 400) + "END"))
    }

    /// `--timezone Europe/Berlin` reads a winter line with winter time and a summer line with summer time.
    @Test func aNamedTimezoneFollowsDaylightSavingTime() throws {
        let lines =
            "2025/01/15 10:00:00 [emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address already in use)\n"
            + "2025/07/15 10:00:00 [emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address already in use)\n"
        let run = try CLI.run(["scan", "-o", "json", "--timezone", "Europe/Berlin", "-"], stdin: Data(lines.utf8))
        let incident = try #require((try run.json()["incidents"] as? [[String: Any]])?.first)
        #expect(incident["first_seen"] as? String == "2025-01-15T09:00:00Z")
        #expect(incident["last_seen"] as? String == "2025-07-15T08:00:00Z")
        let since = try CLI.run(
            ["scan", "-o", "json", "--timezone", "Europe/Berlin", "--since", "2025-01-15 10:00", "-"],
            stdin: Data(lines.utf8))
        let counted = try #require((try since.json()["incidents"] as? [[String: Any]])?.first)
        #expect(counted["count"] as? Int == 2, "--since 10:00 Berlin in January is 09:00Z: both lines are in")
    }

    /// `docker compose logs` with colours: the prefix is recognised, and a line without its own time takes the
    /// time of the same service's previous line, not another service's.
    @Test func colouredComposeOutputAndTimesPerService() throws {
        let text =
            "\u{1b}[36mweb-1  | \u{1b}[0m2025-03-01T10:00:00Z started\n"
            + "\u{1b}[33mdb-1   | \u{1b}[0m2025-03-01T11:00:00Z ready\n"
            + "\u{1b}[36mweb-1  | \u{1b}[0mpermission denied while trying to connect to the docker API at "
            + "unix:///var/run/docker.sock\n"
        let run = try CLI.run(["scan", "-o", "json", "-"], stdin: Data(text.utf8))
        let incident = try #require((try run.json()["incidents"] as? [[String: Any]])?.first)
        #expect(incident["sources"] as? [String] == ["web-1"])
        #expect(incident["first_seen"] as? String == "2025-03-01T10:00:00Z")
        let evidence = (incident["evidence"] as? [[String: Any]])?.first
        #expect((evidence?["text"] as? String)?.hasPrefix("permission denied") == true, "the prefix is not in the text")
    }

    /// Under --since/--until, records without a time are kept and said so; --strict-window leaves them out.
    @Test func undatedRecordsUnderAWindowAreCountedOrLeftOut() throws {
        let message = "permission denied while trying to connect to the docker API at unix:///var/run/docker.sock\n"
        let input = Data(("no time here: " + message + "2025-08-05T01:03:02Z " + message).utf8)
        let kept = try CLI.run(["scan", "--color", "never", "--since", "2025-08-01", "-"], stdin: input)
        #expect(kept.stdout.contains("1 record without a time was kept in the --since/--until window"))
        let json = try CLI.run(["scan", "-o", "json", "--since", "2025-08-01", "-"], stdin: input)
        let stats = try #require(try json.json()["stats"] as? [String: Any])
        #expect(stats["records_undated_kept"] as? Int == 1)
        #expect((try json.json()["incidents"] as? [[String: Any]])?.first?["count"] as? Int == 2)
        let strict = try CLI.run(["scan", "-o", "json", "--strict-window", "--since", "2025-08-01", "-"], stdin: input)
        let strictStats = try #require(try strict.json()["stats"] as? [String: Any])
        #expect(strictStats["records_undated_kept"] as? Int == 0)
        #expect(strictStats["records_outside_window"] as? Int == 1)
        #expect((try strict.json()["incidents"] as? [[String: Any]])?.first?["count"] as? Int == 1)
    }

    /// `patterns show` names the built-in catalog for a built-in incident, not a path the installed binary lacks.
    @Test func patternsShowNamesTheBuiltInCatalog() throws {
        let show = try CLI.run(["patterns", "show", "port-already-in-use"])
        #expect(
            show.stdout.contains(
                "defined in: the built-in catalog (patterns/port-already-in-use.yaml in logtriage's source)"))
    }

    /// `--local` shows times in --timezone's zone with their offset, next to the raw line's own local time;
    /// `--utc` (the default off a terminal) in UTC; JSON always in UTC.
    @Test func timesShowInUTCOrLocally() throws {
        let line = Data(
            "2025/01/15 10:00:00 [emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address already in use)\n".utf8)
        let local = try CLI.run(
            ["scan", "--local", "--timezone", "Europe/Berlin", "--color", "never", "-"], stdin: line)
        #expect(local.stdout.contains("seen 2025-01-15T10:00:00+01:00"))
        let utc = try CLI.run(["scan", "--timezone", "Europe/Berlin", "--color", "never", "-"], stdin: line)
        #expect(utc.stdout.contains("seen 2025-01-15T09:00:00Z"))
        let json = try CLI.run(["scan", "--local", "--timezone", "Europe/Berlin", "-o", "json", "-"], stdin: line)
        #expect(json.stdout.contains("\"first_seen\":\"2025-01-15T09:00:00Z\""))
        let both = try CLI.run(["scan", "--utc", "--local", "-"], stdin: line)
        #expect(both.status == 2)
    }

    /// Evidence keeps the first records and the latest one.
    @Test func evidenceKeepsTheLatestRecord() throws {
        let lines = (1...6).map {
            "2025/08/05 01:03:0\($0) [emerg] 1#1: bind() to 0.0.0.0:8\($0) failed (98: Address already in use)\n"
        }.joined()
        let text = try CLI.run(["scan", "--color", "never", "-"], stdin: Data(lines.utf8))
        #expect(text.stdout.contains("  latest:\n    stdin:6 2025-08-05T01:03:06Z\n"))
        let json = try CLI.run(["scan", "-o", "json", "-"], stdin: Data(lines.utf8))
        let incident = try #require((try json.json()["incidents"] as? [[String: Any]])?.first)
        #expect((incident["latest"] as? [String: Any])?["line"] as? Int == 6)
        #expect((incident["evidence"] as? [[String: Any]])?.count == 3)
        let one = try CLI.run(["scan", "--color", "never", "-"], stdin: Data(lines.prefix(while: { $0 != "\n" }).utf8))
        #expect(!one.stdout.contains("latest:"), "a latest record already shown is not shown twice")
    }
}
