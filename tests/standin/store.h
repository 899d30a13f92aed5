// store.h — the one shared copy of the server State, guarded by a
// std::shared_mutex: request handlers on any worker thread read under a
// shared lock and mutate under an exclusive lock. Callers pass a function
// that runs while the lock is held; it must not block or call back into the
// Store. Slow work (PBKDF2) is done outside the lock.
//
// Thread-safety: all members are safe to call from any thread.
#pragma once

#include <mutex>
#include <shared_mutex>
#include <utility>

#include "tests/standin/state.h"

namespace jb::standin {

class Store {
 public:
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  template <typename F>
  decltype(auto) read(F&& f) const {
    std::shared_lock lock(mu_);
    return f(static_cast<const State&>(state_));
  }

  template <typename F>
  decltype(auto) write(F&& f) {
    std::unique_lock lock(mu_);
    return f(state_);
  }

  // Replaces the whole state (reset); the old one is destroyed outside the lock.
  void replace(State next) {
    {
      std::unique_lock lock(mu_);
      std::swap(state_, next);
    }
  }

 private:
  mutable std::shared_mutex mu_;
  State state_;
};

}  // namespace jb::standin
