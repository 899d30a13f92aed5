// in_flight.h — how many Jellyfin API requests the stand-in is handling at
// once, and the most it has handled at once (the "high-water mark"), so a test
// can check that a client keeps a concurrency budget and fills it.
//
// A request is in flight from the moment the HTTP server has parsed it until
// its answer is handed to the connection's write queue: that includes
// waiting for a worker thread, the handler, and any injected latency (which a
// timer holds, http_server.h); a hung request counts until its connection is
// closed, a dropped one until it is dropped. Test-control requests under
// /__standin/ are never counted (the HTTP server asks the Dispatcher; see
// standin.cpp). The window starts after the client sent the request and ends
// before the client can read the answer, so the maximum seen here never
// exceeds what the client had in flight, and a client that has its answer
// sees the request gone.
//
// enter() returns a Hold; the request leaves when the last copy of it is
// destroyed (RAII, so a discarded job or a dropped connection cannot leak a
// count). reset_max() starts a new measurement: the maximum becomes the
// current count.
//
// Thread-safety: every member is safe to call from any thread (one mutex, so
// `current` and `max` are always read as a consistent pair). A Hold must not
// outlive its InFlight (the App owns it and outlives the HTTP server).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>

namespace jb::standin {

class InFlight {
 public:
  struct Figures {
    int64_t current = 0;
    int64_t max = 0;
  };

  // One request's presence; leaves when destroyed.
  class Hold {
   public:
    explicit Hold(InFlight& owner) : owner_(owner) {}
    ~Hold() { owner_.leave(); }
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;

   private:
    InFlight& owner_;
  };

  InFlight() = default;
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

  // A request entered; it is in flight until the returned Hold is destroyed.
  std::shared_ptr<Hold> enter();
  Figures figures() const;
  // max = current (a fresh measurement from now on).
  void reset_max();

 private:
  void leave();
  mutable std::mutex mu_;
  Figures f_;
};

}  // namespace jb::standin
