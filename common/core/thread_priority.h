// thread_priority.h — lowers the CPU priority of the calling thread, for bulk
// work (reading and matching listings) that shares a machine with
// latency-bound work (requests that keep a Jellyfin server's budget busy).
// On Linux a thread has a nice value of its own (setpriority with its thread
// id); the kernel then gives the other threads the CPU first when both want it.
//
// Thread-safety: affects only the calling thread.
#pragma once

#include "common/core/result.h"

namespace jb {

// Sets the calling thread's nice value (0 = normal, up to 19 = lowest). Only
// lowering is asked for, which needs no privilege.
Status set_this_thread_nice(int nice);

}  // namespace jb
