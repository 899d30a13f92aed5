// eventually.h — test support: waits for a condition with a deadline,
// polling it. This is how tests wait for another process or thread to reach
// a state they can observe (a row in Redis, an answer over HTTP); it is never
// used to let time pass. The deadline is generous because test machines are
// shared and noisy; a test fails only if the condition never holds.
//
// Thread-safety: runs on the calling thread.
#pragma once

#include <functional>

namespace jb::testing {

// True as soon as f() is; false when it still is not after timeout_ms.
bool eventually(const std::function<bool()>& f, int timeout_ms = 20000, int poll_ms = 20);

}  // namespace jb::testing
