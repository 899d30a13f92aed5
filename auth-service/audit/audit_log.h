// audit_log.h — the append-only, hash-chained audit log of security events
// (sign-ins, lockouts, bans, revoked sessions, connections, pairs, admin acts).
//
// Use: record with audit_best_effort(log, event) from request handlers; list
// with query(); check integrity with verify(); trim() applies the retention.
//
// Chain. Entry n carries seq = n, ts_ms, the event, prev = the hash of entry
// n-1 (or of the anchor, see below; 64 '0' for the very first entry), and its
// own hash = SHA-256 (libsodium) of audit_canonical() (audit_chain.h, which
// documents the exact bytes). Redis Lua has no SHA-256, so record() hashes in
// C++ and appends with a Lua script that appends only if the chain head is
// still the (seq, hash) it chained from (compare-and-append); on a conflict
// (another replica appended first) it re-reads the head and tries again, so
// any number of auth-service replicas keep one linear chain with no lost entry.
//
// Time is Redis server time, never made to go back: ts_ms = max(Redis time,
// the head's ts_ms). So entry ids, "<ts_ms>-<seq>", are strictly increasing
// and time order is chain order on every replica.
//
// One round trip per append: each process remembers the head it appended last
// and the offset of Redis's clock from its own (read with TIME together with
// the head), so an append normally is the compare-and-append script alone.
// The head and the offset are read again after a conflict or an error, and at
// least once a minute, so "Redis time" is Redis's TIME within a round
// trip and a minute's drift.
//
// Redis keys (built only by AuditLog::key()):
//   jb:audit:log           stream; entry id "<ts_ms>-<seq>", fields (audit_chain.h):
//                          seq ts type user_id user_name actor_id ip outcome prev hash d.<key>…
//   jb:audit:head          hash  seq, hash, ts, id of the newest entry
//   jb:audit:anchor        hash  seq, hash, id of the last entry removed by retention
//                          (absent: nothing trimmed; the chain starts at seq 1)
//   jb:audit:user:<uid>    zset  entry id → seq: one user's entries (index for queries;
//                          members older than the anchor are dropped lazily)
//
// Retention: trim() removes entries older than retention_days (Redis time) and
// beyond max_entries, oldest first, and moves the anchor to the last removed
// entry in the same script, so verify() still checks every remaining link.
//
// Failures do not block users. An audit write that fails (Redis down, endless
// conflicts) is logged as a warning by audit_best_effort() and the request goes
// on: a sign-in still succeeds or fails on its own merits (ASVS V7: log
// failures are themselves logged; logging must not become a denial of service).
// The chain stays verifiable: a lost write leaves no gap, it is simply absent.
//
// Thread-safety: AuditLog is thread-safe (state in Redis, RedisPool; appends
// of one process take turns, see append_mu_); audit_best_effort() may be
// called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/core/result.h"
#include "common/redis/client.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* admin_only = "admin_only";          // 403: only a suite administrator may
constexpr const char* audit_conflict = "audit_conflict";  // 503 (logged): the head kept moving
}  // namespace jb::errc

namespace jb::auth {

struct AuditEvent {
  std::string type;     // e.g. "signin.success", "signin.failure", "lockout", "ban", "ban.lifted",
                        // "lockout.lifted", "session.revoked", "connection.created",
                        // "connection.deleted", "connection.device_authorized",
                        // "pair.created", "pair.updated", "pair.deleted", "admin.*"
  std::string user_id;  // the user the event is about ("" when unknown)
  std::string user_name;  // as typed/known ("" when unknown)
  std::string actor_id;   // who did it when not the user (an admin), else ""
  std::string ip;         // the client address (http::Request::client_ip)
  std::string outcome;    // "ok" | "fail" | "info"
  std::vector<std::pair<std::string, std::string>> detail;  // small, no secrets
};

struct AuditOptions {
  int64_t retention_days = 365;   // entries older than this are trimmed; 0 = no age limit
  int64_t max_entries = 1000000;  // at most this many entries are kept; 0 = no limit
  int max_append_attempts = 100;  // compare-and-append tries before audit_conflict
};

// One stored entry.
struct AuditEntry {
  std::string id;  // "<ts_ms>-<seq>" (the stream id); stable
  int64_t seq = 0;
  int64_t ts_ms = 0;
  AuditEvent event;
  std::string prev;  // hex SHA-256 of the previous entry (or the anchor)
  std::string hash;  // hex SHA-256 of this entry's canonical bytes
};

// What to list, newest first. Empty strings do not filter.
struct AuditQuery {
  std::string type_prefix;                    // "signin." matches "signin.success"
  std::string user_id;                        // only events about this user (uses the user's index)
  std::string ip;                             // exact
  std::string outcome;                        // exact
  std::optional<int64_t> since_ms, until_ms;  // inclusive bounds on ts_ms
  int64_t start = 0;                          // matching entries to skip
  int64_t count = 100;                        // at most this many
};

struct AuditPage {
  std::vector<AuditEntry> entries;
  bool more = false;  // a later page (start + count) may have entries
};

struct AuditBrokenLink {
  std::string id;      // the first entry whose link does not hold (or the head's id)
  std::string reason;  // what mismatched
};

struct AuditVerifyReport {
  bool ok = true;
  int64_t checked = 0;  // entries whose hash and link were checked
  std::optional<AuditBrokenLink> first_broken;
};

class AuditLog {
 public:
  AuditLog(RedisPool& redis, AuditOptions opts);

  // Appends the event to the chain (detail normalised: see audit_normalise()).
  Status record(const AuditEvent& e);
  // Same, answering the stored entry.
  Result<AuditEntry> append(const AuditEvent& e);
  Result<AuditPage> query(const AuditQuery& q);
  // Walks the chain from the anchor (or the start) to the head.
  Result<AuditVerifyReport> verify();
  // Applies the retention options (Redis time); answers the entries removed.
  Result<int64_t> trim();
  // Removes entries with ts_ms < cut_ms (when cut_ms > 0) and beyond the newest
  // max_entries (when max_entries > 0), moving the anchor; answers how many.
  Result<int64_t> trim_before(int64_t cut_ms, int64_t max_entries);

  const AuditOptions& options() const { return opts_; }
  // Called by audit_best_effort() with every event after recording it (whether
  // or not the record succeeded): how security notifications see events
  // (auth-service/notify/outbox.h). Set before the server starts; must not throw.
  void set_observer(std::function<void(const AuditEvent&)> f) { observer_ = std::move(f); }
  const std::function<void(const AuditEvent&)>& observer() const { return observer_; }
  // "jb:audit:" + part (the layout is in the header comment).
  static std::string key(std::string_view part);

 private:
  RedisPool& redis_;
  AuditOptions opts_;
  // One append at a time per process: concurrent handlers of one replica would
  // otherwise race for the chain head and spend their round trips on conflicts
  // (compare-and-append then only ever conflicts with another replica).
  std::mutex append_mu_;
  // The head this process appended last, and Redis's clock (guarded by append_mu_).
  struct KnownHead {
    bool known = false;    // false: read it (and the clock) from Redis first
    bool present = false;  // the chain has a head
    int64_t seq = 0, ts_ms = 0;
    std::string hash;
    int64_t clock_offset_ms = 0;  // Redis TIME minus our clock, when last read
    int64_t read_at_ms = 0;       // our clock then
  };
  KnownHead head_;
  std::function<void(const AuditEvent&)> observer_;
};

// Records the event; a failure is logged as a warning and otherwise ignored.
// Never throws; a nullptr log does nothing.
void audit_best_effort(AuditLog* log, const AuditEvent& e) noexcept;

// The event of a signed-in user's own change (outcome "ok", no other actor).
AuditEvent change_event(std::string type, std::string user_id, std::string user_name,
                        std::string ip, std::vector<std::pair<std::string, std::string>> detail);

}  // namespace jb::auth
