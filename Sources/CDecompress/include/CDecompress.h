#ifndef LOGTRIAGE_CDECOMPRESS_H
#define LOGTRIAGE_CDECOMPRESS_H

#include <stddef.h>
#include <stdint.h>

/// The compressions logrotate's `compresscmd` is commonly set to besides gzip, behind one streaming interface:
/// xz (liblzma), bzip2 (libbz2) and zstd (libzstd). Each decoder reads concatenated streams (several members or
/// frames one after another) as one.
typedef enum { LT_XZ = 1, LT_BZIP2 = 2, LT_ZSTD = 3 } lt_codec;

typedef struct lt_decoder lt_decoder;

/// Results of `lt_decode`.
enum {
    LT_OK = 0,          ///< progress was made; call again
    LT_END = 1,         ///< a stream (member, frame) ended exactly at the end of the input consumed
    LT_CORRUPT = -1,    ///< the data is not valid for the codec
    LT_MEMORY = -2,     ///< the decoder could not allocate (or the data asks for too much memory)
    LT_UNSUPPORTED = -3 ///< valid, but uses a feature the library does not support
};

/// A new decoder, or NULL when it cannot be made.
lt_decoder *lt_decoder_new(lt_codec codec);
void lt_decoder_free(lt_decoder *decoder);

/// Decodes from `in` into `out`; `*consumed` and `*produced` say how much of each was used. A stream that ends
/// inside `in` returns LT_END with the rest unconsumed; the decoder is then ready for the next stream.
int lt_decode(lt_decoder *decoder, const uint8_t *in, size_t in_len, size_t *consumed, uint8_t *out, size_t out_len,
              size_t *produced);

/// A short description of the library error behind the last LT_CORRUPT, for messages.
const char *lt_decoder_detail(const lt_decoder *decoder);

#endif
