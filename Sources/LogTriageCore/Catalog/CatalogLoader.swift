import Foundation
import Yams

/// A pattern file that cannot be used, with the place in it and the reason.
public struct CatalogError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the problem is the file as a whole.
    public var line: Int
    public var column: Int
    public var reason: String

    public var description: String {
        line > 0 ? "\(file):\(line):\(column): \(reason)" : "\(file): \(reason)"
    }
}

/// Reads incident definitions from YAML (`patterns/<id>.yaml`) and checks them before anything is compiled, so a
/// mistake in a user's pattern is reported with its file, line and reason instead of surfacing mid-scan.
///
/// Complexity: linear in the size of the files.
public enum CatalogLoader {
    /// The keys an incident file may have; anything else is a typo worth reporting.
    static let incidentKeys: Set<String> = [
        "id", "title", "severity", "summary", "leads_to", "evidence", "values", "remediation", "examples",
        "references",
    ]
    static let ruleKeys: Set<String> = ["name", "any", "ignore_case", "regex", "not", "context"]
    static let contextKeys: Set<String> = ["any", "within"]
    static let exampleKeys: Set<String> = ["match", "no_match"]
    /// Literals shorter than this would make nearly every record a candidate.
    static let minimumLiteralLength = 4

    /// Loads every `*.yaml` / `*.yml` file of a folder, in name order.
    public static func load(directory: String) throws(CatalogError) -> [Incident] {
        guard let status = FileStatus.of(directory) else {
            throw CatalogError(
                file: directory, line: 0, column: 0,
                reason: "no such pattern folder; --patterns takes a folder of <id>.yaml files")
        }
        guard status.isDirectory else {
            throw CatalogError(
                file: directory, line: 0, column: 0,
                reason: "is a file, not a folder; put it in a folder and give --patterns the folder")
        }
        let names: [String]
        switch PathName.entries(of: directory) {
        case .success(let entries): names = entries
        case .failure(let error):
            throw CatalogError(file: directory, line: 0, column: 0, reason: "cannot read the pattern folder: \(error)")
        }
        let files = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        if files.isEmpty {
            throw CatalogError(file: directory, line: 0, column: 0, reason: "the pattern folder holds no .yaml files")
        }
        var incidents: [Incident] = []
        var ids: [String: String] = [:]
        for name in files {
            let path = PathName.join(directory, name)
            guard let data = PathName.contents(of: path, limit: 16 << 20).map({ Data($0) }) else {
                throw CatalogError(file: path, line: 0, column: 0, reason: "cannot read the file")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw CatalogError(file: path, line: 0, column: 0, reason: "the file is not UTF-8 text")
            }
            let incident = try parse(text, file: path)
            if let other = ids[incident.id] {
                throw CatalogError(
                    file: path, line: 1, column: 1, reason: "id '\(incident.id)' is already defined in \(other)")
            }
            ids[incident.id] = path
            incidents.append(incident)
        }
        return incidents
    }

    /// No implicit tags. Yams' default resolver tries seven regexes on each mapping key as it checks keys for
    /// duplicates, a third of the parse; and what the loader reads does not depend on them: `Node.bool` reads an
    /// untagged value by its spelling, `Node.int` by its digits, and two keys are duplicates when their text is.
    private static let resolver = Resolver.basic
    /// Made once: Yams' `Constructor.default` builds its tables anew at each use, and `Parser.Encoding.default`
    /// reads the whole environment (a tenth of the parse); a Swift string is UTF-8. Safe to share between the
    /// threads that parse the built-in files: a constructor's maps are `let`s, and composing a document (all the
    /// loader does) does not call it.
    nonisolated(unsafe) private static let constructor = Constructor.default

    /// Parses and checks one incident definition.
    public static func parse(_ text: String, file: String) throws(CatalogError) -> Incident {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text, Self.resolver, Self.constructor, .utf8) else {
                throw CatalogError(file: file, line: 0, column: 0, reason: "the file is empty")
            }
            root = node
        } catch let error as CatalogError {
            throw error
        } catch let error as YamlError {
            throw yamlError(error, file: file)
        } catch {
            throw CatalogError(file: file, line: 0, column: 0, reason: "\(error)")
        }
        let reader = NodeReader(file: file)
        let map = try reader.mapping(root, what: "the incident", allowed: incidentKeys)

        let id = try reader.string(map, "id", in: root)
        guard isKebabCase(id) else {
            throw reader.error(map["id"]!, "id '\(id)' must be kebab-case: lowercase letters, digits and single dashes")
        }
        let baseName = fileStem(file)
        if baseName != id {
            throw reader.error(
                map["id"]!, "id '\(id)' does not match the file name '\(baseName)'; name the file \(id).yaml")
        }
        let severityText = try reader.string(map, "severity", in: root)
        guard let severity = Severity(rawValue: severityText) else {
            throw reader.error(map["severity"]!, "severity '\(severityText)' is not one of critical, error, warning")
        }
        let leadsTo = try reader.optionalStrings(map, "leads_to")
        for other in leadsTo where !isKebabCase(other) {
            throw reader.error(map["leads_to"]!, "leads_to entry '\(other)' is not an incident id")
        }

        guard let evidenceNode = map["evidence"] else {
            throw reader.error(root, "missing 'evidence': at least one rule is needed")
        }
        guard case .sequence(let ruleNodes) = evidenceNode, !ruleNodes.isEmpty else {
            throw reader.error(evidenceNode, "'evidence' must be a list of at least one rule")
        }
        var rules: [EvidenceRule] = []
        var names = Set<String>()
        for ruleNode in ruleNodes {
            let rule = try parseRule(ruleNode, reader: reader)
            guard names.insert(rule.name).inserted else {
                throw reader.error(ruleNode, "evidence rule name '\(rule.name)' is used twice")
            }
            rules.append(rule)
        }

        var labels: [Incident.ValueLabel] = []
        if let valuesNode = map["values"] {
            // Checked as a mapping first; read in order so that labels show in the order written.
            _ = try reader.mapping(valuesNode, what: "'values'", allowed: nil)
            for (key, value) in reader.orderedPairs(valuesNode) {
                guard let label = value.string, !label.isEmpty else {
                    throw reader.error(value, "the label of value '\(key)' must be text")
                }
                labels.append(.init(name: key, label: label))
            }
        }
        let groupNames = Set(rules.flatMap(\.groupNames))
        for label in labels where !groupNames.contains(label.name) {
            throw reader.error(map["values"]!, "value '\(label.name)' is not a named group of any rule's regex")
        }

        var examples = Incident.Examples(match: [], noMatch: [])
        var lines = Incident.Lines(leadsTo: map["leads_to"]?.mark?.line ?? 0)
        if let examplesNode = map["examples"] {
            let exampleMap = try reader.mapping(examplesNode, what: "'examples'", allowed: exampleKeys)
            examples.match = try reader.optionalStrings(exampleMap, "match")
            examples.noMatch = try reader.optionalStrings(exampleMap, "no_match")
            lines.match = reader.itemLines(exampleMap["match"])
            lines.noMatch = reader.itemLines(exampleMap["no_match"])
        }
        let references = try reader.optionalStrings(map, "references")

        return Incident(
            id: id,
            title: try reader.string(map, "title", in: root),
            severity: severity,
            summary: trimmed(try reader.string(map, "summary", in: root)),
            leadsTo: leadsTo,
            evidence: rules,
            valueLabels: labels,
            remediation: trimmed(try reader.string(map, "remediation", in: root)),
            examples: examples,
            origin: file,
            references: references,
            lines: lines
        )
    }

    static func parseRule(_ node: Node, reader: NodeReader) throws(CatalogError) -> EvidenceRule {
        let map = try reader.mapping(node, what: "an evidence rule", allowed: ruleKeys)
        let name = try reader.string(map, "name", in: node)
        let any = try reader.optionalStrings(map, "any")
        if any.isEmpty {
            throw reader.error(
                map["any"] ?? node,
                "rule '\(name)' needs 'any': a list of literal strings that make a record a candidate")
        }
        for literal in any where literal.utf8.count < minimumLiteralLength {
            throw reader.error(
                map["any"]!,
                "rule '\(name)': literal '\(literal)' is shorter than \(minimumLiteralLength) bytes and would match almost every record"
            )
        }
        let ignoreCase: Bool
        if let flag = map["ignore_case"] {
            guard let value = flag.bool else { throw reader.error(flag, "'ignore_case' must be true or false") }
            ignoreCase = value
        } else {
            ignoreCase = false
        }
        var regex: String?
        if let regexNode = map["regex"] {
            guard let text = regexNode.string, !text.isEmpty else {
                throw reader.error(regexNode, "rule '\(name)': 'regex' must be a non-empty string")
            }
            // Compiled with the engine that verifies candidates (PCRE2 syntax); the JIT is left to the scan, which
            // compiles a rule's regex when it first has a candidate.
            do throws(BoundedRegex.CompileError) {
                _ = try BoundedRegex.Code(text, jit: false)
            } catch {
                throw reader.error(regexNode, "rule '\(name)': the regex does not compile: \(error)")
            }
            regex = text
        }
        let not = try reader.optionalStrings(map, "not")
        var context: EvidenceRule.Context?
        if let contextNode = map["context"] {
            let contextMap = try reader.mapping(contextNode, what: "'context'", allowed: contextKeys)
            let literals = try reader.optionalStrings(contextMap, "any")
            if literals.isEmpty {
                throw reader.error(contextNode, "rule '\(name)': 'context' needs 'any': literals to look for nearby")
            }
            guard let withinNode = contextMap["within"], let within = withinNode.int, within >= 1, within <= 1000 else {
                throw reader.error(
                    contextMap["within"] ?? contextNode,
                    "rule '\(name)': 'context.within' must be a number of records from 1 to 1000")
            }
            context = .init(any: literals, within: within)
        }
        return EvidenceRule(name: name, any: any, ignoreCase: ignoreCase, regex: regex, not: not, context: context)
    }

    /// `text` without white space at either end: Unicode's White_Space (spaces, tabs and line breaks) and U+200B
    /// ZERO WIDTH SPACE, the set of Foundation's `CharacterSet.whitespacesAndNewlines`, without its cost (it was a
    /// fifth of the built-in catalog's parse).
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        func white(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isWhitespace || scalar == "\u{200B}" }
        guard let first = scalars.firstIndex(where: { !white($0) }), let last = scalars.lastIndex(where: { !white($0) })
        else { return "" }
        return String(scalars[first...last])
    }

    /// Whether `text` holds only space separators, tabs and U+200B, the set of Foundation's
    /// `CharacterSet.whitespaces` (no line break: a line break is text here).
    static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy {
            $0 == "\t" || $0 == "\u{200B}" || $0.properties.generalCategory == .spaceSeparator
        }
    }

    /// The file name of `path` without its extension (`a/b.yaml` → `b`; a name that starts with its only dot
    /// keeps it).
    static func fileStem(_ path: String) -> String {
        let name = PathName.split(path).name
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    static func isKebabCase(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ("a"..."z").contains(first), !text.hasSuffix("-"),
            !text.contains("--")
        else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    static func yamlError(_ error: YamlError, file: String) -> CatalogError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            let reason = context.map { "\(problem) \($0.text)" } ?? problem
            return CatalogError(file: file, line: mark.line, column: mark.column, reason: "YAML syntax: \(reason)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return CatalogError(
                file: file, line: context.mark.line, column: context.mark.column,
                reason: "key '\(duplicates.joined(separator: "', '"))' appears twice in one mapping")
        default:
            return CatalogError(file: file, line: 0, column: 0, reason: "YAML: \(error)")
        }
    }
}

/// Typed access to a composed YAML document that names the line of whatever is wrong.
struct NodeReader {
    let file: String

    func error(_ node: Node, _ reason: String) -> CatalogError {
        CatalogError(file: file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0, reason: reason)
    }

    func orderedPairs(_ node: Node) -> [(String, Node)] {
        guard case .mapping(let mapping) = node else { return [] }
        return mapping.compactMap { key, value in key.string.map { ($0, value) } }
    }

    /// A mapping's entries by key; unknown keys are rejected when `allowed` is given.
    func mapping(_ node: Node, what: String, allowed: Set<String>?) throws(CatalogError) -> [String: Node] {
        guard case .mapping = node else { throw error(node, "\(what) must be a mapping of keys to values") }
        var result: [String: Node] = [:]
        for (key, value) in orderedPairs(node) {
            if let allowed, !allowed.contains(key) {
                let known = allowed.sorted().joined(separator: ", ")
                throw error(value, "unknown key '\(key)' in \(what); known keys: \(known)")
            }
            result[key] = value
        }
        return result
    }

    func string(_ map: [String: Node], _ key: String, in parent: Node) throws(CatalogError) -> String {
        guard let node = map[key] else { throw error(parent, "missing '\(key)'") }
        guard case .scalar = node, let text = node.string, !CatalogLoader.isBlank(text) else {
            throw error(node, "'\(key)' must be non-empty text")
        }
        return text
    }

    /// The line of each item of a sequence.
    func itemLines(_ node: Node?) -> [Int] {
        guard case .sequence(let items)? = node else { return [] }
        return items.map { $0.mark?.line ?? 0 }
    }

    func optionalStrings(_ map: [String: Node], _ key: String) throws(CatalogError) -> [String] {
        guard let node = map[key] else { return [] }
        guard case .sequence(let items) = node else { throw error(node, "'\(key)' must be a list of strings") }
        var result: [String] = []
        for item in items {
            guard case .scalar = item, let text = item.string, !text.isEmpty else {
                throw error(item, "every entry of '\(key)' must be a non-empty string")
            }
            result.append(text)
        }
        return result
    }
}
