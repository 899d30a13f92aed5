// store.h — the one shared copy of the server State, guarded by a
// std::shared_mutex: request handlers on any worker thread read under a
// shared lock and mutate under an exclusive lock. Callers pass a function
// that runs while the lock is held; it must not block or call back into the
// Store. Slow work (PBKDF2) is done outside the lock.
//
// Every write() and replace() calls the change listener, if one is set,
// after the lock is released (the --state-file saver marks itself dirty
// there); the listener must be quick and must not call back into the Store.
//
// Thread-safety: all members are safe to call from any thread.
#pragma once

#include <functional>
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
    ChangeNotice notice{*this};  // declared first: runs after the lock is released
    std::unique_lock lock(mu_);
    return f(state_);
  }

  // Replaces the whole state (reset); the old one is destroyed outside the lock.
  void replace(State next) {
    ChangeNotice notice{*this};
    std::unique_lock lock(mu_);
    std::swap(state_, next);
    lock.unlock();
  }

  // Sets (or, with an empty function, clears) the change listener. Clearing
  // waits for a running call to return, so the listener's owner may go away.
  void set_change_listener(std::function<void()> f) {
    std::lock_guard lock(listener_mu_);
    listener_ = std::move(f);
  }

 private:
  struct ChangeNotice {
    Store& store;
    ~ChangeNotice() {
      std::lock_guard lock(store.listener_mu_);
      if (store.listener_) store.listener_();
    }
  };

  mutable std::shared_mutex mu_;
  State state_;
  std::mutex listener_mu_;
  std::function<void()> listener_;
};

}  // namespace jb::standin
