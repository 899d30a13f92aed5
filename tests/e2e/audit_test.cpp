// End-to-end tests of the audit log's API: the real auth-service against real
// Redis and the Jellyfin stand-in. Creating and deleting a connection shows up
// in GET /api/v1/audit for that user only; verification is for administrators.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/core/json.h"
#include "common/net/http_client.h"
#include "tests/support/answers.h"
#include "tests/support/stack.h"
#include "tests/support/standin.h"

using namespace jb;
using namespace jb::testing;

namespace {

// One signed-in user of the API (bearer token).
struct User {
  HttpClient http;
  std::string base, token, id;

  Result<HttpResponse> call(const std::string& method, const std::string& path,
                            const std::string& body = "") {
    HttpRequest r;
    r.method = method;
    r.url = base + path;
    r.body = body;
    if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
    if (!token.empty()) r.headers.emplace_back("Authorization", "Bearer " + token);
    return http.send(r);
  }
  bool sign_in(const std::string& name, const std::string& pw) {
    json::Writer w;
    w.begin_object().kv("username", name).kv("password", pw).end_object();
    auto r = call("POST", "/api/v1/auth/login", w.str());
    if (!r.ok() || r->status != 200) return false;
    auto d = body_of(r);
    token = json::get_string(*json::member(d, "session"), "token");
    id = json::get_string(*json::member(d, "user"), "id");
    return !token.empty() && !id.empty();
  }
};

struct Event {
  std::string type, user_id, ip, outcome, connection_id;
};

// The events GET /api/v1/audit<query> answers (status in *status).
std::vector<Event> events(User& u, const std::string& query, int* status) {
  auto r = u.call("GET", "/api/v1/audit" + query);
  *status = r.ok() ? r->status : 0;
  std::vector<Event> out;
  auto d = body_of(r);
  const auto* list = json::member(d, "events");
  if (!list || !list->IsArray()) return out;
  for (const auto& e : list->GetArray()) {
    Event x{json::get_string(e, "type"), json::get_string(e, "user_id"), json::get_string(e, "ip"),
            json::get_string(e, "outcome"), ""};
    if (const auto* det = json::member(e, "detail"))
      x.connection_id = json::get_string(*det, "connection_id");
    out.push_back(x);
  }
  return out;
}

std::vector<std::string> types_for(const std::vector<Event>& es, const std::string& conn) {
  std::vector<std::string> out;
  for (const auto& e : es)
    if (e.connection_id == conn) out.push_back(e.type);
  return out;
}

}  // namespace

TEST(AuditApi, ConnectionChangesAreListedForTheirUserOnlyAndAdminsVerifyTheChain) {
  Stack stack;
  Standin home, other;
  ASSERT_TRUE(stack.redis.ok());
  ASSERT_TRUE(home.ok());
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(home.create_user("carol", "carol-password").ok());
  ASSERT_TRUE(stack.start_auth({{"JB_JELLYFIN_URL", home.url()}}));
  User demo, carol, admin;
  for (User* u : {&demo, &carol, &admin}) u->base = stack.api("");
  ASSERT_TRUE(demo.sign_in("demo", "demo-password"));
  ASSERT_TRUE(carol.sign_in("carol", "carol-password"));
  ASSERT_TRUE(admin.sign_in("admin", "admin-password"));

  json::Writer w;
  w.begin_object()
      .kv("method", "password")
      .kv("server_url", other.url())
      .kv("username", "demo")
      .kv("password", "demo-password")
      .end_object();
  auto created = demo.call("POST", "/api/v1/connections", w.str());
  ASSERT_TRUE(created.ok());
  ASSERT_EQ(created->status, 201) << created->body;
  std::string conn = json::get_string(body_of(created), "id");
  ASSERT_FALSE(conn.empty());
  auto deleted = demo.call("DELETE", "/api/v1/connections/" + conn);
  ASSERT_TRUE(deleted.ok());
  ASSERT_EQ(deleted->status, 204) << deleted->body;

  // The user sees both, newest first, about them, from their address.
  int status = 0;
  auto mine = events(demo, "", &status);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(types_for(mine, conn),
            (std::vector<std::string>{"connection.deleted", "connection.created"}));
  for (const auto& e : mine) {
    EXPECT_EQ(e.user_id, demo.id);
    if (e.connection_id == conn) {
      EXPECT_EQ(e.ip, "127.0.0.1");
      EXPECT_EQ(e.outcome, "ok");
    }
  }
  auto filtered = events(demo, "?type=connection.del&count=1", &status);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(types_for(filtered, conn), (std::vector<std::string>{"connection.deleted"}));

  // Another user sees none of it and may not ask for it.
  auto theirs = events(carol, "", &status);
  EXPECT_EQ(status, 200);
  EXPECT_TRUE(types_for(theirs, conn).empty());
  for (const auto& e : theirs) EXPECT_EQ(e.user_id, carol.id);
  auto other_user = carol.call("GET", "/api/v1/audit?user_id=" + demo.id);
  ASSERT_TRUE(other_user.ok());
  EXPECT_EQ(other_user->status, 403);
  EXPECT_EQ(problem_type(other_user), "admin_only");

  // An administrator sees everyone's and may filter by user.
  auto by_admin = events(admin, "?user_id=" + demo.id + "&type=connection.", &status);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(types_for(by_admin, conn),
            (std::vector<std::string>{"connection.deleted", "connection.created"}));
  EXPECT_EQ(types_for(events(admin, "", &status), conn).size(), 2u);

  // Verification: administrators only.
  auto denied = carol.call("GET", "/api/v1/admin/audit/verify");
  ASSERT_TRUE(denied.ok());
  EXPECT_EQ(denied->status, 403);
  EXPECT_EQ(denied->header("Content-Type").rfind("application/problem+json", 0), 0u);
  EXPECT_EQ(problem_type(denied), "admin_only");
  User anonymous;
  anonymous.base = stack.api("");
  auto unauth = anonymous.call("GET", "/api/v1/admin/audit/verify");
  ASSERT_TRUE(unauth.ok());
  EXPECT_EQ(unauth->status, 401);
  auto verified = admin.call("GET", "/api/v1/admin/audit/verify");
  ASSERT_TRUE(verified.ok());
  ASSERT_EQ(verified->status, 200) << verified->body;
  auto v = body_of(verified);
  EXPECT_TRUE(json::get_bool(v, "ok"));
  EXPECT_GE(json::get_int(v, "checked"), 2);
  ASSERT_NE(json::member(v, "first_broken"), nullptr);
  EXPECT_TRUE(json::member(v, "first_broken")->IsNull());
}
