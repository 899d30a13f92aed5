// event_hub.h — live run events for GET /api/v1/runs/{id}/events
// (server-sent events), fed by the workers' ZeroMQ events.
//
// Each run keeps its last 256 events in memory, numbered 1, 2, 3… in this
// process. A request answers with every event newer than its Last-Event-ID
// (or, first, a snapshot of the run from Redis), waiting up to `wait_ms` for
// one when there is none yet; then the response ends and the browser's
// EventSource reconnects with Last-Event-ID (standard SSE behaviour), so no
// request holds a thread while it waits. A terminal state ends with an `end`
// event. Events are notifications; Redis stays the source of truth, so a
// missed event only means the next snapshot shows more.
//
// Thread-safety: thread-safe; publish() from the subscriber thread, wait()
// from request threads; a timer thread answers waiters that time out.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/http_server.h"

namespace jb::auth {

class RunEventHub {
 public:
  explicit RunEventHub(int wait_ms = 25000) : wait_ms_(wait_ms) {}
  ~RunEventHub();
  void start();
  void stop();

  // An event for a run (payload: JSON with at least "state").
  void publish(const std::string& run_id, const std::string& payload);
  // Answers now if events newer than last_id exist, else when one arrives or
  // the wait ends. `snapshot` (a run JSON) is sent first when last_id == 0.
  void wait(const std::string& run_id, uint64_t last_id, const std::string& snapshot, bool terminal,
            http::Responder responder);

  // SSE body for a list of (id, event, data).
  static std::string format(const std::vector<std::tuple<uint64_t, std::string, std::string>>& events, bool end);

 private:
  struct Waiter {
    uint64_t last_id;
    int64_t deadline_ms;
    std::shared_ptr<http::Responder> responder;
  };
  struct Run {
    std::deque<std::tuple<uint64_t, std::string, std::string>> events;  // id, event name, data
    uint64_t next_id = 1;
    std::vector<Waiter> waiters;
    int64_t touched_ms = 0;
  };
  void answer(Run& run, Waiter& w, bool timed_out);
  void loop();

  int wait_ms_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Run> runs_;
  std::thread thread_;
  bool stop_ = false;
};

}  // namespace jb::auth
