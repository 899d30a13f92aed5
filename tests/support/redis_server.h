// redis_server.h — test support: a real redis-server on a port of its own in
// a temp dir (AOF on), that a test can stop, restart (same port, same data)
// and query.
//
// Thread-safety: one test thread.
#pragma once

#include <memory>
#include <string>

#include "tests/support/process.h"

namespace jb::testing {

class RedisServer {
 public:
  explicit RedisServer(std::string password = "");  // starts it; check ok()
  ~RedisServer();
  bool ok() const { return ok_; }
  int port() const { return port_; }
  std::string url() const {
    return "redis://" + (password_.empty() ? "" : ":" + password_ + "@") +
           "127.0.0.1:" + std::to_string(port_);
  }
  const std::string& dir() const { return dir_.path(); }
  bool stop();   // SIGTERM and wait
  bool start();  // (re)start on the same port with the same data dir
  bool restart() { return stop() && start(); }
  // Runs redis-cli against it and returns stdout (for assertions and scans).
  std::string cli(const std::string& args);

 private:
  TempDir dir_;
  std::string password_;
  int port_ = 0;
  std::unique_ptr<Process> proc_;
  bool ok_ = false;
};

}  // namespace jb::testing
