import Foundation

/// The reporting stage's sink for Prometheus: `tail`'s counts in the text exposition format, for node_exporter's
/// textfile collector (https://prometheus.io/docs/instrumenting/exposition_formats/).
///
/// The file is written whole beside its final name and renamed over it, so the collector never reads half a file.
/// Every incident of the catalog is listed, with 0 until seen, so that `increase()` sees the first occurrence.
public struct MetricsFile {
    public struct Counts: Sendable {
        public var incidents: [(id: String, severity: String, count: Int)] = []
        public var records: Int64 = 0
        public var bytes: Int64 = 0
        public var filesFollowed = 0
        public var decodeErrors: Int64 = 0
        /// µs since the epoch of the last incident counted.
        public var lastEvent: Int64?

        public init() {}
    }

    public static func render(_ counts: Counts) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for sample in samples { out += name + sample.labels + " " + sample.value + "\n" }
        }
        family(
            "logtriage_incidents_total", "counter", "Records counted as evidence of each incident.",
            counts.incidents.map { ("{id=\"\(escape($0.id))\",severity=\"\(escape($0.severity))\"}", String($0.count)) }
        )
        family("logtriage_records_total", "counter", "Log records read.", [("", String(counts.records))])
        family("logtriage_read_bytes_total", "counter", "Decompressed log bytes read.", [("", String(counts.bytes))])
        family("logtriage_files_followed", "gauge", "Files followed now.", [("", String(counts.filesFollowed))])
        family(
            "logtriage_decode_errors_total", "counter", "Malformed records and read problems met.",
            [("", String(counts.decodeErrors))])
        if let last = counts.lastEvent {
            let seconds = Double(last) / 1e6
            family(
                "logtriage_last_event_timestamp_seconds", "gauge", "When the last incident record was counted.",
                [("", String(format: "%.3f", seconds))])
        }
        return out
    }

    /// A label value with `\`, `"` and newlines escaped, as the format requires.
    static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    /// Writes `counts` to `path` atomically: a temporary file in the same folder, then a rename.
    public static func write(_ counts: Counts, to path: String) throws {
        let temporary = path + ".tmp.\(ProcessInfo.processInfo.processIdentifier)"
        try Data(render(counts).utf8).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw MetricsError(path: path, reason: reason)
        }
    }

    public struct MetricsError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot write the metrics file \(path): \(reason)" }
    }
}
