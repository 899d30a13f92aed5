// user_caps.h — per-user caps on what a user may own at once, so one account
// cannot fill Redis or keep the workers busy: connections
// (JB_MAX_CONNECTIONS_PER_USER, the home connection included; signing in is
// never refused for it) and sync pairs (JB_MAX_PAIRS_PER_USER). Beyond a cap
// the API answers 409 (the user must delete something first; waiting does not
// help, so it is not a 429). The caps are enforced atomically by the owning
// stores (common/redis/capped_set.h): concurrent creates never exceed them.
// (Open run event streams have their own per-instance cap,
// JB_SSE_MAX_STREAMS_PER_USER: 429 too_many_event_streams.)
//
// Thread-safety: pure values and functions.
#pragma once

#include <cstdint>

#include "common/core/result.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* too_many_connections = "too_many_connections";  // 409
constexpr const char* too_many_pairs = "too_many_pairs";              // 409
}  // namespace jb::errc

namespace jb::auth {

struct UserCaps {
  int64_t max_connections = 50;  // JB_MAX_CONNECTIONS_PER_USER (0 = no cap)
  int64_t max_pairs = 100;       // JB_MAX_PAIRS_PER_USER (0 = no cap)
};

Error too_many_connections(int64_t cap);
Error too_many_pairs(int64_t cap);

}  // namespace jb::auth
