// clock.h — the stand-in's notion of "now": the system clock plus an offset
// that the test-control API can move (to expire Quick Connect codes and PINs
// without waiting). All server timestamps are UTC unix microseconds.
//
// Thread-safety: lock-free; safe from any thread.
#pragma once

#include <atomic>
#include <cstdint>

#include "common/core/time.h"

namespace jb::standin {

class Clock {
 public:
  int64_t now_us() const {
    return timeutil::now_unix_us() + offset_us_.load(std::memory_order_relaxed);
  }
  int64_t offset_us() const { return offset_us_.load(std::memory_order_relaxed); }
  void set_offset_us(int64_t v) { offset_us_.store(v, std::memory_order_relaxed); }
  void advance_us(int64_t d) { offset_us_.fetch_add(d, std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> offset_us_{0};
};

}  // namespace jb::standin
