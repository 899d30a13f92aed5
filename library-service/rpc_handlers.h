// rpc_handlers.h — library-service's RPC surface: method name → handler.
//
// Methods:
//   ping → {"service":"library-service","redis":"ok"|"error"}
//
// Thread-safety: dispatch() is called concurrently from RPC pool threads; it
// uses the thread-safe RedisPool only.
#pragma once

#include <string>

#include "common/redis.h"
#include "common/result.h"

namespace jb::library {

class RpcHandlers {
 public:
  explicit RpcHandlers(RedisPool& redis) : redis_(redis) {}
  Result<std::string> dispatch(const std::string& method, const std::string& payload);

 private:
  Result<std::string> ping();
  RedisPool& redis_;
};

}  // namespace jb::library
