import Foundation
import Testing

@testable import LogTriageCore

@Suite struct VerifierTests {
    /// What a matcher finds in `line`: each hit's rule and values, as text.
    static func hits(_ matcher: CatalogMatcher, _ line: String) -> [String] {
        var hits: [CatalogMatcher.Hit] = []
        var context: [Int] = []
        Array(line.utf8).withUnsafeBytes { matcher.match($0, hits: &hits, contextRules: &context) }
        return hits.map { hit in "\(hit.rule) " + hit.values.map { "\($0.name)=\($0.value)" }.joined(separator: ",") }
    }

    /// Matchers on several threads share one program, whose regexes are compiled as the first of them needs each;
    /// whichever thread compiles a pattern, every matcher finds what a matcher of its own program finds.
    @Test func matchersSharingAProgramAgreeWithAMatcherAlone() throws {
        let catalog = try TestSupport.repositoryCatalog()
        let lines = catalog.incidents.flatMap(\.examples.match) + catalog.incidents.flatMap(\.examples.noMatch)
        #expect(lines.count > 80)
        let alone = CatalogMatcher(catalog: catalog)
        let expected = lines.map { Self.hits(alone, $0) }
        #expect(expected.filter { !$0.isEmpty }.count > 40)

        let program = CatalogMatcher.Program(RuleTable(catalog))
        let threads = 4
        let results = Results(count: threads)
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            let matcher = CatalogMatcher(program: program)
            // Each thread goes through the lines from a different place, so that first uses of a rule coincide.
            let order = Array(lines.indices.dropFirst(thread * 17)) + Array(lines.indices.prefix(thread * 17))
            var found = [[String]](repeating: [], count: lines.count)
            for _ in 0..<3 {
                for index in order { found[index] = Self.hits(matcher, lines[index]) }
            }
            results.set(thread, found)
        }
        for thread in 0..<threads { #expect(results.get(thread) == expected, "thread \(thread)") }
    }

    private final class Results: @unchecked Sendable {
        // Safe because `values` is read and written only while `lock` is held.
        private let lock = NSLock()
        private var values: [[[String]]]
        init(count: Int) { values = Array(repeating: [], count: count) }
        func set(_ index: Int, _ value: [[String]]) {
            lock.lock()
            values[index] = value
            lock.unlock()
        }
        func get(_ index: Int) -> [[String]] {
            lock.lock()
            defer { lock.unlock() }
            return values[index]
        }
    }
}
