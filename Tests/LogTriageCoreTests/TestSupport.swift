import Foundation

@testable import LogTriageCore

enum TestSupport {
    /// The repository root, found from this file's path.
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.path
            }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    static func repositoryCatalog() throws -> Catalog {
        Catalog(incidents: try CatalogLoader.load(directory: repositoryRoot + "/patterns"))
    }

    /// Runs messages (one record each, all from one source, no times) through matching and classification.
    static func classify(_ messages: [String], catalog: Catalog) -> [IncidentReport] {
        classify(messages, matcher: CatalogMatcher(catalog: catalog))
    }

    /// The same with a matcher built once (building one is the costly part).
    static func classify(_ messages: [String], matcher: CatalogMatcher) -> [IncidentReport] {
        CatalogCheck.classify(messages, matcher: matcher)
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "logtriage-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// A small, fixed-seed generator, so that every run tests the same inputs.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
