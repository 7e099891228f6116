/// How bad an incident is; the summary lists the most severe first.
public enum Severity: String, CaseIterable, Sendable {
    case critical, error, warning

    /// Lower ranks are more severe.
    public var rank: Int {
        switch self {
        case .critical: 0
        case .error: 1
        case .warning: 2
        }
    }
}

/// The catalog stage of the pipeline: one known incident, as written in a `patterns/<id>.yaml` file.
///
/// Matching compiles every incident's literals into one automaton; classification uses the rest (verification,
/// values, remediation, root-cause links).
public struct Incident: Equatable, Sendable {
    /// Fixed kebab-case id; scripts depend on it.
    public var id: String
    public var title: String
    public var severity: Severity
    /// The cause in one sentence.
    public var summary: String
    /// Incidents this one commonly causes (a missing log folder leads to nginx's connection refused).
    public var leadsTo: [String]
    /// A record that satisfies any rule is evidence.
    public var evidence: [EvidenceRule]
    /// Labels for the values the rules' named groups extract, in the order to show them.
    public var valueLabels: [ValueLabel]
    public var remediation: String
    /// Record sequences that must (and must not) yield this incident; checked by the tests.
    public var examples: Examples
    /// The file the incident was loaded from, for messages (for a built-in incident, its path in the source).
    public var origin: String
    /// Part of the catalog compiled into the binary: `origin` names no file where the binary is installed.
    public var isBuiltin = false
    /// Where it was defined, in words: the file, or the built-in catalog and the file's path in the source.
    public var definedIn: String {
        isBuiltin ? "the built-in catalog (\(origin) in logtriage's source)" : origin
    }
    /// Where each wording comes from: upstream source files or documents.
    public var references: [String] = []
    /// Lines in `origin` of what checks report on (0 where unknown).
    public var lines = Lines()

    public struct Lines: Equatable, Sendable {
        public var leadsTo = 0
        public var match: [Int] = []
        public var noMatch: [Int] = []
    }

    public struct ValueLabel: Equatable, Sendable {
        public var name: String
        public var label: String
    }

    public struct Examples: Equatable, Sendable {
        public var match: [String]
        public var noMatch: [String]
    }

    /// The label for a value name, or the name with underscores as spaces.
    public func label(for name: String) -> String {
        valueLabels.first { $0.name == name }?.label ?? name.replacing("_", with: " ")
    }
}

/// One way of recognising an incident in a record.
public struct EvidenceRule: Equatable, Sendable {
    public var name: String
    /// Literals: a record containing any of them is a candidate.
    public var any: [String]
    public var ignoreCase: Bool
    /// Verification the candidate must pass; named groups become values.
    public let regex: String?
    /// Literals that reject a candidate.
    public var not: [String]
    public var context: Context?
    /// The names of the regex's `(?<name>…)` groups, in the order written: the values the rule extracts.
    public let groupNames: [String]

    public init(name: String, any: [String], ignoreCase: Bool, regex: String?, not: [String], context: Context?) {
        self.name = name
        self.any = any
        self.ignoreCase = ignoreCase
        self.regex = regex
        self.not = not
        self.context = context
        self.groupNames = regex.map(Self.namedGroups) ?? []
    }

    /// The names of `(?<name>…)` groups in a regex, by bytes (the marks are ASCII). O(pattern length).
    static func namedGroups(_ pattern: String) -> [String] {
        let bytes = Array(pattern.utf8)
        var names: [String] = []
        var i = 0
        while i + 3 <= bytes.count {
            guard bytes[i] == UInt8(ascii: "("), bytes[i + 1] == UInt8(ascii: "?"), bytes[i + 2] == UInt8(ascii: "<")
            else {
                i += 1
                continue
            }
            i += 3
            // `(?<=` and `(?<!` are lookbehinds, not names.
            guard i < bytes.count, bytes[i] != UInt8(ascii: "="), bytes[i] != UInt8(ascii: "!"),
                let close = bytes[i...].firstIndex(of: UInt8(ascii: ">"))
            else { continue }
            names.append(String(decoding: bytes[i..<close], as: UTF8.self))
        }
        return names
    }

    /// Another record of the same source nearby must contain one of `any`.
    public struct Context: Equatable, Sendable {
        public var any: [String]
        /// How many records of the same source, before or after, count as nearby (the record itself included).
        public var within: Int
    }
}
