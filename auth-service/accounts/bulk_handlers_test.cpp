// Unit tests of bulk actions' pure logic: the request body of
// POST /api/v1/admin/bulk (actions, the user list's limits, each action's own
// fields), the job's JSON, and the outcome/counter folding of
// common/accounts/bulk_job.h.
#include "auth-service/accounts/bulk_handlers.h"

#include <gtest/gtest.h>

using namespace jb;
using namespace jb::accounts;

namespace {

http::Request post(const std::string& body) {
  http::Request r;
  r.method = "POST";
  r.body = body;
  r.headers.emplace_back("Content-Type", "application/json");
  return r;
}

std::string id(int n) {
  std::string s = std::to_string(n);
  return std::string(32 - s.size(), 'a') + s;
}

std::string users(int n) {
  std::string s = "[";
  for (int i = 0; i < n; ++i) s += (i ? ",\"" : "\"") + id(i) + "\"";
  return s + "]";
}

// The fields a refused body names.
std::vector<std::string> bad_fields(const std::string& body) {
  auto r = parse_bulk_body(post(body));
  std::vector<std::string> out;
  if (r.ok()) return out;
  EXPECT_EQ(r.problem().error.http_status, 400);
  for (const auto& [field, why] : r.problem().invalid_params) out.push_back(field);
  return out;
}

using Fields = std::vector<std::string>;

TEST(BulkBody, EachActionWithItsOwnFields) {
  auto d = parse_bulk_body(post(R"({"action":"disable","users":)" + users(3) + "}"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->action, "disable");
  EXPECT_EQ(d->users.size(), 3u);
  auto p = parse_bulk_body(
      post(R"({"action":"apply_profile","profile_id":"p1","users":)" + users(1) + "}"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->profile_id, "p1");
  auto e = parse_bulk_body(
      post(R"({"action":"extend_expiry","extend_days":30,"users":)" + users(1) + "}"));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->extend_days, 30);
  auto a = parse_bulk_body(post(R"({"action":"announce","subject":"Hi","message":"**Down** at 9",
                                   "users":)" +
                                users(2) + "}"));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->message, "**Down** at 9");
  // Dashed ids are Jellyfin ids too.
  EXPECT_TRUE(parse_bulk_body(
                  post(R"({"action":"enable","users":["0123abcd-0123-abcd-0123-0123456789ab"]})"))
                  .ok());
  EXPECT_TRUE(parse_bulk_body(post(R"({"action":"delete","users":)" + users(1000) + "}")).ok());
}

TEST(BulkBody, BadBodiesNameTheirFields) {
  EXPECT_EQ(bad_fields(R"({"action":"disable","users":"x"})"), Fields{"users"});
  EXPECT_EQ(bad_fields(R"({"action":"disable","users":[]})"), Fields{"users"});
  EXPECT_EQ(bad_fields(R"({"action":"disable","users":)" + users(1001) + "}"), Fields{"users"});
  EXPECT_EQ(bad_fields(R"({"action":"disable","users":["nope"]})"), Fields{"users"});
  EXPECT_EQ(bad_fields(R"({"action":"disable","users":[")" + id(1) + R"(",")" + id(1) + "\"]}"),
            Fields{"users"});
  EXPECT_EQ(bad_fields(R"({"action":"disable","users":[3]})"), Fields{"users"});
  EXPECT_EQ(bad_fields(R"({"action":"promote","users":)" + users(1) + "}"), Fields{"action"});
  EXPECT_EQ(bad_fields(R"({"users":)" + users(1) + "}"), Fields{"action"});
  EXPECT_EQ(bad_fields(R"({"action":"apply_profile","users":)" + users(1) + "}"),
            Fields{"profile_id"});
  EXPECT_EQ(bad_fields(R"({"action":"extend_expiry","users":)" + users(1) + "}"),
            Fields{"extend_days"});
  EXPECT_EQ(bad_fields(R"({"action":"extend_expiry","extend_days":0,"users":)" + users(1) + "}"),
            Fields{"extend_days"});
  EXPECT_EQ(bad_fields(R"({"action":"announce","subject":"s","users":)" + users(1) + "}"),
            Fields{"message"});
  EXPECT_EQ(bad_fields(R"({"action":"announce","subject":"s","message":")" +
                       std::string(10 * 1024 + 1, 'm') + R"(","users":)" + users(1) + "}"),
            Fields{"message"});
  EXPECT_EQ(bad_fields(R"({"action":"disable","extend_days":3,"users":)" + users(1) + "}"),
            Fields{"extend_days"});
  EXPECT_EQ(bad_fields(R"({"action":"disable","colour":"red","users":)" + users(1) + "}"),
            Fields{"colour"});
  auto not_json = parse_bulk_body(post("[1,2"));
  ASSERT_FALSE(not_json.ok());
  EXPECT_EQ(not_json.problem().error.http_status, 400);
}

TEST(BulkOutcomes, CountersFoldEachUsersOutcomeOnce) {
  std::vector<BulkItem> items{{"a", "", "ok", ""},
                              {"b", "", "failed", "no such user"},
                              {"c", "", "skipped", "no confirmed address"},
                              {"d", "", "ok", ""}};
  BulkCounters c = fold_outcomes(5, items);
  EXPECT_EQ(c.ok, 2);
  EXPECT_EQ(c.failed, 1);
  EXPECT_EQ(c.skipped, 1);
  EXPECT_EQ(bulk_state(c), "running");
  EXPECT_EQ(bulk_state(fold_outcomes(5, {})), "queued");
  items.push_back({"e", "", "failed", "last enabled administrator"});
  EXPECT_EQ(bulk_state(fold_outcomes(5, items)), "done");
  auto back = outcome_from_json("b", outcome_json(items[1]));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->outcome, "failed");
  EXPECT_EQ(back->reason, "no such user");
  EXPECT_FALSE(outcome_from_json("b", "nope").has_value());
}

TEST(BulkOutcomes, TheJobAsTheApiShowsIt) {
  BulkJob j;
  j.id = "j1";
  j.spec.action = "disable";
  j.state = "running";
  j.counters = {3, 1, 1, 0};
  j.items = {{id(1), "alice", "ok", ""}, {id(2), "", "failed", "no such user"}};
  auto d = json::parse(bulk_job_json(j, true));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(json::get_string(*d, "state"), "running");
  EXPECT_EQ(json::get_int(*json::member(*d, "counters"), "total"), 3);
  ASSERT_EQ(json::member(*d, "items")->Size(), 2u);
  EXPECT_EQ(json::get_string((*json::member(*d, "items"))[1], "reason"), "no such user");
  auto brief = json::parse(bulk_job_json(j, false));
  EXPECT_EQ(json::member(*brief, "items"), nullptr);
}

}  // namespace
