// eventually.cpp — see eventually.h.
#include "tests/support/eventually.h"

#include <chrono>
#include <thread>

namespace jb::testing {

bool eventually(const std::function<bool()>& f, int timeout_ms, int poll_ms) {
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < end) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(poll_ms));
  }
  return f();
}

}  // namespace jb::testing
