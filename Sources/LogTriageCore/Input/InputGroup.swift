/// One logical log: a file and its rotations, read oldest first through one decoder, shown under one source name.
public struct InputGroup: Equatable, Sendable {
    /// What the user sees as the source: the container name, the path of the current file, or `stdin`.
    public var source: String
    /// The files, oldest first; for standard input the single entry `-`.
    public var files: [String]
    /// The files' sizes on disk when they were listed (0 for standard input); the scan starts large sets first.
    public var storedBytes: Int64

    public init(source: String, files: [String], storedBytes: Int64 = 0) {
        self.source = source
        self.files = files
        self.storedBytes = storedBytes
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
