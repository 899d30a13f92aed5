// checker.cpp — see checker.h.
#include "auth-service/connections/checker.h"

#include "common/core/log.h"

namespace jb::auth {

void ConnectionChecker::start() {
  thread_ = std::thread([this] {
    bool warned = false;
    for (;;) {
      {
        std::unique_lock<std::mutex> l(mu_);
        if (cv_.wait_for(l, std::chrono::milliseconds(tick_ms_), [&] { return stop_; })) return;
      }
      auto n = svc_.check_due(20);
      if (!n.ok() && !warned) {
        log::warn("connection checks paused", {{"error", n.error().message}});
        warned = true;
      } else if (n.ok()) {
        warned = false;
      }
    }
  });
}

void ConnectionChecker::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

}  // namespace jb::auth
