import Benchmark
import Foundation
import LogTriageCore

// Micro-benchmarks of logtriage's stages. Each benchmark names the bytes one iteration handles, so
// MB/s = throughput (iterations/s) x those bytes. Names are kept stable so that baselines compare. Run: swift package --package-path Benchmarks/Micro benchmark
//
// Only a few public entry points are used (BuiltinCatalog.load, LiteralAutomaton, CatalogMatcher(catalog:).match,
// ScanConfiguration(paths:format:catalog:), ScanPipeline(configuration:).run), so the benchmarks keep building
// while the internals change.

/// Every literal of the catalog's rules (triggers, rejections, context), once each: what the matcher compiles.
func catalogLiterals(_ catalog: Catalog) -> [LiteralAutomaton.Literal] {
    var seen = Set<LiteralAutomaton.Literal>()
    var out: [LiteralAutomaton.Literal] = []
    for incident in catalog.incidents {
        for rule in incident.evidence {
            for text in rule.any + rule.not + (rule.context?.any ?? []) {
                let literal = LiteralAutomaton.Literal(text, ignoreCase: rule.ignoreCase)
                if seen.insert(literal).inserted { out.append(literal) }
            }
        }
    }
    return out
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 1,
        maxDuration: .seconds(2),
        maxIterations: 1_000
    )

    let catalog: Catalog
    do {
        catalog = try BuiltinCatalog.load()
    } catch {
        fatalError("the built-in catalog does not load: \(error)")
    }
    let builtin = catalogLiterals(catalog)
    let extended = builtin + Samples.madeUpLiterals(1_000)
    let messageBytes = 4 << 20
    let messages = Samples.messages(bytes: messageBytes)
    let lines: [Range<Int>] = {
        var ranges: [Range<Int>] = []
        var start = 0
        for (i, byte) in messages.enumerated() where byte == UInt8(ascii: "\n") {
            ranges.append(start..<i)
            start = i + 1
        }
        return ranges
    }()

    // Building the automaton: paid once per scan, at start-up.
    Benchmark("LiteralAutomaton.init: built-in catalog") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(LiteralAutomaton(builtin))
        }
    }
    Benchmark("LiteralAutomaton.init: catalog + 1,000 made-up literals") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(LiteralAutomaton(extended))
        }
    }

    // Scanning: one pass over 4 MiB of messages.
    for (title, literals) in [("built-in catalog", builtin), ("catalog + 1,000 made-up literals", extended)] {
        let automaton = LiteralAutomaton(literals)
        Benchmark("LiteralAutomaton.scan: \(title), 4 MiB") { benchmark in
            var found = 0
            messages.withUnsafeBytes { buffer in
                for _ in benchmark.scaledIterations {
                    automaton.scan(buffer) { _ in found &+= 1 }
                }
            }
            blackHole(found)
        }
    }

    // Matching record by record: the automaton plus verification of the candidates.
    let matcher = CatalogMatcher(catalog: catalog)
    Benchmark("CatalogMatcher.match: 4 MiB of messages, one call each") { benchmark in
        var hits: [CatalogMatcher.Hit] = []
        var contextRules: [Int] = []
        var total = 0
        messages.withUnsafeBytes { buffer in
            for _ in benchmark.scaledIterations {
                for line in lines {
                    matcher.match(
                        UnsafeRawBufferPointer(rebasing: buffer[line]), hits: &hits, contextRules: &contextRules)
                    total &+= hits.count
                }
            }
        }
        blackHole(total)
    }

    // A whole scan of one file per format, the format forced: reading, framing, decoding, matching, classifying.
    for format in LogFormat.allCases {
        Benchmark(
            "ScanPipeline.run: --format \(format.rawValue), 8 MiB",
            configuration: .init(setup: { _ = try Samples.file(format) })
        ) { benchmark in
            let path = try Samples.file(format)
            let configuration = ScanConfiguration(paths: [path], format: format, catalog: catalog)
            for _ in benchmark.scaledIterations {
                let result = ScanPipeline(configuration: configuration).run()
                precondition(result.errors.isEmpty, "\(format.rawValue): \(result.errors.prefix(3))")
                blackHole(result.stats.records)
            }
        }
    }
}
