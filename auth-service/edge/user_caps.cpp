// user_caps.cpp — see user_caps.h.
#include "auth-service/edge/user_caps.h"

#include <string>

namespace jb::auth {

Error too_many_connections(int64_t cap) {
  return Error(errc::too_many_connections,
               "You already have " + std::to_string(cap) +
                   " connections, the most one user may have (JB_MAX_CONNECTIONS_PER_USER); "
                   "delete one you no longer use first.",
               409);
}

Error too_many_pairs(int64_t cap) {
  return Error(errc::too_many_pairs,
               "You already have " + std::to_string(cap) +
                   " sync pairs, the most one user may have (JB_MAX_PAIRS_PER_USER); "
                   "delete one you no longer use first.",
               409);
}

}  // namespace jb::auth
