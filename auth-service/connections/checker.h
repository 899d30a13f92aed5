// checker.h — the background check of connections: every tick it claims the
// connections that are due (an atomic Redis claim, so several auth-service
// instances never check the same one) and verifies them: rejected tokens
// become `expired`, unreachable servers are retried with exponential backoff,
// pending Quick Connect approvals are polled (at most once per 5 s). Home
// connections are due every JB_HOME_CHECK_INTERVAL_S (others every
// JB_CONNECTION_CHECK_INTERVAL_S); their check also looks at the Jellyfin
// account and ends the user's sessions when it lost access (home_account.h).
//
// Thread-safety: start()/stop() from the owning thread; runs its own thread.
#pragma once

#include "auth-service/connections/connection_service.h"
#include "common/core/periodic.h"

namespace jb::auth {

class ConnectionChecker {
 public:
  ConnectionChecker(ConnectionService& svc, int tick_ms)
      : svc_(svc),
        task_(
            std::chrono::milliseconds(tick_ms), [this] { tick(); }, false) {}
  void start() { task_.start(); }
  void stop() { task_.stop(); }

 private:
  void tick();
  ConnectionService& svc_;
  bool warned_ = false;  // the periodic thread's own
  PeriodicTask task_;    // last: stopped before the members it uses go
};

}  // namespace jb::auth
