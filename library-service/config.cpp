// config.cpp — see config.h.
#include "library-service/config.h"

namespace jb::library {

Config load_config(ConfigReader& r) {
  Config c;
  c.common = load_common_config(r);
  c.rpc_bind = r.zmq_endpoint("JB_LIBRARY_RPC_BIND", c.rpc_bind);
  c.rpc_threads = static_cast<int>(r.integer("JB_LIBRARY_RPC_THREADS", c.rpc_threads, 1, 256));
  c.admin_port = r.port("JB_ADMIN_PORT", c.admin_port);
  return c;
}

}  // namespace jb::library
