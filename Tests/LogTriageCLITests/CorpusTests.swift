import Foundation
import Testing

/// Each `corpus/<case>/` holds sample logs and `expected.json`: exactly which incidents `logtriage scan` must
/// report for that folder, with their counts.
@Suite struct CorpusTests {
    static let cases: [String] = {
        let root = CLI.repositoryRoot + "/corpus"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: "\(root)/\($0)/expected.json") }.sorted()
    }()

    static func expected(_ name: String) throws -> [String: Int] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(CLI.repositoryRoot)/corpus/\(name)/expected.json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let incidents = try #require(
            object?["incidents"] as? [String: Any], "\(name)/expected.json has no incidents object")
        return incidents.mapValues { ($0 as? Int) ?? -1 }
    }

    static func counts(_ document: [String: Any]) -> [String: Int] {
        var result: [String: Int] = [:]
        for incident in document["incidents"] as? [[String: Any]] ?? [] {
            result[incident["id"] as? String ?? "?"] = incident["count"] as? Int ?? -1
        }
        return result
    }

    @Test func theCorpusHasCases() {
        #expect(Self.cases.count >= 5, "cases found: \(Self.cases)")
        #expect(Self.cases.contains("negatives"))
    }

    @Test(arguments: CorpusTests.cases)
    func caseMatchesItsExpectation(name: String) throws {
        let run = try CLI.run(["scan", "corpus/\(name)", "--output", "json"])
        let document = try run.json()
        let expected = try Self.expected(name)
        #expect(Self.counts(document) == expected, "corpus/\(name)")
        #expect((document["errors"] as? [Any])?.isEmpty == true, "errors: \(run.stderr)")
        #expect(run.status == (expected.isEmpty ? 0 : 1))
    }

    /// Scanning the whole corpus finds every incident of the catalog, and every incident shows its remediation.
    @Test func wholeCorpusFindsEveryIncident() throws {
        let run = try CLI.run(["scan", "corpus/", "--output", "json"])
        let document = try run.json()
        var union: [String: Int] = [:]
        for name in Self.cases { for (id, count) in try Self.expected(name) { union[id, default: 0] += count } }
        #expect(Self.counts(document) == union)
        let list = try CLI.run(["patterns", "list"])
        let catalogIDs = Set(list.stdout.split(separator: "\n").map { String($0.split(separator: " ")[0]) })
        #expect(
            Set(union.keys) == catalogIDs,
            "incidents without a corpus sample: \(catalogIDs.subtracting(union.keys).sorted())")

        let text = try CLI.run(["scan", "corpus/"])
        #expect(text.status == 1)
        for id in catalogIDs {
            #expect(text.stdout.contains(id), "text output lacks \(id)")
        }
        #expect(text.stdout.contains("remediation:"))
        #expect(!text.stdout.contains("\u{1b}["), "no colour when not on a terminal")
    }
}
