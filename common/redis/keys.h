// keys.h — every Redis key name the suite uses, in one place, so services agree
// and a reader can see the whole data model. All keys start with "jb:".
//
// Thread-safety: pure functions.
#pragma once

#include <string>

namespace jb::keys {

// Live sync workers: sorted set, member = worker id, score = expiry (ms, Redis clock).
inline std::string workers() {
  return "jb:workers";
}
// Durable work queue (Redis Stream) and its consumer group and dead-letter stream.
inline std::string work_stream() {
  return "jb:work";
}
// The urgent lane of the work queue (work_queue.h): read before jb:work.
inline std::string work_urgent_stream() {
  return "jb:work:urgent";
}
inline std::string work_group() {
  return "sync-workers";
}
inline std::string work_dead_letter() {
  return "jb:work:dlq";
}

}  // namespace jb::keys
