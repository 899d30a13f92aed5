// config.h — library-service configuration (JB_* variables, see README).
//
// Thread-safety: load once at start-up.
#pragma once

#include <cstdint>
#include <string>

#include "common/config.h"
#include "common/service_config.h"

namespace jb::library {

struct Config {
  CommonConfig common;
  std::string rpc_bind = "tcp://0.0.0.0:5556";  // JB_LIBRARY_RPC_BIND
  int rpc_threads = 8;                          // JB_LIBRARY_RPC_THREADS
  uint16_t admin_port = 9101;                   // JB_ADMIN_PORT
};

Config load_config(ConfigReader& r);

}  // namespace jb::library
