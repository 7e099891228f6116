#include "CDecompress.h"

#include <bzlib.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>
#include <zstd_errors.h>

struct lt_decoder {
    lt_codec codec;
    lzma_stream xz;
    bz_stream bz;
    ZSTD_DStream *zstd;
    int bz_open;
    const char *detail;
};

static int bz_begin(lt_decoder *d) {
    memset(&d->bz, 0, sizeof d->bz);
    d->bz_open = BZ2_bzDecompressInit(&d->bz, 0, 0) == BZ_OK;
    return d->bz_open;
}

lt_decoder *lt_decoder_new(lt_codec codec) {
    lt_decoder *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->codec = codec;
    d->detail = "";
    switch (codec) {
    case LT_XZ: {
        lzma_stream init = LZMA_STREAM_INIT;
        d->xz = init;
        // No memory limit beyond the library's own; LZMA_CONCATENATED reads `xz` files made of several streams.
        if (lzma_stream_decoder(&d->xz, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) goto fail;
        return d;
    }
    case LT_BZIP2:
        if (!bz_begin(d)) goto fail;
        return d;
    case LT_ZSTD:
        d->zstd = ZSTD_createDStream();
        if (!d->zstd || ZSTD_isError(ZSTD_initDStream(d->zstd))) goto fail;
        return d;
    }
fail:
    lt_decoder_free(d);
    return NULL;
}

void lt_decoder_free(lt_decoder *d) {
    if (!d) return;
    if (d->codec == LT_XZ) lzma_end(&d->xz);
    if (d->codec == LT_BZIP2 && d->bz_open) BZ2_bzDecompressEnd(&d->bz);
    if (d->zstd) ZSTD_freeDStream(d->zstd);
    free(d);
}

const char *lt_decoder_detail(const lt_decoder *d) { return d->detail; }

int lt_decode(lt_decoder *d, const uint8_t *in, size_t in_len, size_t *consumed, uint8_t *out, size_t out_len,
              size_t *produced) {
    *consumed = 0;
    *produced = 0;
    switch (d->codec) {
    case LT_XZ: {
        d->xz.next_in = in;
        d->xz.avail_in = in_len;
        d->xz.next_out = out;
        d->xz.avail_out = out_len;
        // LZMA_FINISH only once the caller has no more input: an empty `in` means the end of the file.
        lzma_ret r = lzma_code(&d->xz, in_len == 0 ? LZMA_FINISH : LZMA_RUN);
        *consumed = in_len - d->xz.avail_in;
        *produced = out_len - d->xz.avail_out;
        switch (r) {
        case LZMA_OK: return LT_OK;
        case LZMA_STREAM_END: return LT_END;
        case LZMA_BUF_ERROR: return in_len == 0 ? LT_CORRUPT : LT_OK;
        case LZMA_MEM_ERROR: case LZMA_MEMLIMIT_ERROR: return LT_MEMORY;
        case LZMA_OPTIONS_ERROR: case LZMA_UNSUPPORTED_CHECK: d->detail = "unsupported options"; return LT_UNSUPPORTED;
        case LZMA_DATA_ERROR: d->detail = "data error"; return LT_CORRUPT;
        case LZMA_FORMAT_ERROR: d->detail = "not xz data"; return LT_CORRUPT;
        default: d->detail = "decoder error"; return LT_CORRUPT;
        }
    }
    case LT_BZIP2: {
        if (!d->bz_open && !bz_begin(d)) return LT_MEMORY;
        d->bz.next_in = (char *)in;
        d->bz.avail_in = (unsigned)(in_len > 0x40000000 ? 0x40000000 : in_len);
        d->bz.next_out = (char *)out;
        d->bz.avail_out = (unsigned)(out_len > 0x40000000 ? 0x40000000 : out_len);
        unsigned in_before = d->bz.avail_in, out_before = d->bz.avail_out;
        int r = BZ2_bzDecompress(&d->bz);
        *consumed = in_before - d->bz.avail_in;
        *produced = out_before - d->bz.avail_out;
        if (r == BZ_OK) return LT_OK;
        if (r == BZ_STREAM_END) {
            // bzip2 files may hold several streams (pbzip2, `cat a.bz2 b.bz2`): start afresh for the next one.
            BZ2_bzDecompressEnd(&d->bz);
            d->bz_open = 0;
            return LT_END;
        }
        if (r == BZ_MEM_ERROR) return LT_MEMORY;
        d->detail = r == BZ_DATA_ERROR_MAGIC ? "not bzip2 data" : "data error";
        return LT_CORRUPT;
    }
    case LT_ZSTD: {
        ZSTD_inBuffer input = {in, in_len, 0};
        ZSTD_outBuffer output = {out, out_len, 0};
        size_t r = ZSTD_decompressStream(d->zstd, &output, &input);
        *consumed = input.pos;
        *produced = output.pos;
        if (ZSTD_isError(r)) {
            d->detail = ZSTD_getErrorName(r);
            return ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation ? LT_MEMORY : LT_CORRUPT;
        }
        // 0: a frame is complete and fully flushed; the next call starts the next frame.
        return r == 0 ? LT_END : LT_OK;
    }
    }
    return LT_CORRUPT;
}
