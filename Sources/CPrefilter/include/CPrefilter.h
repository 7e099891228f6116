#ifndef LOGTRIAGE_CPREFILTER_H
#define LOGTRIAGE_CPREFILTER_H

#include <stddef.h>
#include <stdint.h>

/// How many leading bytes of a literal the SIMD fingerprint looks at, at most.
#define CPF_MAX_WIDTH 3
/// How many buckets literals are grouped into: one bit of a mask byte each.
#define CPF_BUCKETS 8
/// How many leading bytes of a literal a candidate is confirmed on, at most.
#define CPF_CONFIRM_BYTES 8

/// The code paths of `cpf_find`. All of them report exactly the same positions.
enum {
    CPF_PATH_SCALAR = 0,
    CPF_PATH_SSSE3 = 1,
    CPF_PATH_AVX2 = 2,
};

/// A search for the positions where a literal of a set may start.
///
/// Two stages. The fingerprint: literals are grouped into 8 buckets; byte `j` of a position passes bucket `b`
/// when bit `b` is set in both `low[j][byte & 15]` and `high[j][byte >> 4]`, and a position passes a bucket when
/// all of its bytes `0 ..< width` do. Then each passing position is confirmed on the first 8 bytes (or fewer, for
/// a shorter literal) of the literals in the buckets it passed, ASCII case folding included, and only if the whole
/// literal fits before the end.
///
/// Make one with `cpf_create`; describe the fingerprint with `cpf_add` and `cpf_add_any` and the literals with
/// `cpf_add_literal`; call `cpf_finish` once; then search with `cpf_find` (from any number of threads). Free it
/// with `cpf_destroy`.
typedef struct cpf_prefilter cpf_prefilter;

/// A prefilter with empty buckets, for at most `literal_capacity` literals, fingerprint width `width` (1 to 3)
/// and code path `path` (one this CPU supports, see `cpf_path_supported`); NULL if out of memory or the
/// arguments are out of range.
cpf_prefilter *cpf_create(int32_t width, int32_t path, size_t literal_capacity);

void cpf_destroy(cpf_prefilter *prefilter);

/// Lets `byte` pass bucket `bucket` at byte `position` of the fingerprint.
void cpf_add(cpf_prefilter *prefilter, int32_t bucket, int32_t position, uint8_t byte);

/// Lets every byte pass bucket `bucket` at byte `position` (for a literal shorter than the width).
void cpf_add_any(cpf_prefilter *prefilter, int32_t bucket, int32_t position);

/// Adds a literal to bucket `bucket` for confirmation; with `ignore_case`, its ASCII letters match either case.
/// Returns 0 if the capacity is exhausted or `length` is 0.
int cpf_add_literal(
    cpf_prefilter *prefilter, int32_t bucket, const uint8_t *bytes, size_t length, int ignore_case);

/// Orders the literals by bucket and derives the scalar tables; call once, after the last `cpf_add…`.
/// Returns 0 if out of memory.
int cpf_finish(cpf_prefilter *prefilter);

/// Whether this CPU can run `path`.
int cpf_path_supported(int32_t path);

/// The first position in `from ..< count` where the first bytes of some literal of the prefilter occur (and the
/// whole literal fits), or `count` if there is none.
///
/// Reads only `bytes[from ..< count]`; `bytes` may be NULL when `from >= count`. Every path returns the same
/// position: the fingerprint only decides which positions are confirmed, and it passes every position where a
/// literal's first bytes occur.
size_t cpf_find(const cpf_prefilter *prefilter, const uint8_t *bytes, size_t count, size_t from);

/// The first position in `from ..< count` that passes the fingerprint, without confirmation, or `count`
/// (for tests and measurements). Positions near the end are tested as if the input went on with zero bytes.
size_t cpf_find_unconfirmed(const cpf_prefilter *prefilter, const uint8_t *bytes, size_t count, size_t from);

/// A second kind of search, for literal sets too large for the 8 buckets of the fingerprint: a position passes
/// when the hash of the 4 bytes there, each ORed with 0x20 (so that ASCII case does not matter), has its bit set in
/// a 262,144-bit table (32 KiB) built from one 4-byte gram of each literal (with more than 1,024 grams, in a
/// 2,097,152-bit table, 256 KiB, instead). Literals of 1 to 3 bytes are looked up
/// exactly instead, their first byte (or 2 bytes) ORed alike, in tables of their own. A superset of the positions
/// where a literal starts is passed; confirming is left to the automaton.
///
/// Make one with `cpf_hash_create`, add literals with `cpf_hash_add`, search with `cpf_hash_find` (from any
/// number of threads once built), free it with `cpf_hash_destroy`.
typedef struct cpf_hash_prefilter cpf_hash_prefilter;

cpf_hash_prefilter *cpf_hash_create(void);

void cpf_hash_destroy(cpf_hash_prefilter *prefilter);

/// Adds a literal of `length` >= 1 bytes (case folding is implied: every literal is looked up as if ignoring
/// case).
void cpf_hash_add(cpf_hash_prefilter *prefilter, const uint8_t *bytes, size_t length);

/// The share of table bits set, weighted as a random position would meet them: an estimate of how many
/// positions pass.
double cpf_hash_pass_share(const cpf_hash_prefilter *prefilter);

/// The first position in `from ..< count` that passes, or `count`. Reads only `bytes[from ..< count]`.
///
/// A literal's gram is its rarest 4 bytes (by a fixed model of log text) within its first 7 bytes, not always
/// its first 4: a literal that starts at s has its gram at s + k for some k <= `cpf_hash_max_offset`, so a
/// position p that passes means literals may start from p - `cpf_hash_max_offset` on, and one that starts before p
/// may have its gram after p.
size_t cpf_hash_find(const cpf_hash_prefilter *prefilter, const uint8_t *bytes, size_t count, size_t from);

/// The largest offset of a literal's gram into the literal.
size_t cpf_hash_max_offset(const cpf_hash_prefilter *prefilter);

#endif
