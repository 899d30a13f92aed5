// noop_handler.cpp — see noop_handler.h.
#include "sync-worker/noop_handler.h"

#include <thread>

#include "common/core/text.h"
#include "common/core/time.h"
#include "sync-worker/sync_context.h"

namespace jb::worker {

Status noop_handler(const workq::Item& item, const WorkControl& ctl) {
  int64_t ms = 0;
  std::string s = item.field("sleep_ms");
  if (!s.empty() && (!text::parse_int64(s, ms) || ms < 0 || ms > 3600000))
    return Error(errc::invalid_work, "sleep_ms must be an integer between 0 and 3600000");
  int64_t end = timeutil::monotonic_ms() + ms;
  while (timeutil::monotonic_ms() < end) {
    if (auto s = ctl.check(); !s.ok()) return s;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return Status::Ok();
}

}  // namespace jb::worker
