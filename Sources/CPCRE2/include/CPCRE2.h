#ifndef LOGTRIAGE_CPCRE2_H
#define LOGTRIAGE_CPCRE2_H

#include <stddef.h>
#include <stdint.h>

/// A compiled verification pattern (PCRE2, JIT-compiled where asked and where the platform has a JIT). Once made it
/// is only read, so threads may share it: each matches through an `lt_regex` of its own.
typedef struct lt_code lt_code;

/// A compiled pattern with the match data and the limits one thread runs it with. Not for concurrent use.
typedef struct lt_regex lt_regex;

/// The result of `lt_regex_match` when a limit cut the match off.
#define LT_REGEX_LIMIT (-2)

/// Compiles `pattern` (UTF-8, `length` bytes) for subjects that may hold invalid UTF-8, with Unicode properties for
/// `\d`, `\w`, `\s`; with `jit` non-zero, JIT-compiles it too (where that fails, matching interprets it). On failure
/// returns NULL and writes a message (NUL-terminated, at most `message_size` bytes) and the pattern offset of the
/// error.
lt_code *lt_code_compile(
    const char *pattern, size_t length, int jit, char *message, size_t message_size, size_t *error_offset);

void lt_code_free(lt_code *code);

/// The number of the group `name`, or a negative number when there is none.
int lt_code_group_number(const lt_code *code, const char *name);

/// A matcher of `code` bounded by `match_limit` steps (and as deep), or NULL when out of memory. `code` must
/// outlive it.
lt_regex *lt_regex_create(const lt_code *code, uint32_t match_limit);

void lt_regex_free(lt_regex *regex);

/// Runs the regex over `subject`: 1 when it matches, 0 when it does not, `LT_REGEX_LIMIT` when the match limit
/// (or the JIT stack) cut it off, another negative number for other errors. After a match,
/// `lt_regex_group` gives the groups.
int lt_regex_match(lt_regex *regex, const uint8_t *subject, size_t length);

/// The bounds of group `number` of the last match: 1 and the offsets when it took part, 0 when it did not.
int lt_regex_group(const lt_regex *regex, int number, size_t *start, size_t *end);

#endif
