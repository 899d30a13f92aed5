// End-to-end tests of issue 14's "my account" parts and their admin
// neighbours, with the real auth-service binary, real Redis and the Jellyfin
// stand-in as the home server:
//   - a user's own Telegram/Matrix contacts: set pending, the 6-digit code sent
//     as a "contact_code" msg.send work item (read from the urgent lane: the
//     delivery is the message worker's), confirmed once into jb:contacts:<uid>,
//     wrong codes limited, expiry after 30 minutes, removal; precise 400s;
//   - JB_ADMIN_USERS / JB_ADMIN_EXCLUDE widen and narrow the suite admins;
//   - an admin sends an invite by email: an "invite" message with its link;
//   - sign-up address confirmations are limited per (invite, address), not
//     per invite, so a group sharing one invite is not held up;
//   - a profile captures the template user's display preferences when asked
//     and a sign-up applies them at the stand-in.
#include <gtest/gtest.h>

#include <map>
#include <regex>

#include "common/core/json.h"
#include "common/notify/message.h"
#include "common/redis/client.h"
#include "tests/support/answers.h"
#include "tests/support/api_client.h"
#include "tests/support/eventually.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/stack.h"
#include "tests/support/standin.h"

using namespace jb;
using namespace jb::testing;

namespace {

struct Env {
  Stack stack;
  Standin home;
  std::unique_ptr<RedisConnection> redis;

  using Vars = std::map<std::string, std::string>;
  explicit Env(Vars vars = {}) {
    EXPECT_TRUE(stack.redis.ok());
    EXPECT_TRUE(home.ok());
    vars["JB_JELLYFIN_URL"] = home.url();
    vars.emplace("JB_TEST_CLOCK", "true");
    EXPECT_TRUE(stack.start_auth(vars));
    redis = std::make_unique<RedisConnection>(*parse_redis_url(stack.redis.url()));
  }

  std::unique_ptr<ApiClient> signed_in(const std::string& user, const std::string& password) {
    auto t = session_token(stack.api(""), user, password);
    EXPECT_TRUE(t.ok()) << user;
    return std::make_unique<ApiClient>(stack.api(""), t.ok() ? *t : "");
  }

  std::string user_id(const std::string& name) {
    auto jf_admin = home.login("admin", "admin-password", "setup");
    auto users = json::parse(home.api("GET", "/Users", *jf_admin, "", "setup")->body);
    for (const auto& u : users->GetArray())
      if (json::get_string(u, "Name") == name) return json::get_string(u, "Id");
    return "";
  }

  // The messages enqueued so far (msg.send items on the urgent lane), in order.
  std::vector<msg::Message> messages() {
    std::vector<msg::Message> out;
    auto r = redis->command({"XRANGE", "jb:work:urgent", "-", "+"});
    if (!r.ok()) return out;
    for (const auto& entry : r->elements) {
      if (entry.elements.size() != 2) continue;
      auto fields = entry.elements[1].as_map();
      if (fields["type"] != "msg.send") continue;
      auto m = msg::message_from_json(fields["message"]);
      if (m.ok()) out.push_back(*m);
    }
    return out;
  }
  static std::string var(const msg::Message& m, const std::string& name) {
    for (const auto& [k, v] : m.vars)
      if (k == name) return v;
    return "";
  }
  // The code in the last confirmation message sent to `to`.
  std::string code_sent_to(const std::string& to) {
    std::string code;
    for (const auto& m : messages())
      if (m.kind == "contact_code" && m.to == to) code = var(m, "code");
    return code;
  }
  std::string hget(const std::string& key, const std::string& field) {
    auto r = redis->command({"HGET", key, field});
    return r.ok() ? r->as_string() : "<error>";
  }
};

std::string bad_param(const Result<HttpResponse>& r) {
  auto d = body_of(r);
  const auto* p = json::member(d, "invalid_params");
  if (!p || !p->IsArray() || p->Empty()) return "";
  return json::get_string((*p)[0], "name");
}

TEST(Contacts, ATelegramChatIsConfirmedOnceByTheCodeItWasSent) {
  Env e;
  auto demo = e.signed_in("demo", "demo-password");
  const std::string uid = e.user_id("demo");
  auto none = body_of(demo->call("GET", "/api/v1/me/contacts"));
  EXPECT_TRUE(json::member(none, "email")->IsNull());
  EXPECT_TRUE(json::member(none, "telegram")->IsNull());
  EXPECT_TRUE(json::member(none, "matrix")->IsNull());

  // Precise 400s (and 404 for no such kind).
  for (const char* bad : {R"({"chat_id":"12ab"})", R"({"chat_id":"@someone"})", R"({"chat_id":""})",
                          R"({})", R"({"chat_id":"1","x":1})"}) {
    auto r = demo->call("PUT", "/api/v1/me/contacts/telegram", bad);
    EXPECT_EQ(r->status, 400) << bad << " → " << r->body;
    EXPECT_EQ(problem_type(r), "invalid_request") << bad;
  }
  auto alias =
      demo->call("PUT", "/api/v1/me/contacts/matrix", R"({"room_id":"#films:example.org"})");
  EXPECT_EQ(alias->status, 400);
  EXPECT_EQ(bad_param(alias), "room_id");
  EXPECT_NE(alias->body.find("alias"), std::string::npos) << alias->body;
  auto email = demo->call("PUT", "/api/v1/me/contacts/email", R"({"address":"d@example.org"})");
  EXPECT_EQ(email->status, 400);
  EXPECT_NE(email->body.find("/api/v1/me/security/email"), std::string::npos);
  EXPECT_EQ(demo->call("PUT", "/api/v1/me/contacts/pigeon", R"({"id":"1"})")->status, 404);
  EXPECT_TRUE(e.messages().empty()) << "nothing sent for refused requests";

  // Set: pending, a code sent over that channel, nothing confirmed yet.
  auto set = demo->call("PUT", "/api/v1/me/contacts/telegram", R"({"chat_id":-1001234567890})");
  ASSERT_EQ(set->status, 202) << set->body;
  const std::string code = e.code_sent_to("telegram:-1001234567890");
  ASSERT_EQ(code.size(), 6u);
  auto sent = e.messages();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].user_id, uid);
  EXPECT_EQ(Env::var(sent[0], "channel"), "telegram");
  EXPECT_FALSE(Env::var(sent[0], "expires_at").empty());
  EXPECT_EQ(e.hget("jb:contacts:" + uid, "telegram"), "") << "only confirmed ids are kept there";
  auto pending = body_of(demo->call("GET", "/api/v1/me/contacts"));
  EXPECT_EQ(json::get_string(*json::member(pending, "telegram"), "chat_id"), "-1001234567890");
  EXPECT_FALSE(json::get_bool(*json::member(pending, "telegram"), "confirmed"));

  // A wrong code counts; the right one confirms once.
  const std::string wrong = code == "000000" ? "000001" : "000000";
  auto no =
      demo->call("POST", "/api/v1/me/contacts/telegram/confirm", R"({"code":")" + wrong + "\"}");
  EXPECT_EQ(no->status, 400);
  EXPECT_EQ(problem_type(no), "contact_code_invalid");
  EXPECT_EQ(problem_type(
                demo->call("POST", "/api/v1/me/contacts/telegram/confirm", R"({"code":"12345"})")),
            "invalid_request");
  auto yes =
      demo->call("POST", "/api/v1/me/contacts/telegram/confirm", R"({"code":")" + code + "\"}");
  ASSERT_EQ(yes->status, 200) << yes->body;
  EXPECT_EQ(e.hget("jb:contacts:" + uid, "telegram"), "-1001234567890");
  auto again =
      demo->call("POST", "/api/v1/me/contacts/telegram/confirm", R"({"code":")" + code + "\"}");
  EXPECT_EQ(again->status, 409);
  EXPECT_EQ(problem_type(again), "contact_not_pending") << "single use";
  auto shown = body_of(demo->call("GET", "/api/v1/me/contacts"));
  EXPECT_TRUE(json::get_bool(*json::member(shown, "telegram"), "confirmed"));

  // Another user's code does not confirm this user's contact.
  auto admin = e.signed_in("admin", "admin-password");
  ASSERT_EQ(admin->call("PUT", "/api/v1/me/contacts/telegram", R"({"chat_id":"42"})")->status, 202);
  EXPECT_EQ(demo->call("POST", "/api/v1/me/contacts/telegram/confirm",
                       R"({"code":")" + e.code_sent_to("telegram:42") + "\"}")
                ->status,
            409);

  // Removed: gone from where the message worker reads.
  EXPECT_EQ(demo->call("DELETE", "/api/v1/me/contacts/telegram")->status, 204);
  EXPECT_EQ(e.hget("jb:contacts:" + uid, "telegram"), "");
  EXPECT_TRUE(
      json::member(body_of(demo->call("GET", "/api/v1/me/contacts")), "telegram")->IsNull());

  // Audited, never with the code.
  auto audit = admin->call("GET", "/api/v1/audit?count=1000&type=me.contact_confirmed");
  auto events = body_of(audit);
  // wrong, ok, used up, and the other user's code
  EXPECT_EQ(json::member(events, "events")->Size(), 4u) << audit->body;
  EXPECT_EQ(audit->body.find(code), std::string::npos);
}

TEST(Contacts, MatrixCodesExpireAndTakeFiveWrongTries) {
  Env e;
  auto demo = e.signed_in("demo", "demo-password");
  const std::string uid = e.user_id("demo");
  const std::string room = "!AbCdEf:matrix.example.org";
  ASSERT_EQ(
      demo->call("PUT", "/api/v1/me/contacts/matrix", R"({"room_id":")" + room + "\"}")->status,
      202);
  std::string code = e.code_sent_to("matrix:" + room);
  const std::string wrong = code == "000000" ? "000001" : "000000";
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(problem_type(demo->call("POST", "/api/v1/me/contacts/matrix/confirm",
                                      R"({"code":")" + wrong + "\"}")),
              "contact_code_invalid");
  auto fifth =
      demo->call("POST", "/api/v1/me/contacts/matrix/confirm", R"({"code":")" + wrong + "\"}");
  EXPECT_EQ(fifth->status, 410);
  EXPECT_EQ(problem_type(fifth), "contact_code_expired");
  EXPECT_EQ(problem_type(demo->call("POST", "/api/v1/me/contacts/matrix/confirm",
                                    R"({"code":")" + code + "\"}")),
            "contact_not_pending")
      << "the right code no longer works after five wrong ones";

  // A new code, then 30 minutes pass (the test clock).
  ASSERT_EQ(
      demo->call("PUT", "/api/v1/me/contacts/matrix", R"({"room_id":")" + room + "\"}")->status,
      202);
  code = e.code_sent_to("matrix:" + room);
  ASSERT_TRUE(
      e.redis->command({"SET", "jb:test:clock_offset_ms", std::to_string(30 * 60000 + 1000)}).ok());
  EXPECT_TRUE(json::member(body_of(demo->call("GET", "/api/v1/me/contacts")), "matrix")->IsNull())
      << "an expired pending id is not shown";
  auto late =
      demo->call("POST", "/api/v1/me/contacts/matrix/confirm", R"({"code":")" + code + "\"}");
  EXPECT_EQ(late->status, 410);
  EXPECT_EQ(problem_type(late), "contact_code_expired");
  EXPECT_EQ(e.hget("jb:contacts:" + uid, "matrix"), "");
}

TEST(AdminSet, JbAdminUsersWidensAndJbAdminExcludeNarrowsTheSuiteAdmins) {
  Env e(Env::Vars{{"JB_ADMIN_USERS", "Demo"}, {"JB_ADMIN_EXCLUDE", "admin"}});
  auto demo = e.signed_in("demo", "demo-password");
  auto admin = e.signed_in("admin", "admin-password");
  auto as_demo = demo->call("GET", "/api/v1/admin/invites");
  EXPECT_EQ(as_demo->status, 200) << "demo is a suite admin through JB_ADMIN_USERS: "
                                  << as_demo->body;
  auto demo_me = body_of(demo->call("GET", "/api/v1/me"));
  EXPECT_TRUE(json::get_bool(*json::member(demo_me, "user"), "is_admin"));
  auto as_admin = admin->call("GET", "/api/v1/admin/invites");
  EXPECT_EQ(as_admin->status, 403) << "a Jellyfin admin excluded by JB_ADMIN_EXCLUDE";
  EXPECT_EQ(problem_type(as_admin), "admin_only");
  auto admin_me = body_of(admin->call("GET", "/api/v1/me"));
  EXPECT_FALSE(json::get_bool(*json::member(admin_me, "user"), "is_admin"));
}

TEST(InviteSend, AnAdminSendsAnInviteByEmailAsAnInviteMessage) {
  Env e(Env::Vars{{"JB_PUBLIC_URL", "https://media.example.org"}});
  auto admin = e.signed_in("admin", "admin-password");
  auto made = admin->call("POST", "/api/v1/admin/invites",
                          R"({"label":"Film club","max_uses":5,"human_check":false})");
  ASSERT_EQ(made->status, 201) << made->body;
  const std::string id = json::get_string(body_of(made), "id");
  const std::string code = json::get_string(body_of(made), "code");
  const std::string path = "/api/v1/admin/invites/" + id + "/send";

  EXPECT_EQ(problem_type(admin->call("POST", path, R"({"email":"not an address"})")),
            "invalid_request");
  EXPECT_EQ(admin
                ->call("POST", "/api/v1/admin/invites/0123456789abcdef/send",
                       R"({"email":"a@example.org"})")
                ->status,
            404);
  auto demo = e.signed_in("demo", "demo-password");
  EXPECT_EQ(demo->call("POST", path, R"({"email":"a@example.org"})")->status, 403);
  EXPECT_TRUE(e.messages().empty());

  auto sent = admin->call("POST", path, R"({"email":"friend@example.org"})");
  ASSERT_EQ(sent->status, 202) << sent->body;
  auto all = e.messages();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].kind, "invite");
  EXPECT_EQ(all[0].to, "mailto:friend@example.org");
  EXPECT_EQ(Env::var(all[0], "link"), "https://media.example.org/#/signup/" + code);
  EXPECT_EQ(Env::var(all[0], "invite_label"), "Film club");
  EXPECT_EQ(Env::var(all[0], "expires_at"), "");
  // Or to a Telegram chat or a Matrix room; exactly one place, and a valid one.
  EXPECT_EQ(
      problem_type(admin->call("POST", path, R"({"email":"a@example.org","telegram":"12345"})")),
      "invalid_request");
  EXPECT_EQ(problem_type(admin->call("POST", path, R"({"matrix":"#alias:example.org"})")),
            "invalid_request");
  EXPECT_EQ(problem_type(admin->call("POST", path, R"({})")), "invalid_request");
  ASSERT_EQ(admin->call("POST", path, R"({"telegram":-100123})")->status, 202);
  ASSERT_EQ(admin->call("POST", path, R"({"matrix":"!room:example.org"})")->status, 202);
  all = e.messages();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1].to, "telegram:-100123");
  EXPECT_EQ(all[2].to, "matrix:!room:example.org");
  EXPECT_EQ(Env::var(all[2], "link"), "https://media.example.org/#/signup/" + code);
  auto audit = body_of(admin->call("GET", "/api/v1/audit?count=100&type=admin.invite.sent"));
  EXPECT_EQ(json::member(audit, "events")->Size(), 3u);
}

TEST(SignUpContact, ConfirmationsAreLimitedPerInviteAndAddressNotPerInvite) {
  SmtpSink smtp;
  ASSERT_GT(smtp.port(), 0);
  Env e(Env::Vars{{"JB_PUBLIC_URL", "https://media.example.org"},
                  {"JB_SMTP_URL", smtp.url()},
                  {"JB_SMTP_FROM", "Jellybridge <jb@jellybridge.test>"},
                  {"JB_SMTP_STARTTLS", "off"},
                  {"JB_SIGNUP_CONTACT_INVITE_BURST", "8"}});
  auto admin = e.signed_in("admin", "admin-password");
  auto made = admin->call("POST", "/api/v1/admin/invites",
                          R"({"max_uses":null,"human_check":false,"require_email":true})");
  ASSERT_EQ(made->status, 201) << made->body;
  const std::string code = json::get_string(body_of(made), "code");
  ApiClient anon(e.stack.api(""), "");
  auto confirm = [&](const std::string& email) {
    return anon.call("POST", "/api/v1/signup/contact",
                     R"({"code":")" + code + R"(","email":")" + email + "\"}");
  };
  // Five people of a group: more than the per-address burst (3), all served.
  for (int i = 1; i <= 5; ++i)
    EXPECT_EQ(confirm("member" + std::to_string(i) + "@example.org")->status, 202) << i;
  // One address asking again and again is limited (the per-(invite, address)
  // bucket, JB_EMAIL_CODE_USER_BURST = 3; the address compares ignoring case).
  EXPECT_EQ(confirm("member1@example.org")->status, 202);
  EXPECT_EQ(confirm("member1@example.org")->status, 202);
  auto fourth = confirm("Member1@example.org");
  EXPECT_EQ(fourth->status, 429);
  EXPECT_EQ(problem_type(fourth), "rate_limited");
  // The invite's own ceiling (JB_SIGNUP_CONTACT_INVITE_BURST = 8): 7 taken so far.
  EXPECT_EQ(confirm("member9@example.org")->status, 202);
  auto over = confirm("member10@example.org");
  EXPECT_EQ(over->status, 429);
  EXPECT_EQ(problem_type(over), "rate_limited");
  EXPECT_EQ(smtp.count(), 8u);
}

TEST(ProfileDisplayPreferences, CapturedFromTheTemplateUserAndAppliedAtSignUp) {
  Env e(Env::Vars{{"JB_SIGNUP_IP_BURST", "1000"}});
  auto admin = e.signed_in("admin", "admin-password");
  // The admin's home connection (a Jellyfin administrator's token) does the account work.
  auto conns = body_of(admin->call("GET", "/api/v1/connections"));
  const std::string home_conn = json::get_string((*json::member(conns, "connections"))[0], "id");
  ASSERT_EQ(
      admin->call("PUT", "/api/v1/admin/connection", R"({"connection_id":")" + home_conn + "\"}")
          ->status,
      200);
  // The template user's web settings, as jellyfin-web saves them.
  const std::string demo_id = e.user_id("demo");
  auto demo_jf = e.home.login("demo", "demo-password", "web");
  ASSERT_TRUE(demo_jf.ok());
  const std::string prefs_path = "/DisplayPreferences/usersettings?client=emby&userId=";
  auto saved =
      e.home.api("POST", prefs_path + demo_id, *demo_jf,
                 R"({"Id":"usersettings","SortBy":"SortName","Client":"emby",)"
                 R"("CustomPrefs":{"homesection0":"latestmedia","chromecastVersion":"stable"}})",
                 "web");
  ASSERT_EQ(saved->status, 204) << saved->body;

  auto made = admin->call(
      "POST", "/api/v1/admin/profiles",
      R"({"name":"Styled","template_user_id":")" + demo_id + R"(","display_preferences":true})");
  ASSERT_EQ(made->status, 201) << made->body;
  auto profile = body_of(made);
  EXPECT_TRUE(json::get_bool(profile, "has_display_preferences"));
  EXPECT_TRUE(json::get_bool(*json::member(profile, "summary"), "display_preferences"));
  auto plain = admin->call("POST", "/api/v1/admin/profiles",
                           R"({"name":"Plain","template_user_id":")" + demo_id + "\"}");
  EXPECT_FALSE(json::get_bool(body_of(plain), "has_display_preferences")) << "only when asked";

  auto inv = admin->call(
      "POST", "/api/v1/admin/invites",
      R"({"human_check":false,"profile_id":")" + json::get_string(profile, "id") + "\"}");
  ASSERT_EQ(inv->status, 201) << inv->body;
  ApiClient anon(e.stack.api(""), "");
  auto up = anon.call("POST", "/api/v1/signup",
                      R"({"code":")" + json::get_string(body_of(inv), "code") +
                          R"(","user_name":"styled","password":"a long enough passphrase"})");
  ASSERT_EQ(up->status, 201) << up->body;
  const std::string uid = json::get_string(*json::member(body_of(up), "user"), "id");

  auto jf_admin = e.home.login("admin", "admin-password", "check");
  auto applied = e.home.api("GET", prefs_path + uid, *jf_admin, "", "check");
  ASSERT_EQ(applied->status, 200) << applied->body;
  auto d = json::parse(applied->body);
  ASSERT_TRUE(d.ok());
  const auto* custom = json::member(*d, "CustomPrefs");
  ASSERT_TRUE(custom && custom->IsObject()) << applied->body;
  EXPECT_EQ(json::get_string(*custom, "homesection0"), "latestmedia");
  EXPECT_EQ(json::get_string(*custom, "chromecastVersion"), "stable");
}

}  // namespace
