// rpc_handlers.cpp — see rpc_handlers.h.
#include "library-service/rpc_handlers.h"

#include "common/json.h"

namespace jb::library {

Result<std::string> RpcHandlers::dispatch(const std::string& method, const std::string& payload) {
  (void)payload;
  if (method == "ping") return ping();
  return Error("unknown_method", "library-service has no method '" + method + "'.", 400);
}

Result<std::string> RpcHandlers::ping() {
  bool redis_ok = redis_.command({"PING"}).ok();
  json::Writer w;
  w.begin_object().kv("service", "library-service").kv("redis", redis_ok ? "ok" : "error").end_object();
  return w.str();
}

}  // namespace jb::library
