// store.h — pairs and runs in Redis (keys in keys.h, records in
// records.h), shared by auth-service (API) and the workers.
//
// One run per pair at a time: creating a run takes the pair's active-run slot
// (SET NX) and the finished run frees it. Scheduled pairs are claimed
// atomically (a Lua script moves each claimed pair's due time one interval on),
// so however many workers look, a pair is enqueued once per interval without a
// leader.
//
// Thread-safety: thread-safe (RedisPool).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/redis/client.h"
#include "common/redis/work_queue.h"
#include "common/sync/model.h"

namespace jb::sync {

struct RunCreated {
  std::string run_id;
  bool already_active = false;  // a run of this pair was queued or running: that one is returned
};

class SyncStore {
 public:
  explicit SyncStore(RedisPool& redis, workq::Names queue = workq::default_names())
      : redis_(redis), queue_(std::move(queue)) {}

  Status save_pair(const Pair& p);
  // Adds a new pair's id to its owner's set unless the set holds `cap` ids
  // already (atomic, common/redis/capped_set.h; cap <= 0: no cap); false when
  // full. save_pair() then writes the pair.
  Result<bool> claim_pair_slot(const std::string& owner, const std::string& id, int64_t cap);
  Result<std::optional<Pair>> get_pair(const std::string& id);
  Result<std::optional<Pair>> get_owned_pair(const std::string& id, const std::string& owner);
  Result<std::vector<Pair>> list_pairs(const std::string& owner);
  Status delete_pair(const Pair& p);
  // Lifts every quarantine of the pair (items that failed runs in a row).
  Status clear_failures(const std::string& pair_id);

  // Schedules (or unschedules, every_minutes == 0) the pair's next run.
  Status schedule(const Pair& p, int64_t next_ms);
  // Atomically claims pairs due at now_ms (each moved on by its interval).
  Result<std::vector<std::string>> claim_due_pairs(int64_t now_ms, int limit);

  // Creates a run (state queued) and enqueues its planning; or returns the
  // pair's active run.
  Result<RunCreated> create_run(const Pair& p, const std::string& trigger);
  // The run (RunRecord::exists() false when there is none, or the id is malformed).
  Result<RunRecord> get_run(const std::string& id);
  Status set_run(const std::string& id, const std::map<std::string, std::string>& fields);
  // A page of the run's per-item decisions, each with its outcome when it was
  // a planned write that has one; `total` counts all of them.
  struct ItemsPage {
    std::vector<std::pair<RunItem, std::optional<Outcome>>> items;
    int64_t total = 0;
  };
  Result<ItemsPage> run_items(const std::string& run_id, int64_t start, int64_t count);
  // A held run goes on: state running, phase apply, and its release is queued.
  Status confirm_run(const std::string& run_id);
  Result<std::vector<std::string>> list_runs(const std::string& pair_id, int limit);
  Status release_active(const std::string& pair_id, const std::string& run_id);
  // Queues a work item: on the urgent lane when urgent_work(its type), else the normal one.
  Result<std::string> enqueue(const std::vector<std::pair<std::string, std::string>>& fields);

  const workq::Names& queue() const { return queue_; }

 private:
  RedisPool& redis_;
  workq::Names queue_;
};

// Whether work of this type goes on the urgent lane of the work queue (work_queue.h):
// a run's diff, applies and release — what finishes runs already under way.
bool urgent_work(const std::string& type);

}  // namespace jb::sync
