/// The tester stage, beside the pipeline: runs a catalog's own examples through matching and classification, as
/// `logtriage patterns check` and the test-suite do, so that a pattern folder can be tested in a user's CI.
///
/// Each example is a sequence of records (one per line) classified on its own, as plain text from one source.
/// A check fails when a `match` example does not yield its incident, when a `no_match` example does, when a
/// `match` example also yields another incident (one record, two diagnoses: the more specific must win), or when
/// `leads_to` names an incident the catalog does not have.
///
/// Complexity: one classification per example; the matcher is built once.
public struct CatalogCheck {
    public struct Failure: Equatable, Sendable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var incident: String
        public var message: String
        /// A match example that also yields another incident: a failure for `patterns check`, a warning when a
        /// `--patterns` folder is loaded.
        public var isOverlap = false

        /// The file is the built-in catalog's.
        public var isBuiltin = false

        public var description: String {
            (line > 0 ? "\(file):\(line)" : file) + (isBuiltin ? " (built in)" : "") + ": \(incident): \(message)"
        }
    }

    public var failures: [Failure] = []
    /// Incidents and examples checked.
    public var incidents = 0
    public var examples = 0
    private var builtinFiles: Set<String> = []

    /// Checks the incidents of `catalog` whose ids are in `ids` (all when nil), against the whole catalog.
    public init(catalog: Catalog, ids: Set<String>? = nil) {
        // Built only when there is an example to run: a large generated catalog often has none.
        let checked = catalog.incidents.filter { ids?.contains($0.id) ?? true }
        let hasExamples = checked.contains { !$0.examples.match.isEmpty || !$0.examples.noMatch.isEmpty }
        let matcher = hasExamples ? CatalogMatcher(catalog: catalog) : nil  // set whenever a loop below runs
        let known = Set(catalog.incidents.map(\.id))
        builtinFiles = Set(catalog.incidents.filter(\.isBuiltin).map(\.origin))
        for incident in catalog.incidents where ids?.contains(incident.id) ?? true {
            incidents += 1
            for target in incident.leadsTo where !known.contains(target) {
                append(
                    Failure(
                        file: incident.origin, line: incident.lines.leadsTo, incident: incident.id,
                        message:
                            "leads_to names '\(target)', which no incident has (`logtriage patterns list` shows the ids)"
                    ))
            }
            for (index, example) in incident.examples.match.enumerated() {
                examples += 1
                let line = index < incident.lines.match.count ? incident.lines.match[index] : 0
                let found = Self.classify(Self.records(example), matcher: matcher!)
                if !found.contains(where: { $0.incident.id == incident.id }) {
                    append(
                        Failure(
                            file: incident.origin, line: line, incident: incident.id,
                            message: "match example does not yield \(incident.id): \(Self.quote(example))"))
                }
                for other in found where other.incident.id != incident.id {
                    append(
                        Failure(
                            file: incident.origin, line: line, incident: incident.id,
                            message:
                                "match example also yields \(other.incident.id) (rule \(other.evidence.first?.rule ?? "?")): \(Self.quote(example))",
                            isOverlap: true))
                }
            }
            for (index, example) in incident.examples.noMatch.enumerated() {
                examples += 1
                let line = index < incident.lines.noMatch.count ? incident.lines.noMatch[index] : 0
                let found = Self.classify(Self.records(example), matcher: matcher!)
                if let hit = found.first(where: { $0.incident.id == incident.id }) {
                    append(
                        Failure(
                            file: incident.origin, line: line, incident: incident.id,
                            message:
                                "no_match example yields \(incident.id) (rule \(hit.evidence.first?.rule ?? "?")): \(Self.quote(example))"
                        ))
                }
            }
        }
    }

    private mutating func append(_ failure: Failure) {
        var failure = failure
        failure.isBuiltin = builtinFiles.contains(failure.file)
        failures.append(failure)
    }

    /// The records of an example: one per line.
    static func records(_ example: String) -> [String] {
        example.split(separator: "\n").map(String.init)
    }

    /// An example's first line, cut, for a message.
    static func quote(_ example: String) -> String {
        let first = example.split(separator: "\n").first.map(String.init) ?? ""
        let shown = first.count > 120 ? first.prefix(120) + "…" : first
        return "'" + TerminalText.visible(String(shown)) + "'" + (example.contains("\n") ? " (and more lines)" : "")
    }

    /// The incidents that `messages`, as consecutive plain records of one source, yield.
    public static func classify(_ messages: [String], matcher: CatalogMatcher) -> [IncidentReport] {
        let classifier = Classifier(rules: matcher.program.table)
        let source = classifier.source(named: "example")
        var hits: [CatalogMatcher.Hit] = []
        var context: [Int] = []
        for (index, message) in messages.enumerated() {
            var bytes = Array(message.utf8)
            bytes.withUnsafeMutableBytes { raw in
                let message = UnsafeRawBufferPointer(raw)
                matcher.match(message, hits: &hits, contextRules: &context)
                classifier.observe(
                    message, at: .init(source: source, file: "example", line: index + 1, offset: 0, time: nil),
                    hits: hits, contextRules: context)
            }
        }
        return classifier.finish()
    }
}
