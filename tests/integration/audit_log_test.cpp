// Integration tests of auth-service's audit log (auth-service/audit/audit_log.h)
// against a real redis-server: appends and verification, concurrent appends
// from several threads and two AuditLog instances keeping one chain, one round
// trip per append once the head is known (and a moved head read again), detection
// of an edited and of a removed entry, retention trims that keep the chain
// verifiable, and filtered, paged queries.
#include "auth-service/audit/audit_log.h"

#include <gtest/gtest.h>

#include <future>
#include <set>
#include <thread>

#include "auth-service/audit/audit_chain.h"
#include "tests/support/redis_server.h"

using namespace jb;
using namespace jb::auth;
using jb::testing::RedisServer;

namespace {

RedisPool pool_for(const RedisServer& s, size_t n = 2) {
  return RedisPool(*parse_redis_url(s.url()), n);
}

AuditEvent event(const std::string& type, const std::string& user, const std::string& ip,
                 const std::string& outcome, const std::string& n) {
  return AuditEvent{type, user, user + "-name", "", ip, outcome, {{"n", n}}};
}

// Every entry, oldest first, straight from the stream.
std::vector<AuditEntry> all_entries(RedisPool& redis) {
  auto r = redis.command({"XRANGE", AuditLog::key("log"), "-", "+"});
  std::vector<AuditEntry> out;
  if (!r.ok()) return out;
  for (const auto& e : r->elements)
    out.push_back(audit_from_fields(e.elements[0].str, e.elements[1].as_map()));
  return out;
}

// Rewrites the stream as an attacker with Redis access would (a stream entry
// cannot be changed in place): every entry again, with `field` of entry `id` set to `value`.
void rewrite_entry(RedisPool& redis, const std::string& id, const std::string& field,
                   const std::string& value) {
  auto r = redis.command({"XRANGE", AuditLog::key("log"), "-", "+"});
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(redis.command({"DEL", AuditLog::key("log")}).ok());
  for (const auto& e : r->elements) {
    RedisArgv argv = {"XADD", AuditLog::key("log"), e.elements[0].str};
    const auto& f = e.elements[1].elements;
    for (size_t i = 0; i + 1 < f.size(); i += 2) {
      argv.push_back(f[i].str);
      argv.push_back(e.elements[0].str == id && f[i].str == field ? value : f[i + 1].str);
    }
    ASSERT_TRUE(redis.command(argv).ok());
  }
}

}  // namespace

TEST(AuditLog, AppendsChainAndVerify) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis = pool_for(srv);
  AuditLog log(redis, AuditOptions{});
  auto empty = log.verify();
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->ok);
  EXPECT_EQ(empty->checked, 0);

  std::vector<AuditEntry> made;
  for (int i = 0; i < 5; ++i) {
    auto x = log.append(event("connection.created", "u1", "10.0.0.1", "ok", std::to_string(i)));
    ASSERT_TRUE(x.ok()) << x.error().message;
    made.push_back(*x);
  }
  EXPECT_EQ(made[0].seq, 1);
  EXPECT_EQ(made[0].prev, kAuditGenesis);
  for (size_t i = 1; i < made.size(); ++i) {
    EXPECT_EQ(made[i].seq, made[i - 1].seq + 1);
    EXPECT_EQ(made[i].prev, made[i - 1].hash);
    EXPECT_GE(made[i].ts_ms, made[i - 1].ts_ms);
  }
  auto stored = all_entries(redis);
  ASSERT_EQ(stored.size(), 5u);
  EXPECT_EQ(stored[4].id, made[4].id);
  EXPECT_EQ(stored[4].event.detail, made[4].event.detail);
  EXPECT_EQ(stored[4].event.user_name, "u1-name");

  auto rep = log.verify();
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->ok);
  EXPECT_EQ(rep->checked, 5);
  EXPECT_FALSE(rep->first_broken);
  EXPECT_TRUE(log.record(event("pair.created", "", "", "info", "x")).ok());
  EXPECT_EQ(log.verify()->checked, 6);
}

TEST(AuditLog, ConcurrentAppendsFromTwoInstancesKeepOneChainWithNoLostEntry) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis_a = pool_for(srv, 4);
  RedisPool redis_b = pool_for(srv, 4);  // as another auth-service replica
  AuditLog a(redis_a, AuditOptions{});
  AuditLog b(redis_b, AuditOptions{});
  constexpr int kThreads = 6, kEach = 30;
  std::promise<void> go;
  std::shared_future<void> start = go.get_future().share();
  std::vector<std::future<int>> done;
  for (int t = 0; t < kThreads; ++t)
    done.push_back(std::async(std::launch::async, [&, t] {
      start.wait();
      int ok = 0;
      for (int i = 0; i < kEach; ++i)
        ok += (t % 2 ? a : b)
                  .record(event("signin.success", "u" + std::to_string(t), "10.0.0.1", "ok",
                                std::to_string(t) + "/" + std::to_string(i)))
                  .ok();
      return ok;
    }));
  go.set_value();
  int ok = 0;
  for (auto& f : done) ok += f.get();
  EXPECT_EQ(ok, kThreads * kEach);

  auto stored = all_entries(redis_a);
  ASSERT_EQ(stored.size(), static_cast<size_t>(kThreads * kEach));
  std::set<std::string> ns;
  for (size_t i = 0; i < stored.size(); ++i) {
    EXPECT_EQ(stored[i].seq, static_cast<int64_t>(i + 1));
    ns.insert(stored[i].event.detail.at(0).second);
  }
  EXPECT_EQ(ns.size(), stored.size());  // every event once
  auto rep = b.verify();
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->ok) << rep->first_broken->reason;
  EXPECT_EQ(rep->checked, kThreads * kEach);
}

// How often Redis ran `command` so far (INFO commandstats; commands inside scripts count too).
int64_t calls(RedisPool& redis, const std::string& command) {
  auto r = redis.command({"INFO", "commandstats"});
  if (!r.ok()) return -1;
  const std::string key = "cmdstat_" + command + ":calls=";
  const auto at = r->str.find(key);
  return at == std::string::npos ? 0 : std::atoll(r->str.c_str() + at + key.size());
}

TEST(AuditLog, AnAppendIsOneRoundTripOnceTheHeadIsKnownAndAMovedHeadIsReadAgain) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis = pool_for(srv);
  AuditLog log(redis, AuditOptions{});
  ASSERT_TRUE(log.append(event("pair.created", "u1", "10.0.0.1", "ok", "first")).ok());
  // The head and Redis's clock were read once (TIME); the next appends only run the script.
  const int64_t time_calls = calls(redis, "time"), evals = calls(redis, "evalsha");
  ASSERT_GE(time_calls, 1);
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(log.append(event("pair.created", "u1", "10.0.0.1", "ok", std::to_string(i))).ok());
  EXPECT_EQ(calls(redis, "time"), time_calls);
  EXPECT_EQ(calls(redis, "evalsha"), evals + 10);
  // Another replica appends: this one's known head is stale, the script refuses,
  // the head is read again and the entry chains after the other's.
  RedisPool other_pool = pool_for(srv);
  AuditLog other(other_pool, AuditOptions{});
  auto theirs = other.append(event("pair.created", "u2", "10.0.0.2", "ok", "theirs"));
  ASSERT_TRUE(theirs.ok());
  auto mine = log.append(event("pair.created", "u1", "10.0.0.1", "ok", "mine"));
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->seq, theirs->seq + 1);
  EXPECT_EQ(mine->prev, theirs->hash);
  EXPECT_GE(mine->ts_ms, theirs->ts_ms);
  // The log wiped behind its back: a fresh chain, not a link to a vanished head.
  ASSERT_TRUE(redis.command({"DEL", AuditLog::key("log"), AuditLog::key("head")}).ok());
  auto fresh = log.append(event("pair.created", "u1", "10.0.0.1", "ok", "fresh"));
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->seq, 1);
  EXPECT_EQ(fresh->prev, kAuditGenesis);
  auto rep = log.verify();
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->ok);
  EXPECT_EQ(rep->checked, 1);
}

TEST(AuditLog, AnEditedEntryIsTheFirstBrokenLink) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis = pool_for(srv);
  AuditLog log(redis, AuditOptions{});
  std::vector<AuditEntry> made;
  for (int i = 0; i < 6; ++i)
    made.push_back(
        *log.append(event("signin.failure", "u1", "10.0.0.1", "fail", std::to_string(i))));
  rewrite_entry(redis, made[2].id, "ip", "192.168.1.1");
  auto rep = log.verify();
  ASSERT_TRUE(rep.ok());
  EXPECT_FALSE(rep->ok);
  ASSERT_TRUE(rep->first_broken);
  EXPECT_EQ(rep->first_broken->id, made[2].id);
  EXPECT_NE(rep->first_broken->reason.find("hash mismatch"), std::string::npos);
  EXPECT_EQ(rep->checked, 2);

  // Recomputing the edited entry's own hash moves the break to the next link.
  auto stored = all_entries(redis);
  stored[2].hash = audit_hash(stored[2]);
  rewrite_entry(redis, made[2].id, "hash", stored[2].hash);
  rep = log.verify();
  ASSERT_TRUE(rep.ok());
  ASSERT_TRUE(rep->first_broken);
  EXPECT_EQ(rep->first_broken->id, made[3].id);
  EXPECT_NE(rep->first_broken->reason.find("prev mismatch"), std::string::npos);
}

TEST(AuditLog, ARemovedEntryIsDetected) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis = pool_for(srv);
  AuditLog log(redis, AuditOptions{});
  std::vector<AuditEntry> made;
  for (int i = 0; i < 6; ++i)
    made.push_back(*log.append(event("pair.deleted", "u1", "10.0.0.1", "ok", std::to_string(i))));
  // The newest entry removed: the head names it.
  ASSERT_TRUE(redis.command({"XDEL", AuditLog::key("log"), made[5].id}).ok());
  auto rep = log.verify();
  ASSERT_TRUE(rep.ok());
  ASSERT_TRUE(rep->first_broken);
  EXPECT_EQ(rep->first_broken->id, made[5].id);
  EXPECT_NE(rep->first_broken->reason.find("missing"), std::string::npos);
  // A middle entry removed: the entry after it no longer links.
  ASSERT_TRUE(redis.command({"XDEL", AuditLog::key("log"), made[2].id}).ok());
  rep = log.verify();
  ASSERT_TRUE(rep.ok());
  EXPECT_FALSE(rep->ok);
  ASSERT_TRUE(rep->first_broken);
  EXPECT_EQ(rep->first_broken->id, made[3].id);
  EXPECT_NE(rep->first_broken->reason.find("prev mismatch"), std::string::npos);
  EXPECT_EQ(rep->checked, 2);
  // The first entry removed (with the others back in order): entry 2 names it.
  RedisServer srv2;
  ASSERT_TRUE(srv2.ok());
  RedisPool redis2 = pool_for(srv2);
  AuditLog log2(redis2, AuditOptions{});
  std::vector<AuditEntry> m2;
  for (int i = 0; i < 3; ++i)
    m2.push_back(*log2.append(event("pair.deleted", "u1", "10.0.0.1", "ok", std::to_string(i))));
  ASSERT_TRUE(redis2.command({"XDEL", AuditLog::key("log"), m2[0].id}).ok());
  rep = log2.verify();
  ASSERT_TRUE(rep.ok());
  ASSERT_TRUE(rep->first_broken);
  EXPECT_EQ(rep->first_broken->id, m2[1].id);
}

TEST(AuditLog, RetentionTrimsKeepTheChainVerifiable) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis = pool_for(srv);
  AuditOptions o;
  o.retention_days = 1;
  o.max_entries = 4;
  AuditLog log(redis, o);
  std::vector<AuditEntry> made;
  for (int i = 0; i < 10; ++i)
    made.push_back(*log.append(
        event("signin.success", i % 2 ? "u1" : "u2", "10.0.0.1", "ok", std::to_string(i))));
  auto n = log.trim();  // nothing is a day old: only the count applies
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 6);
  auto stored = all_entries(redis);
  ASSERT_EQ(stored.size(), 4u);
  EXPECT_EQ(stored.front().id, made[6].id);
  auto anchor = redis.command({"HGET", AuditLog::key("anchor"), "hash"});
  ASSERT_TRUE(anchor.ok());
  EXPECT_EQ(anchor->str, made[5].hash);
  auto rep = log.verify();
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->ok);
  EXPECT_EQ(rep->checked, 4);
  EXPECT_EQ(*log.trim(), 0);

  // The user index forgets trimmed entries.
  AuditQuery q;
  q.user_id = "u2";
  auto page = log.query(q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->entries.size(), 2u);
  EXPECT_EQ(page->entries[0].id, made[8].id);
  EXPECT_EQ(page->entries[1].id, made[6].id);

  // Removing everything by age keeps the anchor; the chain goes on from it.
  auto all = log.trim_before(made.back().ts_ms + 1, 0);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, 4);
  rep = log.verify();
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->ok);
  EXPECT_EQ(rep->checked, 0);
  auto next = log.append(event("signin.success", "u1", "10.0.0.1", "ok", "after"));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->seq, 11);
  EXPECT_EQ(next->prev, made.back().hash);
  rep = log.verify();
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->ok);
  EXPECT_EQ(rep->checked, 1);
  // Removing the entry after the anchor by hand is still caught.
  ASSERT_TRUE(redis.command({"XDEL", AuditLog::key("log"), next->id}).ok());
  EXPECT_FALSE(log.verify()->ok);
}

TEST(AuditLog, QueriesFilterAndPageNewestFirst) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisPool redis = pool_for(srv);
  AuditLog log(redis, AuditOptions{});
  const char* types[] = {"signin.success", "signin.failure", "connection.created", "pair.created"};
  const char* ips[] = {"10.0.0.1", "10.0.0.2", "10.0.0.3"};
  const char* outcomes[] = {"ok", "fail", "info"};
  for (int i = 0; i < 60; ++i)
    ASSERT_TRUE(log.record(event(types[i % 4], i % 3 ? "u1" : "u2", ips[i % 3], outcomes[i % 2],
                                 std::to_string(i)))
                    .ok());
  auto stored = all_entries(redis);
  ASSERT_EQ(stored.size(), 60u);
  // What a query must answer: the matching entries, newest first, paged.
  auto expected = [&](const AuditQuery& q) {
    std::vector<std::string> ids;
    for (auto it = stored.rbegin(); it != stored.rend(); ++it)
      if (audit_matches(*it, q)) ids.push_back(it->id);
    std::vector<std::string> page;
    for (int64_t i = q.start; i < static_cast<int64_t>(ids.size()) && i < q.start + q.count; ++i)
      page.push_back(ids[i]);
    return std::make_pair(page, q.start + q.count < static_cast<int64_t>(ids.size()));
  };
  std::vector<AuditQuery> queries;
  AuditQuery q;
  queries.push_back(q);
  q.count = 7;
  q.start = 3;
  queries.push_back(q);
  q = {};
  q.user_id = "u1";
  q.count = 9;
  queries.push_back(q);
  q.start = 36;  // past the end of u1's 40
  queries.push_back(q);
  q = {};
  q.type_prefix = "signin.";
  q.outcome = "fail";
  queries.push_back(q);
  q = {};
  q.ip = "10.0.0.2";
  q.user_id = "u1";
  q.type_prefix = "pair";
  queries.push_back(q);
  q = {};
  q.since_ms = stored[20].ts_ms;
  q.until_ms = stored[40].ts_ms;
  queries.push_back(q);
  q.user_id = "u2";
  q.count = 3;
  q.start = 1;
  queries.push_back(q);
  q = {};
  q.user_id = "nobody";
  queries.push_back(q);
  for (size_t i = 0; i < queries.size(); ++i) {
    auto page = log.query(queries[i]);
    ASSERT_TRUE(page.ok()) << i;
    std::vector<std::string> ids;
    for (const auto& x : page->entries) ids.push_back(x.id);
    auto [want, more] = expected(queries[i]);
    EXPECT_EQ(ids, want) << "query " << i;
    EXPECT_EQ(page->more, more) << "query " << i;
  }
  // Entries read back are whole.
  auto one = log.query(AuditQuery{"", "u2", "", "", std::nullopt, std::nullopt, 0, 1});
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->entries.size(), 1u);
  EXPECT_EQ(one->entries[0].hash, audit_hash(one->entries[0]));
  EXPECT_EQ(one->entries[0].event.user_name, "u2-name");
}
