import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// Writes `counts` to `path` atomically: a temporary file in the same folder, then a rename. The path's bytes
    /// are used as given (`PathName`): a name that is not UTF-8 is written under that name, not a repaired one.
    public static func write(_ counts: Counts, to path: String) throws {
        let temporary = path + ".tmp.\(ProcessInfo.processInfo.processIdentifier)"
        let descriptor = PathName.withCString(temporary) { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        guard descriptor >= 0 else {
            throw MetricsError(path: path, reason: "\(String(cString: strerror(errno))) (creating \(temporary))")
        }
        // The first step that fails, with its errno; the temporary file is then removed.
        var failed: (step: String, code: Int32)?
        if !writeAll(Array(render(counts).utf8), to: descriptor) { failed = ("writing", errno) }
        if close(descriptor) != 0 && failed == nil { failed = ("writing", errno) }
        if failed == nil,
            PathName.withCString(temporary, { from in PathName.withCString(path) { rename(from, $0) } }) != 0
        {
            failed = ("renaming", errno)
        }
        guard let failed else { return }
        PathName.withCString(temporary) { _ = unlink($0) }
        throw MetricsError(
            path: path, reason: "\(String(cString: strerror(failed.code))) (\(failed.step) \(temporary))")
    }

    /// Writes all of `bytes`; false (with `errno`) when a write fails.
    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        bytes.withUnsafeBytes { all in
            var done = 0
            while done < all.count {
                #if canImport(Glibc)
                let n = Glibc.write(descriptor, all.baseAddress! + done, all.count - done)
                #else
                let n = Darwin.write(descriptor, all.baseAddress! + done, all.count - done)
                #endif
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                done += n
            }
            return true
        }
    }

    public struct MetricsError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot write the metrics file \(path): \(reason)" }
    }
}
