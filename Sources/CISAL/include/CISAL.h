#ifndef LOGTRIAGE_CISAL_H
#define LOGTRIAGE_CISAL_H

// A thin, optional door to ISA-L's streaming inflate (libisal.so.2).
//
// Nothing here needs ISA-L to compile or link: when <isa-l/igzip_lib.h> is found at build time, shim.c resolves
// the three functions it uses with dlopen/dlsym on first use; without the header (or with LOGTRIAGE_NO_ISAL
// defined) every function is a stub and logtriage_isal_available() returns 0, so callers fall back to zlib.
// The inflater decodes raw deflate data and keeps the gzip CRC-32 of what it wrote; the gzip header and
// trailer are parsed by the caller (see IsalInflater.swift for why).

#include <stdint.h>

/// ISA-L's return codes that the caller tells apart (the values of igzip_lib.h, checked there at build time).
#define LOGTRIAGE_ISAL_DECOMP_OK 0
#define LOGTRIAGE_ISAL_END_INPUT 1
#define LOGTRIAGE_ISAL_OUT_OVERFLOW 2
#define LOGTRIAGE_ISAL_INVALID_BLOCK (-1)
#define LOGTRIAGE_ISAL_INVALID_SYMBOL (-2)
#define LOGTRIAGE_ISAL_INVALID_LOOKBACK (-3)

/// An output buffer at least this large always takes everything ISA-L has decoded when a call returns, even
/// when the call fails; smaller buffers may leave decoded bytes behind in ISA-L's internal buffer.
#define LOGTRIAGE_ISAL_WHOLE_OUTPUT_BYTES (128 * 1024)

/// One inflate stream (ISA-L's struct inflate_state), opaque to Swift.
typedef struct logtriage_isal_inflater logtriage_isal_inflater;

/// What one call did.
typedef struct {
    /// Input bytes taken, including bytes ISA-L has buffered but not decoded yet.
    uint32_t consumed;
    /// Output bytes written.
    uint32_t produced;
    /// ISA-L's return code.
    int32_t code;
    /// 1 when the last deflate block has ended and all its output was written.
    int32_t finished;
    /// Whole input bytes taken but still unread in ISA-L's bit buffer.
    uint32_t unread;
    /// The gzip CRC-32 of everything written since the last reset.
    uint32_t crc;
} logtriage_isal_result;

/// 1 when this build has ISA-L support and libisal.so.2 could be loaded; the library is loaded once.
int logtriage_isal_available(void);

/// 1 when this build was compiled against ISA-L's header (the library may still be missing at run time).
int logtriage_isal_built(void);

/// A new stream for raw deflate data, or NULL when ISA-L is unavailable or memory is short.
logtriage_isal_inflater *logtriage_isal_create(void);

void logtriage_isal_destroy(logtriage_isal_inflater *inflater);

/// Starts over for the next gzip member.
void logtriage_isal_reset(logtriage_isal_inflater *inflater);

/// Decodes from `input` into `output`.
logtriage_isal_result logtriage_isal_inflate(
    logtriage_isal_inflater *inflater, const uint8_t *input, uint32_t input_count, uint8_t *output,
    uint32_t output_count);

/// After a finished result: moves the whole bytes left in the bit buffer, which are the first bytes of the
/// gzip trailer, to `trailer` (room for 8) and returns how many there were.
uint32_t logtriage_isal_take_unread(logtriage_isal_inflater *inflater, uint8_t *trailer);

#endif
