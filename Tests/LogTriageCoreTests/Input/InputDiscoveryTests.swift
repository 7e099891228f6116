import Foundation
import Testing

@testable import LogTriageCore

@Suite struct InputDiscoveryTests {
    @Test func rotationNamesSortOldestFirst() {
        let names = [
            "access.log", "access.log.1", "access.log.10.gz", "access.log.2.gz", "access.log-20250101.gz",
            "access.log-20250102",
        ]
        let parsed = names.map(RotationName.init(fileName:))
        #expect(Set(parsed.map(\.base)) == ["access.log"])
        let ordered = zip(names, parsed).sorted { $0.1.age < $1.1.age }.map(\.0)
        #expect(
            ordered == [
                "access.log-20250101.gz", "access.log-20250102", "access.log.10.gz", "access.log.2.gz",
                "access.log.1", "access.log",
            ])
        #expect(RotationName(fileName: "error.log").base == "error.log")
        let kubelet = ["0.log", "0.log.20250301-120000.gz", "0.log.20250228-093000"].map(RotationName.init(fileName:))
        #expect(Set(kubelet.map(\.base)) == ["0.log"])
        #expect(kubelet[2].age < kubelet[1].age && kubelet[1].age < kubelet[0].age)
        #expect(InputDiscovery.kubernetesName(directory: "/var/log/pods/jhub_hub-6f9c_8d2f/hub") == "jhub/hub-6f9c/hub")
        #expect(InputDiscovery.kubernetesName(directory: "/var/log/nginx") == nil)
        #expect(RotationName(fileName: "x.gz").base == "x.gz")
        #expect(RotationName(fileName: "app.2024.log").base == "app.2024.log")
    }

    @Test func directoriesAreWalkedAndGroupedAndContainersNamed() throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let id = String(repeating: "ab", count: 32)
        let container = root + "/containers/" + id
        try FileManager.default.createDirectory(atPath: container, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/nginx", withIntermediateDirectories: true)
        for file in [
            "nginx/access.log", "nginx/access.log.1", "nginx/access.log.2.gz", "nginx/error.log",
            "containers/\(id)/\(id)-json.log", "containers/\(id)/\(id)-json.log.1.gz",
            "containers/\(id)/hostconfig.json", ".hidden.log",
        ] {
            #expect(FileManager.default.createFile(atPath: root + "/" + file, contents: Data("x\n".utf8)))
        }
        #expect(
            FileManager.default.createFile(
                atPath: container + "/config.v2.json",
                contents: Data(#"{"ID":"x","Name":"/athena_eye_db"}"#.utf8)))
        let (groups, problems) = InputDiscovery.discover([root, root + "/missing.log"])
        #expect(problems.map(\.path) == [root + "/missing.log"])
        #expect(groups.count == 3)
        let docker = try #require(groups.first { $0.files.first?.hasPrefix(container + "/") == true })
        #expect(docker.source == "athena_eye_db")
        #expect(docker.files == [container + "/\(id)-json.log.1.gz", container + "/\(id)-json.log"])
        let access = try #require(groups.first { $0.source == root + "/nginx/access.log" })
        #expect(
            access.files.map { String($0.dropFirst(root.count + 7)) } == [
                "access.log.2.gz", "access.log.1", "access.log",
            ])
        #expect(groups.contains { $0.source == root + "/nginx/error.log" })
    }

    @Test func explicitFilesFormOneSetAndStdinIsKept() throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for file in ["a.log", "a.log.1"] {
            #expect(FileManager.default.createFile(atPath: root + "/" + file, contents: Data()))
        }
        let (groups, problems) = InputDiscovery.discover([root + "/a.log", "-", root + "/a.log.1", root + "/a.log"])
        #expect(problems.isEmpty)
        #expect(groups.map(\.files) == [["-"], [root + "/a.log.1", root + "/a.log"]])
    }
}

extension InputDiscoveryTests {
    @Test func pathsAreJoinedAndSplitWithoutDoubleSlashes() {
        #expect(PathName.join("/", "x.log") == "/x.log")
        #expect(PathName.join("/var/log/", "x.log") == "/var/log/x.log")
        #expect(PathName.join("", "x.log") == "x.log")
        #expect(PathName.split("/x.log") == ("/", "x.log"))
        #expect(
            InputDiscovery.group(["/x.log.1", "/x.log"].map { InputDiscovery.Found(path: $0, size: 0) }).map(\.source)
                == ["/x.log"])
    }

    /// A folder of many subfolders is walked on two threads, with exactly the sequential walk's result.
    @Test func parallelWalkKeepsTheOrder() throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for folder in 0..<40 {
            let path = root + "/host-\(folder)"
            try FileManager.default.createDirectory(atPath: path + "/nested", withIntermediateDirectories: true)
            for name in ["app.log", "app.log.1", "nested/x.log", ".hidden"] {
                FileManager.default.createFile(atPath: path + "/" + name, contents: Data("x\n".utf8))
            }
            if folder % 7 == 0 {
                try FileManager.default.createSymbolicLink(atPath: path + "/gone", withDestinationPath: "/nonexistent")
            }
        }
        FileManager.default.createFile(atPath: root + "/top.log", contents: Data("x\n".utf8))
        var parallel: [InputDiscovery.Found] = []
        var parallelProblems: [InputProblem] = []
        InputDiscovery.walk(root, into: &parallel, problems: &parallelProblems, parallel: true)
        var sequential: [InputDiscovery.Found] = []
        var sequentialProblems: [InputProblem] = []
        InputDiscovery.walk(root, into: &sequential, problems: &sequentialProblems, parallel: false)
        #expect(parallel.count == 40 * 3 + 1)
        #expect(parallel.allSatisfy { $0.size == 2 }, "each file's size comes with it")
        let sets = InputDiscovery.group(parallel)
        #expect(sets.first { $0.source == root + "/host-3/app.log" }?.storedBytes == 4, "app.log and app.log.1")
        #expect(parallel == sequential)
        #expect(parallelProblems == sequentialProblems)
    }

    /// Streaming the sets out folder by folder gives exactly the batch listing: the same sets in the same order,
    /// the same problems.
    @Test func streamedSetsComeInTheListingsOrder() throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let id = String(repeating: "ab", count: 32)
        let layout = [
            "a.log", "a.log.1", "a.log.2.gz", "b/x.log", "b/x.log.1", "b/y.log", "c.log", "c.log-20250301.gz",
            "d/e/f.log", "d/z.log", "m.log", "containers/\(id)/\(id)-json.log", "containers/\(id)/\(id)-json.log.1",
            "containers/\(id)/hostconfig.json", "z.log", "z.log.1",
        ]
        for path in layout {
            let full = root + "/" + path
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: full, contents: Data(path.utf8))
        }
        try #"{"Name":"/web"}"#.write(
            toFile: root + "/containers/\(id)/config.v2.json", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: root + "/b/broken", withDestinationPath: root + "/nowhere")
        for paths in [
            [root], [root + "/b", root + "/d"], ["-", root], [root, root + "/b"], [root + "/a.log", root],
        ] {
            let (batch, batchProblems) = InputDiscovery.discover(paths)
            var streamed: [InputGroup] = []
            let streamedProblems = InputDiscovery.discover(paths) { streamed.append($0) }
            #expect(streamed == batch, "\(paths)")
            #expect(streamedProblems == batchProblems, "\(paths)")
        }
        let (sets, _) = InputDiscovery.discover([root])
        #expect(sets.map(\.source).contains("web"))
        #expect(sets.first?.files.map { String($0.dropFirst(root.count + 1)) } == ["a.log.2.gz", "a.log.1", "a.log"])
    }
}
