// run_revisions.h — a run's record with its revision: the event id of
// GET /api/v1/runs/{id}/events.
//
// Why a revision kept in Redis: each event is a full snapshot of the run, so a
// client that resumes needs exactly one thing, the current record if it is
// newer than what it has. That needs an id that only grows for a run and means
// the same on every auth-service replica and after restarts, which a
// per-process counter cannot be (and the workers' event sequence numbers are
// per worker). So one Lua script, atomically: reads the run's hash, takes a
// fingerprint of it (SHA-1 of its fields sorted by name), and when that
// differs from the fingerprint stored with the run's last revision, takes a
// new revision from one global counter (INCR jb:runs:revision) and stores both
// in jb:run:<id>:rev (expiring 30 days after its last change). Hence:
//   - every replica that sees a record gets the same revision for it, and a
//     later record always a larger one (Redis runs scripts one at a time, so
//     no replica can pair an older record with a newer revision);
//   - revisions never repeat: the counter is global, so even if a run's :rev
//     key expired or was deleted, its next revision is still larger than any
//     id a client holds;
//   - a record that changes only in fields the API does not show gets a new
//     revision whose JSON equals the last one; the hub does not send those.
// Reads of an unchanged record write nothing.
//
// Thread-safety: thread-safe (RedisPool).
#pragma once

#include <cstdint>
#include <string>

#include "common/core/result.h"
#include "common/redis/client.h"

namespace jb::auth {

struct RunSnapshot {
  uint64_t revision = 0;  // 0: no such run
  std::string json;       // sync::run_to_json of the record
  std::string state;      // queued, running, succeeded, failed, held
  std::string owner;      // user id
  // (A bulk job's stream, bulk_handlers.h, ends when it is "done".)
  bool terminal() const { return state == "succeeded" || state == "failed" || state == "done"; }
};

class RunRevisions {
 public:
  explicit RunRevisions(RedisPool& redis) : redis_(redis) {}
  // The run's record now and its revision (revision 0 when there is no run).
  Result<RunSnapshot> current(const std::string& run_id);

 private:
  RedisPool& redis_;
};

}  // namespace jb::auth
