// ISA-L's inflate, loaded at run time so that logtriage neither needs libisal to build nor to run.
#include "CISAL.h"

#if __has_include(<isa-l/igzip_lib.h>) && !defined(LOGTRIAGE_NO_ISAL)

#include <dlfcn.h>
#include <isa-l/igzip_lib.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(LOGTRIAGE_ISAL_DECOMP_OK == ISAL_DECOMP_OK, "ISA-L return codes changed");
_Static_assert(LOGTRIAGE_ISAL_END_INPUT == ISAL_END_INPUT, "ISA-L return codes changed");
_Static_assert(LOGTRIAGE_ISAL_OUT_OVERFLOW == ISAL_OUT_OVERFLOW, "ISA-L return codes changed");
_Static_assert(LOGTRIAGE_ISAL_INVALID_BLOCK == ISAL_INVALID_BLOCK, "ISA-L return codes changed");
_Static_assert(LOGTRIAGE_ISAL_INVALID_SYMBOL == ISAL_INVALID_SYMBOL, "ISA-L return codes changed");
_Static_assert(LOGTRIAGE_ISAL_INVALID_LOOKBACK == ISAL_INVALID_LOOKBACK, "ISA-L return codes changed");
// isal_inflate copies its internal output buffer out before it returns, as far as the caller's buffer allows.
_Static_assert(sizeof(((struct inflate_state *)0)->tmp_out_buffer) <= LOGTRIAGE_ISAL_WHOLE_OUTPUT_BYTES,
               "ISA-L's internal output buffer grew");

struct logtriage_isal_inflater {
    struct inflate_state state;
};

static struct {
    void (*init)(struct inflate_state *);
    void (*reset)(struct inflate_state *);
    int (*inflate)(struct inflate_state *);
    int loaded;
} isal;

static pthread_once_t isal_once = PTHREAD_ONCE_INIT;

static void isal_load(void) {
    // The soname, not libisal.so: only the -dev package installs the unversioned link.
    void *library = dlopen("libisal.so.2", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) return;
    isal.init = (void (*)(struct inflate_state *))dlsym(library, "isal_inflate_init");
    isal.reset = (void (*)(struct inflate_state *))dlsym(library, "isal_inflate_reset");
    isal.inflate = (int (*)(struct inflate_state *))dlsym(library, "isal_inflate");
    // The library stays loaded for the life of the process.
    isal.loaded = isal.init != NULL && isal.reset != NULL && isal.inflate != NULL;
}

int logtriage_isal_available(void) {
    pthread_once(&isal_once, isal_load);
    return isal.loaded;
}

int logtriage_isal_built(void) { return 1; }

logtriage_isal_inflater *logtriage_isal_create(void) {
    if (!logtriage_isal_available()) return NULL;
    void *memory = NULL;
    if (posix_memalign(&memory, 64, sizeof(logtriage_isal_inflater)) != 0) return NULL;
    logtriage_isal_inflater *inflater = memory;
    isal.init(&inflater->state);
    // Raw deflate with the gzip CRC-32 kept in state.crc; not ISAL_GZIP, whose header parser loses its
    // place when a header arrives split over several calls.
    inflater->state.crc_flag = ISAL_GZIP_NO_HDR;
    return inflater;
}

void logtriage_isal_destroy(logtriage_isal_inflater *inflater) { free(inflater); }

void logtriage_isal_reset(logtriage_isal_inflater *inflater) {
    // isal_inflate_reset keeps crc_flag.
    isal.reset(&inflater->state);
}

logtriage_isal_result logtriage_isal_inflate(
    logtriage_isal_inflater *inflater, const uint8_t *input, uint32_t input_count, uint8_t *output,
    uint32_t output_count) {
    struct inflate_state *state = &inflater->state;
    // ISA-L never writes through next_in; its field is just not const.
    state->next_in = (uint8_t *)input;
    state->avail_in = input_count;
    state->next_out = output;
    state->avail_out = output_count;
    int code = isal.inflate(state);
    // On some decode errors ISA-L leaves avail_in wrapped below zero (its read-ahead is not undone); nothing
    // past the input was read, so count it all as taken.
    uint32_t left = state->avail_in <= input_count ? state->avail_in : 0;
    logtriage_isal_result result = {
        .consumed = input_count - left,
        .produced = output_count - state->avail_out,
        .code = code,
        .finished = state->block_state == ISAL_BLOCK_FINISH,
        .unread = state->read_in_length > 0 ? (uint32_t)state->read_in_length / 8 : 0,
        .crc = state->crc,
    };
    return result;
}

uint32_t logtriage_isal_take_unread(logtriage_isal_inflater *inflater, uint8_t *trailer) {
    // After the last block the bit buffer holds the rest of its final byte and then whole bytes that
    // follow the deflate data, lowest first: the same reading ISA-L's own trailer check does.
    struct inflate_state *state = &inflater->state;
    if (state->read_in_length <= 0) return 0;
    uint32_t count = (uint32_t)state->read_in_length / 8;
    uint64_t bits = state->read_in >> (state->read_in_length % 8);
    for (uint32_t i = 0; i < count; i++) trailer[i] = (uint8_t)(bits >> (8 * i));
    state->read_in = 0;
    state->read_in_length = 0;
    return count;
}

#else

// Built without ISA-L: stubs, so callers see it as unavailable and use zlib.
int logtriage_isal_available(void) { return 0; }
int logtriage_isal_built(void) { return 0; }
logtriage_isal_inflater *logtriage_isal_create(void) { return 0; }
void logtriage_isal_destroy(logtriage_isal_inflater *inflater) { (void)inflater; }
void logtriage_isal_reset(logtriage_isal_inflater *inflater) { (void)inflater; }

logtriage_isal_result logtriage_isal_inflate(
    logtriage_isal_inflater *inflater, const uint8_t *input, uint32_t input_count, uint8_t *output,
    uint32_t output_count) {
    (void)inflater, (void)input, (void)input_count, (void)output, (void)output_count;
    logtriage_isal_result result = {.code = LOGTRIAGE_ISAL_INVALID_BLOCK};
    return result;
}

uint32_t logtriage_isal_take_unread(logtriage_isal_inflater *inflater, uint8_t *trailer) {
    (void)inflater, (void)trailer;
    return 0;
}

#endif
