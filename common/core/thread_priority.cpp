// thread_priority.cpp — see thread_priority.h.
#include "common/core/thread_priority.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace jb {

Status set_this_thread_nice(int nice) {
  if (nice < 0 || nice > 19) return Error(errc::internal, "nice must be 0 to 19");
  const auto tid = static_cast<id_t>(syscall(SYS_gettid));
  if (setpriority(PRIO_PROCESS, tid, nice) != 0)
    return Error(errc::internal, std::string("setpriority: ") + std::strerror(errno));
  return Status::Ok();
}

}  // namespace jb
