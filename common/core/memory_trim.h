// memory_trim.h — giving freed heap memory back to the operating system.
//
// glibc keeps memory freed by a thread in that thread's malloc arena, and
// with many threads (RPC pool, index builds, a worker's fan-out) it creates up
// to 8 arenas per core; a burst (an index build, a lookup of 20,000 keys,
// listing pages parsed on many threads) then stays resident
// long after it is freed. limit_malloc_arenas() caps the arenas at start-up;
// release_free_memory() returns the free pages of every arena (malloc_trim)
// after such a burst. Both do nothing on a C library other than glibc; their
// results only say whether glibc did it, which changes nothing for a caller.
//
// Thread-safety: limit_malloc_arenas() before threads start;
// release_free_memory() from any thread (glibc locks each arena).
#pragma once

namespace jb::mem {

void limit_malloc_arenas(int arenas);
void release_free_memory();

}  // namespace jb::mem
