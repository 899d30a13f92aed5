// audit_chain_test.cpp — the audit log's pure functions: canonical bytes,
// chain hashing, the stream field codec, link checks, filters and the query
// parameters of GET /api/v1/audit.
#include "auth-service/audit/audit_chain.h"

#include <gtest/gtest.h>

#include "auth-service/audit/audit_handlers.h"
#include "common/core/crypto.h"

namespace jb::auth {
namespace {

AuditEvent sample() {
  return AuditEvent{"connection.created",
                    "u1",
                    "alice",
                    "",
                    "10.0.0.1",
                    "ok",
                    {{"connection_id", "c1"}, {"method", "password"}}};
}

AuditEntry entry(int64_t seq, int64_t ts, const AuditEvent& e, const std::string& prev) {
  AuditEntry x;
  x.seq = seq;
  x.ts_ms = ts;
  x.event = audit_normalise(e);
  x.prev = prev;
  x.id = audit_entry_id(ts, seq);
  x.hash = audit_hash(x);
  return x;
}

TEST(AuditChain, CanonicalBytesAreDocumentedNetstrings) {
  AuditEvent e;
  e.type = "x";
  EXPECT_EQ(audit_canonical(1, 1700000000000, e, kAuditGenesis),
            "11:jb-audit-v1,1:1,13:1700000000000,1:x,0:,0:,0:,0:,0:,1:0,64:" + kAuditGenesis + ",");
  AuditEvent d = sample();
  EXPECT_EQ(audit_canonical(2, 5, d, "ab"),
            "11:jb-audit-v1,1:2,1:5,18:connection.created,2:u1,5:alice,0:,8:10.0.0.1,2:ok,1:2,"
            "13:connection_id,2:c1,6:method,8:password,2:ab,");
}

TEST(AuditChain, LengthPrefixesKeepFieldBoundariesUnambiguous) {
  AuditEvent a, b;
  a.user_id = "ab";
  a.user_name = "c";
  b.user_id = "a";
  b.user_name = "bc";
  EXPECT_NE(audit_canonical(1, 1, a, ""), audit_canonical(1, 1, b, ""));
  AuditEvent c, d;
  c.detail = {{"k", "v,1:x"}};
  d.detail = {{"k", "v"}, {"x", ""}};
  EXPECT_NE(audit_canonical(1, 1, c, ""), audit_canonical(1, 1, d, ""));
}

TEST(AuditChain, HashIsSha256OfTheCanonicalBytes) {
  AuditEvent e = sample();
  EXPECT_EQ(audit_hash(3, 9, e, "p"), crypto::sha256_hex(audit_canonical(3, 9, e, "p")));
  EXPECT_EQ(audit_hash(3, 9, e, "p").size(), 64u);
  EXPECT_NE(audit_hash(3, 9, e, "p"), audit_hash(3, 9, e, "q"));
  EXPECT_NE(audit_hash(3, 9, e, "p"), audit_hash(4, 9, e, "p"));
  EXPECT_NE(audit_hash(3, 9, e, "p"), audit_hash(3, 10, e, "p"));
}

TEST(AuditChain, NormaliseSortsDetailDropsRepeatsAndCutsAtUtf8Boundaries) {
  AuditEvent e;
  e.detail = {{"b", "2"}, {"a", "1"}, {"b", "3"}, {"", "x"}};
  e.user_name = std::string(kAuditMaxField - 1, 'a') + "\xC3\xA9";  // é across the limit
  auto n = audit_normalise(e);
  ASSERT_EQ(n.detail.size(), 2u);
  EXPECT_EQ(n.detail[0], (std::pair<std::string, std::string>{"a", "1"}));
  EXPECT_EQ(n.detail[1], (std::pair<std::string, std::string>{"b", "2"}));
  EXPECT_EQ(n.user_name, std::string(kAuditMaxField - 1, 'a'));
  AuditEvent many;
  for (int i = 0; i < 40; ++i) many.detail.emplace_back("k" + std::to_string(100 + i), "v");
  EXPECT_EQ(audit_normalise(many).detail.size(), kAuditMaxDetail);
  EXPECT_EQ(audit_normalise(audit_normalise(e)).detail, n.detail);  // idempotent
}

TEST(AuditChain, FieldsRoundTrip) {
  auto x = entry(7, 1234, sample(), std::string(64, 'a'));
  std::map<std::string, std::string> m;
  for (const auto& [k, v] : audit_to_fields(x)) m[k] = v;
  auto y = audit_from_fields(x.id, m);
  EXPECT_EQ(y.id, x.id);
  EXPECT_EQ(y.seq, 7);
  EXPECT_EQ(y.ts_ms, 1234);
  EXPECT_EQ(y.event.type, x.event.type);
  EXPECT_EQ(y.event.ip, "10.0.0.1");
  EXPECT_EQ(y.event.detail, x.event.detail);
  EXPECT_EQ(y.hash, x.hash);
  EXPECT_EQ(audit_hash(y), x.hash);
}

TEST(AuditChain, CheckLinkNamesWhatMismatched) {
  auto a = entry(1, 10, sample(), kAuditGenesis);
  auto b = entry(2, 11, sample(), a.hash);
  EXPECT_FALSE(audit_check_link(a, 0, kAuditGenesis));
  EXPECT_FALSE(audit_check_link(b, 1, a.hash));

  auto edited = b;
  edited.event.ip = "10.9.9.9";
  auto why = audit_check_link(edited, 1, a.hash);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("hash mismatch"), std::string::npos);

  // b after a missing a: the link to the anchor/genesis does not hold.
  why = audit_check_link(b, 0, kAuditGenesis);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("prev mismatch"), std::string::npos);

  auto wrong_seq = entry(5, 11, sample(), a.hash);
  why = audit_check_link(wrong_seq, 1, a.hash);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("seq mismatch"), std::string::npos);

  auto moved = b;
  moved.id = audit_entry_id(99, 2);
  why = audit_check_link(moved, 1, a.hash);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("id mismatch"), std::string::npos);
}

TEST(AuditChain, FiltersMatchPrefixExactFieldsAndInclusiveTimes) {
  auto x = entry(1, 1000, sample(), kAuditGenesis);
  AuditQuery q;
  EXPECT_TRUE(audit_matches(x, q));
  q.type_prefix = "connection.";
  EXPECT_TRUE(audit_matches(x, q));
  q.type_prefix = "pair.";
  EXPECT_FALSE(audit_matches(x, q));
  q = {};
  q.ip = "10.0.0.1";
  q.outcome = "ok";
  q.user_id = "u1";
  EXPECT_TRUE(audit_matches(x, q));
  q.outcome = "fail";
  EXPECT_FALSE(audit_matches(x, q));
  q = {};
  q.since_ms = 1000;
  q.until_ms = 1000;
  EXPECT_TRUE(audit_matches(x, q));
  q.since_ms = 1001;
  EXPECT_FALSE(audit_matches(x, q));
  q.since_ms.reset();
  q.until_ms = 999;
  EXPECT_FALSE(audit_matches(x, q));
}

http::Request request(std::vector<std::pair<std::string, std::string>> query) {
  http::Request r;
  r.method = "GET";
  r.path = "/api/v1/audit";
  r.query = std::move(query);
  return r;
}

TEST(AuditQueryParams, UsersSeeTheirOwnEventsAndAdminsMayFilter) {
  SessionUser user{"u1", "alice", false};
  SessionUser admin{"a1", "root", true};
  auto q = read_audit_query(request({}), user);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->user_id, "u1");
  EXPECT_EQ(q->start, 0);
  EXPECT_EQ(q->count, 100);
  q = read_audit_query(request({{"user_id", "u1"}}), user);
  ASSERT_TRUE(q.ok());
  q = read_audit_query(request({{"user_id", "u2"}}), user);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().code, errc::admin_only);
  EXPECT_EQ(q.error().http_status, 403);

  q = read_audit_query(request({}), admin);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->user_id, "");
  q = read_audit_query(request({{"user_id", "u2"},
                                {"type", "signin."},
                                {"ip", "10.0.0.1"},
                                {"outcome", "fail"},
                                {"since", "2024-01-01T00:00:00Z"},
                                {"until", "2024-01-02T00:00:00.5Z"},
                                {"start", "10"},
                                {"count", "5"}}),
                       admin);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->user_id, "u2");
  EXPECT_EQ(q->type_prefix, "signin.");
  EXPECT_EQ(q->ip, "10.0.0.1");
  EXPECT_EQ(q->outcome, "fail");
  EXPECT_EQ(q->since_ms, 1704067200000);
  EXPECT_EQ(q->until_ms, 1704153600500);
  EXPECT_EQ(q->start, 10);
  EXPECT_EQ(q->count, 5);
}

TEST(AuditQueryParams, BadParametersAre400) {
  SessionUser user{"u1", "alice", false};
  for (auto bad : std::vector<std::pair<std::string, std::string>>{{"outcome", "maybe"},
                                                                   {"since", "yesterday"},
                                                                   {"until", "2024-13-01"},
                                                                   {"count", "0"},
                                                                   {"start", "-1"},
                                                                   {"user_id", ""}}) {
    auto q = read_audit_query(request({bad}), user);
    ASSERT_FALSE(q.ok()) << bad.first << "=" << bad.second;
    EXPECT_EQ(q.error().code, errc::invalid_request) << bad.first;
    EXPECT_EQ(q.error().http_status, 400);
  }
}

TEST(AuditJson, VerifyReportShape) {
  AuditVerifyReport ok;
  ok.checked = 3;
  EXPECT_EQ(audit_verify_json(ok), R"({"ok":true,"checked":3,"first_broken":null})");
  AuditVerifyReport bad;
  bad.ok = false;
  bad.checked = 1;
  bad.first_broken = AuditBrokenLink{"5-2", "hash mismatch"};
  EXPECT_EQ(audit_verify_json(bad),
            R"({"ok":false,"checked":1,"first_broken":{"id":"5-2","reason":"hash mismatch"}})");
}

}  // namespace
}  // namespace jb::auth
