// bulk_job.h — bulk actions on users (issue 14, "Bulk actions"): one job per
// admin request, one outcome per user. auth-service creates the job and
// enqueues one "bulk.user" work item per user (normal lane); the sync workers
// act on each user (sync-worker/bulk_step.h) and record its outcome here.
//
// Actions: enable disable delete apply_profile extend_expiry send_reset announce
//
// Redis keys (30 days after the job was made):
//   jb:bulk:<id>        hash  action state total ok failed skipped created finished
//                             created_by created_by_name profile_id extend_days subject message
//   jb:bulk:<id>:items  hash  <user id> → {"name","outcome","reason"} (JSON)
//   jb:bulks            zset  <id> → created (ms), the newest kept (kMaxJobsListed)
//   jb:bulk:<id>:plan   hash  <user id> → the expiry an extend_expiry job set (ms), fixed
//                             once so a redone item does not extend twice (bulk_step.cpp)
// A user's outcome and the job's counters change in one Lua script that only
// counts a user's first outcome (HSETNX), so an item redone after a crash or a
// redelivery is never counted twice; the same script moves the job to
// "running" and, with the last outcome, to "done".
//
// Thread-safety: pure helpers; BulkJobs is thread-safe (RedisPool).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/result.h"
#include "common/redis/client.h"

namespace jb::accounts {

inline constexpr size_t kMaxBulkUsers = 1000;
inline constexpr size_t kMaxAnnouncementBytes = 10 * 1024;
inline constexpr size_t kMaxJobsListed = 100;
inline constexpr const char* kBulkWorkType = "bulk.user";

const std::vector<std::string>& bulk_actions();
bool is_bulk_action(std::string_view action);

struct BulkSpec {
  std::string action;
  std::vector<std::string> users;           // distinct Jellyfin user ids
  std::string profile_id;                   // apply_profile
  int64_t extend_days = 0;                  // extend_expiry
  std::string subject, message;             // announce
  std::string created_by, created_by_name;  // the admin who asked
};

struct BulkCounters {
  int64_t total = 0, ok = 0, failed = 0, skipped = 0;
  int64_t finished() const { return ok + failed + skipped; }
};

struct BulkItem {
  std::string user_id, name;
  std::string outcome;  // ok | failed | skipped
  std::string reason;
};

struct BulkJob {
  std::string id;
  BulkSpec spec;
  std::string state;  // queued | running | done
  BulkCounters counters;
  int64_t created_ms = 0, finished_ms = 0;
  std::vector<BulkItem> items;  // the users with an outcome, in the order asked
};

// Pure: the counters of a set of outcomes (unknown outcomes are not counted).
BulkCounters fold_outcomes(int64_t total, const std::vector<BulkItem>& items);
// Pure: queued (no outcome yet), running, or done (every user has one).
std::string bulk_state(const BulkCounters& c);
// Pure: Jellyfin's user id form (32 hex digits, or 36 with the dashes).
bool is_jellyfin_id(std::string_view s);
// Pure: the JSON of an item's outcome as stored, and back.
std::string outcome_json(const BulkItem& item);
std::optional<BulkItem> outcome_from_json(const std::string& user_id, std::string_view text);

class BulkJobs {
 public:
  explicit BulkJobs(RedisPool& redis) : redis_(redis) {}
  // Stores the job (queued) and enqueues one work item per user: the job.
  Result<BulkJob> create(BulkSpec spec, int64_t now_ms);
  // The job with its counters (and items when with_items); nullopt when unknown.
  Result<std::optional<BulkJob>> get(const std::string& id, bool with_items = true);
  // The newest jobs first, without items.
  Result<std::vector<BulkJob>> recent(size_t count = kMaxJobsListed);
  // Records the user's outcome unless one is recorded already: true when this
  // call recorded it (and counted it).
  Result<bool> record(const std::string& job_id, const BulkItem& item, int64_t now_ms);
  // Whether the user has an outcome already.
  Result<bool> has_outcome(const std::string& job_id, const std::string& user_id);

 private:
  RedisPool& redis_;
};

std::string bulk_job_key(const std::string& id);

}  // namespace jb::accounts
