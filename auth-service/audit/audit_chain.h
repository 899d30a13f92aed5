// audit_chain.h — the pure functions of the audit log (audit_log.h): the
// canonical bytes that are hashed, the chain hash, the Redis stream fields of
// an entry and back, the check of one link, and the query filter.
//
// Canonical serialisation (version 1), the exact bytes hashed for an entry:
// a sequence of netstrings, "<decimal byte length>:<bytes>,", in this order:
//   "jb-audit-v1", seq (decimal), ts_ms (decimal), type, user_id, user_name,
//   actor_id, ip, outcome, the number of detail pairs (decimal), then each
//   detail key and value (pairs sorted by key, see audit_normalise()), prev.
// For example seq 1 at ts 1700000000000, type "x", everything else empty and no
// detail: "11:jb-audit-v1,1:1,13:1700000000000,1:x,0:,0:,0:,0:,0:,1:0,64:000…0,".
// Length prefixes make the encoding unambiguous for any bytes in any field.
// hash = lowercase hex of SHA-256 (libsodium crypto_hash_sha256) of those bytes.
// The first entry ever chains from kAuditGenesis (64 '0').
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth-service/audit/audit_log.h"

namespace jb::auth {

inline const std::string kAuditGenesis(64, '0');
constexpr size_t kAuditMaxField = 256;        // longer fields are cut (UTF-8 safe)
constexpr size_t kAuditMaxDetailValue = 512;  // longer detail values are cut
constexpr size_t kAuditMaxDetail = 16;        // detail pairs kept

// What record() stores: fields cut to their limits at a UTF-8 boundary, detail
// sorted by key, empty and repeated keys dropped (the first one kept), at most
// kAuditMaxDetail pairs.
AuditEvent audit_normalise(const AuditEvent& e);
std::string audit_canonical(int64_t seq, int64_t ts_ms, const AuditEvent& e, std::string_view prev);
std::string audit_hash(int64_t seq, int64_t ts_ms, const AuditEvent& e, std::string_view prev);
inline std::string audit_hash(const AuditEntry& x) {
  return audit_hash(x.seq, x.ts_ms, x.event, x.prev);
}
// "<ts_ms>-<seq>".
std::string audit_entry_id(int64_t ts_ms, int64_t seq);

// The stream fields of an entry (header comment of audit_log.h), as
// field/value pairs in a fixed order; the detail as "d.<key>".
std::vector<std::pair<std::string, std::string>> audit_to_fields(const AuditEntry& x);
// Back from the stream (id and fields); unknown fields are ignored, a missing
// or malformed number reads as 0 (verification then reports the entry).
AuditEntry audit_from_fields(const std::string& id, const std::map<std::string, std::string>& f);

// Why `x` does not follow the entry (prev_seq, prev_hash), or nullopt when the
// link holds: its own hash, its prev and its seq are checked, in that order.
std::optional<std::string> audit_check_link(const AuditEntry& x, int64_t prev_seq,
                                            std::string_view prev_hash);

// Whether an entry passes the query's filters (type prefix, user, ip, outcome, time).
bool audit_matches(const AuditEntry& x, const AuditQuery& q);

}  // namespace jb::auth
