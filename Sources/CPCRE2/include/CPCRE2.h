#ifndef LOGTRIAGE_CPCRE2_H
#define LOGTRIAGE_CPCRE2_H

#include <stddef.h>
#include <stdint.h>

/// A compiled verification regex (PCRE2, JIT-compiled where the platform has a JIT), with the match data and the
/// limits it runs with. Not for concurrent use: each matcher compiles its own.
typedef struct lt_regex lt_regex;

/// The result of `lt_regex_match` when a limit cut the match off.
#define LT_REGEX_LIMIT (-2)

/// Compiles `pattern` (UTF-8, `length` bytes) for subjects that may hold invalid UTF-8, with Unicode properties for
/// `\d`, `\w`, `\s`. On failure returns NULL and writes a message (NUL-terminated, at most `message_size` bytes)
/// and the pattern offset of the error.
lt_regex *lt_regex_compile(
    const char *pattern, size_t length, uint32_t match_limit, char *message, size_t message_size,
    size_t *error_offset);

void lt_regex_free(lt_regex *regex);

/// The number of the group `name`, or a negative number when there is none.
int lt_regex_group_number(const lt_regex *regex, const char *name);

/// Runs the regex over `subject`: 1 when it matches, 0 when it does not, `LT_REGEX_LIMIT` when the match limit
/// (or the JIT stack) cut it off, another negative number for other errors. After a match,
/// `lt_regex_group` gives the groups.
int lt_regex_match(lt_regex *regex, const uint8_t *subject, size_t length);

/// The bounds of group `number` of the last match: 1 and the offsets when it took part, 0 when it did not.
int lt_regex_group(const lt_regex *regex, int number, size_t *start, size_t *end);

#endif
