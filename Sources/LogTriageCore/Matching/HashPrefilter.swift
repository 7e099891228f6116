import CPrefilter

/// The prefilter for literal sets too large for `Prefilter`'s 8 buckets: in Matching, in front of
/// `LiteralAutomaton`, used the same way (the automaton jumps to the next position it passes).
///
/// A position passes when the hash of the 4 bytes there, case folded, is that of one of the literals' grams, its
/// rarest 4 bytes near its start (a 262,144-bit table, 32 KiB; with more than 1,024 grams a 2,097,152-bit one,
/// 256 KiB); literals shorter than 4 bytes are looked up exactly, from their start, in small tables of
/// their own. It passes a few positions too many, never too few, whatever the number of literals; how many too many
/// grows with the number of distinct 4-byte beginnings, which `passShare` estimates.
///
/// Complexity: building is O(literals); `next` costs a multiply and a bit test per position.
final class HashPrefilter {
    private let handle: OpaquePointer
    /// The estimated share of positions that pass (for random bytes).
    let passShare: Double

    init(_ literals: [LiteralAutomaton.Literal]) {
        guard let handle = cpf_hash_create() else { fatalError("out of memory building a prefilter") }
        for literal in literals {
            literal.bytes.withUnsafeBufferPointer { cpf_hash_add(handle, $0.baseAddress, $0.count) }
        }
        self.handle = handle
        self.passShare = cpf_hash_pass_share(handle)
    }

    deinit { cpf_hash_destroy(handle) }

    /// The search, without reference counting; the owner keeps the prefilter alive while using it.
    struct Search {
        fileprivate let handle: OpaquePointer
        fileprivate let back: Int

        /// Where the automaton must start so that no literal starting at or after `from` is missed (`start`),
        /// and the position it must get past before stopping in its start state (`through`): the next position in
        /// `from ..< count` that passes. `count` for both when none passes.
        ///
        /// A literal's gram may lie up to `back` bytes into it, so a passing position p lets literals start from
        /// p - `back` on; every literal that starts after p has its gram after p too, so once the automaton is
        /// past p and in its start state, searching goes on from there.
        @inline(__always)
        func next(_ bytes: UnsafePointer<UInt8>, _ count: Int, from: Int) -> (start: Int, through: Int) {
            let passing = cpf_hash_find(handle, bytes, count, from)
            guard passing < count else { return (count, count) }
            return (max(from, passing - back), passing)
        }
    }

    var search: Search { Search(handle: handle, back: cpf_hash_max_offset(handle)) }
}
