// checker.h — the background check of connections: every tick it claims the
// connections that are due (an atomic Redis claim, so several auth-service
// instances never check the same one) and verifies them: rejected tokens
// become `expired`, unreachable servers are retried with exponential backoff,
// pending Quick Connect approvals are polled (at most once per 5 s).
//
// Thread-safety: start()/stop() from the owning thread; runs its own thread.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "auth-service/connections/connection_service.h"

namespace jb::auth {

class ConnectionChecker {
 public:
  ConnectionChecker(ConnectionService& svc, int tick_ms) : svc_(svc), tick_ms_(tick_ms) {}
  ~ConnectionChecker() { stop(); }
  void start();
  void stop();

 private:
  ConnectionService& svc_;
  int tick_ms_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
};

}  // namespace jb::auth
