// End-to-end tests of device pairing (issue 12): a TV asks to be paired and
// shows a code; the user — who has an authenticator app (Debian's oathtool),
// so a password sign-in would ask for a second factor — approves it from a
// signed-in session, and the TV's next poll yields a working session of its
// own. Denied and expired requests are told so; another user can neither see
// nor approve a request naming someone else; wrong codes count against the
// edge's limiter; asking is limited per address and per named user; the
// polling id and the code appear neither in Redis nor in the logs. Real
// auth-service binary, real Redis, the Jellyfin stand-in as the home server.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "common/core/json.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "tests/support/answers.h"
#include "tests/support/api_client.h"
#include "tests/support/eventually.h"
#include "tests/support/oathtool.h"
#include "tests/support/redis_dump.h"
#include "tests/support/stack.h"
#include "tests/support/standin.h"

using namespace jb;
using namespace jb::testing;

namespace {

struct Env {
  Stack stack;
  Standin home;

  using Vars = std::map<std::string, std::string>;
  explicit Env(Vars extra = {}) {
    EXPECT_TRUE(stack.redis.ok());
    EXPECT_TRUE(home.ok());
    extra["JB_JELLYFIN_URL"] = home.url();
    EXPECT_TRUE(stack.start_auth(extra));
  }

  // The session token of a one-step sign-in.
  std::string token(const std::string& name, const std::string& password) {
    auto t = session_token(stack.api(""), name, password);
    EXPECT_TRUE(t.ok()) << t.error().message;
    return t.ok() ? *t : "";
  }
};

std::string pair_body(const std::string& device_name, const std::string& username = "") {
  json::Writer w;
  w.begin_object().kv("device_name", device_name);
  if (!username.empty()) w.kv("username", username);
  return w.end_object().str();
}

std::string code_body(const std::string& code) {
  return R"({"code":")" + code + R"("})";
}

// The device's request: its answer's body (201 expected).
json::Document ask(ApiClient& device, const std::string& body) {
  auto r = device.call("POST", "/api/v1/auth/pair", body);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.ok() ? r->status : 0, 201) << (r.ok() ? r->body : "");
  return body_of(r);
}

std::string poll_state(ApiClient& device, const std::string& id) {
  auto r = device.call("GET", "/api/v1/auth/pair/" + id);
  if (!r.ok()) return "no answer";
  if (r->status != 200) return problem_type(r);
  return json::get_string(body_of(r), "state");
}

// The handles of the requests waiting for `who`'s approval.
std::vector<std::string> waiting(ApiClient& who) {
  std::vector<std::string> out;
  auto d = body_of(who.call("GET", "/api/v1/me/security/pairing"));
  if (const auto* list = json::member(d, "pending"))
    for (const auto& p : list->GetArray()) out.push_back(json::get_string(p, "id"));
  return out;
}

}  // namespace

TEST(Pairing, AnApprovedDeviceGetsASessionOfItsOwnWithoutTheSecondFactor) {
  Env e;
  ApiClient demo{e.stack.api(""), e.token("demo", "demo-password")};
  // demo has an authenticator app: a password sign-in now asks for a code.
  const std::string secret =
      json::get_string(body_of(demo.call("POST", "/api/v1/me/security/totp")), "secret");
  const int64_t now = timeutil::now_unix_ms() / 1000;
  const std::string totp = oathtool(secret, now);
  ASSERT_EQ(totp.size(), 6u) << "oathtool did not run (scripts/deps.sh installs it)";
  ASSERT_EQ(demo.call("POST", "/api/v1/me/security/totp/confirm", code_body(totp))->status, 200);
  ApiClient anon{e.stack.api(""), ""};
  auto login =
      body_of(anon.call("POST", "/api/v1/auth/login", login_body("demo", "demo-password")));
  ASSERT_NE(json::member(login, "challenge"), nullptr) << json::stringify(login);

  // The TV asks, naming its user in another case, and shows its code.
  ApiClient tv{e.stack.api(""), "", {{"User-Agent", "LivingRoomTV/2.1"}}};
  auto asked = ask(tv, pair_body("Living-room TV", "DEMO"));
  const std::string id = json::get_string(asked, "id");
  const std::string code = json::get_string(asked, "code");
  ASSERT_EQ(id.size(), 47u) << json::stringify(asked);
  ASSERT_EQ(code.size(), 7u);
  EXPECT_EQ(code[3], '-');
  EXPECT_EQ(json::get_string(asked, "state"), "pending");
  EXPECT_FALSE(json::get_string(asked, "expires_at").empty());
  EXPECT_EQ(poll_state(tv, id), "pending");

  // demo sees it waiting: a handle (not the polling id), the device's name, address and agent.
  auto list = body_of(demo.call("GET", "/api/v1/me/security/pairing"));
  const auto* pending = json::member(list, "pending");
  ASSERT_NE(pending, nullptr);
  ASSERT_EQ(pending->Size(), 1u) << json::stringify(list);
  const auto& item = (*pending)[0];
  const std::string handle = json::get_string(item, "id");
  EXPECT_EQ(handle.size(), 32u);
  EXPECT_NE(handle, id);
  EXPECT_EQ(json::get_string(item, "device_name"), "Living-room TV");
  EXPECT_EQ(json::get_string(item, "user_agent"), "LivingRoomTV/2.1");
  EXPECT_EQ(json::get_string(item, "ip"), "127.0.0.1");

  // Another user neither sees it nor approves it, even with the code.
  ApiClient admin{e.stack.api(""), e.token("admin", "admin-password")};
  EXPECT_TRUE(waiting(admin).empty());
  auto theirs = admin.call("POST", "/api/v1/me/security/pairing/approve", code_body(code));
  EXPECT_EQ(theirs->status, 404) << theirs->body;
  EXPECT_EQ(problem_type(theirs), "pairing_not_found");
  auto deny_theirs = admin.call("POST", "/api/v1/me/security/pairing/" + handle + "/deny");
  EXPECT_EQ(deny_theirs->status, 404);
  EXPECT_EQ(poll_state(tv, id), "pending");

  // demo types the code as it reads it off the screen (case and spaces do not matter).
  auto approved = demo.call("POST", "/api/v1/me/security/pairing/approve",
                            code_body(" " + text::to_lower(code) + " "));
  ASSERT_EQ(approved->status, 200) << approved->body;
  EXPECT_EQ(json::get_string(body_of(approved), "device_name"), "Living-room TV");
  EXPECT_EQ(json::get_string(body_of(approved), "id"), handle);
  EXPECT_TRUE(waiting(demo).empty());
  EXPECT_EQ(demo.call("POST", "/api/v1/me/security/pairing/approve", code_body(code))->status, 404)
      << "approved once";
  EXPECT_EQ(demo.call("POST", "/api/v1/me/security/pairing/" + handle + "/deny")->status, 404)
      << "an approved request cannot be denied";

  // The TV's next poll yields its session (once), with no second factor asked.
  auto done = tv.call("GET", "/api/v1/auth/pair/" + id);
  ASSERT_EQ(done->status, 200) << done->body;
  auto got = body_of(done);
  EXPECT_EQ(json::get_string(got, "state"), "approved");
  EXPECT_EQ(json::get_string(*json::member(got, "user"), "name"), "demo");
  const auto* session = json::member(got, "session");
  ASSERT_NE(session, nullptr) << done->body;
  EXPECT_FALSE(json::get_string(*session, "csrf_token").empty());
  EXPECT_FALSE(done->header("Set-Cookie").empty());
  tv.token = json::get_string(*session, "token");
  auto me = tv.call("GET", "/api/v1/me");
  ASSERT_EQ(me->status, 200) << me->body;
  EXPECT_EQ(json::get_string(*json::member(body_of(me), "user"), "name"), "demo");
  auto again = ApiClient{e.stack.api(""), ""}.call("GET", "/api/v1/auth/pair/" + id);
  EXPECT_EQ(again->status, 404);
  EXPECT_EQ(problem_type(again), "pairing_not_found");
  // The TV's session is demo's, listed with the TV's agent.
  auto sessions = demo.call("GET", "/api/v1/sessions");
  EXPECT_NE(sessions->body.find("LivingRoomTV/2.1"), std::string::npos) << sessions->body;

  // Audited under the handle: the approval, the admin's failed try, the TV's sign-in.
  auto audit = demo.call("GET", "/api/v1/audit?type=security.pairing");
  EXPECT_NE(audit->body.find(R"("outcome":"ok")"), std::string::npos) << audit->body;
  EXPECT_NE(audit->body.find(handle), std::string::npos) << audit->body;
  auto signin = demo.call("GET", "/api/v1/audit?type=signin.success");
  EXPECT_NE(signin->body.find(R"("method":"pairing")"), std::string::npos) << signin->body;
  auto failed = admin.call("GET", "/api/v1/audit?type=security.pairing_approved&outcome=fail");
  EXPECT_NE(failed->body.find("wrong_code"), std::string::npos) << failed->body;

  // The polling id and the code are nowhere in Redis or the logs.
  RedisConnection redis(*parse_redis_url(e.stack.redis.url()));
  auto dump = redis_dump(redis);
  ASSERT_TRUE(dump.ok());
  EXPECT_NE(dump->find("security.pairing_approved"), std::string::npos) << "the dump covers audit";
  const std::string symbols = code.substr(0, 3) + code.substr(4);
  for (const std::string& secret_text : {id, id.substr(4), code, symbols}) {
    EXPECT_EQ(dump->find(secret_text), std::string::npos) << secret_text;
    for (const auto& line : e.stack.all_logs())
      EXPECT_EQ(line.find(secret_text), std::string::npos) << line;
  }
}

TEST(Pairing, ADeniedDeviceIsToldSo) {
  Env e;
  ApiClient demo{e.stack.api(""), e.token("demo", "demo-password")};
  ApiClient tv{e.stack.api(""), "", {{"User-Agent", "BedroomTV/1.0"}}};
  auto asked = ask(tv, pair_body("Bedroom TV", "demo"));
  const std::string id = json::get_string(asked, "id");
  auto handles = waiting(demo);
  ASSERT_EQ(handles.size(), 1u);
  auto denied = demo.call("POST", "/api/v1/me/security/pairing/" + handles[0] + "/deny");
  EXPECT_EQ(denied->status, 204) << denied->body;
  EXPECT_EQ(poll_state(tv, id), "denied");
  EXPECT_EQ(poll_state(tv, id), "denied") << "as often as it asks";
  EXPECT_TRUE(waiting(demo).empty());
  auto late = demo.call("POST", "/api/v1/me/security/pairing/approve",
                        code_body(json::get_string(asked, "code")));
  EXPECT_EQ(late->status, 404) << late->body;
  EXPECT_EQ(demo.call("POST", "/api/v1/me/security/pairing/" + handles[0] + "/deny")->status, 404);
  auto audit = demo.call("GET", "/api/v1/audit?type=security.pairing_denied");
  EXPECT_NE(audit->body.find(handles[0]), std::string::npos) << audit->body;
}

TEST(Pairing, AnUnansweredRequestExpires) {
  Env e(Env::Vars{{"JB_PAIRING_TTL_S", "1"}});
  ApiClient demo{e.stack.api(""), e.token("demo", "demo-password")};
  ApiClient tv{e.stack.api(""), "", {{"User-Agent", "KitchenTV/1.0"}}};
  auto asked = ask(tv, pair_body("Kitchen TV", "demo"));
  const std::string id = json::get_string(asked, "id");
  // The bounded wait is for the request's one second to pass on Redis's clock.
  EXPECT_TRUE(eventually([&] { return poll_state(tv, id) == "expired"; }, 20000, 100));
  EXPECT_TRUE(waiting(demo).empty());
  auto late = demo.call("POST", "/api/v1/me/security/pairing/approve",
                        code_body(json::get_string(asked, "code")));
  EXPECT_EQ(late->status, 404) << late->body;
  EXPECT_EQ(poll_state(tv, id), "expired");
}

// Every typed code passes the edge's limiter per user: wrong codes use it up,
// then even the right code is refused with 429.
TEST(Pairing, WrongCodesCountAgainstTheLimiter) {
  Env e(Env::Vars{{"JB_PAIRING_USER_BURST", "3"}, {"JB_PAIRING_USER_PERIOD_S", "3600"}});
  ApiClient demo{e.stack.api(""), e.token("demo", "demo-password")};
  ApiClient tv{e.stack.api(""), "", {{"User-Agent", "TV/1.0"}}};
  auto asked = ask(tv, pair_body("TV", "demo"));
  const std::string code = json::get_string(asked, "code");
  const std::string wrong = code == "ZZZ-ZZZ" ? "YYY-YYY" : "ZZZ-ZZZ";
  for (const std::string& w : {wrong, std::string("not-a-code"), wrong}) {
    auto r = demo.call("POST", "/api/v1/me/security/pairing/approve", code_body(w));
    EXPECT_EQ(r->status, 404) << r->body;
  }
  auto limited = demo.call("POST", "/api/v1/me/security/pairing/approve", code_body(code));
  EXPECT_EQ(limited->status, 429) << limited->body;
  EXPECT_EQ(problem_type(limited), "rate_limited");
  EXPECT_FALSE(limited->header("Retry-After").empty());
  EXPECT_EQ(poll_state(tv, json::get_string(asked, "id")), "pending");
  // The limit is the user's: another user's codes still go through.
  ApiClient admin{e.stack.api(""), e.token("admin", "admin-password")};
  EXPECT_EQ(admin.call("POST", "/api/v1/me/security/pairing/approve", code_body(wrong))->status,
            404);
}

// Asking is limited per address, and at most 5 requests wait for one user name.
TEST(Pairing, AskingIsLimitedPerAddressAndPerNamedUser) {
  Env e(Env::Vars{{"JB_PAIRING_IP_BURST", "7"}, {"JB_PAIRING_IP_PERIOD_S", "3600"}});
  ApiClient tv{e.stack.api(""), "", {{"User-Agent", "TV/1.0"}}};
  auto bad = tv.call("POST", "/api/v1/auth/pair", pair_body("TV\nwith a new line"));
  EXPECT_EQ(bad->status, 400) << bad->body;
  EXPECT_EQ(problem_type(bad), "invalid_request");
  for (int i = 0; i < 5; ++i) ask(tv, pair_body("TV " + std::to_string(i), "demo"));
  auto sixth = tv.call("POST", "/api/v1/auth/pair", pair_body("TV 5", "Demo"));
  EXPECT_EQ(sixth->status, 429) << sixth->body;
  EXPECT_EQ(problem_type(sixth), "too_many_pairing_requests");
  EXPECT_FALSE(sixth->header("Retry-After").empty());
  ApiClient demo{e.stack.api(""), e.token("demo", "demo-password")};
  EXPECT_EQ(waiting(demo).size(), 5u);
  ask(tv, pair_body("Guest TV"));  // no name: not capped by anyone's list
  auto past_burst = tv.call("POST", "/api/v1/auth/pair", pair_body("One more TV"));
  EXPECT_EQ(past_burst->status, 429) << past_burst->body;
  EXPECT_EQ(problem_type(past_burst), "rate_limited");
}
