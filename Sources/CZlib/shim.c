// The target needs one source file; everything lives in the header as static inline functions.
#include "CZlib.h"
