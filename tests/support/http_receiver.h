// http_receiver.h — a local HTTP receiver for end-to-end tests of outbound
// deliveries (security notifications, account messages): an HTTP server on
// 127.0.0.1 (an ephemeral port) that records every POST and PUT with its
// path, headers and body, and answers 204 — except:
//   /down   503 until up() is called (a receiver that is down for a while)
//   /gone   404 (a receiver that refuses for good)
//   /bad    400 (likewise)
// Tests reach it through the outbound policy's JB_OUTBOUND_ALLOW=127.0.0.1/32.
//
// Thread-safety: thread-safe (the server's handler threads record under a mutex).
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/core/metrics.h"
#include "common/net/http_server.h"

namespace jb::testing {

struct Received {
  std::string method, path, body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string header(const std::string& name) const;  // case-insensitive, "" when absent
};

class Receiver {
 public:
  Receiver();
  ~Receiver();
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;
  bool ok() const { return ok_; }
  std::string url(const std::string& path) const;
  void up() { up_ = true; }
  // What reached `path` (exactly), in arrival order.
  std::vector<Received> at(const std::string& path);
  // Everything received whose path starts with `prefix`.
  std::vector<Received> under(const std::string& prefix);
  int refused_while_down() const { return refused_.load(); }
  int refused_for_good() const { return rejected_.load(); }

 private:
  http::Response take(http::Request& r);
  metrics::Registry registry_;
  http::Server server_;
  bool ok_ = false;
  std::atomic<bool> up_{false};
  std::atomic<int> refused_{0}, rejected_{0};
  std::mutex m_;
  std::vector<Received> got_;
};

}  // namespace jb::testing
