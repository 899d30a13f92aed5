// retry.h — whether a failed step is worth retrying soon, for the background
// work of every service (sync steps, index builds): a Jellyfin server that is
// briefly unavailable (jellyfin/errors.h is_transient), or our own
// infrastructure (Redis, an RPC peer, a full handler queue) out of reach for
// a moment. Everything else is about the request or the account and needs a
// person or a change, not another attempt.
//
// Thread-safety: pure functions.
#pragma once

#include "common/core/result.h"

namespace jb {

// Redis, an RPC peer or a handler queue was unavailable or too slow just now.
bool is_infrastructure_transient(const Error& e);
// is_infrastructure_transient or a transient Jellyfin failure.
bool worth_retrying_soon(const Error& e);

}  // namespace jb
