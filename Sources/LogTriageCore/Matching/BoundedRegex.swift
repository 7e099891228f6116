import CPCRE2

/// A verification regex with a bound on its work: PCRE2 (JIT-compiled where there is a JIT) with a match limit,
/// run on a record's bytes as they are, invalid UTF-8 included.
///
/// Backtracking engines can take exponential time on some patterns and subjects (`(a+)+$` on a line of `a`s);
/// here a match that needs more than `matchLimit` steps is cut off and reported as such, so no record stalls a scan.
/// Syntax is PCRE2's (Perl's): `(?<name>…)` groups, `\d` `\w` `\s` `\b` with Unicode properties, lazy and
/// possessive quantifiers, look-around.
///
/// Not for concurrent use: it holds its match data; its compiled pattern (`Code`) is what threads share.
/// Complexity: compiling is O(pattern); a match at most `matchLimit` steps.
final class BoundedRegex {
    /// Steps a match may take; a legitimate catalog pattern needs about one per subject byte, so a 1 MiB record
    /// fits ten times over, and an exponential one is cut off within milliseconds.
    static let matchLimit: UInt32 = 10_000_000

    struct CompileError: Error, CustomStringConvertible {
        var message: String
        /// Byte offset in the pattern.
        var offset: Int
        var description: String { "\(message) at offset \(offset)" }
    }

    /// The outcome of a match.
    enum Outcome {
        case matched
        case noMatch
        /// The match limit cut the match off; the record counts as not matching.
        case limitReached
    }

    /// A compiled pattern, shared by the threads that match it: only read once made.
    final class Code: @unchecked Sendable {
        // Safe because the compiled pattern is not modified after `init` (PCRE2 compiles and JIT-compiles it
        // there), and PCRE2 allows threads to match one compiled pattern at once, each with its own match data.
        fileprivate let handle: OpaquePointer

        /// Compiles `pattern`; `jit` JIT-compiles it as well, which takes longer and matches faster (a pattern that
        /// is only checked needs no JIT).
        init(_ pattern: String, jit: Bool = true) throws(CompileError) {
            var message = [CChar](repeating: 0, count: 256)
            var offset = 0
            var utf8 = Array(pattern.utf8)
            let handle = utf8.withUnsafeMutableBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { chars in
                    lt_code_compile(chars.baseAddress, chars.count, jit ? 1 : 0, &message, message.count, &offset)
                }
            }
            guard let handle else {
                throw CompileError(
                    message: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self),
                    offset: offset)
            }
            self.handle = handle
        }

        deinit { lt_code_free(handle) }

        /// The number of the group `name`, or nil.
        func groupNumber(_ name: String) -> Int32? {
            let number = lt_code_group_number(handle, name)
            return number >= 0 ? number : nil
        }
    }

    let code: Code
    private let handle: OpaquePointer

    /// A matcher of `code`, which it keeps alive; fails only when out of memory.
    init(code: Code) throws(CompileError) {
        guard let handle = lt_regex_create(code.handle, Self.matchLimit) else {
            throw CompileError(message: "out of memory", offset: 0)
        }
        self.code = code
        self.handle = handle
    }

    /// Compiles `pattern` for this matcher alone.
    convenience init(_ pattern: String) throws(CompileError) {
        try self.init(code: Code(pattern))
    }

    deinit { lt_regex_free(handle) }

    /// The number of the group `name`, or nil.
    func groupNumber(_ name: String) -> Int32? { code.groupNumber(name) }

    /// Matches `subject`. O(subject) for the catalog's patterns; at most `matchLimit` steps for any.
    func match(_ subject: UnsafeRawBufferPointer) -> Outcome {
        let rc = lt_regex_match(handle, subject.baseAddress?.assumingMemoryBound(to: UInt8.self), subject.count)
        switch rc {
        case 1: return .matched
        case LT_REGEX_LIMIT: return .limitReached
        default: return .noMatch
        }
    }

    /// The bytes group `number` matched in the last successful match, or nil when it took no part.
    func group(_ number: Int32, in subject: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        var start = 0
        var end = 0
        guard lt_regex_group(handle, number, &start, &end) != 0, start <= end, end <= subject.count else { return nil }
        // Safe because 0 <= start <= end <= subject.count, checked above.
        return UnsafeRawBufferPointer(rebasing: subject[start..<end])
    }
}
