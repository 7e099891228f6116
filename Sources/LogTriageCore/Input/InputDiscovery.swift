import Foundation

/// Turns the paths a user names into `InputGroup`s: walks directories, recognises rotated sets and docker
/// container folders, and orders each set oldest first so line order and first/last-seen times come out right.
///
/// Complexity: O(f log f) for f files found, plus one small read of `config.v2.json` per container folder.
public enum InputDiscovery {
    /// Lists the inputs under `paths`. Problems (missing paths, unreadable folders) are returned, not thrown,
    /// so one bad path does not stop the others.
    public static func discover(_ paths: [String]) -> (groups: [InputGroup], problems: [InputProblem]) {
        var files: [Found] = []
        // Keyed by bytes: `String` equality is canonical equivalence, under which two names (NFC and NFD) are one.
        var seen = Set<[UInt8]>()
        var problems: [InputProblem] = []
        var groups: [InputGroup] = []
        var stdinTaken = false
        for path in paths {
            if path == "-" {
                if !stdinTaken {
                    groups.append(InputGroup(source: "stdin", files: ["-"]))
                    stdinTaken = true
                }
                continue
            }
            switch fileType(path) {
            case .directory:
                walk(path, into: &files, problems: &problems)
            case .regular(let size):
                files.append(Found(path: path, size: size))
            case .stream:
                // A pipe or a device named on the command line (`<(zcat x.gz)`) is read as a stream, like stdin.
                files.append(Found(path: path, size: 0))
            case .other:
                problems.append(InputProblem(path: path, message: "not a regular file, a stream or a directory"))
            case .missing(let code):
                problems.append(InputProblem(path: path, message: String(cString: strerror(code))))
            }
        }
        files = files.filter { seen.insert(Array($0.path.utf8)).inserted }
        groups += group(files)
        return (groups, problems)
    }

    /// Lists the inputs under `paths` as `discover(_:)` does, handing each set to `emit` in the same order, and
    /// returns the problems. When every path is a folder (or `-`) and none lies inside another, a folder's sets are
    /// emitted as soon as the folder is listed, so that scanning can start while the rest of the tree is read;
    /// otherwise everything is listed first.
    ///
    /// A set's place in the order is where its first file is met in the walk: a folder's files are all known once
    /// it is listed, so each set is emitted at its first file's entry, between the sets of the subfolders around it.
    public static func discover(_ paths: [String], emit: (InputGroup) -> Void) -> [InputProblem] {
        let named = paths.filter { $0 != "-" }
        let folders = named.map { PathName.join($0, "") }
        let streamable =
            named.allSatisfy { fileType($0) == .directory } && Set(folders).count == folders.count
            && !folders.contains { a in folders.contains { b in a != b && a.hasPrefix(b) } }
        guard streamable else {
            let (groups, problems) = discover(paths)
            groups.forEach(emit)
            return problems
        }
        if paths.contains("-") { emit(InputGroup(source: "stdin", files: ["-"])) }
        var problems: [InputProblem] = []
        for folder in named { stream(folder, emit: emit, problems: &problems) }
        return problems
    }

    /// Walks `directory` as `walk` does, emitting its sets in walk order (see `discover(_:emit:)`).
    private static func stream(_ directory: String, emit: (InputGroup) -> Void, problems: inout [InputProblem]) {
        guard let (entries, isContainerFolder) = listFolder(directory, problems: &problems) else { return }
        // The folder's own files first, with where each was met; then the sets, placed at their first file.
        var found: [(entry: Int, file: Found)] = []
        var subfolders: [(entry: Int, path: String)] = []
        for (index, (name, type)) in entries.enumerated() {
            let path = PathName.join(directory, name)
            switch entry(path, name: name, inContainerFolder: isContainerFolder, type: type) {
            case .file(let file): found.append((index, file))
            case .folder: subfolders.append((index, path))
            case .passedOver: break
            case .problem(let problem): problems.append(problem)
            }
        }
        // grouped keeps first-appearance order, so its sets start at increasing entries.
        let grouped = groupWithFirstFile(found.map(\.file))
        let sets = grouped.map(\.set)
        let setStarts = grouped.map { found[$0.first].entry }
        var nextSet = 0
        for (entry, path) in subfolders {
            while nextSet < sets.count && setStarts[nextSet] < entry {
                emit(sets[nextSet])
                nextSet += 1
            }
            stream(path, emit: emit, problems: &problems)
        }
        while nextSet < sets.count {
            emit(sets[nextSet])
            nextSet += 1
        }
    }

    enum FileType: Equatable {
        case directory, other
        /// A FIFO or a character device: read when named, never when met in a walk (it may never end).
        case stream
        /// A regular file, with its size in bytes.
        case regular(Int64)
        case missing(Int32)

        init(_ info: stat) {
            switch info.st_mode & S_IFMT {
            case S_IFDIR: self = .directory
            case S_IFREG: self = .regular(Int64(info.st_size))
            case S_IFIFO, S_IFCHR: self = .stream
            default: self = .other
            }
        }
    }

    /// A file found, with its size (for the largest-first order of the scan's jobs).
    struct Found: Equatable {
        var path: String
        var size: Int64
    }

    static func fileType(_ path: String, followLinks: Bool = true) -> FileType {
        var info = stat()
        let rc = PathName.withCString(path) { followLinks ? stat($0, &info) : lstat($0, &info) }
        if rc != 0 { return .missing(errno) }
        return FileType(info)
    }

    /// Folders with at least this many subfolders have them walked on two threads (a tree of many small rotated
    /// sets is otherwise listed on one core while the other waits).
    static let parallelWalkMinimum = 16

    /// Walks a directory tree depth first in name order. Hidden entries and symbolic links to directories are
    /// skipped (links could loop); symbolic links to files are read. The order of files and problems is the same
    /// however the subfolders are shared out.
    static func walk(
        _ directory: String, into files: inout [Found], problems: inout [InputProblem], parallel: Bool = true
    ) {
        guard let (visible, isContainerFolder) = listFolder(directory, problems: &problems) else { return }
        if parallel, !isContainerFolder, visible.filter({ $0.type == .directory }).count >= parallelWalkMinimum {
            walkInParallel(directory, visible, into: &files, problems: &problems)
            return
        }
        for (name, type) in visible {
            let path = PathName.join(directory, name)
            visit(
                path, entry(path, name: name, inContainerFolder: isContainerFolder, type: type), into: &files,
                problems: &problems, parallel: parallel)
        }
    }

    /// A folder's entries in name order with their `lstat` types, hidden ones left out, and whether it is a docker
    /// container's folder; `nil` (and a problem) when it cannot be read.
    private static func listFolder(
        _ directory: String, problems: inout [InputProblem]
    ) -> ([(name: String, type: FileType)], Bool)? {
        switch PathName.entries(of: directory, statting: { !$0.hasPrefix(".") }) {
        case .success(let entries):
            // In byte order, as `ls` sorts in the C locale: the same order whatever the names' encoding.
            let visible = entries.compactMap { entry -> (bytes: [UInt8], name: String, type: FileType)? in
                switch entry.status {
                case nil: return nil
                case .success(let info): return (PathName.bytes(entry.name), entry.name, FileType(info))
                case .failure(let error): return (PathName.bytes(entry.name), entry.name, .missing(error.code))
                }
            }
            let sorted = visible.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }.map { ($0.name, $0.type) }
            return (sorted, entries.contains { $0.name == "config.v2.json" })
        case .failure(let error):
            problems.append(InputProblem(path: directory, message: "cannot read directory: \(error)"))
            return nil
        }
    }

    /// What a walk makes of one entry of a folder.
    enum Entry {
        case file(Found)
        case folder
        /// Not a log to read: a container's config, a link to a folder (links could loop), a FIFO met in a walk.
        case passedOver
        case problem(InputProblem)
    }

    /// What `path` (entry `name` of its folder, of `lstat` type `type`) is to a walk.
    private static func entry(_ path: String, name: String, inContainerFolder: Bool, type: FileType) -> Entry {
        if inContainerFolder {
            // Only the json-file logs; config, hosts and mounts are not logs. Links are followed.
            guard name.contains("-json.log") else { return .passedOver }
            let followed = if case .regular = type { type } else { fileType(path) }
            guard case .regular(let size) = followed else { return .passedOver }
            return .file(Found(path: path, size: size))
        }
        switch type {
        case .directory:
            return .folder
        case .regular(let size):
            return .file(Found(path: path, size: size))
        case .other, .stream:
            guard case .regular(let size) = fileType(path) else { return .passedOver }
            return .file(Found(path: path, size: size))
        case .missing(let code):
            return .problem(InputProblem(path: path, message: String(cString: strerror(code))))
        }
    }

    /// Acts on one entry of a folder: a subfolder is walked, a file listed, a broken entry reported.
    private static func visit(
        _ path: String, _ entry: Entry, into files: inout [Found], problems: inout [InputProblem], parallel: Bool
    ) {
        switch entry {
        case .folder: walk(path, into: &files, problems: &problems, parallel: parallel)
        case .file(let file): files.append(file)
        case .passedOver: break
        case .problem(let problem): problems.append(problem)
        }
    }

    /// The entries of one folder, its subfolders walked on two threads, the results joined in entry order.
    private static func walkInParallel(
        _ directory: String, _ entries: [(name: String, type: FileType)], into files: inout [Found],
        problems: inout [InputProblem]
    ) {
        let results = entries.concurrentMap(threads: 2) { name, type in
            var found: [Found] = []
            var trouble: [InputProblem] = []
            let path = PathName.join(directory, name)
            visit(
                path, entry(path, name: name, inContainerFolder: false, type: type), into: &found,
                problems: &trouble, parallel: false)
            return (found, trouble)
        }
        for (found, trouble) in results {
            files += found
            problems += trouble
        }
    }

    /// Groups files into rotated sets by folder and base name, oldest file first, each with its stored size.
    static func group(_ files: [Found]) -> [InputGroup] { groupWithFirstFile(files).map(\.set) }

    /// The sets of `group`, in the order their first files come in `files`, each with the index of that file.
    ///
    /// Complexity: O(f log f) for f files.
    private static func groupWithFirstFile(_ files: [Found]) -> [(set: InputGroup, first: Int)] {
        // By bytes, as `seen` in `discover`: names equal only under canonical equivalence are different files.
        struct Key: Hashable {
            var directory: String
            var base: String
            static func == (a: Key, b: Key) -> Bool {
                PathName.sameBytes(a.directory, b.directory) && PathName.sameBytes(a.base, b.base)
            }
            func hash(into hasher: inout Hasher) {
                for var part in [directory, base] {
                    hasher.combine(part.utf8.count)
                    part.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
                }
            }
        }
        struct Members {
            var first: Int
            var files: [(age: RotationName.Age, path: String)] = []
            var size: Int64 = 0
        }
        var order: [Key] = []
        var members: [Key: Members] = [:]
        for (index, file) in files.enumerated() {
            let (directory, name) = PathName.split(file.path)
            let rotation = RotationName(fileName: name)
            let key = Key(directory: directory, base: rotation.base)
            if members[key] == nil { order.append(key) }
            members[key, default: Members(first: index)].files.append((rotation.age, file.path))
            members[key]!.size += file.size
        }
        var containerNames: [String: String?] = [:]
        return order.map { key in
            let set = members[key]!
            let sorted = set.files.sorted { $0.age < $1.age }.map(\.path)
            let livePath = PathName.join(key.directory, key.base)
            var source = kubernetesName(directory: key.directory) ?? livePath
            if let id = dockerContainerID(base: key.base) {
                let name = containerNames[key.directory] ?? containerName(in: key.directory)
                containerNames[key.directory] = name
                source = name ?? String(id.prefix(12))
            }
            return (InputGroup(source: source, files: sorted, storedBytes: set.size), set.first)
        }
    }

    /// kubelet's layout `…/pods/<namespace>_<pod>_<uid>/<container>/0.log` → `namespace/pod/container`.
    static func kubernetesName(directory: String) -> String? {
        // Most folders are not kubelet's: a quick look for the `pods` component before splitting.
        guard directory.hasPrefix("pods/") || directory.contains("/pods/") else { return nil }
        let parts = directory.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count >= 3, parts[parts.count - 3] == "pods" else { return nil }
        let pod = parts[parts.count - 2].split(separator: "_")
        guard pod.count == 3 else { return nil }
        return "\(pod[0])/\(pod[1])/\(parts[parts.count - 1])"
    }

    /// `<64 hex>-json.log` → the container id.
    static func dockerContainerID(base: String) -> String? {
        guard base.hasSuffix("-json.log") else { return nil }
        let id = base.dropLast("-json.log".count)
        guard id.count == 64, id.allSatisfy(\.isHexDigit) else { return nil }
        return String(id)
    }

    /// The container's name from `config.v2.json` beside its log (`"Name":"/athena_eye_db"`), without the slash.
    static func containerName(in directory: String) -> String? {
        let path = PathName.join(directory.isEmpty ? "." : directory, "config.v2.json")
        guard let data = PathName.contents(of: path).map({ Data($0) }),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let name = object["Name"] as? String, !name.isEmpty
        else { return nil }
        return name.hasPrefix("/") ? String(name.dropFirst()) : name
    }
}
