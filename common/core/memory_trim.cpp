// memory_trim.cpp — see memory_trim.h.
#include "common/core/memory_trim.h"

#include <cstdlib>  // defines __GLIBC__ on glibc (the test below needs a C library header first)

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace jb::mem {

void limit_malloc_arenas(int arenas) {
#if defined(__GLIBC__)
  if (mallopt(M_ARENA_MAX, arenas) == 0) return;  // refused: the default arenas stay
#else
  static_cast<void>(arenas);
#endif
}

void release_free_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);  // 1 when memory was returned, 0 when there was none to return
#endif
}

}  // namespace jb::mem
