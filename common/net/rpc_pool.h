// rpc_pool.h — a thread-safe pool of RpcClients to one peer, so handler threads
// can make RPC calls without sharing a ZeroMQ socket (sockets are single-thread).
// Clients are created lazily, up to `max_clients`; callers beyond that wait.
//
// Thread-safety: call() is thread-safe; each client is used by one thread at a time.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "common/net/rpc.h"

namespace jb {

class RpcClientPool {
 public:
  RpcClientPool(zmq::context_t& ctx, RpcClientOptions opts, size_t max_clients = 16);
  Result<std::string> call(const std::string& method, const std::string& payload,
                           int timeout_ms = 0, int attempts = 0);
  const RpcClientOptions& options() const { return opts_; }

 private:
  zmq::context_t& ctx_;
  RpcClientOptions opts_;
  size_t max_;
  size_t created_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<RpcClient>> free_;
};

}  // namespace jb
