import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What the live tests drive: a running `logtriage tail`, writers that append numbered lines and rotate the way
/// logrotate and dockerd do, and the check of what was counted against what was written.
enum Live {
    /// A test incident: every line holding `SEQHIT <n>` is one record of it.
    static let pattern = """
        id: test-sequence-hit
        title: Numbered test line
        severity: warning
        summary: A numbered line written by the test writer.
        evidence:
          - name: hit
            any: ['SEQHIT']
            regex: 'SEQHIT (?<seq>\\d+)'
        values:
          seq: Sequence
        remediation: |
          Nothing to do.

        """

    /// A fresh folder with `logs/`, `patterns/` (the test incident) and room for the state.
    static func workspace(_ name: String) throws -> String {
        let root = NSTemporaryDirectory() + "logtriage-live-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: root + "/logs", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/patterns", withIntermediateDirectories: true)
        try pattern.write(toFile: root + "/patterns/test-sequence-hit.yaml", atomically: true, encoding: .utf8)
        return root
    }

    /// A running `logtriage tail`, its standard output and error written to files (a pipe could still hold the
    /// last lines of a process just killed).
    final class TailProcess {
        private let process = Process()
        private let outPath: String
        private let errPath: String

        /// Runs `logtriage tail arguments…`, writing to `output`.out and `output`.err, and returns once it follows
        /// its inputs (or has ended); with `waitForStart` false at once (a kill may then fall during its start).
        init(_ arguments: [String], output: String, waitForStart: Bool = true) throws {
            outPath = output + ".out"
            errPath = output + ".err"
            FileManager.default.createFile(atPath: outPath, contents: nil)
            FileManager.default.createFile(atPath: errPath, contents: nil)
            process.executableURL = URL(fileURLWithPath: CLI.binary)
            process.arguments = ["tail"] + arguments
            var environment = ProcessInfo.processInfo.environment
            environment["TZ"] = "UTC"
            process.environment = environment
            process.standardOutput = FileHandle(forWritingAtPath: outPath)
            process.standardError = FileHandle(forWritingAtPath: errPath)
            process.standardInput = FileHandle.nullDevice
            try process.run()
            // Writing before tail has looked at its inputs would test its start, not its following.
            if waitForStart { waitUntilFollowing() }
        }

        /// Waits until tail says it follows its inputs (its first line on standard error); false after `seconds`.
        @discardableResult
        func waitUntilFollowing(seconds: Double = 20) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if stderr.contains("logtriage: following ") { return true }
                if !process.isRunning { return false }
                usleep(20_000)
            }
            return false
        }

        var stdout: String { (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "" }
        var stderr: String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }

        /// Sends `signal` without waiting; false if the process has ended.
        func signal(_ number: Int32) -> Bool {
            process.isRunning && kill(process.processIdentifier, number) == 0
        }

        /// Sends `signal` and waits for the process to end; returns its exit status.
        @discardableResult
        func stop(_ signal: Int32 = SIGINT) -> Int32 {
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    /// How a writer's file is rotated.
    enum Rotation: String, CaseIterable, Sendable {
        case create, createCompress, createDelayCompress, copytruncate, copytruncateCompress, docker

        var logrotateLines: String {
            switch self {
            case .create: "create"
            case .createCompress: "create\n    compress"
            case .createDelayCompress: "create\n    compress\n    delaycompress"
            case .copytruncate: "copytruncate"
            case .copytruncateCompress: "copytruncate\n    compress"
            case .docker: ""
            }
        }
    }

    /// Appends numbered lines to `path` at a steady rate and rotates it every `rotateEvery` lines, as the
    /// writer of a real service would: an nginx-like writer keeps its descriptor and reopens the path a little
    /// after a rename; a docker-like writer (dockerd's json-file driver) rotates itself and splits every tenth
    /// line into two partial entries, one of them across each rotation.
    final class Writer: @unchecked Sendable {
        // Safe because the writer's state is touched only by its own thread until `finish()` has joined it.
        let path: String
        let rotation: Rotation
        let lines: Int
        let rotateEvery: Int
        let perSecond: Double
        private(set) var hits: [Int] = []
        private(set) var rotations = 0
        private let done = DispatchSemaphore(value: 0)
        private var failure: String?

        init(path: String, rotation: Rotation, lines: Int, rotateEvery: Int, perSecond: Double = 2000) {
            self.path = path
            self.rotation = rotation
            self.lines = lines
            self.rotateEvery = rotateEvery
            self.perSecond = perSecond
        }

        func start() {
            Thread.detachNewThread { [self] in
                run()
                done.signal()
            }
        }

        /// Waits for the last line; returns the problem the writer met, if any.
        func finish() -> String? {
            done.wait()
            return failure
        }

        private func run() {
            let directory = (path as NSString).deletingLastPathComponent
            let config = directory + "/../logrotate.conf"
            if rotation != .docker {
                let text = "\"\(path)\" {\n    rotate 1000\n    missingok\n    \(rotation.logrotateLines)\n}\n"
                try? text.write(toFile: config, atomically: true, encoding: .utf8)
            }
            var fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            var reopenAt: Int?
            let started = Date()
            for n in 1...lines {
                let hit = n % 2 == 0
                if hit { hits.append(n) }
                if rotation == .docker {
                    writeDocker(fd, n: n, hit: hit, rotateAfterFirstPart: n % rotateEvery == 0)
                    if n % rotateEvery == 0 { fd = dockerRotate(fd, splitting: n, hit: hit) }
                } else {
                    let line =
                        "2025/08/05 01:03:02 [error] 1#1: *\(n) " + (hit ? "SEQHIT \(n)" : "filler \(n)")
                        + " while reading response header from upstream\n"
                    write(fd, line)
                    if n % rotateEvery == 0 {
                        if !logrotate(config: config, directory: directory) { return }
                        rotations += 1
                        // nginx reopens only when its master gets USR1 from postrotate: a little later.
                        if rotation == .create || rotation == .createCompress || rotation == .createDelayCompress {
                            reopenAt = n + 40
                        }
                    }
                    if let at = reopenAt, n >= at {
                        close(fd)
                        fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
                        reopenAt = nil
                    }
                }
                // Keep to the rate.
                let due = started.addingTimeInterval(Double(n) / perSecond)
                let wait = due.timeIntervalSinceNow
                if wait > 0 { usleep(UInt32(wait * 1e6)) }
            }
            close(fd)
        }

        private func write(_ fd: Int32, _ text: String) {
            let bytes = Array(text.utf8)
            var written = 0
            while written < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
                if n <= 0 {
                    failure = "write failed: \(String(cString: strerror(errno)))"
                    return
                }
                written += n
            }
        }

        private func logrotate(config: String, directory: String) -> Bool {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Live.logrotate ?? "/usr/sbin/logrotate")
            process.arguments = ["-f", "-s", directory + "/../logrotate.state", config]
            let err = Pipe()
            process.standardError = err
            do { try process.run() } catch {
                failure = "cannot run logrotate: \(error)"
                return false
            }
            process.waitUntilExit()
            if process.terminationStatus != 0 {
                let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                failure = "logrotate failed: \(message)"
                return false
            }
            return true
        }

        private static func dockerEntry(_ log: String, time: Int) -> String {
            "{\"log\":\"\(log)\",\"stream\":\"stderr\",\"time\":\"2025-08-05T01:03:\(String(format: "%02d", time % 60)).000000001Z\"}\n"
        }

        /// One docker line; every tenth is split in two partial entries, `SEQ` in the first and `HIT n` in the
        /// second, so that it is only counted when the parts are joined. A line at a rotation has only its first
        /// part written here.
        private func writeDocker(_ fd: Int32, n: Int, hit: Bool, rotateAfterFirstPart: Bool) {
            let text = hit ? "SEQHIT \(n) upstream failed" : "filler \(n)"
            if rotateAfterFirstPart || n % 10 == 0 {
                let cut = hit ? 3 : 2
                write(fd, Self.dockerEntry(String(text.prefix(cut)), time: n))
                if !rotateAfterFirstPart { write(fd, Self.dockerEntry(String(text.dropFirst(cut)) + "\\n", time: n)) }
            } else {
                write(fd, Self.dockerEntry(text + "\\n", time: n))
            }
        }

        /// dockerd's rotation: `x.log.k.gz` → `x.log.k+1.gz`, `x.log` → `x.log.1`, a new `x.log`, and the rotated
        /// file compressed (`compress=true`: `x.log.1` → `x.log.1.gz`). The line split at the rotation gets its
        /// last part in the new file.
        private func dockerRotate(_ fd: Int32, splitting n: Int, hit: Bool) -> Int32 {
            close(fd)
            var k = rotations
            while k >= 1 {
                let from = "\(path).\(k)"
                for suffix in ["", ".gz"] where FileManager.default.fileExists(atPath: from + suffix) {
                    rename(from + suffix, "\(path).\(k + 1)" + suffix)
                }
                k -= 1
            }
            rename(path, path + ".1")
            rotations += 1
            let fresh = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            let text = hit ? "SEQHIT \(n) upstream failed" : "filler \(n)"
            write(fresh, Self.dockerEntry(String(text.dropFirst(hit ? 3 : 2)) + "\\n", time: n))
            // dockerd with `compress=true` compresses the rotated file, `.1` becoming `.1.gz`, right after.
            let gzip = Process()
            gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
            gzip.arguments = ["-f", path + ".1"]
            try? gzip.run()
            gzip.waitUntilExit()
            return fresh
        }
    }

    static let logrotate: String? = ["/usr/sbin/logrotate", "/usr/bin/logrotate", "/sbin/logrotate"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// The sequence numbers of hit lines in every file under `directory`, compressed ones inflated: what is on
    /// disk, which after `copytruncate` may lack what logrotate itself lost between its copy and its truncation.
    /// (Not for docker logs, whose split lines hold `SEQ` and `HIT n` in two entries.)
    static func hitsOnDisk(_ directory: String) throws -> [Int] {
        var hits: [Int] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            let path = directory + "/" + name
            var data = try Data(contentsOf: URL(fileURLWithPath: path))
            if name.hasSuffix(".gz") {
                let run = try CLI.runTool("/bin/gzip", ["-dc", path])
                data = Data(run.utf8)
            }
            hits += seqs(in: String(decoding: data, as: UTF8.self))
        }
        return hits.sorted()
    }

    /// Every `SEQHIT <n>` number in `text`, in order.
    static func seqs(in text: String) -> [Int] {
        var found: [Int] = []
        var rest = Substring(text)
        while let range = rest.range(of: "SEQHIT ") {
            rest = rest[range.upperBound...]
            let digits = rest.prefix { $0.isNumber }
            if let n = Int(digits) { found.append(n) }
        }
        return found
    }

    /// The count of the test incident that `summary` shows, or 0.
    static func summaryCount(state: String, patterns: String) throws -> Int {
        try summaryCount(state: state, id: "test-sequence-hit", patterns: patterns)
    }

    /// The count of incident `id` that `summary` shows: 0 when none, -1 when summary failed.
    static func summaryCount(state: String, id: String, patterns: String? = nil) throws -> Int {
        let run = try CLI.run(
            ["summary", "--state", state, "--output", "json"] + (patterns.map { ["--patterns", $0] } ?? []))
        guard run.status == 0 || run.status == 1, let document = try? run.json(),
            let incidents = document["incidents"] as? [[String: Any]]
        else { return -1 }
        return incidents.first { $0["id"] as? String == id }?["count"] as? Int ?? 0
    }

    /// Waits until `summary` shows `expected` records of the test incident, or `seconds` have passed; returns the
    /// last count seen.
    static func waitForCount(_ expected: Int, state: String, patterns: String, seconds: Double = 20) throws -> Int {
        let deadline = Date().addingTimeInterval(seconds)
        var count = try summaryCount(state: state, patterns: patterns)
        while count != expected && Date() < deadline {
            usleep(200_000)
            count = try summaryCount(state: state, patterns: patterns)
        }
        return count
    }

    /// The sequence numbers of the incident events in JSON Lines output.
    static func printedSeqs(_ jsonLines: String) -> [Int] {
        var seqs: [Int] = []
        for line in jsonLines.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["event"] as? String == "incident", let text = object["text"] as? String
            else { continue }
            seqs += Self.seqs(in: text)
        }
        return seqs
    }
}

extension CLI {
    /// Runs a tool and returns its standard output.
    static func runTool(_ path: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
