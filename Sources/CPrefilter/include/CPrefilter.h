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

#endif
