/// The errors and skipped files of one rotated set, with decode problems capped per file.
///
/// A file full of malformed lines would otherwise bury the report: after `limit` problems in one file the rest are
/// only counted, and one line says how many there were.
struct ProblemLog {
    let limit: Int
    private(set) var errors: [ScanError] = []
    private(set) var skipped: [ScanError] = []
    private var inFile = 0

    init(limit: Int) {
        self.limit = limit
    }

    /// A problem a decoder stepped over in `file`.
    mutating func decodeProblem(_ problem: DecodeProblem, file: String) {
        inFile += 1
        guard inFile <= limit else { return }
        errors.append(
            ScanError(source: "\(file):\(problem.line)", message: "\(problem.message) (byte \(problem.offset))"))
    }

    /// A problem that ended reading `file`, or a file passed over on purpose (binary data, a journald file).
    mutating func inputProblem(_ error: InputError, file: String) {
        switch error.kind {
        case .journalFile, .binary:
            skipped.append(ScanError(source: file, message: error.description))
        default:
            errors.append(ScanError(source: file, message: error.description))
        }
    }

    /// Something stepped over on purpose, listed with the skipped files.
    mutating func note(_ item: ScanError) {
        skipped.append(item)
    }

    /// The problems listed so far, which are then forgotten; the count in the current file goes on. O(1).
    mutating func take() -> (errors: [ScanError], skipped: [ScanError]) {
        defer {
            errors = []
            skipped = []
        }
        return (errors, skipped)
    }

    /// Closes the count for `file`: says how many problems were not listed.
    mutating func endFile(_ file: String) {
        if inFile > limit {
            errors.append(ScanError(source: file, message: "\(inFile - limit) more problems like the above"))
        }
        inFile = 0
    }
}
