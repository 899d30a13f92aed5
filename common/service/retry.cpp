// retry.cpp — see retry.h.
#include "common/service/retry.h"

#include "common/core/result.h"
#include "common/jellyfin/errors.h"
#include "common/net/rpc.h"
#include "common/redis/client.h"

namespace jb {

bool is_infrastructure_transient(const Error& e) {
  return e.code == errc::redis_unavailable || e.code == errc::redis_timeout ||
         e.code == errc::redis_busy || e.code == errc::rpc_timeout || e.code == errc::overloaded;
}

bool worth_retrying_soon(const Error& e) {
  return jf::is_transient(e) || is_infrastructure_transient(e);
}

}  // namespace jb
