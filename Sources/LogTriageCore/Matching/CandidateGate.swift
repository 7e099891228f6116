/// Which lines of a read buffer may hold evidence, found on the raw bytes before they are decoded: the matching
/// stage's search of whole buffers, in front of decoding.
///
/// A line-based decoder asks the gate once per chunk for the places where a gate literal ends; a line with none
/// is handed on marked `LogRecord.isCandidate == false` and decoded only as far as counting and times need, and
/// matching skips it. A gate may let through a line that holds no evidence (the catalog matcher then finds
/// nothing), never hold back one that does:
///
/// - its literals are the catalog's trigger and context literals (`not` literals only ever take hits away);
/// - `verbatim` gates are for formats whose message is a stretch of the line as written (nginx, CRI, plain);
/// - `jsonString` gates are for docker json-file, whose message is a JSON string: each literal is spelled as JSON
///   writes it (`"` as `\"`, `\` as `\\`, control bytes as `\n`, `\t` …), and the gate also stops at every `\u`
///   and `\/`, so that a line using an escape the spelling does not foresee (docker writes `<`, `>`, `&` and
///   U+2028 as `\u` escapes, other writers escape `/` or all non-ASCII) is always decoded.
///
/// Complexity: `ends(in:into:)` is the automaton's scan, O(n) with its prefilter's skipping.
public final class CandidateGate: @unchecked Sendable {
    // Sendable because the automaton is immutable after init and `scanEnds` only reads it.

    /// How the lines a gate looks at spell a message.
    public enum Encoding: Sendable {
        case verbatim
        case jsonString
    }

    let automaton: LiteralAutomaton

    /// A gate for `literals` as a record's message holds them, spelled for `encoding`. O(total length).
    public init(_ literals: [LiteralAutomaton.Literal], encoding: Encoding) {
        switch encoding {
        case .verbatim:
            automaton = LiteralAutomaton(literals)
        case .jsonString:
            var spelled = Set<LiteralAutomaton.Literal>()
            for literal in literals {
                var twin = literal
                twin.bytes = Self.jsonEscaped(literal.bytes)
                spelled.insert(twin)
            }
            spelled.insert(LiteralAutomaton.Literal("\\u"))
            spelled.insert(LiteralAutomaton.Literal("\\/"))
            automaton = LiteralAutomaton(Self.ordered(spelled))
        }
    }

    /// Appends to `ends` the offset just past each gate literal found in `bytes`, in ascending order.
    func ends(in bytes: UnsafeRawBufferPointer, into ends: inout [Int]) {
        automaton.scanEnds(bytes) { _, end in ends.append(end) }
    }

    /// A set of literals in a fixed order, so that a gate is built the same way every time.
    static func ordered(_ literals: Set<LiteralAutomaton.Literal>) -> [LiteralAutomaton.Literal] {
        literals.sorted { a, b in
            a.bytes == b.bytes ? !a.ignoreCase && b.ignoreCase : a.bytes.lexicographicallyPrecedes(b.bytes)
        }
    }

    /// `bytes` as JSON writes them inside a string with the short escapes, `\u00XX` for other control bytes.
    static func jsonEscaped(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for b in bytes {
            switch b {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0a: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0d: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0c: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 15)]]
            default: out.append(b)
            }
        }
        return out
    }
}

/// Where a gate's literals end in one chunk, found ahead of decoding (on a reader thread, see `ReadAheadSource`):
/// what `CandidateGate.ends(in:into:)` finds in the chunk, plus perhaps the ends of literals that began before it
/// (found in a larger buffer the chunk is part of), which only ever let more lines through.
public struct GateEnds {
    public let gate: CandidateGate
    public var ends: [Int] = []

    public init(gate: CandidateGate, ends: [Int] = []) {
        self.gate = gate
        self.ends = ends
    }
}

/// The gates of one catalog, one per encoding, built once per scan and shared by its jobs.
public struct CandidateGates: Sendable {
    public let verbatim: CandidateGate
    public let jsonString: CandidateGate

    /// Gates for every trigger and context literal of `table`. O(total literal length).
    public init(_ table: RuleTable) {
        let ordered = Self.literals(table)
        self.init(
            verbatim: CandidateGate(ordered, encoding: .verbatim),
            jsonString: CandidateGate(ordered, encoding: .jsonString))
    }

    init(verbatim: CandidateGate, jsonString: CandidateGate) {
        self.verbatim = verbatim
        self.jsonString = jsonString
    }

    /// The trigger and context literals of `table`, once each, in the order the gates take them.
    static func literals(_ table: RuleTable) -> [LiteralAutomaton.Literal] {
        var literals = Set<LiteralAutomaton.Literal>()
        for rule in table.rules {
            let d = rule.definition
            for text in d.any + (d.context?.any ?? []) {
                literals.insert(LiteralAutomaton.Literal(text, ignoreCase: d.ignoreCase))
            }
        }
        return CandidateGate.ordered(literals)
    }

    public func gate(for encoding: CandidateGate.Encoding) -> CandidateGate {
        switch encoding {
        case .verbatim: verbatim
        case .jsonString: jsonString
        }
    }
}
