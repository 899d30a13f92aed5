// The request examples of auth-service/openapi.json (which the README's API
// overview links to) are sent to the real API, after swapping their sample
// ids and addresses for real ones: every one of them is accepted. A newcomer
// who copies an example gets a working request, not a 400.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/core/text.h"
#include "tests/e2e/sync_env.h"
#include "tests/support/answers.h"
#include "tests/support/api_client.h"
#include "tests/support/process.h"

using namespace jb;
using namespace jb::testing;

namespace {

// The sample values the examples use (documented in the OpenAPI document).
const char* kSampleServer = "http://192.168.1.20:8096";
const char* kSampleSource = "c0ffee00c0ffee00c0ffee00c0ffee00";
const char* kSampleTarget = "c0ffee11c0ffee11c0ffee11c0ffee11";
const char* kSampleUser = "a11ce000a11ce000a11ce000a11ce000";
const char* kSampleLibrary =
    "11b0000011b0000011b00000"  // split to stay readable
    "11b00000";
const char* kSampleApiKey = "0123456789abcdef0123456789abcdef";
// The code a device shows when it asks to be paired: the approval example gets
// the code of the request the pairing example made (they run in document order).
const char* kSamplePairingCode = "K7Q-M4T";
// The Quick Connect code a device shows: a device initiates Quick Connect at
// server A first, and the authorisation example gets its code.
const char* kSampleDeviceCode = "482916";
// An invite's code: the sign-up example gets the code of the invite the admin
// example made (document order). Admin routes (/api/v1/admin/...) are sent as
// server A's administrator, whose home connection stands for the sample
// connection and A's demo user for the sample user (the profile's template).
const char* kSampleInviteCode = "Zm9yLXRoZS1leGFtcGxl01";

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
    s.replace(p, from.size(), to);
  return s;
}

// Examples that need a mail server (this stack has none; e2e_email_notifications_test
// has one): understood — answered with the problem about the missing mail
// server, never invalid_request. Keyed by "METHOD path example-name".
const std::map<std::string, std::string> kNeedsMail{
    {"POST /api/v1/me/security/channels email", "email_not_available"},
    {"POST /api/v1/signup/contact address", "email_not_available"},
    // An invite's email carries its link, which starts with JB_PUBLIC_URL (none here).
    {"POST /api/v1/admin/invites/{id}/send email", "invite_link_unavailable"},
};

// Passkey routes need JB_PUBLIC_URL (their relying party; this stack has none,
// e2e_passkeys_test sets one and drives them with a software authenticator):
// understood — the body is valid, then the answer is passkeys_not_available.
const std::set<std::string> kNeedsPublicUrl{
    "POST /api/v1/me/security/passkeys/options", "POST /api/v1/me/security/passkeys",
    "PATCH /api/v1/me/security/passkeys/{id}", "POST /api/v1/auth/passkey"};

struct Example {
  std::string method, path, name, body;
};

// Routes whose examples carry a one-time second-factor code: a documented code
// cannot be valid when the test runs (a TOTP code lives 30 seconds and works
// once, a recovery code is random), so for them the example must be understood
// — answered with the problem about the code itself, never invalid_request —
// and e2e_second_factor_test drives them with real codes.
const std::map<std::string, std::set<std::string>> kOneTimeCode{
    {"DELETE /api/v1/me/security/totp", {"totp_not_enabled", "wrong_code"}},
    {"POST /api/v1/me/security/totp/confirm", {"no_enrolment", "wrong_code"}},
    {"POST /api/v1/me/security/recovery-codes", {"totp_not_enabled", "wrong_code"}},
    {"POST /api/v1/auth/challenge/{id}", {"challenge_not_found", "second_factor_failed"}},
    // Email needs an SMTP server (none here; e2e_email_code_test has one) and a
    // confirmation token comes from an email.
    {"PUT /api/v1/me/security/email", {"email_not_available"}},
    {"POST /api/v1/me/security/email/confirm", {"email_not_available", "email_token_invalid"}},
    // A contact's code comes in the confirmation message (e2e_contacts_test reads it).
    {"POST /api/v1/me/contacts/{kind}/confirm", {"contact_code_invalid"}}};

std::vector<Example> write_examples() {
  std::ifstream f(source_dir() + "/auth-service/openapi.json");
  std::stringstream ss;
  ss << f.rdbuf();
  auto doc = json::parse(ss.str());
  std::vector<Example> out;
  if (!doc.ok()) return out;
  for (auto p = (*doc)["paths"].MemberBegin(); p != (*doc)["paths"].MemberEnd(); ++p)
    for (auto m = p->value.MemberBegin(); m != p->value.MemberEnd(); ++m) {
      const auto* rb = json::member(m->value, "requestBody");
      const auto* content = rb ? json::member(*rb, "content") : nullptr;
      const auto* media = content ? json::member(*content, "application/json") : nullptr;
      const auto* examples = media ? json::member(*media, "examples") : nullptr;
      std::string method = m->name.GetString();
      for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (!examples) {
        if (rb)
          out.push_back(
              {method, p->name.GetString(), "", ""});  // a body without an example: reported
        continue;
      }
      for (auto e = examples->MemberBegin(); e != examples->MemberEnd(); ++e)
        out.push_back(
            {method, p->name.GetString(), e->name.GetString(), json::stringify(e->value["value"])});
    }
  return out;
}

}  // namespace

TEST(ApiExamples, EveryWriteRouteHasAnExampleAndEachIsAccepted) {
  const char* opts = "movies=20,series=2,seasons=1,episodes=3,differ=0";
  SyncEnv e({"--demo", "--generate", std::string(opts) + ",variant=a"},
            {"--demo", "--generate", std::string(opts) + ",variant=b"}, 1);
  ASSERT_TRUE(e.ok());
  // Real values for the samples: an API key and the demo user's id on server B, a library of A.
  auto admin = e.b.login("admin", "admin-password", "examples");
  ASSERT_TRUE(admin.ok());
  ASSERT_TRUE(e.b.api("POST", "/Auth/Keys?app=examples", *admin, "", "examples").ok());
  auto keys_answer = e.b.api("GET", "/Auth/Keys", *admin, "", "examples");
  ASSERT_TRUE(keys_answer.ok());
  auto keys = json::parse(keys_answer->body);
  ASSERT_TRUE(keys.ok()) << keys_answer->body;
  std::string api_key = json::get_string((*json::member(*keys, "Items"))[0], "AccessToken");
  auto users_answer = e.b.api("GET", "/Users", *admin, "", "examples");
  ASSERT_TRUE(users_answer.ok());
  auto users = json::parse(users_answer->body);
  ASSERT_TRUE(users.ok()) << users_answer->body;
  std::string demo_id;
  for (const auto& u : users->GetArray())
    if (json::get_string(u, "Name") == "demo") demo_id = json::get_string(u, "Id");
  auto libs = e.json_of(e.call("GET", "/api/v1/connections/" + e.conn_a + "/libraries"));
  std::string library = json::get_string((*json::member(libs, "libraries"))[0], "id");
  ASSERT_FALSE(api_key.empty() || demo_id.empty() || library.empty());

  // A device waiting for its Quick Connect code to be authorised at server A.
  auto device = e.a.api("POST", "/QuickConnect/Initiate", "", "", "examples-tv");
  ASSERT_TRUE(device.ok());
  ASSERT_EQ(device->status, 200) << device->body;
  const std::string device_code = json::get_string(body_of(device), "Code");
  ASSERT_EQ(device_code.size(), 6u);

  // The home server's (A's) administrator, for the admin routes' examples.
  auto admin_token = session_token(e.stack.api(""), "admin", "admin-password");
  ASSERT_TRUE(admin_token.ok()) << admin_token.error().message;
  ApiClient home_admin(e.stack.api(""), *admin_token);
  auto admin_conns = home_admin.call("GET", "/api/v1/connections");
  ASSERT_TRUE(admin_conns.ok());
  auto admin_conns_doc = body_of(admin_conns);
  const std::string admin_home =
      json::get_string((*json::member(admin_conns_doc, "connections"))[0], "id");
  auto a_users = json::parse(
      e.a.api("GET", "/Users", *e.a.login("admin", "admin-password", "examples"), "", "examples")
          ->body);
  std::string demo_on_a;
  for (const auto& u : a_users->GetArray())
    if (json::get_string(u, "Name") == "demo") demo_on_a = json::get_string(u, "Id");
  ASSERT_FALSE(admin_home.empty() || demo_on_a.empty());
  std::string invite_id, invite_code, profile_id, reset_token;

  auto examples = write_examples();
  ASSERT_GE(examples.size(), 10u);
  std::string api_key_connection, pair, pairing_code;
  int sent = 0;
  for (const auto& ex : examples) {
    SCOPED_TRACE(ex.method + " " + ex.path + " example '" + ex.name + "'");
    ASSERT_FALSE(ex.name.empty()) << "a write route whose body has no example";
    std::string body = ex.body;
    const bool as_admin = ex.path.rfind("/api/v1/admin/", 0) == 0;
    if (as_admin) {
      body = replace_all(body, kSampleSource, admin_home);
      body = replace_all(body, kSampleUser, demo_on_a);
    }
    body = replace_all(body, kSampleInviteCode, invite_code);
    for (auto [from, to] :
         std::vector<std::pair<std::string, std::string>>{{kSampleServer, e.b.url()},
                                                          {kSampleSource, e.conn_a},
                                                          {kSampleTarget, e.conn_b},
                                                          {kSampleUser, demo_id},
                                                          {kSampleLibrary, library},
                                                          {kSampleApiKey, api_key},
                                                          {kSamplePairingCode, pairing_code}})
      body = replace_all(body, from, to);
    if (ex.path.find("/quickconnect/authorize") != std::string::npos)
      body = replace_all(body, kSampleDeviceCode, device_code);
    std::string path = ex.path;
    // A reset link: the one the admin example got (it runs first, in document order).
    path = replace_all(path, "{token}", reset_token);
    if (path.rfind("/api/v1/me/contacts/", 0) == 0)  // the contact examples are Telegram's
      path = replace_all(path, "{kind}", "telegram");
    if (path.rfind("/api/v1/admin/users/", 0) == 0) path = replace_all(path, "{id}", demo_on_a);
    // Account messages: the webhook channel, the welcome template.
    path = replace_all(replace_all(path, "{type}", "webhook"), "{kind}", "welcome");
    if (path.find("{id}") != std::string::npos) {
      std::string id = path.rfind("/api/v1/pairs/", 0) == 0            ? pair
                       : path.rfind("/api/v1/admin/invites/", 0) == 0  ? invite_id
                       : path.rfind("/api/v1/admin/profiles/", 0) == 0 ? profile_id
                       : ex.method == "PATCH"                          ? api_key_connection
                                                                       : e.conn_a;
      ASSERT_FALSE(id.empty())
          << "the examples run in document order; the thing to change was not created";
      path = replace_all(path, "{id}", id);
    }
    auto r = as_admin ? home_admin.call(ex.method, path, body) : e.call(ex.method, path, body);
    ASSERT_TRUE(r.ok());
    if (auto mail = kNeedsMail.find(ex.method + " " + ex.path + " " + ex.name);
        mail != kNeedsMail.end()) {
      EXPECT_EQ(problem_type(r), mail->second) << body << " → " << r->body;
      ++sent;
      continue;
    }
    if (kNeedsPublicUrl.count(ex.method + " " + ex.path)) {
      EXPECT_EQ(problem_type(r), "passkeys_not_available") << body << " → " << r->body;
      ++sent;
      continue;
    }
    if (auto one_time = kOneTimeCode.find(ex.method + " " + ex.path);
        one_time != kOneTimeCode.end()) {
      EXPECT_TRUE(one_time->second.count(problem_type(r))) << body << " → " << r->body;
      ++sent;
      continue;
    }
    EXPECT_GE(r->status, 200) << r->body;
    EXPECT_LT(r->status, 300) << body << " → " << r->body;
    ++sent;
    auto d = e.json_of(r);
    if (ex.path == "/api/v1/connections" && ex.name == "api_key")
      api_key_connection = json::get_string(d, "id");
    if (ex.path == "/api/v1/pairs" && pair.empty()) pair = json::get_string(d, "id");
    if (ex.path == "/api/v1/auth/pair" && pairing_code.empty())
      pairing_code = json::get_string(d, "code");
    if (ex.path == "/api/v1/admin/invites" && invite_id.empty()) {
      invite_id = json::get_string(d, "id");
      invite_code = json::get_string(d, "code");
    }
    if (ex.path == "/api/v1/admin/users/{id}/reset-link") {
      const std::string link = json::get_string(d, "link");
      reset_token = link.substr(link.rfind('/') + 1);
    }
    if (ex.path == "/api/v1/admin/profiles" && profile_id.empty())
      profile_id = json::get_string(d, "id");
  }
  EXPECT_EQ(sent, static_cast<int>(examples.size()));
}
