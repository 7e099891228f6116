#ifndef LOGTRIAGE_CZLIB_H
#define LOGTRIAGE_CZLIB_H

#include <zlib.h>

/// inflateInit2 is a macro in zlib.h, which Swift cannot call; this wraps it.
static inline int logtriage_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}

/// deflateInit2 is a macro too; the test-suite and the benchmarks use it to make gzip members.
static inline int logtriage_deflateInit2(z_streamp strm, int level, int windowBits) {
    return deflateInit2(strm, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}

#endif
