// The verification regexes through PCRE2: bounded by a match limit, linear in practice for the catalog's
// patterns, and run on a record's bytes as they are (no string conversion, invalid UTF-8 allowed).
#define PCRE2_CODE_UNIT_WIDTH 8
#include "CPCRE2.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

struct lt_code {
    pcre2_code *code;
};

struct lt_regex {
    const pcre2_code *code;
    pcre2_match_data *data;
    pcre2_match_context *context;
};

lt_code *lt_code_compile(
    const char *pattern, size_t length, int jit, char *message, size_t message_size, size_t *error_offset) {
    int code_error = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code *code = pcre2_compile(
        (PCRE2_SPTR)pattern, length, PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &code_error, &offset, NULL);
    if (code == NULL) {
        if (message_size > 0) pcre2_get_error_message(code_error, (PCRE2_UCHAR *)message, message_size);
        *error_offset = offset;
        return NULL;
    }
    // Without a JIT (some platforms) the interpreter runs the same pattern; nothing else changes.
    if (jit) (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    lt_code *result = calloc(1, sizeof(lt_code));
    if (result == NULL) {
        pcre2_code_free(code);
        if (message_size > 0) strncpy(message, "out of memory", message_size - 1);
        *error_offset = 0;
        return NULL;
    }
    result->code = code;
    return result;
}

void lt_code_free(lt_code *code) {
    if (code == NULL) return;
    pcre2_code_free(code->code);
    free(code);
}

int lt_code_group_number(const lt_code *code, const char *name) {
    return pcre2_substring_number_from_name(code->code, (PCRE2_SPTR)name);
}

lt_regex *lt_regex_create(const lt_code *code, uint32_t match_limit) {
    lt_regex *regex = calloc(1, sizeof(lt_regex));
    pcre2_match_data *data = pcre2_match_data_create_from_pattern(code->code, NULL);
    pcre2_match_context *context = pcre2_match_context_create(NULL);
    if (regex == NULL || data == NULL || context == NULL) {
        free(regex);
        pcre2_match_data_free(data);
        pcre2_match_context_free(context);
        return NULL;
    }
    pcre2_set_match_limit(context, match_limit);
    pcre2_set_depth_limit(context, match_limit);
    regex->code = code->code;
    regex->data = data;
    regex->context = context;
    return regex;
}

void lt_regex_free(lt_regex *regex) {
    if (regex == NULL) return;
    pcre2_match_context_free(regex->context);
    pcre2_match_data_free(regex->data);
    free(regex);
}

int lt_regex_match(lt_regex *regex, const uint8_t *subject, size_t length) {
    // An empty subject may come with a NULL pointer; PCRE2 wants a valid one.
    static const uint8_t empty = 0;
    int rc = pcre2_match(
        regex->code, subject != NULL ? subject : &empty, length, 0, 0, regex->data, regex->context);
    if (rc >= 0) return 1;
    if (rc == PCRE2_ERROR_NOMATCH) return 0;
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT
        || rc == PCRE2_ERROR_HEAPLIMIT)
        return LT_REGEX_LIMIT;
    return rc < 0 ? rc : -1;
}

int lt_regex_group(const lt_regex *regex, int number, size_t *start, size_t *end) {
    if (number < 0 || (uint32_t)number >= pcre2_get_ovector_count(regex->data)) return 0;
    PCRE2_SIZE *ovector = pcre2_get_ovector_pointer(regex->data);
    if (ovector[2 * number] == PCRE2_UNSET) return 0;
    *start = ovector[2 * number];
    *end = ovector[2 * number + 1];
    return 1;
}
