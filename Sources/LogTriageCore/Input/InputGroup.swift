/// One logical log: a file and its rotations, read oldest first through one decoder, shown under one source name.
public struct InputGroup: Equatable, Sendable {
    public enum Origin: Equatable, Sendable {
        case file
        /// A docker json-file log under `/var/lib/docker/containers/<id>/`.
        case dockerContainer(id: String)
        case standardInput
    }

    /// What the user sees as the source: the container name, the path of the current file, or `stdin`.
    public var source: String
    /// The files, oldest first; for standard input the single entry `-`.
    public var files: [String]
    public var origin: Origin

    public init(source: String, files: [String], origin: Origin) {
        self.source = source
        self.files = files
        self.origin = origin
    }
}

/// A problem found while listing inputs: a path that does not exist or a directory that cannot be read.
public struct InputProblem: Error, Equatable, Sendable {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
}
