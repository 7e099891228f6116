import Foundation
import Testing

@testable import LogTriageCore

@Suite struct BoundedRegexTests {
    @Test func groupsAreFoundOnRawBytesIncludingInvalidUTF8() throws {
        let regex = try BoundedRegex(#"upstream: "(?<upstream>[^"]+)""#)
        var bytes = Array(#"x upstream: "http://b:1/" y"#.utf8)
        bytes.insert(0xff, at: 0)  // not UTF-8
        bytes.withUnsafeBytes { raw in
            #expect(regex.match(raw) == .matched)
            let number = regex.groupNumber("upstream")
            #expect(number != nil)
            #expect(
                number.flatMap { regex.group($0, in: raw) }.map { String(decoding: $0, as: UTF8.self) } == "http://b:1/"
            )
        }
        #expect(regex.groupNumber("nope") == nil)
    }

    @Test func compileErrorsNameTheOffset() {
        #expect(throws: BoundedRegex.CompileError.self) { try BoundedRegex("a(b") }
        do {
            _ = try BoundedRegex("ab)")
        } catch {
            #expect(error.offset == 2, "\(error)")
            #expect(error.description.contains("at offset 2"))
        }
    }

    /// An exponential pattern on a line made for it is cut off, not run for hours.
    @Test func catastrophicBacktrackingIsCutOff() throws {
        let regex = try BoundedRegex("(a+)+$")
        Array((String(repeating: "a", count: 40) + "!").utf8).withUnsafeBytes {
            #expect(regex.match($0) == .limitReached)
        }
        Array("aaa".utf8).withUnsafeBytes { #expect(regex.match($0) == .matched) }
    }

    /// A user rule whose regex hits the limit is reported once, with where it first did, and the scan goes on.
    @Test func aRuleThatHitsTheLimitIsReportedOnceAndTheScanGoesOn() throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let catalog = Catalog(incidents: [
            ClassifierTests.incident("slow", rules: [ClassifierTests.rule("blowup", ["aaaa"], regex: "(a+)+$")]),
            ClassifierTests.incident("fine", rules: [ClassifierTests.rule("ok", ["Connection refused"])]),
        ])
        let hostile = String(repeating: "a", count: 40) + "!"
        let lines = ["Connection refused", hostile, "aaaa", hostile, "Connection refused"]
        try (lines.joined(separator: "\n") + "\n").write(toFile: root + "/x.log", atomically: true, encoding: .utf8)
        let result = ScanPipeline(configuration: ScanConfiguration(paths: [root], catalog: catalog)).run()
        #expect(result.incidents.map(\.incident.id).sorted() == ["fine", "slow"])
        #expect(result.incidents.first { $0.incident.id == "slow" }?.count == 1, "the line that matched in time")
        #expect(result.incidents.first { $0.incident.id == "fine" }?.count == 2)
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.source == root + "/x.log:2")
        #expect(result.errors.first?.message.contains("rule 'blowup' of incident 'slow'") == true)
        #expect(result.errors.first?.message.contains("on 2 records") == true)
    }
}

/// Every built-in rule's regex on lines made to be hard for it: its own literal, then 4 KB, 100 KB or 1 MB of
/// what makes a backtracking engine try again at every position (spaces, quotes, brackets, digits, the literal
/// itself). None may reach the match limit, which would cut a real record off. The limit catches exponential
/// backtracking, not a quadratic scan (the JIT does not count those steps): how long each rule takes on such lines
/// is measured by `Benchmarks/hostile-lines.py`.
@Suite struct CatalogRegexHostileLineTests {
    static let fillers = [" ", "a", "(a ", "'x' ", "\"x\": ", "1", "=x, ", "/x", "\\x16", "[0] "]

    @Test func noBuiltInRuleReachesTheLimitOnAHostileLine() throws {
        let catalog = try TestSupport.repositoryCatalog()
        var checked = 0
        for incident in catalog.incidents {
            for rule in incident.evidence {
                guard let pattern = rule.regex, let literal = rule.any.first else { continue }
                let regex = try BoundedRegex(pattern)
                for filler in Self.fillers + [literal + " "] {
                    let long = filler == " " || filler == literal + " "
                    for size in long ? [4 << 10, 100 << 10, 1 << 20] : [4 << 10, 100 << 10] {
                        // Doubled rather than appended piece by piece: a megabyte is 20 steps.
                        var filling = Array(filler.utf8)
                        while filling.count < size { filling += filling }
                        let line = Array(literal.utf8) + filling.prefix(size)
                        let outcome = line.withUnsafeBytes { regex.match($0) }
                        #expect(outcome != .limitReached, "\(incident.id)/\(rule.name): \(size) bytes of '\(filler)'")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked > 1000)
    }
}
