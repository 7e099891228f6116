// The hashed-gram search for large literal sets; see CPrefilter.h.
#include "CPrefilter.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define HASH_BITS 18
#define TABLE_WORDS ((1u << HASH_BITS) / 64)
#define LARGE_BITS 21
#define LARGE_WORDS ((1u << LARGE_BITS) / 64)
#define PAIR_WORDS ((1u << 16) / 64)
/// How far into a literal its gram may be taken from. Every passing position starts the automaton this many bytes
/// back (the largest offset of any gram), so a far gram costs steps at every candidate: measured on the mixes of
/// Benchmarks/README.md, 3 took 6-13% less CPU than 15, where rarer grams passed fewer positions but each cost more.
#define MAX_GRAM_OFFSET 3

struct cpf_hash_prefilter {
    uint64_t four[TABLE_WORDS];    // one hash of one 4-byte gram of each literal of 4 bytes or more
    uint64_t large[LARGE_WORDS];   // the same hash with 3 bits more, tested instead when there are many grams
    uint64_t two[PAIR_WORDS];    // the first 2 bytes of literals of 2 or 3 bytes, as a 16-bit index
    uint64_t one[4];             // literals of 1 byte
    size_t max_offset;           // the largest offset of a gram into its literal
    size_t grams;                // 4-byte grams added
    int has_two, has_one;
};

/// Up to this many grams the 32 KiB table decides (a random position passes with a chance of at most 1 in 256), and
/// stays in the L1 cache. More grams (a large user catalog) are looked up in the 256 KiB table instead, where 8
/// times the bits keep chance passes as rare. Still one table load per position: a second hash in a second small
/// table (a Bloom filter with k = 2) cost two, and the +1,000-rules benchmark of Benchmarks/README.md took about
/// 15% less time with the one large table.
#define SMALL_TABLE_GRAMS 1024

/// Bit positions from one 32-bit multiply, its top bits. (32-bit products measured faster than the halves of one
/// 64-bit product, and as selective; an AVX2 version with gathers was slower than this scalar loop on the machine
/// of Benchmarks/README.md.)
#define MULTIPLIER 0x9E3779B1u
static inline uint32_t small_bit(uint32_t folded) { return (folded * MULTIPLIER) >> (32 - HASH_BITS); }
static inline uint32_t large_bit(uint32_t folded) { return (folded * MULTIPLIER) >> (32 - LARGE_BITS); }

static inline void set_bit(uint64_t *table, uint32_t index) { table[index >> 6] |= (uint64_t)1 << (index & 63); }

static inline uint64_t test_bit(const uint64_t *table, uint32_t index) {
    return (table[index >> 6] >> (index & 63)) & 1;
}

/// Whether the gram `folded` may be one of the literals'; `large` is constant at each call, so each search loop
/// below is compiled twice, once for each table.
static inline __attribute__((always_inline)) uint64_t test_gram(
    const cpf_hash_prefilter *prefilter, uint32_t folded, const int large) {
    if (large) return test_bit(prefilter->large, large_bit(folded));
    return test_bit(prefilter->four, small_bit(folded));
}

/// Words that log lines are full of: a gram inside one of them is a poor choice, however rare its letters.
static const char *const common_words[] = {
    "work", "error", "fail", "connect", "service", "timeout", "address", "already", "missing", "found",
    "start", "stop", "request", "warn", "info", "debug", "user", "server", "process", "exit", "http",
    "status", "time", "with", "from", "file", "read", "write", "open", "close", "node", "main", "host",
};

/// The positions 0 ..< MAX_GRAM_OFFSET + 4 of a literal that lie inside a copy of a common word, as bits: a gram at
/// `k` overlaps a word when one of bits k ..< k + 4 is set. One pass over the words for all of a literal's grams.
static uint32_t common_word_cover(const uint8_t *bytes, size_t length) {
    uint32_t cover = 0;
    for (size_t w = 0; w < sizeof common_words / sizeof *common_words; w++) {
        const char *word = common_words[w];
        size_t n = strlen(word);
        // A copy overlapping a gram starts before the last gram's end: s < MAX_GRAM_OFFSET + 4.
        for (size_t s = 0; s < MAX_GRAM_OFFSET + 4 && s + n <= length; s++) {
            if ((bytes[s] | 0x20) != (uint8_t)word[0]) continue;
            size_t j = 1;
            while (j < n && (bytes[s + j] | 0x20) == (uint8_t)word[j]) j++;
            if (j == n) cover |= (n >= 32 ? ~0u : (1u << n) - 1) << s;
        }
    }
    return cover;
}

/// Stretches that ordinary log lines are full of (ORed with 0x20): a gram found inside one of them passes on line
/// after line of ordinary traffic, however rare its letters: URLs and request lines, user agents, JSON keys of
/// docker's json-file, Python tracebacks, SQL, severities.
static const char *const common_text[] = {
    "https://", "http://", "http/1.1", "http/2.0", "\"get /", "\"post /", "\"put /", "\"head /", "www.", ".com/",
    ".html", "/api/", "mozilla/5.0", "applewebkit", "(khtml, like gecko)", "windows nt", "chrome/", "safari/",
    "{\"log\":\"", "\",\"stream\":\"stdout\",\"time\":\"", "\",\"stream\":\"stderr\",\"time\":\"",
    "traceback (most recent call last)", "  file \"", "\", line ", ".py\"", "select ", " from ", " where ",
    " order by ", " desc", " and ", "description", "password", "created", "number", "completed", "handler",
    "info", "debug", "warning", "error", "notice", "localhost", "127.0.0.1", "0.0.0.0", "upstream", "client",
    "server", "request", "connection", "container", "service", "backend", "python",
};

/// The 4-byte grams of `common_text`, folded, sorted: made once, looked up by binary search.
static uint32_t common_grams[1024];
static size_t common_gram_count;
static pthread_once_t common_grams_once = PTHREAD_ONCE_INIT;

static int compare_grams(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void make_common_grams(void) {
    for (size_t t = 0; t < sizeof common_text / sizeof *common_text; t++) {
        const char *text = common_text[t];
        size_t n = strlen(text);
        for (size_t s = 0; s + 4 <= n && common_gram_count < sizeof common_grams / sizeof *common_grams; s++) {
            uint32_t gram;
            memcpy(&gram, text + s, 4);  // safe because s + 4 <= n
            common_grams[common_gram_count++] = gram | 0x20202020u;
        }
    }
    qsort(common_grams, common_gram_count, sizeof *common_grams, compare_grams);
}

static int in_common_text(const uint8_t *bytes) {
    pthread_once(&common_grams_once, make_common_grams);
    uint32_t gram;
    memcpy(&gram, bytes, 4);  // safe because callers pass a gram's 4 bytes
    gram |= 0x20202020u;
    return bsearch(&gram, common_grams, common_gram_count, sizeof gram, compare_grams) != NULL;
}

/// How common a byte (ORed with 0x20) is in log text, 0 (rare) to 3, to pick each literal's rarest gram.
static int commonness(uint8_t b) {
    if (b == ' ') return 4;
    if (b == 'e' || b == 't' || b == 'a' || b == 'o' || b == 'i' || b == 'n' || b == 's' || b == 'r')
        return 3;
    if ((b >= '0' && b <= '9') || b == 'h' || b == 'l' || b == 'd' || b == 'c' || b == 'u' || b == 'm' || b == 'p'
        || b == 'g' || b == 'f' || b == '.' || b == ':' || b == '/' || b == '-' || b == '"' || b == '=')
        return 2;
    if (b >= 'a' && b <= 'z') return 1;
    return 0;
}

cpf_hash_prefilter *cpf_hash_create(void) { return calloc(1, sizeof(cpf_hash_prefilter)); }

void cpf_hash_destroy(cpf_hash_prefilter *prefilter) { free(prefilter); }

void cpf_hash_add(cpf_hash_prefilter *prefilter, const uint8_t *bytes, size_t length) {
    if (length >= 4) {
        // The rarest 4-byte gram within the first MAX_GRAM_OFFSET + 4 bytes; the earliest of equals.
        size_t best = 0;
        int best_score = 1 << 30;
        const uint32_t cover = common_word_cover(bytes, length);
        for (size_t k = 0; k + 4 <= length && k <= MAX_GRAM_OFFSET; k++) {
            int score = 0;
            int spaces = 0;
            for (size_t j = 0; j < 4; j++) {
                score += commonness(bytes[k + j] | 0x20);
                spaces += bytes[k + j] == ' ';
            }
            // A short word between spaces (" in ", " to ") is as common as grams get.
            if (spaces >= 2) score += 8;
            if ((cover >> k) & 0xf) score += 6;
            if (in_common_text(bytes + k)) score += 12;
            if (score < best_score) {
                best_score = score;
                best = k;
            }
        }
        uint32_t word;
        memcpy(&word, bytes + best, 4);  // safe because best + 4 <= length
        set_bit(prefilter->four, small_bit(word | 0x20202020u));
        set_bit(prefilter->large, large_bit(word | 0x20202020u));
        prefilter->grams++;
        if (best > prefilter->max_offset) prefilter->max_offset = best;
    } else if (length >= 2) {
        set_bit(prefilter->two, (uint32_t)(bytes[0] | 0x20) | (uint32_t)(bytes[1] | 0x20) << 8);
        prefilter->has_two = 1;
    } else if (length == 1) {
        set_bit(prefilter->one, bytes[0] | 0x20);
        prefilter->has_one = 1;
    }
}

static double share(const uint64_t *table, size_t words) {
    size_t set = 0;
    for (size_t i = 0; i < words; i++) set += (size_t)__builtin_popcountll(table[i]);
    return (double)set / (double)(words * 64);
}

double cpf_hash_pass_share(const cpf_hash_prefilter *prefilter) {
    // After ORing with 0x20 only half the byte values remain, so a random position meets each set bit of the
    // one- and two-byte tables 2 or 4 times as often as the table's size suggests.
    double four = share(prefilter->four, TABLE_WORDS);
    if (prefilter->grams > SMALL_TABLE_GRAMS) four = share(prefilter->large, LARGE_WORDS);
    return four + 4 * share(prefilter->two, PAIR_WORDS) + 2 * share(prefilter->one, 4);
}

/// Whether a literal may start at `i` (one- and two-byte literals) or have its gram at `i`.
static inline __attribute__((always_inline)) uint64_t passes(
    const cpf_hash_prefilter *prefilter, const uint8_t *bytes, size_t count, size_t i, const int large) {
    uint64_t hit = 0;
    if (prefilter->has_one) hit |= test_bit(prefilter->one, bytes[i] | 0x20);
    if (prefilter->has_two && i + 2 <= count)
        hit |= test_bit(prefilter->two, (uint32_t)(bytes[i] | 0x20) | (uint32_t)(bytes[i + 1] | 0x20) << 8);
    if (i + 4 <= count) {
        uint32_t word;
        memcpy(&word, bytes + i, 4);  // safe because i + 4 <= count
        hit |= test_gram(prefilter, word | 0x20202020u, large);
    }
    return hit;
}

size_t cpf_hash_max_offset(const cpf_hash_prefilter *prefilter) { return prefilter->max_offset; }

static inline __attribute__((always_inline)) size_t find(
    const cpf_hash_prefilter *prefilter, const uint8_t *bytes, size_t count, size_t from, const int large) {
    size_t i = from;
    // Four positions per step from one 8-byte load; the first of them that passes is found afterwards.
    for (; i + 8 <= count; i += 4) {
        uint64_t w;
        memcpy(&w, bytes + i, 8);  // safe because i + 8 <= count
        w |= 0x2020202020202020ull;
        uint64_t hit = test_gram(prefilter, (uint32_t)w, large)
            | test_gram(prefilter, (uint32_t)(w >> 8), large)
            | test_gram(prefilter, (uint32_t)(w >> 16), large)
            | test_gram(prefilter, (uint32_t)(w >> 24), large);
        if (prefilter->has_two) {
            hit |= test_bit(prefilter->two, (uint32_t)w & 0xffff) | test_bit(prefilter->two, (uint32_t)(w >> 8) & 0xffff)
                | test_bit(prefilter->two, (uint32_t)(w >> 16) & 0xffff)
                | test_bit(prefilter->two, (uint32_t)(w >> 24) & 0xffff);
        }
        if (prefilter->has_one) {
            for (size_t j = 0; j < 4; j++) hit |= test_bit(prefilter->one, bytes[i + j] | 0x20);
        }
        if (hit) break;
    }
    for (; i < count; i++) {
        if (passes(prefilter, bytes, count, i, large)) return i;
    }
    return count;
}

size_t cpf_hash_find(const cpf_hash_prefilter *prefilter, const uint8_t *bytes, size_t count, size_t from) {
    return prefilter->grams > SMALL_TABLE_GRAMS ? find(prefilter, bytes, count, from, 1)
                                             : find(prefilter, bytes, count, from, 0);
}
