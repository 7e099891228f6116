import Foundation

/// The reporting stage's machine-readable sink: one JSON document per scan.
///
/// Layout (keys in this order; times ISO 8601 UTC or null):
/// `{"diagnosis":{"chains":[{"root_cause","explains":[id…],"places":[…],"timeline":[{"incident","source","file",
/// "line","offset","time","text"}]}]},"incidents":[{"id","title","severity","count","first_seen","last_seen","sources","evidence":[{"source",
/// "file","line","offset","time","text"}],"latest":{…the same fields, the last record counted},"values":{name:[…]},"remediation","summary","caused_by","leads_to"}],
/// "stats":{"files","bytes","stored_bytes","records","records_outside_window","records_undated_kept","seconds"},"errors":[{"source","message"}],
/// "skipped":[{"source","message"}]}`, and `"interrupted":true` at the end when the scan was stopped early.
public enum JSONReport {
    public static func render(_ result: ScanResult) -> String {
        let out = JSONWriter()
        out.object { members(of: result, to: out) }
        return out.text + "\n"
    }

    /// Writes the document's members into the object `out` is in: how `tail`'s summary event shares the layout.
    static func members(of result: ScanResult, to out: JSONWriter) {
        out.key("diagnosis")
        out.object {
            out.key("chains")
            out.array(result.diagnosis.chains) { chain in
                out.object {
                    out.field("root_cause", chain.rootCause)
                    out.key("explains")
                    out.array(chain.explains) { out.string($0) }
                    out.key("places")
                    out.array(chain.places) { out.string($0) }
                    out.key("timeline")
                    out.array(chain.timeline) { step in
                        out.object {
                            out.field("incident", step.incident)
                            evidenceMembers(step.evidence, to: out)
                        }
                    }
                }
            }
        }
        out.key("incidents")
        out.array(result.incidents) { report in
            out.object {
                out.field("id", report.incident.id)
                out.field("title", report.incident.title)
                out.field("severity", report.incident.severity.rawValue)
                out.field("count", report.count)
                out.field("first_seen", report.firstSeen.map(TimeFormat.iso8601))
                out.field("last_seen", report.lastSeen.map(TimeFormat.iso8601))
                out.key("sources")
                out.array(report.sources) { out.string($0) }
                func write(_ evidence: Evidence) { out.object { evidenceMembers(evidence, to: out) } }
                out.key("evidence")
                out.array(report.evidence) { write($0) }
                out.key("latest")
                if let latest = report.latest { write(latest) } else { out.raw("null") }
                out.key("values")
                out.object {
                    for value in report.values {
                        out.key(value.name)
                        out.array(value.values) { out.string($0) }
                    }
                }
                out.field("remediation", Remediation.filled(report))
                out.field("summary", report.incident.summary)
                out.key("caused_by")
                out.array(report.causedBy) { out.string($0) }
                out.key("leads_to")
                out.array(report.leadsTo) { out.string($0) }
            }
        }
        out.key("stats")
        out.object {
            out.field("files", result.stats.files)
            out.field("bytes", Int(result.stats.bytes))
            out.field("stored_bytes", Int(result.stats.storedBytes))
            out.field("records", result.stats.records)
            out.field("records_outside_window", result.stats.recordsOutsideWindow)
            out.field("records_undated_kept", result.stats.recordsUndatedKept)
            out.key("seconds")
            out.raw(formatSeconds(result.stats.seconds))
        }
        for (name, list) in [("errors", result.errors), ("skipped", result.skipped)] {
            out.key(name)
            out.array(list) { error in
                out.object {
                    out.pathField("source", error.source)
                    out.field("message", error.message)
                }
            }
        }
        if result.interrupted {
            out.key("interrupted")
            out.raw("true")
        }
    }

    /// One record's members: where and when it was found, and its text.
    private static func evidenceMembers(_ evidence: Evidence, to out: JSONWriter) {
        out.pathField("source", evidence.source)
        out.pathField("file", evidence.file)
        out.field("line", evidence.line)
        out.field("offset", Int(evidence.offset))
        out.field("time", evidence.time.map(TimeFormat.iso8601))
        out.field("text", evidence.text)
    }

    static func formatSeconds(_ seconds: Double) -> String {
        let millis = Int((seconds * 1000).rounded())
        return "\(millis / 1000).\(TimeFormat.pad(millis % 1000, 3))"
    }
}

/// Writes compact JSON with keys in the order given; only what the reports need. A class, because the nested
/// closures that mirror the document's nesting all write to one writer.
final class JSONWriter {
    private(set) var text = ""
    private var needsComma = [false]

    private func separate() {
        if needsComma[needsComma.count - 1] { text += "," }
        needsComma[needsComma.count - 1] = true
    }

    func object(_ body: () -> Void) {
        separateUnlessAfterKey()
        text += "{"
        needsComma.append(false)
        body()
        needsComma.removeLast()
        text += "}"
    }

    func array<T>(_ items: [T], _ each: (T) -> Void) {
        separateUnlessAfterKey()
        text += "["
        needsComma.append(false)
        for item in items { each(item) }
        needsComma.removeLast()
        text += "]"
    }

    private var afterKey = false

    private func separateUnlessAfterKey() {
        if afterKey { afterKey = false } else { separate() }
    }

    func key(_ name: String) {
        separate()
        append(escaped: name)
        text += ":"
        afterKey = true
    }

    func string(_ value: String) {
        separateUnlessAfterKey()
        append(escaped: value)
    }

    func raw(_ literal: String) {
        separateUnlessAfterKey()
        text += literal
    }

    func field(_ name: String, _ value: String?) {
        key(name)
        if let value { string(value) } else { raw("null") }
    }

    /// A member naming a file: the name as text (a byte that is not UTF-8 as `\xHH`), and when the name is not
    /// UTF-8, `<name>_bytes` with its exact bytes in base64 (RFC 4648), so that the file can be found again.
    func pathField(_ name: String, _ value: String) {
        field(name, value)
        if !PathName.isText(value) { field(name + "_bytes", Data(PathName.bytes(value)).base64EncodedString()) }
    }

    func field(_ name: String, _ value: Int) {
        key(name)
        raw(String(value))
    }

    private func append(escaped value: String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where PathName.escapedByte(scalar) != nil:
                // A byte of a file name that is not UTF-8, shown as on a terminal; `pathField` adds the exact bytes.
                text += "\\\\x" + String(PathName.escapedByte(scalar)!, radix: 16, uppercase: true)
            case _ where TerminalText.isHazard(scalar) || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
