// netns.h — test support: moves the calling process into a private network
// namespace with only its own loopback interface up, so a test can use fixed
// ports (`make run`'s defaults) without colliding with anything else on the
// machine, and without bind-then-close port guessing. As root this is one
// unshare(CLONE_NEWNET); otherwise a user namespace maps us to root in it.
//
// Thread-safety: call first thing in main(), before any thread is started
// (a user namespace can only be entered by a single-threaded process).
#pragma once

#include "common/core/result.h"

namespace jb::testing {

Status enter_private_network();

}  // namespace jb::testing
