import Foundation

/// The tester stage's sample-log explainer, behind `logtriage patterns test`: for each rule, which records of a
/// sample matched it (with the values it extracts) and which contained one of its literals but were rejected, and
/// why: a `not` literal, the regex, or no context nearby.
///
/// It decides each rule on each record the plain way, independently of the automaton (a literal is searched for
/// in the message, the regex run on it, context looked for among the same source's neighbours), which is what
/// the rule means; `scanCounts` carries what the scan itself counted, so that a disagreement would show.
///
/// Complexity: O(records × rules × message length) for a sample; keep samples to what a person reads.
public struct PatternTest {
    /// One record of the sample.
    public struct Record: Sendable {
        public var source: String
        public var file: String
        public var line: Int
        public var time: Int64?
        /// Nil when the record held no literal of the catalog.
        public var message: [UInt8]?

        public init(source: String, file: String, line: Int, time: Int64?, message: [UInt8]?) {
            self.source = source
            self.file = file
            self.line = line
            self.time = time
            self.message = message
        }

        /// The message as evidence shows it (bytes that are not text as `\xHH`).
        public var text: String {
            guard let message else { return "" }
            return message.withUnsafeBytes { EvidenceText.make($0, limit: 4096) }
        }
    }

    public struct Outcome: Sendable {
        /// Index into `records`.
        public var record: Int
        /// Nil when it matched; else why it was rejected.
        public var rejection: String?
        public var values: [(name: String, value: String)]
    }

    public struct RuleResult: Sendable {
        public var incident: String
        public var rule: String
        public var matched: [Outcome] = []
        public var rejected: [Outcome] = []
    }

    public let records: [Record]
    /// One per rule of the incidents tested, in catalog order.
    public private(set) var results: [RuleResult] = []
    /// Records that no rule tested matched, in input order.
    public private(set) var unmatched: [Int] = []
    /// Per incident tested, records that matched at least one of its rules.
    public private(set) var matchedRecords: [String: Int] = [:]
    /// Records that held a literal of a rule tested.
    public private(set) var examined = 0

    public init(catalog: Catalog, ids: Set<String>?, records: [Record]) {
        self.records = records
        // Each record's position among the records of its source: "within N records" counts those.
        var bySource: [String: [Int]] = [:]
        var position: [Int] = []
        for (index, record) in records.enumerated() {
            position.append(bySource[record.source, default: []].count)
            bySource[record.source, default: []].append(index)
        }
        var matchedAny = Array(repeating: false, count: records.count)
        var examinedAny = Array(repeating: false, count: records.count)
        for incident in catalog.incidents where ids?.contains(incident.id) ?? true {
            var matchedHere = Set<Int>()
            for rule in incident.evidence {
                var result = RuleResult(incident: incident.id, rule: rule.name)
                let regex = rule.regex.flatMap { try? BoundedRegex($0) }
                for (index, record) in records.enumerated() {
                    guard let message = record.message,
                        rule.any.contains(where: { Self.contains(message, $0, ignoreCase: rule.ignoreCase) })
                    else { continue }
                    examinedAny[index] = true
                    var outcome = Outcome(record: index, rejection: nil, values: [])
                    if let veto = rule.not.first(where: { Self.contains(message, $0, ignoreCase: rule.ignoreCase) }) {
                        outcome.rejection = "contains the `not` literal '\(veto)'"
                    } else if let regex {
                        message.withUnsafeBytes { bytes in
                            switch regex.match(bytes) {
                            case .noMatch: outcome.rejection = "the regex did not match"
                            case .limitReached:
                                outcome.rejection = "the regex hit its match limit, so the record does not count"
                            case .matched:
                                outcome.values = rule.groupNames.compactMap { name in
                                    guard let number = regex.groupNumber(name),
                                        let value = regex.group(number, in: bytes), !value.isEmpty
                                    else { return nil }
                                    return (name, String(decoding: value, as: UTF8.self))
                                }
                            }
                        }
                    }
                    if outcome.rejection == nil, let context = rule.context {
                        let same = bySource[record.source]!
                        let nearby = same[
                            max(
                                0, position[index] - context.within + 1)...min(
                                    same.count - 1, position[index] + context.within - 1)]
                        let found = nearby.contains { other in
                            guard let text = records[other].message else { return false }
                            return context.any.contains { Self.contains(text, $0, ignoreCase: rule.ignoreCase) }
                        }
                        if !found {
                            let literals = context.any.map { "'\($0)'" }.joined(separator: ", ")
                            outcome.rejection =
                                "no record of \(record.source) within \(context.within) records contains \(literals)"
                        }
                    }
                    if outcome.rejection == nil {
                        result.matched.append(outcome)
                        matchedHere.insert(index)
                        matchedAny[index] = true
                    } else {
                        result.rejected.append(outcome)
                    }
                }
                results.append(result)
            }
            matchedRecords[incident.id] = matchedHere.count
        }
        unmatched = matchedAny.indices.filter { !matchedAny[$0] }
        examined = examinedAny.count { $0 }
    }

    /// Whether `literal` occurs in `message` (ASCII letters folded with `ignoreCase`, as the matcher folds them).
    static func contains(_ message: [UInt8], _ literal: String, ignoreCase: Bool) -> Bool {
        var needle = Array(literal.utf8)
        guard !needle.isEmpty, needle.count <= message.count else { return needle.isEmpty }
        if !ignoreCase { return message.firstRange(of: needle) != nil }
        func fold(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
        needle = needle.map(fold)
        return message.map(fold).firstRange(of: needle) != nil
    }
}

extension PatternTest {
    /// What a scan of a sample reads and counts, keeping every record (at most `limit`).
    public struct Sample: Sendable {
        public var records: [Record]
        /// The scan's own result: what `scan` reports for the sample.
        public var result: ScanResult
        /// More than `limit` records were read; the rest were not kept.
        public var truncated: Bool
    }

    /// Scans `configuration`'s input with one job and keeps its records. O(input).
    public static func read(_ configuration: ScanConfiguration, limit: Int = 200_000) -> Sample {
        final class Box: @unchecked Sendable {
            let lock = NSLock()
            var records: [Record] = []
            var truncated = false
        }
        let box = Box()
        var configuration = configuration
        configuration.jobs = 1
        configuration.candidateGates = false
        configuration.recordTap = { record in
            box.lock.lock()
            defer { box.lock.unlock() }
            guard box.records.count < limit else {
                box.truncated = true
                return
            }
            box.records.append(
                Record(
                    source: record.source, file: record.file, line: record.line, time: record.time,
                    message: record.message))
        }
        let result = ScanPipeline(configuration: configuration).run()
        return Sample(records: box.records, result: result, truncated: box.truncated)
    }
}
