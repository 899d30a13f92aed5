// audit_log.cpp — see audit_log.h.
#include "auth-service/audit/audit_log.h"

#include <algorithm>
#include <charconv>
#include <exception>

#include "auth-service/audit/audit_chain.h"
#include "common/core/log.h"
#include "common/core/time.h"
#include "common/redis/script.h"

namespace jb::auth {

namespace {

constexpr int64_t kPage = 500;        // entries read per Redis round trip
constexpr int64_t kTrimBatch = 1000;  // entries removed per trim script
constexpr int64_t kMaxScan = 200000;  // entries one query looks at, at most
constexpr int64_t kDayMs = 86400LL * 1000;
constexpr int64_t kResyncMs = 60000;  // the known head and clock offset are read again this often

// KEYS[1] log, KEYS[2] head, [KEYS[3] user index]; ARGV expected seq ("0" when
// no head), expected hash ("" when no head), new id, new seq, new hash, new ts,
// then the entry's field/value pairs → 1 appended, 0 the head moved (retry).
const RedisScript kAppend(R"lua(
local h = redis.call('HMGET', KEYS[2], 'seq', 'hash')
if (h[1] or '0') ~= ARGV[1] or (h[2] or '') ~= ARGV[2] then return 0 end
local args = {'XADD', KEYS[1], ARGV[3]}
for i = 7, #ARGV do args[#args + 1] = ARGV[i] end
redis.call(unpack(args))
redis.call('HSET', KEYS[2], 'seq', ARGV[4], 'hash', ARGV[5], 'ts', ARGV[6], 'id', ARGV[3])
if KEYS[3] then redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3]) end
return 1
)lua");

// KEYS[1] log, KEYS[2] anchor; ARGV cut ms (0 = none), max entries (0 = none),
// batch → entries removed (at most batch). The oldest entries with a time
// before the cut, or beyond the newest max entries, are removed and the anchor
// becomes the last removed entry, in one step.
const RedisScript kTrim(R"lua(
local cut = tonumber(ARGV[1])
local maxn = tonumber(ARGV[2])
local batch = tonumber(ARGV[3])
local excess = 0
if maxn > 0 then excess = redis.call('XLEN', KEYS[1]) - maxn end
local entries = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', batch)
local last = nil
local removed = 0
for i, e in ipairs(entries) do
  local ms = tonumber(string.match(e[1], '^(%d+)-'))
  if i <= excess or (cut > 0 and ms < cut) then
    last = e
    removed = i
  else
    break
  end
end
if removed == 0 then return 0 end
local seq, hash = '', ''
local f = last[2]
for j = 1, #f, 2 do
  if f[j] == 'seq' then seq = f[j + 1] elseif f[j] == 'hash' then hash = f[j + 1] end
end
redis.call('HSET', KEYS[2], 'seq', seq, 'hash', hash, 'id', last[1])
local ms_s, seq_s = string.match(last[1], '^(%d+)-(%d+)$')
redis.call('XTRIM', KEYS[1], 'MINID', ms_s .. '-' .. string.format('%d', tonumber(seq_s) + 1))
return removed
)lua");

int64_t to_int(const std::string& s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return 0;
  return v;
}

Error unexpected(const char* what) {
  return Error(errc::redis_protocol, std::string("Unexpected Redis reply to ") + what + ".", 500);
}

// A chain position: (seq, hash, id) of the head or the anchor.
struct Mark {
  bool present = false;
  int64_t seq = 0;
  std::string hash, id;
  int64_t ts = 0;
};

Mark read_mark(const RedisReply& r) {
  Mark m;
  if (!r.is_array() || r.elements.size() < 3 || r.elements[0].is_nil()) return m;
  m.present = true;
  m.seq = to_int(r.elements[0].str);
  m.hash = r.elements[1].str;
  m.id = r.elements[2].str;
  if (r.elements.size() > 3) m.ts = to_int(r.elements[3].str);
  return m;
}

Result<Mark> get_mark(RedisConnection& c, const std::string& key) {
  auto r = c.command({"HMGET", key, "seq", "hash", "id", "ts"});
  if (!r.ok()) return r.error();
  return read_mark(*r);
}

// Stream entries of an XRANGE/XREVRANGE reply.
std::vector<AuditEntry> read_entries(const RedisReply& r) {
  std::vector<AuditEntry> out;
  for (const auto& e : r.elements) {
    if (!e.is_array() || e.elements.size() < 2) continue;
    out.push_back(audit_from_fields(e.elements[0].str, e.elements[1].as_map()));
  }
  return out;
}

Result<int64_t> redis_time_ms(const RedisReply& r) {
  if (!r.is_array() || r.elements.size() < 2) return unexpected("TIME");
  return to_int(r.elements[0].str) * 1000 + to_int(r.elements[1].str) / 1000;
}

Status status_of(const Result<RedisReply>& r) {
  if (!r.ok()) return r.error();
  return Status::Ok();
}

std::string user_key(const std::string& uid) {
  return AuditLog::key("user:" + uid);
}

}  // namespace

AuditLog::AuditLog(RedisPool& redis, AuditOptions opts) : redis_(redis), opts_(opts) {}

std::string AuditLog::key(std::string_view part) {
  return "jb:audit:" + std::string(part);
}

Status AuditLog::record(const AuditEvent& e) {
  auto r = append(e);
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<AuditEntry> AuditLog::append(const AuditEvent& e) {
  AuditEntry x;
  x.event = audit_normalise(e);
  const std::string head_key = key("head");
  std::vector<std::string> keys = {key("log"), head_key};
  if (!x.event.user_id.empty()) keys.push_back(user_key(x.event.user_id));
  std::lock_guard turn(append_mu_);  // before the connection: waiters hold none
  auto c = redis_.acquire();
  for (int attempt = 0; attempt < std::max(1, opts_.max_append_attempts); ++attempt) {
    const int64_t local_ms = timeutil::now_unix_ms();
    if (!head_.known || local_ms - head_.read_at_ms >= kResyncMs || local_ms < head_.read_at_ms) {
      auto rs = c->pipeline({{"HMGET", head_key, "seq", "hash", "id", "ts"}, {"TIME"}});
      if (!rs.ok()) return rs.error();
      if (rs->size() != 2 || (*rs)[0].is_error()) return unexpected("HMGET");
      const Mark m = read_mark((*rs)[0]);
      auto now = redis_time_ms((*rs)[1]);
      if (!now.ok()) return now.error();
      head_ = KnownHead{true, m.present, m.seq, m.ts, m.hash, *now - local_ms, local_ms};
    }
    const KnownHead& head = head_;
    x.seq = head.seq + 1;
    x.ts_ms = std::max(local_ms + head.clock_offset_ms, head.ts_ms);
    x.prev = head.present ? head.hash : kAuditGenesis;
    x.id = audit_entry_id(x.ts_ms, x.seq);
    x.hash = audit_hash(x);
    std::vector<std::string> args = {head.present ? std::to_string(head.seq) : "0",
                                     head.present ? head.hash : "",
                                     x.id,
                                     std::to_string(x.seq),
                                     x.hash,
                                     std::to_string(x.ts_ms)};
    for (auto& [f, v] : audit_to_fields(x)) {
      args.push_back(std::move(f));
      args.push_back(std::move(v));
    }
    head_.known = false;  // until the script says the chain moved to `x`
    auto r = kAppend.run(*c, keys, args);
    if (!r.ok()) return r.error();
    if (r->is_integer() && r->integer == 1) {
      head_.known = true;
      head_.present = true;
      head_.seq = x.seq;
      head_.ts_ms = x.ts_ms;
      head_.hash = x.hash;
      return x;
    }
  }
  return Error(errc::audit_conflict,
               "The audit log's head kept moving; the event could not be appended.", 503);
}

Result<AuditPage> AuditLog::query(const AuditQuery& q) {
  AuditPage page;
  int64_t skip = std::max<int64_t>(0, q.start);
  const int64_t want = std::max<int64_t>(1, q.count);
  int64_t scanned = 0;
  bool done = false;
  // Takes entries newest first; false once the page is full.
  auto take = [&](const AuditEntry& x) {
    ++scanned;
    if (!audit_matches(x, q)) return true;
    if (skip > 0) {
      --skip;
      return true;
    }
    if (static_cast<int64_t>(page.entries.size()) == want) {
      page.more = true;
      return false;
    }
    page.entries.push_back(x);
    return true;
  };
  auto c = redis_.acquire();
  if (!q.user_id.empty()) {
    const std::string idx = user_key(q.user_id);
    auto anchor = get_mark(*c, key("anchor"));
    if (!anchor.ok()) return anchor.error();
    if (anchor->present)  // entries trimmed from the log leave the index here
      log::best_effort(
          status_of(c->command({"ZREMRANGEBYSCORE", idx, "-inf", std::to_string(anchor->seq)})),
          "audit index cleanup");
    for (int64_t off = 0; !done && scanned < kMaxScan; off += kPage) {
      auto ids =
          c->command({"ZREVRANGE", idx, std::to_string(off), std::to_string(off + kPage - 1)});
      if (!ids.ok()) return ids.error();
      if (ids->elements.empty()) break;
      std::vector<RedisArgv> cmds;
      for (const auto& id : ids->elements) cmds.push_back({"XRANGE", key("log"), id.str, id.str});
      auto rs = c->pipeline(cmds);
      if (!rs.ok()) return rs.error();
      for (const auto& r : *rs) {
        for (const auto& x : read_entries(r)) {
          if (q.until_ms && x.ts_ms > *q.until_ms) continue;
          if (q.since_ms && x.ts_ms < *q.since_ms) done = true;  // older ones follow
          if (done || !take(x)) {
            done = true;
            break;
          }
        }
        if (done) break;
      }
      if (static_cast<int64_t>(ids->elements.size()) < kPage) break;
    }
  } else {
    std::string end = q.until_ms ? std::to_string(*q.until_ms) : "+";
    const std::string begin = q.since_ms ? std::to_string(*q.since_ms) : "-";
    while (!done && scanned < kMaxScan) {
      auto r = c->command({"XREVRANGE", key("log"), end, begin, "COUNT", std::to_string(kPage)});
      if (!r.ok()) return r.error();
      auto entries = read_entries(*r);
      for (const auto& x : entries)
        if (!take(x)) {
          done = true;
          break;
        }
      if (static_cast<int64_t>(entries.size()) < kPage) break;
      end = "(" + entries.back().id;
    }
  }
  if (!done && scanned >= kMaxScan) page.more = true;
  return page;
}

Result<AuditVerifyReport> AuditLog::verify() {
  auto c = redis_.acquire();
  auto marks = c->pipeline({{"HMGET", key("anchor"), "seq", "hash", "id", "ts"},
                            {"HMGET", key("head"), "seq", "hash", "id", "ts"}});
  if (!marks.ok()) return marks.error();
  if (marks->size() != 2 || (*marks)[0].is_error() || (*marks)[1].is_error())
    return unexpected("HMGET");
  const Mark anchor = read_mark((*marks)[0]);
  const Mark head = read_mark((*marks)[1]);
  AuditVerifyReport rep;
  auto broken = [&rep](std::string id, std::string reason) {
    rep.ok = false;
    rep.first_broken = AuditBrokenLink{std::move(id), std::move(reason)};
    return rep;
  };
  int64_t prev_seq = anchor.present ? anchor.seq : 0;
  std::string prev_hash = anchor.present ? anchor.hash : kAuditGenesis;
  std::string from = "-";
  for (;;) {
    auto r = c->command({"XRANGE", key("log"), from, "+", "COUNT", std::to_string(kPage)});
    if (!r.ok()) return r.error();
    auto entries = read_entries(*r);
    for (const auto& x : entries) {
      if (auto why = audit_check_link(x, prev_seq, prev_hash)) {
        // A trim that ran while we walked moves the anchor to just before x.
        auto now = get_mark(*c, key("anchor"));
        if (!now.ok()) return now.error();
        bool trimmed = now->present && now->seq == x.seq - 1 && now->hash == x.prev &&
                       !audit_check_link(x, now->seq, now->hash);
        if (!trimmed) return broken(x.id, *why);
      }
      if (head.present && x.seq == head.seq && x.hash != head.hash)
        return broken(x.id, "head mismatch: the head names another hash for this entry");
      prev_seq = x.seq;
      prev_hash = x.hash;
      ++rep.checked;
    }
    if (static_cast<int64_t>(entries.size()) < kPage) break;
    from = "(" + entries.back().id;
  }
  if (head.present && prev_seq < head.seq)
    return broken(head.id, "missing entries: the head is entry " + std::to_string(head.seq) +
                               " but the chain ends at entry " + std::to_string(prev_seq));
  if (!head.present && prev_seq > 0)
    return broken(anchor.present ? anchor.id : "", "head missing: the chain has no head");
  return rep;
}

Result<int64_t> AuditLog::trim() {
  int64_t cut = 0;
  if (opts_.retention_days > 0) {
    auto r = redis_.command({"TIME"});
    if (!r.ok()) return r.error();
    auto now = redis_time_ms(*r);
    if (!now.ok()) return now.error();
    cut = *now - opts_.retention_days * kDayMs;
  }
  return trim_before(cut, opts_.max_entries);
}

Result<int64_t> AuditLog::trim_before(int64_t cut_ms, int64_t max_entries) {
  if (cut_ms <= 0 && max_entries <= 0) return int64_t{0};
  auto c = redis_.acquire();
  int64_t total = 0;
  for (;;) {
    auto r =
        kTrim.run(*c, {key("log"), key("anchor")},
                  {std::to_string(std::max<int64_t>(0, cut_ms)),
                   std::to_string(std::max<int64_t>(0, max_entries)), std::to_string(kTrimBatch)});
    if (!r.ok()) return r.error();
    if (!r->is_integer()) return unexpected("the trim script");
    total += r->integer;
    if (r->integer < kTrimBatch) break;
  }
  return total;
}

AuditEvent change_event(std::string type, std::string user_id, std::string user_name,
                        std::string ip, std::vector<std::pair<std::string, std::string>> detail) {
  return AuditEvent{
      std::move(type),  std::move(user_id), std::move(user_name), "", std::move(ip), "ok",
      std::move(detail)};
}

void audit_best_effort(AuditLog* log, const AuditEvent& e) noexcept {
  if (log == nullptr) return;
  try {
    log::best_effort(log->record(e), "audit record", {{"audit_type", e.type}});
    if (log->observer()) log->observer()(e);
  } catch (const std::exception& ex) {
    try {
      log::warn("audit record failed", {{"audit_type", e.type}, {"error", ex.what()}});
    } catch (...) {  // nothing more can be done; the request goes on
    }
  } catch (...) {
  }
}

}  // namespace jb::auth
