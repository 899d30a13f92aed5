// checker.cpp — see checker.h.
#include "auth-service/connections/checker.h"

#include "common/core/log.h"

namespace jb::auth {

void ConnectionChecker::tick() {
  auto n = svc_.check_due(20);
  if (!n.ok() && !warned_) {
    log::warn("connection checks paused", {{"error", n.error().message}});
    warned_ = true;
  } else if (n.ok()) {
    warned_ = false;
  }
}

}  // namespace jb::auth
