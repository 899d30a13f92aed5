// request_log.h — the stand-in's log of the Jellyfin requests it received:
// when each arrived (wall clock, unix ms — the real clock, not the test
// clock), method, route key, path (never the query), the status it answered
// (0 for a hang or drop), the latency its answer was given and the client's
// User-Agent. Tests use it to see
// exactly what reached "Jellyfin" and when (for example: no write after a
// sync run was finalised, and which worker sent it). A ring of the last
// `capacity` entries; each entry has a sequence number so a reader can ask
// for what came after the last one it saw. Control requests are not logged.
//
// Thread-safety: every member is safe to call from any thread (one mutex).
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace jb::standin {

struct LoggedRequest {
  uint64_t seq = 0;
  int64_t time_ms = 0;  // arrival, unix ms
  std::string method, route, path, user_agent;
  int status = 0;        // 0: hung or dropped
  int64_t delay_ms = 0;  // the latency its answer was given
};

class RequestLog {
 public:
  explicit RequestLog(size_t capacity = 200000) : capacity_(capacity) {}
  void add(LoggedRequest r);
  // Entries with seq > after, oldest first, at most `limit`.
  std::vector<LoggedRequest> since(uint64_t after, size_t limit) const;
  uint64_t last_seq() const;
  void clear();

 private:
  mutable std::mutex mu_;
  size_t capacity_;
  uint64_t next_ = 1;
  std::deque<LoggedRequest> ring_;
};

}  // namespace jb::standin
