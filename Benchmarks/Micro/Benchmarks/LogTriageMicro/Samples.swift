import Foundation
import LogTriageCore

/// Deterministic inputs for the micro-benchmarks: message text, and one log file per format written once into
/// the temporary folder (`$TMPDIR/logtriage-micro-v1/`, reused while it exists).
///
/// Content is mostly benign, with near misses (messages that contain a catalog literal but are no incident, so
/// verification runs) and rare incident evidence, in the proportions of `Benchmarks/generate-workload.py`.
enum Samples {
    static let folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("logtriage-micro-v1")
    /// Decompressed bytes of each per-format file.
    static let fileBytes = 8 << 20

    /// SplitMix64: a small, fast, reproducible generator.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func hex(_ digits: Int) -> String {
            var s = ""
            while s.count < digits { s += String(next(), radix: 16) }
            return String(s.prefix(digits))
        }
    }

    static func message(_ g: inout Generator) -> String {
        let n = g.below(99_999)
        let r = g.below(10_000)
        switch r {
        case 0: return "connect() failed (111: Connection refused) while connecting to upstream"
        case 1: return "Out of memory: Killed process \(n) (mysqld) total-vm:2279848kB, anon-rss:411876kB"
        case 2..<300:
            return "open() /usr/share/nginx/html/favicon.ico failed (2: No such file or directory)"
        case 300..<500: return "certbot.service: Main process exited, code=exited, status=0/SUCCESS"
        case 500..<700: return "bucket exports already exists, reusing it"
        case 700..<3_000: return "GET /api/v1/items/\(n) 200 \(g.below(800) / 10).\(g.below(10))ms user=\(n % 5000)"
        case 3_000..<5_500:
            let task = g.hex(32)
            return "Task app.tasks.send_email[\(task)] succeeded in 0.0\(g.below(99_999))s: None"
        case 5_500..<7_000: return "cache miss for key user:\(n):profile, loading from database"
        case 7_000..<8_500:
            return
                "SELECT items.id, items.sku, items.title, items.price_cents FROM items WHERE items.category_id = \(n) "
                + "ORDER BY items.updated_at DESC LIMIT 50"
        default: return "login ok user=\(n) method=password mfa=false"
        }
    }

    /// About `bytes` of messages, one per line.
    static func messages(bytes: Int) -> [UInt8] {
        var g = Generator(state: 1)
        var out: [UInt8] = []
        out.reserveCapacity(bytes + 512)
        while out.count < bytes {
            out += message(&g).utf8
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    static func json(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    static func digits(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    static let paths = ["/api/v1/items/", "/api/v1/orders/", "/static/js/app.3f9c2b1e.js?v=", "/api/health?probe="]
    static let agents = [
        "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0", "curl/8.5.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 Version/17.3 Mobile/15E148",
    ]

    /// One record of `format` at `second` (from 2025-03-01T00:00:00Z) and `micros`.
    static func record(_ format: LogFormat, second: Int, micros: Int, sequence: Int, g: inout Generator) -> String {
        let hms = "\(two(second / 3600 % 24)):\(two(second / 60 % 60)):\(two(second % 60))"
        let iso = "2025-03-01T\(hms).\(digits(micros, 6))"
        let ip = "203.0.\(g.below(256)).\(1 + g.below(254))"
        switch format {
        case .dockerJSON:
            return "{\"log\":\"\(json(message(&g)))\\n\",\"stream\":\"stderr\",\"time\":\"\(iso)000Z\"}\n"
        case .cri:
            return "\(iso)000Z stderr F \(message(&g))\n"
        case .journalExport, .journalJSON:
            let realtime = (1_740_787_200 + second) * 1_000_000 + micros
            let cursor = "s=5b1f0c2d;i=\(String(sequence, radix: 16));b=9e0c;m=\(String(realtime / 7, radix: 16))"
            let fields: [(String, String)] = [
                ("__CURSOR", cursor), ("__REALTIME_TIMESTAMP", "\(realtime)"),
                ("__MONOTONIC_TIMESTAMP", "\(realtime / 7)"), ("_BOOT_ID", "0f3a9c51d2e84b6f8a7d1c2b3e4f5a6b"),
                ("_HOSTNAME", "shop-prod-1"), ("PRIORITY", "6"), ("SYSLOG_IDENTIFIER", "gunicorn"), ("_PID", "2211"),
                ("_SYSTEMD_UNIT", "flask-app.service"), ("_TRANSPORT", "stdout"), ("MESSAGE", message(&g)),
            ]
            if format == .journalExport {
                return fields.map { "\($0.0)=\($0.1)\n" }.joined() + "\n"
            }
            return "{" + fields.map { "\"\($0.0)\":\"\(json($0.1))\"" }.joined(separator: ",") + "}\n"
        case .nginxAccess:
            let clf = "01/Mar/2025:\(hms) +0000"
            if g.below(20_000) == 0 {
                return
                    "\(ip) - - [\(clf)] \"\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xFC\\x03\\x03\" 400 157 \"-\" \"-\"\n"
            }
            let path = paths[g.below(paths.count)] + "\(g.below(99_999))"
            let agent = agents[g.below(agents.count)]
            return "\(ip) - - [\(clf)] \"GET \(path) HTTP/1.1\" 200 \(20 + g.below(8000)) \"-\" \"\(agent)\"\n"
        case .nginxError:
            return "2025/03/01 \(hms) [error] 29#29: *\(sequence) \(message(&g)), client: \(ip), "
                + "server: shop.example.com, request: \"GET /api/v1/items/\(g.below(999)) HTTP/1.1\", "
                + "host: \"shop.example.com\"\n"
        case .plain:
            return "2025-03-01 \(hms),\(digits(micros / 1000, 3)) INFO [app.worker] \(message(&g))\n"
        }
    }

    /// The path of the sample file of `format`, written first if it is not there yet.
    static func file(_ format: LogFormat) throws -> String {
        let path = (folder as NSString).appendingPathComponent("\(format.rawValue).log")
        if FileManager.default.fileExists(atPath: path) { return path }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var g = Generator(state: format.rawValue.utf8.reduce(7) { $0 &* 31 &+ UInt64($1) })
        var text = ""
        text.reserveCapacity(fileBytes + 4096)
        var sequence = 0
        var bytes = 0
        while bytes < fileBytes {
            let line = record(
                format, second: sequence / 4, micros: (sequence * 250_017) % 1_000_000,
                sequence: sequence, g: &g)
            bytes += line.utf8.count
            text += line
            sequence += 1
        }
        let partial = path + ".partial.\(getpid())"
        try Data(text.utf8).write(to: URL(fileURLWithPath: partial))
        try FileManager.default.moveItem(atPath: partial, toPath: path)
        return path
    }

    /// Made-up literals that occur in no sample, for a catalog `extra` literals larger than the built-in one.
    static func madeUpLiterals(_ count: Int) -> [LiteralAutomaton.Literal] {
        let onsets = [
            "b", "br", "d", "dr", "f", "g", "gl", "k", "kr", "l", "m", "n", "p", "qu", "r", "s", "sk", "t",
            "th", "v", "vr", "x", "z", "zh",
        ]
        let vowels = ["a", "e", "i", "o", "u", "ae", "ou", "y"]
        let codas = ["", "", "k", "l", "m", "n", "r", "x", "z", "th"]
        let common = ["failed", "error", "timeout", "connection", "refused", "worker", "denied", "not found"]
        var g = Generator(state: 42)
        var seen = Set<String>()
        var out: [LiteralAutomaton.Literal] = []
        while out.count < count {
            var word = ""
            for _ in 0..<(3 + g.below(2)) {
                word += onsets[g.below(onsets.count)] + vowels[g.below(vowels.count)] + codas[g.below(codas.count)]
            }
            let literal =
                g.below(2) == 0
                ? "\(word) \(common[g.below(common.count)])" : "\(common[g.below(common.count)]) \(word)"
            if seen.insert(literal).inserted {
                out.append(LiteralAutomaton.Literal(literal, ignoreCase: g.below(10) == 0))
            }
        }
        return out
    }
}
