import Testing

@testable import LogTriageCore

/// Wrapping to the terminal: no line wider than the terminal, nothing lost or reordered, continuation lines under
/// their text, colours closed at a break and opened again.
@Suite struct TextWrapTests {
    static func stripStyles(_ text: String) -> String {
        var out = ""
        var rest = text[...]
        while let escape = rest.firstIndex(of: "\u{1b}") {
            out += rest[..<escape]
            rest = rest[rest.index(after: escape)...]
            if let end = rest.firstIndex(of: "m") { rest = rest[rest.index(after: end)...] }
        }
        return out + rest
    }

    static func columns(_ line: String) -> Int { stripStyles(line).reduce(0) { $0 + TerminalText.columns($1) } }

    @Test(arguments: 0..<300)
    func wrappedTextFitsAndKeepsEveryCharacterInOrder(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let width = Int.random(in: 20...120, using: &random)
        let pieces = ["a", "bb", "longword", "x", "端口", "é", " ", " ", " ", "\u{1b}[36m", "\u{1b}[0m", "1."]
        var lines: [String] = []
        for _ in 0..<Int.random(in: 1...6, using: &random) {
            var line = String(repeating: " ", count: Int.random(in: 0...8, using: &random))
            for _ in 0..<Int.random(in: 0...120, using: &random) { line += pieces.randomElement(using: &random)! }
            if Bool.random(using: &random) {
                line += String(repeating: "y", count: Int.random(in: 0...200, using: &random))
            }
            lines.append(line)
        }
        let text = lines.joined(separator: "\n") + "\n"
        let wrapped = TerminalText.wrap(text, width: width)
        for line in wrapped.split(separator: "\n", omittingEmptySubsequences: false) {
            #expect(Self.columns(String(line)) <= width, "seed \(seed): \(line)")
        }
        func content(_ text: String) -> String { Self.stripStyles(text).filter { $0 != " " && $0 != "\n" } }
        #expect(content(wrapped) == content(text), "seed \(seed)")
        #expect(wrapped.hasSuffix("\n"))
        #expect(Self.stripStyles(wrapped).count { $0 == "\n" } >= lines.count)
    }

    @Test func continuationLinesHangUnderTheirText() {
        let step = "    1. Confirm it: " + String(repeating: "word ", count: 20)
        let wrapped = TerminalText.wrap(step + "\n" + "  summary " + String(repeating: "text ", count: 20), width: 40)
        let lines = wrapped.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("    1. Confirm it:"))
        #expect(lines[1].hasPrefix("       word"), "under the step's text, not under its number")
        let summary = lines.drop { !$0.hasPrefix("  summary") }
        #expect(summary.dropFirst().first?.hasPrefix("      text") == true, "four columns in")
        #expect(lines.allSatisfy { $0.count <= 40 })
    }

    @Test func aColourSpanBrokenAcrossLinesIsClosedAndOpenedAgain() {
        let text = "      \u{1b}[36m" + String(repeating: "abc ", count: 15) + "\u{1b}[0m"
        let lines = TerminalText.wrap(text, width: 30).split(separator: "\n").map(String.init)
        #expect(lines.count > 1)
        for line in lines {
            #expect(line.contains("\u{1b}[36m"), "every piece coloured: \(line)")
            #expect(line.hasSuffix("\u{1b}[0m"), "every piece closed: \(line)")
        }
    }

    @Test func wideCharactersTakeTwoColumnsAndShortTextIsLeftAlone() {
        #expect(TerminalText.columns("端") == 2)
        #expect(TerminalText.columns("e\u{301}") == 1)
        let wrapped = TerminalText.wrap(String(repeating: "端口", count: 20), width: 30)
        #expect(wrapped.split(separator: "\n").allSatisfy { Self.columns(String($0)) <= 30 })
        #expect(TerminalText.wrap("short\n", width: 80) == "short\n")
        #expect(TerminalText.wrap(String(repeating: "x", count: 50), width: 10) == String(repeating: "x", count: 50))
    }

    @Test func theTextReportWrapsToItsWidthAndOnlyThen() {
        var result = ReportTests.sampleResult()
        result.incidents[0].incident.summary = String(repeating: "The cause in words. ", count: 8)
        var report = TextReport(color: false)
        report.width = 60
        let text = report.render(result)
        #expect(text.split(separator: "\n").allSatisfy { Self.columns(String($0)) <= 60 })
        #expect(text.contains("\n      words. The cause"), "the summary continues four columns in")
        report.width = nil
        #expect(report.render(result).split(separator: "\n").contains { $0.count > 60 }, "a pipe gets long lines")
    }
}
