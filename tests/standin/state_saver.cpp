// state_saver.cpp — see state_saver.h.
#include "tests/standin/state_saver.h"

#include <cstdio>

#include "tests/standin/atomic_file.h"
#include "tests/standin/state_file.h"

namespace jb::standin {

StateSaver::StateSaver(Store& store, std::string path, std::chrono::milliseconds min_interval)
    : store_(store), path_(std::move(path)), interval_(min_interval) {
  store_.set_change_listener([this] { mark_dirty(); });
}

StateSaver::~StateSaver() {
  Status st = stop();
  (void)st;
  store_.set_change_listener({});
}

void StateSaver::mark_dirty() {
  {
    std::lock_guard lock(mu_);
    dirty_ = true;
  }
  cv_.notify_one();
}

uint64_t StateSaver::writes() const {
  std::lock_guard lock(mu_);
  return writes_;
}

Status StateSaver::write_snapshot() {
  // Only a memory copy happens under the Store's lock; serialising and the
  // disk I/O happen outside it.
  PersistedState p = store_.read([](const State& s) { return persisted_part(s); });
  std::string text = serialize_state(p);
  size_t hash = std::hash<std::string>{}(text);
  if (saved_once_ && hash == last_hash_) return Status::Ok();
  Status st = write_file_atomic(path_, text);
  if (!st.ok()) return st;
  saved_once_ = true;
  last_hash_ = hash;
  std::lock_guard lock(mu_);
  ++writes_;
  return st;
}

Status StateSaver::save(bool report) {
  std::lock_guard save_lock(save_mu_);
  {
    // Changes from here on are after the snapshot or in it; either way a
    // later save covers them.
    std::lock_guard lock(mu_);
    dirty_ = false;
  }
  Status st = write_snapshot();
  {
    std::lock_guard lock(mu_);
    last_save_ = std::chrono::steady_clock::now();
    status_ = st;
    if (!st.ok()) dirty_ = true;  // retried after the interval
  }
  if (report && !st.ok() && !failing_)
    std::fprintf(stderr, "jellyfin-standin: %s; retrying every %lld ms\n",
                 st.error().message.c_str(), static_cast<long long>(interval_.count()));
  if (report && st.ok() && failing_)
    std::fprintf(stderr, "jellyfin-standin: the state file %s is saved again\n", path_.c_str());
  failing_ = !st.ok();
  return st;
}

Status StateSaver::save_now() {
  return save(false);
}

void StateSaver::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void StateSaver::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return dirty_ || stopping_; });
    if (stopping_) return;
    // Debounce: no sooner than min_interval after the previous save.
    if (cv_.wait_until(lock, last_save_ + interval_, [&] { return stopping_; })) return;
    lock.unlock();
    Status st = save(true);
    (void)st;
    lock.lock();
  }
}

Status StateSaver::stop() {
  std::thread t;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    t = std::move(thread_);
  }
  cv_.notify_all();
  if (t.joinable()) t.join();
  bool dirty = false;
  {
    std::lock_guard lock(mu_);
    dirty = dirty_;
  }
  if (dirty) return save(true);
  std::lock_guard lock(mu_);
  return status_;
}

}  // namespace jb::standin
