import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `tail` against writers that rotate with the real logrotate (every configuration) and as dockerd does, and
/// against SIGKILL at random moments: what `summary` counts must be exactly what was written, line for line.
@Suite(.serialized) struct TailTests {
    static let hasLogrotate = Live.logrotate != nil

    /// Follows one rotating writer without interruption: every hit line is counted once and printed once.
    @Test(arguments: Live.Rotation.allCases)
    func rotationLosesAndRepeatsNothing(_ rotation: Live.Rotation) throws {
        try #require(rotation == .docker || Self.hasLogrotate, "logrotate is not installed (scripts/test installs it)")
        let root = try Live.workspace(rotation.rawValue)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let log = root + "/logs/" + (rotation == .docker ? "abc-json.log" : "error.log")
        let tail = try Live.TailProcess(
            [
                "--state", root + "/state", "--patterns", root + "/patterns", "--from-start", "--window", "0",
                "--output", "json", root + "/logs",
            ], output: root + "/tail")
        usleep(300_000)
        let writer = Live.Writer(path: log, rotation: rotation, lines: 3000, rotateEvery: 600)
        writer.start()
        let failure = writer.finish()
        #expect(failure == nil, "\(failure ?? "")")
        let expected = writer.hits
        if rotation != .docker {
            let onDisk = try Live.hitsOnDisk(root + "/logs")
            if rotation == .copytruncate || rotation == .copytruncateCompress {
                // logrotate loses what is written between its copy and its truncation; what is on disk counts.
                #expect(Set(onDisk).isSubset(of: Set(expected)))
            } else if rotation == .createCompress {
                // Without delaycompress the rotated file is compressed while its writer still writes to it (until
                // it reopens): those lines are lost on disk, though tail, holding the file open, still reads them.
                #expect(Set(onDisk).isSubset(of: Set(expected)))
            } else {
                #expect(onDisk == expected, "the writer's lines are all on disk")
            }
        }
        let truth =
            rotation == .copytruncate || rotation == .copytruncateCompress
            ? try Live.hitsOnDisk(root + "/logs") : expected
        let counted = try Live.waitForCount(truth.count, state: root + "/state", patterns: root + "/patterns")
        let status = tail.stop()
        #expect(status == 0, "\(tail.stderr)")
        #expect(writer.rotations == 5)
        #expect(
            counted == truth.count,
            "counted \(counted) of \(truth.count) hit lines; stderr: \(tail.stderr.prefix(2000))")
        let printed = Live.printedSeqs(tail.stdout)
        #expect(printed.sorted() == truth, "printed \(printed.count) events for \(truth.count) lines")
        #expect(!tail.stdout.isEmpty && tail.stdout.contains("\"event\":\"summary\""))
    }

    /// SIGKILL at random moments while the writer rotates (some rotations fall while tail is down): after each
    /// restart it goes on from the last commit, so the count is exact and every line was printed at least once.
    @Test(arguments: [Live.Rotation.docker, .createDelayCompress])
    func killNineAtRandomLosesAndDoublesNothing(_ rotation: Live.Rotation) throws {
        try #require(rotation == .docker || Self.hasLogrotate, "logrotate is not installed (scripts/test installs it)")
        let root = try Live.workspace("kill-\(rotation.rawValue)")
        var keep = false
        defer { if !keep { try? FileManager.default.removeItem(atPath: root) } }
        let log = root + "/logs/" + (rotation == .docker ? "abc-json.log" : "error.log")
        let arguments = [
            "--state", root + "/state", "--patterns", root + "/patterns", "--from-start", "--window", "0",
            "--output", "json", root + "/logs",
        ]
        let writer = Live.Writer(path: log, rotation: rotation, lines: 6000, rotateEvery: 500, perSecond: 1500)
        var random = SystemRandomNumberGenerator()
        var printed: [Int] = []
        var warnings = ""
        var tail = try Live.TailProcess(arguments, output: root + "/run0")
        usleep(300_000)
        writer.start()
        var kills = 0
        let started = Date()
        while Date().timeIntervalSince(started) < 3.6 {
            usleep(UInt32.random(in: 50_000...400_000, using: &random))
            tail.stop(SIGKILL)
            printed += Live.printedSeqs(tail.stdout)
            warnings += tail.stderr
            kills += 1
            // Sometimes stay down for a while, so that a rotation happens while nobody follows.
            if Bool.random(using: &random) { usleep(UInt32.random(in: 100_000...500_000, using: &random)) }
            tail = try Live.TailProcess(arguments, output: root + "/run\(kills)", waitForStart: false)
        }
        let failure = writer.finish()
        #expect(failure == nil, "\(failure ?? "")")
        let expected = writer.hits
        let counted = try Live.waitForCount(expected.count, state: root + "/state", patterns: root + "/patterns")
        #expect(tail.stop() == 0, "\(tail.stderr)")
        printed += Live.printedSeqs(tail.stdout)
        #expect(kills >= 5)
        #expect(
            counted == expected.count,
            "counted \(counted) of \(expected.count) after \(kills) kills: \((warnings + tail.stderr).prefix(3000))")
        let missing = Set(expected).subtracting(printed)
        #expect(missing.isEmpty, "never printed: \(missing.sorted().prefix(20)); the runs' output is kept in \(root)")
        keep = !missing.isEmpty || counted != expected.count
    }
}

extension TailTests {
    /// Rotations while tail is stopped, each kind once, with the writer still appending to a renamed file after
    /// the restart (it has not reopened yet): everything is read, once.
    @Test(arguments: [Live.Rotation.createDelayCompress, .copytruncate, .createCompress])
    func rotationsWhileStoppedAreReadOnRestart(_ rotation: Live.Rotation) throws {
        try #require(Self.hasLogrotate, "logrotate is not installed (scripts/test installs it)")
        let root = try Live.workspace("stopped-\(rotation.rawValue)")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let log = root + "/logs/error.log"
        let config = root + "/logrotate.conf"
        try "\"\(log)\" {\n    rotate 100\n    missingok\n    \(rotation.logrotateLines)\n}\n".write(
            toFile: config, atomically: true, encoding: .utf8)
        var fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        var next = 1
        func write(_ count: Int) {
            for _ in 0..<count {
                let line = "2025/08/05 01:03:02 [error] 1#1: *\(next) SEQHIT \(next) upstream timed out\n"
                _ = line.withCString { Glibc.write(fd, $0, strlen($0)) }
                next += 1
            }
        }
        func reopen() {
            close(fd)
            fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        }
        func logrotate() throws {
            _ = try CLI.runTool(Live.logrotate!, ["-f", "-s", root + "/logrotate.state", config])
        }
        let arguments = [
            "--state", root + "/state", "--patterns", root + "/patterns", "--from-start", "--window", "0",
            "--output", "json", root + "/logs",
        ]
        write(100)
        let first = try Live.TailProcess(arguments, output: root + "/first")
        #expect(try Live.waitForCount(100, state: root + "/state", patterns: root + "/patterns") == 100)
        first.stop(SIGKILL)
        // While it is down: two rotations, a reopen in between, and lines still going to the renamed file.
        write(50)
        try logrotate()
        write(30)
        reopen()
        write(40)
        try logrotate()
        write(20)
        let second = try Live.TailProcess(arguments, output: root + "/second")
        usleep(600_000)
        write(20)  // still into the renamed file (or, after copytruncate, the live one)
        reopen()
        write(25)
        close(fd)
        // Without delaycompress, lines written to the renamed file after gzip took it are on no disk; tail, which
        // was down when it happened, cannot have them. Otherwise every line written is on disk.
        let onDisk = try Live.hitsOnDisk(root + "/logs")
        if rotation != .createCompress { #expect(onDisk == Array(1..<next)) }
        let counted = try Live.waitForCount(onDisk.count, state: root + "/state", patterns: root + "/patterns")
        #expect(second.stop() == 0)
        #expect(counted == onDisk.count, "\(second.stderr)")
        let printed = Live.printedSeqs(first.stdout) + Live.printedSeqs(second.stdout)
        #expect(Set(printed) == Set(onDisk))
    }
}
