import Foundation
import Testing

@testable import LogTriageCore

/// The whole scan path (reading in chunks, gzip members, decoding, the prefiltered automaton, verification,
/// context, parallel jobs) against a per-record reference that matches the obvious way, on random inputs in every
/// format. The test writes the records, so it knows each record's message and source; the reference looks for
/// each literal in each message with a plain substring search, runs the rule's regex on the message, and applies
/// context by looking at the neighbours.
@Suite struct ReferenceMatchTests {
    /// Words messages are made of: literals, their near misses, and filler.
    static let vocabulary = [
        "alpha failure", "ALPHA FAILURE", "alpha failur", "beta crash", "beta-crash", "gamma:timeout", "gamma:time",
        "delta \"quoted\" fault", "epsilon\\path", "zeta \u{e9}t\u{e9} broke", "eta<html>", "context-mark",
        "context-mar", "ignored-by-not", "code=17", "code=99", "pid 4242", "ok", "GET /", "the", "value",
        "lorem ipsum", "0x1b[31m", "tab\tinside", "\u{1}ctl", "n\u{2028}sep",
    ]

    static let catalog: Catalog = {
        func rule(
            _ name: String, _ any: [String], ignoreCase: Bool = false, regex: String? = nil, not: [String] = [],
            context: EvidenceRule.Context? = nil
        ) -> EvidenceRule {
            EvidenceRule(name: name, any: any, ignoreCase: ignoreCase, regex: regex, not: not, context: context)
        }
        return Catalog(incidents: [
            ClassifierTests.incident(
                "alpha", rules: [rule("a", ["alpha failure"], ignoreCase: true, not: ["ignored-by-not"])]),
            ClassifierTests.incident(
                "beta",
                rules: [
                    rule("b", ["beta crash", "beta-crash"], regex: #"beta.crash.*?code=(?<code>\d+)"#),
                    rule("b2", ["gamma:timeout"], context: .init(any: ["context-mark"], within: 3)),
                ]),
            ClassifierTests.incident(
                "quoted", rules: [rule("q", ["delta \"quoted\" fault", "epsilon\\path", "eta<html>"])]),
            ClassifierTests.incident(
                "accent", rules: [rule("e", ["zeta \u{e9}t\u{e9} broke"], regex: "pid (?<pid>\\d+)")]),
        ])
    }()

    struct Record {
        var source: String
        var message: [UInt8]
    }

    /// Counts and values per incident id, the reference's way.
    static func reference(_ records: [Record]) -> [String: (count: Int, values: Set<String>)] {
        let rules = RuleTable(catalog).rules
        func contains(_ message: [UInt8], _ literal: String, ignoreCase: Bool) -> Bool {
            let needle = Array(literal.utf8)
            guard needle.count <= message.count else { return false }
            func fold(_ b: UInt8) -> UInt8 { ignoreCase && b >= 0x41 && b <= 0x5a ? b | 0x20 : b }
            return (0...(message.count - needle.count)).contains { start in
                needle.indices.allSatisfy { fold(message[start + $0]) == fold(needle[$0]) }
            }
        }
        // "Within N records" counts records of the same source.
        var bySource: [String: [Int]] = [:]
        var position: [Int] = []
        for (i, record) in records.enumerated() {
            position.append(bySource[record.source, default: []].count)
            bySource[record.source, default: []].append(i)
        }
        var result: [String: (count: Int, values: Set<String>)] = [:]
        for (i, record) in records.enumerated() {
            var counted = Set<Int>()
            for rule in rules {
                let d = rule.definition
                guard d.any.contains(where: { contains(record.message, $0, ignoreCase: d.ignoreCase) }),
                    !d.not.contains(where: { contains(record.message, $0, ignoreCase: d.ignoreCase) })
                else { continue }
                var values: [String] = []
                // The regex engine defines what a rule means, so the reference runs the same one; what is checked
                // is everything before it (reading, decoding, gates, the prefiltered automaton) and context.
                if let pattern = d.regex {
                    let regex = try! BoundedRegex(pattern)
                    let matched = record.message.withUnsafeBytes { bytes in
                        guard regex.match(bytes) == .matched else { return false }
                        values = d.groupNames.compactMap { name in
                            regex.groupNumber(name).flatMap { regex.group($0, in: bytes) }.map {
                                String(decoding: $0, as: UTF8.self)
                            }
                        }
                        return true
                    }
                    guard matched else { continue }
                }
                if let context = d.context {
                    let same = bySource[record.source]!
                    let nearby = same[
                        max(0, position[i] - context.within + 1)...min(same.count - 1, position[i] + context.within - 1)
                    ]
                    guard
                        nearby.contains(where: { j in
                            context.any.contains { contains(records[j].message, $0, ignoreCase: d.ignoreCase) }
                        })
                    else { continue }
                }
                let id = catalog.incidents[rule.incident].id
                if counted.insert(rule.incident).inserted { result[id, default: (0, [])].count += 1 }
                result[id, default: (0, [])].values.formUnion(values)
            }
        }
        return result
    }

    static func randomMessage(_ random: inout SplitMix64, long: Bool) -> [UInt8] {
        var words: [String] = []
        let count = long ? Int.random(in: 2000...6000, using: &random) : Int.random(in: 1...14, using: &random)
        for _ in 0..<count { words.append(vocabulary.randomElement(using: &random)!) }
        return Array(words.joined(separator: " ").utf8)
    }

    // MARK: - Encoders, one per format: the bytes a producer of that format writes for the records.

    static func jsonEscaped(_ bytes: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var out: [UInt8] = []
        for b in bytes {
            switch b {
            case UInt8(ascii: "\""): out += Array("\\\"".utf8)
            case UInt8(ascii: "\\"): out += Array("\\\\".utf8)
            case UInt8(ascii: "\t"): out += Array("\\t".utf8)
            case 0..<0x20: out += Array(String(format: "\\u%04x", b).utf8)
            // Go's encoder writes <, > and & as \u escapes; not every writer does.
            case UInt8(ascii: "<") where Bool.random(using: &random): out += Array("\\u003c".utf8)
            default: out.append(b)
            }
        }
        return out
    }

    // Each encoder returns the units a rotation may fall between: lines, journald entries, docker entries (so a
    // rotation may fall between the partial entries of one long line).

    static func docker(_ records: [Record], _ random: inout SplitMix64) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for record in records {
            // docker splits lines over 16 KiB into partial entries.
            var parts: [ArraySlice<UInt8>] = []
            var rest = record.message[...]
            while rest.count > 16384 {
                parts.append(rest.prefix(16384))
                rest = rest.dropFirst(16384)
            }
            parts.append(rest)
            for (n, part) in parts.enumerated() {
                let log = jsonEscaped(Array(part), &random) + (n == parts.count - 1 ? Array("\\n".utf8) : [])
                out.append(
                    Array("{\"log\":\"".utf8) + log
                        + Array("\",\"stream\":\"stdout\",\"time\":\"2025-03-01T10:00:00.5Z\"}\n".utf8))
            }
        }
        return out
    }

    static func journalExport(_ records: [Record], _ random: inout SplitMix64) -> [[UInt8]] {
        records.enumerated().map { n, record in
            var out: [UInt8] = []
            out += Array("__CURSOR=s=1;i=\(n)\n__REALTIME_TIMESTAMP=1740823200000000\n".utf8)
            // A literal in a field other than MESSAGE is no evidence.
            out += Array("OTHER=alpha failure beta crash code=1\n_SYSTEMD_UNIT=\(record.source)\n".utf8)
            if record.message.contains(where: { $0 < 0x20 }) || Bool.random(using: &random) {
                var length = UInt64(record.message.count).littleEndian
                out += Array("MESSAGE\n".utf8) + withUnsafeBytes(of: &length) { Array($0) } + record.message + [10]
            } else {
                out += Array("MESSAGE=".utf8) + record.message + [10]
            }
            out.append(10)
            return out
        }
    }

    static func plain(_ records: [Record], _ random: inout SplitMix64) -> [[UInt8]] {
        records.map { Array("\($0.source)  | ".utf8) + $0.message + [10] }
    }

    static func nginxError(_ records: [Record], _ random: inout SplitMix64) -> [[UInt8]] {
        records.map { $0.message + [10] }
    }

    static let nginxPrefix = Array("2025/03/01 10:00:00 [error] 7#7: *1 ".utf8)

    /// Writes `units` as a rotated set cut between units: an older gzip file of two members cut at a random byte
    /// (a record may span members), an older plain file, and the current one.
    static func writeRotatedSet(
        _ units: [[UInt8]], name: String, in root: String, _ random: inout SplitMix64
    ) throws {
        let cuts = ([0, units.count] + (0..<2).map { _ in Int.random(in: 0...units.count, using: &random) }).sorted()
        let pieces = zip(cuts, cuts.dropFirst()).map { Array(units[$0..<$1].joined()) }
        // The oldest file: gzip members back to back, cut anywhere (a record may span members).
        var gz: [UInt8] = []
        let oldest = pieces[0]
        let split = Int.random(in: 0...oldest.count, using: &random)
        for member in [Array(oldest[..<split]), Array(oldest[split...])] { gz += try gzip(member) }
        try Data(gz).write(to: URL(fileURLWithPath: "\(root)/\(name).2.gz"))
        try Data(pieces[1]).write(to: URL(fileURLWithPath: "\(root)/\(name).1"))
        try Data(pieces[2]).write(to: URL(fileURLWithPath: "\(root)/\(name)"))
    }

    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", "-n", "-1"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let writer = Thread {
            input.fileHandleForWriting.write(Data(bytes)); try? input.fileHandleForWriting.close()
        }
        writer.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(data)
    }

    enum Kind: String, CaseIterable { case docker, journal, plain, nginxError }

    /// `records` written in the format of `kind`, one unit (line or entry) each, and that format.
    static func encode(_ records: [Record], as kind: Kind, _ random: inout SplitMix64) -> ([[UInt8]], LogFormat) {
        switch kind {
        case .docker: (docker(records, &random), .dockerJSON)
        case .journal: (journalExport(records, &random), .journalExport)
        case .plain: (plain(records, &random), .plain)
        case .nginxError: (nginxError(records, &random), .nginxError)
        }
    }

    /// A job that sees another job's core free up goes on reading its file on a reader thread, which runs the
    /// gate's search while it is ahead: the same result as reading it all on the job's thread.
    @Test(arguments: Kind.allCases)
    func aFileReadAheadFromMidwayGivesTheSameResult(kind: Kind) throws {
        var random = SplitMix64(seed: 77 &+ UInt64(kind.rawValue.count))
        var records: [Record] = []
        var size = 0
        while size < 700_000 {
            var message = Self.randomMessage(&random, long: Int.random(in: 0..<60, using: &random) == 0)
            if kind == .nginxError { message = Self.nginxPrefix + message }
            records.append(Record(source: kind == .docker ? "set" : "web-1", message: message))
            size += message.count
        }
        let (lines, format) = Self.encode(records, as: kind, &random)
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = "\(root)/x.log"
        try Data(lines.joined()).write(to: URL(fileURLWithPath: path))
        var configuration = ScanConfiguration(paths: [root], format: format, catalog: Self.catalog, jobs: 2)
        configuration.chunkSize = 100_003
        configuration.readAheadMinimumBytes = 0
        configuration.readAheadBufferBytes = 65_537
        let program = CatalogMatcher.Program(RuleTable(Self.catalog))
        let set = InputGroup(source: "x", files: [path])
        let alone = SetScanner(configuration: configuration, program: program)
        let idle = IdleJobs()
        idle.add()
        let helped = SetScanner(configuration: configuration, program: program, idle: idle)
        let expected = alone.scan(set) { _, _ in }
        let result = helped.scan(set) { _, _ in }
        #expect(alone.filesReadAhead == 0)
        #expect(helped.filesReadAhead == 1, "the file was read ahead once the other job was idle")
        #expect(!expected.tally.reports().isEmpty, "the random input holds evidence")
        #expect(result.tally.reports() == expected.tally.reports())
        #expect(result.stats.records == expected.stats.records && result.stats.bytes == expected.stats.bytes)
        #expect(result.stats.storedBytes == expected.stats.storedBytes)
        #expect(result.errors.isEmpty && expected.errors.isEmpty)
    }

    @Test(arguments: Kind.allCases, 0..<3)
    func scanAgreesWithTheReference(kind: Kind, seed: UInt64) throws {
        var random = SplitMix64(seed: seed &* 1000 &+ UInt64(kind.rawValue.count))
        let sources = ["web-1", "db-1", "proxy-1"]
        var records: [Record] = []
        var size = 0
        while size < 400_000 {
            var message = Self.randomMessage(&random, long: Int.random(in: 0..<60, using: &random) == 0)
            if kind == .nginxError { message = Self.nginxPrefix + message }
            if kind == .journal && Int.random(in: 0..<10, using: &random) == 0 {
                message += Array("\nsecond line alpha failure\n\u{1}".utf8)  // only a binary field holds this
            }
            let source = kind == .plain || kind == .journal ? sources.randomElement(using: &random)! : "set"
            records.append(Record(source: source, message: message))
            size += message.count
        }
        let (bytes, format) = Self.encode(records, as: kind, &random)
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.writeRotatedSet(bytes, name: "x.log", in: root, &random)

        var configuration = ScanConfiguration(paths: [root], format: format, catalog: Self.catalog, jobs: 2)
        configuration.chunkSize = [64 << 10, 100_003, 256 << 10].randomElement(using: &random)!
        // The files are small: read them ahead anyway, through buffers of sizes that do not line up with the
        // chunks, so that the gate's search made on the reader thread is checked too.
        if random.next() % 3 != 0 {
            configuration.readAheadMinimumBytes = 0
            configuration.readAheadBufferBytes = [4099, 65536, 300_007].randomElement(using: &random)!
        }
        let result = ScanPipeline(configuration: configuration).run()
        #expect(result.errors.isEmpty, "\(result.errors.prefix(3))")
        #expect(result.stats.records == records.count)
        let expected = Self.reference(records)
        #expect(!expected.isEmpty, "the random input holds evidence")
        var found: [String: (count: Int, values: Set<String>)] = [:]
        for report in result.incidents {
            found[report.incident.id] = (report.count, Set(report.values.flatMap(\.values)))
        }
        #expect(found.keys.sorted() == expected.keys.sorted())
        for (id, want) in expected {
            #expect(found[id]?.count == want.count, "\(id)")
            #expect(found[id]?.values == want.values, "\(id)")
        }
    }
}
