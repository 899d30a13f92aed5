// audit_chain.cpp — see audit_chain.h.
#include "auth-service/audit/audit_chain.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "common/core/crypto.h"

namespace jb::auth {

namespace {

// Cuts s to at most n bytes without splitting a UTF-8 sequence.
std::string cut(const std::string& s, size_t n) {
  if (s.size() <= n) return s;
  size_t end = n;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

void netstring(std::string& out, std::string_view s) {
  out += std::to_string(s.size());
  out += ':';
  out += s;
  out += ',';
}

int64_t to_int(const std::string& s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return 0;
  return v;
}

std::string field(const std::map<std::string, std::string>& f, const char* k) {
  auto it = f.find(k);
  return it == f.end() ? std::string() : it->second;
}

constexpr std::string_view kDetailPrefix = "d.";

}  // namespace

AuditEvent audit_normalise(const AuditEvent& e) {
  AuditEvent n;
  n.type = cut(e.type, kAuditMaxField);
  n.user_id = cut(e.user_id, kAuditMaxField);
  n.user_name = cut(e.user_name, kAuditMaxField);
  n.actor_id = cut(e.actor_id, kAuditMaxField);
  n.ip = cut(e.ip, kAuditMaxField);
  n.outcome = cut(e.outcome, kAuditMaxField);
  std::set<std::string> seen;
  for (const auto& [k, v] : e.detail) {
    std::string key = cut(k, kAuditMaxField);
    if (key.empty() || !seen.insert(key).second) continue;
    n.detail.emplace_back(std::move(key), cut(v, kAuditMaxDetailValue));
  }
  std::stable_sort(n.detail.begin(), n.detail.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  if (n.detail.size() > kAuditMaxDetail) n.detail.resize(kAuditMaxDetail);
  return n;
}

std::string audit_canonical(int64_t seq, int64_t ts_ms, const AuditEvent& e,
                            std::string_view prev) {
  std::string out;
  netstring(out, "jb-audit-v1");
  netstring(out, std::to_string(seq));
  netstring(out, std::to_string(ts_ms));
  for (const std::string* s : {&e.type, &e.user_id, &e.user_name, &e.actor_id, &e.ip, &e.outcome})
    netstring(out, *s);
  netstring(out, std::to_string(e.detail.size()));
  for (const auto& [k, v] : e.detail) {
    netstring(out, k);
    netstring(out, v);
  }
  netstring(out, prev);
  return out;
}

std::string audit_hash(int64_t seq, int64_t ts_ms, const AuditEvent& e, std::string_view prev) {
  return crypto::sha256_hex(audit_canonical(seq, ts_ms, e, prev));
}

std::string audit_entry_id(int64_t ts_ms, int64_t seq) {
  return std::to_string(ts_ms) + "-" + std::to_string(seq);
}

std::vector<std::pair<std::string, std::string>> audit_to_fields(const AuditEntry& x) {
  std::vector<std::pair<std::string, std::string>> f = {
      {"seq", std::to_string(x.seq)},
      {"ts", std::to_string(x.ts_ms)},
      {"type", x.event.type},
      {"user_id", x.event.user_id},
      {"user_name", x.event.user_name},
      {"actor_id", x.event.actor_id},
      {"ip", x.event.ip},
      {"outcome", x.event.outcome},
      {"prev", x.prev},
      {"hash", x.hash},
  };
  for (const auto& [k, v] : x.event.detail) f.emplace_back(std::string(kDetailPrefix) + k, v);
  return f;
}

AuditEntry audit_from_fields(const std::string& id, const std::map<std::string, std::string>& f) {
  AuditEntry x;
  x.id = id;
  x.seq = to_int(field(f, "seq"));
  x.ts_ms = to_int(field(f, "ts"));
  x.event.type = field(f, "type");
  x.event.user_id = field(f, "user_id");
  x.event.user_name = field(f, "user_name");
  x.event.actor_id = field(f, "actor_id");
  x.event.ip = field(f, "ip");
  x.event.outcome = field(f, "outcome");
  x.prev = field(f, "prev");
  x.hash = field(f, "hash");
  for (const auto& [k, v] : f)  // std::map: sorted by key, as audit_normalise() stores them
    if (k.size() > kDetailPrefix.size() && k.compare(0, kDetailPrefix.size(), kDetailPrefix) == 0)
      x.event.detail.emplace_back(k.substr(kDetailPrefix.size()), v);
  return x;
}

std::optional<std::string> audit_check_link(const AuditEntry& x, int64_t prev_seq,
                                            std::string_view prev_hash) {
  if (!crypto::equal_ct(audit_hash(x), x.hash))
    return "hash mismatch: the entry's content does not match its hash (edited)";
  if (x.prev != prev_hash)
    return "prev mismatch: the entry does not chain from entry " + std::to_string(prev_seq) +
           " (an entry before it was removed or changed)";
  if (x.seq != prev_seq + 1)
    return "seq mismatch: expected " + std::to_string(prev_seq + 1) + ", found " +
           std::to_string(x.seq);
  if (x.id != audit_entry_id(x.ts_ms, x.seq))
    return "id mismatch: the stream id does not match the entry's time and seq";
  return std::nullopt;
}

bool audit_matches(const AuditEntry& x, const AuditQuery& q) {
  if (!q.type_prefix.empty() && x.event.type.compare(0, q.type_prefix.size(), q.type_prefix) != 0)
    return false;
  if (!q.user_id.empty() && x.event.user_id != q.user_id) return false;
  if (!q.ip.empty() && x.event.ip != q.ip) return false;
  if (!q.outcome.empty() && x.event.outcome != q.outcome) return false;
  if (q.since_ms && x.ts_ms < *q.since_ms) return false;
  if (q.until_ms && x.ts_ms > *q.until_ms) return false;
  return true;
}

}  // namespace jb::auth
