// rpc_pool.cpp — see rpc_pool.h.
#include "common/net/rpc_pool.h"

namespace jb {

RpcClientPool::RpcClientPool(zmq::context_t& ctx, RpcClientOptions opts, size_t max_clients)
    : ctx_(ctx), opts_(std::move(opts)), max_(std::max<size_t>(max_clients, 1)) {}

Result<std::string> RpcClientPool::call(const std::string& method, const std::string& payload,
                                        int timeout_ms, int attempts) {
  std::unique_ptr<RpcClient> c;
  {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return !free_.empty() || created_ < max_; });
    if (!free_.empty()) {
      c = std::move(free_.back());
      free_.pop_back();
    } else {
      ++created_;
    }
  }
  if (!c) c = std::make_unique<RpcClient>(ctx_, opts_);
  auto r = c->call(method, payload, timeout_ms, attempts);
  {
    std::lock_guard<std::mutex> l(mu_);
    free_.push_back(std::move(c));
  }
  cv_.notify_one();
  return r;
}

}  // namespace jb
