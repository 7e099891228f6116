// The candidate search in front of the literal automaton: a fingerprint of the first bytes of every literal,
// tested at every position of the input with nibble-table shuffles (the "Teddy" idea), 16 or 32 positions at a
// time, or one at a time with byte tables where SIMD is not available; positions that pass are confirmed on the
// first 8 bytes of the literals of the buckets they passed.
//
// Every path passes exactly the same positions: a block's lane k tests position i + k on bytes
// p[i + k ..< i + k + width], and positions whose bytes run past the end are tested on a zero-padded copy (the
// scalar path: on zero bytes). The padding can only let a position pass whose literal does not fit before the
// end, and confirmation rejects those, so no path misses an occurrence.

#include "CPrefilter.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define CPF_X86 1
#include <immintrin.h>
#else
#define CPF_X86 0
#endif

#define CPF_ALWAYS_INLINE static inline __attribute__((always_inline))

/// The gate has 2^15 bits (4 KiB); a few hundred literals set a few per cent of them.
#define CPF_GATE_BITS 15

/// Four bytes with bit 5 set in each, so both cases of a letter give the same key (other bytes may collide
/// too, which only lets more positions through to `confirm`).
CPF_ALWAYS_INLINE uint32_t gate_key(const uint8_t *bytes) {
    uint32_t key;
    memcpy(&key, bytes, 4);
    return key | 0x20202020u;
}

CPF_ALWAYS_INLINE uint32_t gate_hash(uint32_t key) { return (key * 0x9e3779b1u) >> (32 - CPF_GATE_BITS); }

/// A literal's first bytes: a position matches when ((its 8 bytes | fold) & mask) == value.
typedef struct cpf_literal {
    uint64_t value;
    uint64_t mask;
    /// 0x20 at each ASCII letter of a case-insensitive literal (the value holds the lower case).
    uint64_t fold;
    /// The whole literal's length: it must fit before the end.
    size_t length;
    uint32_t bucket;
} cpf_literal;

struct cpf_prefilter {
    uint8_t low[CPF_MAX_WIDTH][16];
    uint8_t high[CPF_MAX_WIDTH][16];
    /// `pass[j][byte] = low[j][byte & 15] & high[j][byte >> 4]`, for the scalar path and for confirmation.
    uint8_t pass[CPF_MAX_WIDTH][256];
    int32_t width;
    int32_t path;
    size_t capacity;
    size_t count;
    /// After `cpf_finish`, ordered by bucket: bucket b's are literals[start[b] ..< start[b + 1]].
    cpf_literal *literals;
    size_t start[CPF_BUCKETS + 1];
    /// Whether `gate` is used: every literal has at least 4 bytes.
    int gated;
    /// A bit for the hash of each literal's first 4 bytes with bit 5 of each byte set (`gate_key`): a cheap,
    /// branch-free test in front of `confirm`, since most positions that pass the fingerprint start no literal.
    uint64_t gate[(1u << CPF_GATE_BITS) / 64];
};

cpf_prefilter *cpf_create(int32_t width, int32_t path, size_t literal_capacity) {
    if (width < 1 || width > CPF_MAX_WIDTH || !cpf_path_supported(path)) return NULL;
    cpf_prefilter *prefilter = calloc(1, sizeof *prefilter);
    if (!prefilter) return NULL;
    prefilter->literals = calloc(literal_capacity ? literal_capacity : 1, sizeof(cpf_literal));
    if (!prefilter->literals) {
        free(prefilter);
        return NULL;
    }
    prefilter->width = width;
    prefilter->path = path;
    prefilter->capacity = literal_capacity;
    prefilter->gated = 1;
    return prefilter;
}

void cpf_destroy(cpf_prefilter *prefilter) {
    if (!prefilter) return;
    free(prefilter->literals);
    free(prefilter);
}

void cpf_add(cpf_prefilter *prefilter, int32_t bucket, int32_t position, uint8_t byte) {
    if ((uint32_t)bucket >= CPF_BUCKETS || (uint32_t)position >= CPF_MAX_WIDTH) return;
    uint8_t bit = (uint8_t)(1u << bucket);
    prefilter->low[position][byte & 15] |= bit;
    prefilter->high[position][byte >> 4] |= bit;
}

void cpf_add_any(cpf_prefilter *prefilter, int32_t bucket, int32_t position) {
    if ((uint32_t)bucket >= CPF_BUCKETS || (uint32_t)position >= CPF_MAX_WIDTH) return;
    uint8_t bit = (uint8_t)(1u << bucket);
    for (int nibble = 0; nibble < 16; nibble++) {
        prefilter->low[position][nibble] |= bit;
        prefilter->high[position][nibble] |= bit;
    }
}

int cpf_add_literal(
    cpf_prefilter *prefilter, int32_t bucket, const uint8_t *bytes, size_t length, int ignore_case
) {
    if ((uint32_t)bucket >= CPF_BUCKETS || length == 0 || prefilter->count == prefilter->capacity) return 0;
    uint8_t value[CPF_CONFIRM_BYTES] = {0}, mask[CPF_CONFIRM_BYTES] = {0}, fold[CPF_CONFIRM_BYTES] = {0};
    for (size_t j = 0; j < length && j < CPF_CONFIRM_BYTES; j++) {
        uint8_t byte = bytes[j];
        int letter = (byte | 0x20) >= 'a' && (byte | 0x20) <= 'z';
        // `x | 0x20 == lower` holds exactly for x = lower and x = upper, as the automaton's case folding.
        fold[j] = ignore_case && letter ? 0x20 : 0;
        value[j] = byte | fold[j];
        mask[j] = 0xff;
    }
    cpf_literal *literal = &prefilter->literals[prefilter->count++];
    // Byte arrays copied into integers, so byte j is wherever an 8-byte load of the input puts byte j.
    memcpy(&literal->value, value, sizeof value);
    memcpy(&literal->mask, mask, sizeof mask);
    memcpy(&literal->fold, fold, sizeof fold);
    literal->length = length;
    literal->bucket = (uint32_t)bucket;
    if (length < 4) {
        prefilter->gated = 0;
    } else {
        // safe because length >= 4
        uint32_t hash = gate_hash(gate_key(bytes));
        prefilter->gate[hash >> 6] |= (uint64_t)1 << (hash & 63);
    }
    return 1;
}

int cpf_finish(cpf_prefilter *prefilter) {
    for (int position = 0; position < CPF_MAX_WIDTH; position++) {
        for (int byte = 0; byte < 256; byte++) {
            prefilter->pass[position][byte] = prefilter->low[position][byte & 15] & prefilter->high[position][byte >> 4];
        }
    }
    // Counting sort by bucket.
    size_t count = prefilter->count;
    cpf_literal *sorted = calloc(count ? count : 1, sizeof(cpf_literal));
    if (!sorted) return 0;
    size_t next[CPF_BUCKETS] = {0};
    for (size_t k = 0; k < count; k++) next[prefilter->literals[k].bucket]++;
    size_t total = 0;
    for (int bucket = 0; bucket < CPF_BUCKETS; bucket++) {
        prefilter->start[bucket] = total;
        total += next[bucket];
        next[bucket] = prefilter->start[bucket];
    }
    prefilter->start[CPF_BUCKETS] = total;
    for (size_t k = 0; k < count; k++) sorted[next[prefilter->literals[k].bucket]++] = prefilter->literals[k];
    free(prefilter->literals);
    prefilter->literals = sorted;
    return 1;
}

int cpf_path_supported(int32_t path) {
    switch (path) {
    case CPF_PATH_SCALAR:
        return 1;
#if CPF_X86
    case CPF_PATH_SSSE3:
        __builtin_cpu_init();
        return __builtin_cpu_supports("ssse3") ? 1 : 0;
    case CPF_PATH_AVX2:
        // Also checks that the OS saves the YMM registers.
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") ? 1 : 0;
#endif
    default:
        return 0;
    }
}

// MARK: - Confirmation

/// The buckets position s passes, from the byte tables. Reads s[0 ..< width].
CPF_ALWAYS_INLINE unsigned lane_buckets(const cpf_prefilter *f, const uint8_t *s, int width) {
    unsigned m = f->pass[0][s[0]];
    if (width > 1) m &= f->pass[1][s[1]];
    if (width > 2) m &= f->pass[2][s[2]];
    return m;
}

/// Whether a literal of `buckets` starts at p[q] and fits before p[n]. Reads only p[q ..< n].
CPF_ALWAYS_INLINE int confirm(const cpf_prefilter *f, const uint8_t *p, size_t n, size_t q, unsigned buckets) {
    size_t left = n - q;
    uint64_t x = 0;
    if (left >= 8) {
        // safe because q + 8 <= n
        memcpy(&x, p + q, 8);
    } else {
        // safe because exactly the left = n - q bytes up to the end are copied
        memcpy(&x, p + q, left);
    }
    while (buckets) {
        unsigned bucket = (unsigned)__builtin_ctz(buckets);
        buckets &= buckets - 1;
        for (size_t k = f->start[bucket]; k < f->start[bucket + 1]; k++) {
            // safe because start[] partitions literals[0 ..< count] (cpf_finish)
            const cpf_literal *literal = &f->literals[k];
            if (literal->length <= left && ((x | literal->fold) & literal->mask) == literal->value) return 1;
        }
    }
    return 0;
}

/// 0 if no literal can start at p[q]: the gate has no bit for its first 4 bytes (only used when every literal
/// has 4 bytes or more). Reads only p[q ..< n].
CPF_ALWAYS_INLINE uint64_t lane_gate(const cpf_prefilter *f, const uint8_t *p, size_t n, size_t q) {
    if (n - q < 4) return 1;
    // safe because q + 4 <= n
    uint32_t hash = gate_hash(gate_key(p + q));
    // safe because hash < 2^CPF_GATE_BITS
    return (f->gate[hash >> 6] >> (hash & 63)) & 1;
}

/// The first lane k of `m` (not 0) whose position base + k confirms, or SIZE_MAX; `src + k` holds that
/// position's fingerprint bytes (the input, or a zero-padded copy of its end). Reads p[base ..< n] and
/// src[k ..< k + width] for the lanes k of m.
CPF_ALWAYS_INLINE size_t first_confirmed(
    const cpf_prefilter *f, const uint8_t *p, size_t n, size_t base, const uint8_t *src, uint64_t m, int width,
    int confirmed
) {
    if (!confirmed) return base + (size_t)__builtin_ctzll(m);
    if (f->gated) {
        // Branch-free over the lanes, so that a block's false positives cost one mispredicted exit at most.
        uint64_t open = 0;
        for (uint64_t rest = m; rest; rest &= rest - 1) {
            unsigned k = (unsigned)__builtin_ctzll(rest);
            open |= lane_gate(f, p, n, base + k) << k;
        }
        m = open;
    }
    for (; m; m &= m - 1) {
        unsigned k = (unsigned)__builtin_ctzll(m);
        if (confirm(f, p, n, base + k, lane_buckets(f, src + k, width))) return base + k;
    }
    return SIZE_MAX;
}

// MARK: - Scalar

CPF_ALWAYS_INLINE size_t find_scalar(
    const cpf_prefilter *f, const uint8_t *p, size_t n, size_t i, int width, int confirmed
) {
    const uint8_t *t0 = f->pass[0], *t1 = f->pass[1], *t2 = f->pass[2];
    // Positions below `whole` have all `width` bytes inside the input.
    size_t whole = n >= (size_t)width ? n - (size_t)(width - 1) : 0;
    for (; i < whole; i++) {
        // safe because i + width - 1 < n, and every table has 256 entries
        unsigned m = t0[p[i]];
        if (width > 1) m &= t1[p[i + 1]];
        if (width > 2) m &= t2[p[i + 2]];
        if (m) {
            size_t q = first_confirmed(f, p, n, i, p + i, 1, width, confirmed);
            if (q != SIZE_MAX) return q;
        }
    }
    for (; i < n; i++) {
        // safe because each byte is read only when its index is below n; past the end counts as zero
        uint8_t bytes[CPF_MAX_WIDTH] = {p[i], i + 1 < n ? p[i + 1] : 0, i + 2 < n ? p[i + 2] : 0};
        unsigned m = lane_buckets(f, bytes, width);
        if (m) {
            size_t q = first_confirmed(f, p, n, i, bytes, 1, width, confirmed);
            if (q != SIZE_MAX) return q;
        }
    }
    return n;
}

#if CPF_X86

// MARK: - SSSE3: 16 positions per block

/// Bit k set: position p + k passes some bucket. Reads p[0 ..< 16 + width - 1].
__attribute__((target("ssse3"))) CPF_ALWAYS_INLINE unsigned block_ssse3(
    const uint8_t *p, const __m128i *low, const __m128i *high, int width
) {
    const __m128i nibble = _mm_set1_epi8(0x0f);
    __m128i all = _mm_setzero_si128();
    for (int j = 0; j < width; j++) {
        // safe because the caller guarantees that p[0 ..< 16 + width - 1] is readable
        __m128i v = _mm_loadu_si128((const __m128i *)(p + j));
        __m128i lo = _mm_and_si128(v, nibble);
        __m128i hi = _mm_and_si128(_mm_srli_epi16(v, 4), nibble);
        __m128i pass = _mm_and_si128(_mm_shuffle_epi8(low[j], lo), _mm_shuffle_epi8(high[j], hi));
        all = j == 0 ? pass : _mm_and_si128(all, pass);
    }
    return ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(all, _mm_setzero_si128())) & 0xffffu;
}

__attribute__((target("ssse3"))) CPF_ALWAYS_INLINE size_t find_ssse3(
    const cpf_prefilter *f, const uint8_t *p, size_t n, size_t i, int width, int confirmed
) {
    __m128i low[CPF_MAX_WIDTH], high[CPF_MAX_WIDTH];
    for (int j = 0; j < width; j++) {
        low[j] = _mm_loadu_si128((const __m128i *)f->low[j]);
        high[j] = _mm_loadu_si128((const __m128i *)f->high[j]);
    }
    const size_t span = 16 + (size_t)(width - 1);
    while (n - i >= span) {
        // safe because n - i >= 16 + width - 1: the block reads p[i ..< n] only
        unsigned m = block_ssse3(p + i, low, high, width);
        if (m) {
            // safe because each lane k < 16 read p[i + k ..< i + k + width] in this block
            size_t q = first_confirmed(f, p, n, i, p + i, m, width, confirmed);
            if (q != SIZE_MAX) return q;
        }
        i += 16;
    }
    if (n >= span) {
        // The positions left whose bytes are all inside: one block ending at the end, lanes before i masked.
        size_t start = n - span;
        if (n - i >= (size_t)width) {
            // safe because the block reads p[n - span ..< n]; i - start = span - (n - i) <= 15
            unsigned m = block_ssse3(p + start, low, high, width) & (0xffffu << (i - start)) & 0xffffu;
            if (m) {
                size_t q = first_confirmed(f, p, n, start, p + start, m, width, confirmed);
                if (q != SIZE_MAX) return q;
            }
            i = n - (size_t)(width - 1);
        }
        // The last width - 1 positions, whose bytes run past the end.
        return find_scalar(f, p, n, i, width, confirmed);
    }
    // A short input: test it in a zero-padded copy (two blocks at most).
    uint8_t pad[64];
    size_t left = n - i;
    memset(pad, 0, sizeof pad);
    // safe because left <= n < 16 + width - 1 <= 18 <= sizeof pad, and p[i ..< n] is inside the input
    memcpy(pad, p + i, left);
    for (size_t offset = 0; offset < left; offset += 16) {
        // safe because offset <= 16, so the block reads pad[offset ..< offset + 18], inside the 64 bytes
        unsigned m = block_ssse3(pad + offset, low, high, width);
        size_t lanes = left - offset;
        if (lanes < 16) m &= (1u << lanes) - 1;
        if (m) {
            // safe because pad[offset + k ..< offset + k + width] is inside pad; p is read up to n only
            size_t q = first_confirmed(f, p, n, i + offset, pad + offset, m, width, confirmed);
            if (q != SIZE_MAX) return q;
        }
    }
    return n;
}

// MARK: - AVX2: 32 positions per block

/// Bit k set: position p + k passes some bucket. Reads p[0 ..< 32 + width - 1]. `vpshufb` looks up within each
/// 128-bit half, so the tables hold the same 16 bytes in both halves.
__attribute__((target("avx2"))) CPF_ALWAYS_INLINE uint32_t block_avx2(
    const uint8_t *p, const __m256i *low, const __m256i *high, int width
) {
    const __m256i nibble = _mm256_set1_epi8(0x0f);
    __m256i all = _mm256_setzero_si256();
    for (int j = 0; j < width; j++) {
        // safe because the caller guarantees that p[0 ..< 32 + width - 1] is readable
        __m256i v = _mm256_loadu_si256((const __m256i *)(p + j));
        __m256i lo = _mm256_and_si256(v, nibble);
        __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble);
        __m256i pass = _mm256_and_si256(_mm256_shuffle_epi8(low[j], lo), _mm256_shuffle_epi8(high[j], hi));
        all = j == 0 ? pass : _mm256_and_si256(all, pass);
    }
    return ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(all, _mm256_setzero_si256()));
}

__attribute__((target("avx2"))) CPF_ALWAYS_INLINE size_t find_avx2(
    const cpf_prefilter *f, const uint8_t *p, size_t n, size_t i, int width, int confirmed
) {
    __m256i low[CPF_MAX_WIDTH], high[CPF_MAX_WIDTH];
    for (int j = 0; j < width; j++) {
        low[j] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)f->low[j]));
        high[j] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)f->high[j]));
    }
    const size_t span = 32 + (size_t)(width - 1);
    // Two blocks per round while they fit: one branch per 64 positions.
    while (n - i >= span + 32) {
        // safe because n - i >= 64 + width - 1: both blocks read p[i ..< n] only
        uint64_t m = (uint64_t)block_avx2(p + i, low, high, width)
                     | (uint64_t)block_avx2(p + i + 32, low, high, width) << 32;
        if (m) {
            // safe because each lane k < 64 read p[i + k ..< i + k + width] in this round
            size_t q = first_confirmed(f, p, n, i, p + i, m, width, confirmed);
            if (q != SIZE_MAX) return q;
        }
        i += 64;
    }
    if (n - i >= span) {
        // safe because n - i >= 32 + width - 1: the block reads p[i ..< n] only
        uint32_t m = block_avx2(p + i, low, high, width);
        if (m) {
            size_t q = first_confirmed(f, p, n, i, p + i, m, width, confirmed);
            if (q != SIZE_MAX) return q;
        }
        i += 32;
    }
    if (n >= span) {
        // The positions left whose bytes are all inside: one block ending at the end, lanes before i masked.
        size_t start = n - span;
        if (n - i >= (size_t)width) {
            // safe because the block reads p[n - span ..< n]; i - start = span - (n - i) <= 31
            uint32_t m = block_avx2(p + start, low, high, width) & (UINT32_MAX << (i - start));
            if (m) {
                size_t q = first_confirmed(f, p, n, start, p + start, m, width, confirmed);
                if (q != SIZE_MAX) return q;
            }
            i = n - (size_t)(width - 1);
        }
        // The last width - 1 positions, whose bytes run past the end.
        return find_scalar(f, p, n, i, width, confirmed);
    }
    // A short input: test it in a zero-padded copy (two blocks at most).
    uint8_t pad[96];
    size_t left = n - i;
    memset(pad, 0, sizeof pad);
    // safe because left <= n < 32 + width - 1 <= 34 <= sizeof pad, and p[i ..< n] is inside the input
    memcpy(pad, p + i, left);
    for (size_t offset = 0; offset < left; offset += 32) {
        // safe because offset <= 32, so the block reads pad[offset ..< offset + 34], inside the 96 bytes
        uint32_t m = block_avx2(pad + offset, low, high, width);
        size_t lanes = left - offset;
        if (lanes < 32) m &= (1u << lanes) - 1;
        if (m) {
            // safe because pad[offset + k ..< offset + k + width] is inside pad; p is read up to n only
            size_t q = first_confirmed(f, p, n, i + offset, pad + offset, m, width, confirmed);
            if (q != SIZE_MAX) return q;
        }
    }
    return n;
}

#endif

// MARK: - Dispatch: one specialised function per path, width and stage

#define CPF_SPECIALISE(path, target, width, confirmed)                                                      \
    target static size_t find_##path##_##width##_##confirmed(                                                \
        const cpf_prefilter *f, const uint8_t *p, size_t n, size_t i                                         \
    ) {                                                                                                      \
        return find_##path(f, p, n, i, width, confirmed);                                                    \
    }
#define CPF_SPECIALISE_PATH(path, target)                                                                    \
    CPF_SPECIALISE(path, target, 1, 0)                                                                       \
    CPF_SPECIALISE(path, target, 2, 0)                                                                       \
    CPF_SPECIALISE(path, target, 3, 0)                                                                       \
    CPF_SPECIALISE(path, target, 1, 1)                                                                       \
    CPF_SPECIALISE(path, target, 2, 1)                                                                       \
    CPF_SPECIALISE(path, target, 3, 1)

CPF_SPECIALISE_PATH(scalar, )
#if CPF_X86
CPF_SPECIALISE_PATH(ssse3, __attribute__((target("ssse3"))))
CPF_SPECIALISE_PATH(avx2, __attribute__((target("avx2"))))
#endif

#define CPF_DISPATCH(path, confirmed)                                                                        \
    switch (prefilter->width) {                                                                              \
    case 1: return find_##path##_1_##confirmed(prefilter, bytes, count, from);                               \
    case 2: return find_##path##_2_##confirmed(prefilter, bytes, count, from);                               \
    default: return find_##path##_3_##confirmed(prefilter, bytes, count, from);                              \
    }

size_t cpf_find(const cpf_prefilter *prefilter, const uint8_t *bytes, size_t count, size_t from) {
    if (from >= count) return count;
    // `cpf_create` admits only paths this CPU supports and widths 1 to 3.
    switch (prefilter->path) {
#if CPF_X86
    case CPF_PATH_AVX2: CPF_DISPATCH(avx2, 1)
    case CPF_PATH_SSSE3: CPF_DISPATCH(ssse3, 1)
#endif
    default: CPF_DISPATCH(scalar, 1)
    }
}

size_t cpf_find_unconfirmed(const cpf_prefilter *prefilter, const uint8_t *bytes, size_t count, size_t from) {
    if (from >= count) return count;
    switch (prefilter->path) {
#if CPF_X86
    case CPF_PATH_AVX2: CPF_DISPATCH(avx2, 0)
    case CPF_PATH_SSSE3: CPF_DISPATCH(ssse3, 0)
#endif
    default: CPF_DISPATCH(scalar, 0)
    }
}
