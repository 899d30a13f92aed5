// End-to-end tests of passkeys (issue 13): a software authenticator
// (tests/support/soft_authenticator.h) registers passkeys through the API,
// lists, renames and removes them, answers a sign-in challenge as the second
// factor, and signs in instead of the password; challenges work once; another
// user's passkey is not found; a disabled Jellyfin account cannot sign in with
// a passkey; without JB_PUBLIC_URL the routes answer 503. Real auth-service
// binaries (two replicas), real Redis, the Jellyfin stand-in as the home server.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/core/base64url.h"
#include "common/core/json.h"
#include "common/core/time.h"
#include "tests/e2e/second_factor_env.h"
#include "tests/support/answers.h"
#include "tests/support/soft_authenticator.h"

using namespace jb;
using namespace jb::testing;

namespace {

// Never contacted: only the relying party (host "localhost") and origin come from it.
const char* kPublicUrl = "http://localhost:8099";
const char* kOrigin = "http://localhost:8099";

Env::Vars with_public_url() {
  return Env::Vars{{"JB_PUBLIC_URL", kPublicUrl},
                   {"JB_SECOND_FACTOR_BURST", "100"},
                   {"JB_SIGNIN_IP_BURST", "100"}};
}

// A session client for `user` at `base` (password sign-in that finishes in one step).
Client signed_in(const std::string& base, const std::string& user, const std::string& password) {
  Client anon{base, ""};
  auto r = anon.call("POST", "/api/v1/auth/login",
                     R"({"username":")" + user + R"(","password":")" + password + R"("})");
  EXPECT_TRUE(r.ok());
  auto d = body_of(r);
  const auto* s = json::member(d, "session");
  EXPECT_NE(s, nullptr) << r->body;
  return Client{base, s ? json::get_string(*s, "token") : ""};
}

std::string challenge_of(const json::Document& options) {
  const auto* pk = json::member(options, "publicKey");
  EXPECT_NE(pk, nullptr) << json::stringify(options);
  return pk ? b64url::decode(json::get_string(*pk, "challenge")).value_or("") : "";
}

Ceremony ceremony(const std::string& challenge, uint8_t flags = kUP | kUV) {
  Ceremony c;
  c.challenge = challenge;
  c.origin = kOrigin;
  c.rp_id = "localhost";
  c.flags = flags;
  return c;
}

std::string register_body(const std::string& challenge_id, const std::string& credential,
                          const std::string& name = "") {
  std::string b = R"({"challenge_id":")" + challenge_id + R"(","credential":)" + credential;
  if (!name.empty()) b += R"(,"name":")" + name + R"(")";
  return b + "}";
}

// Registers a passkey of `a` for `me`: the answer.
Result<HttpResponse> register_passkey(Client& me, SoftAuthenticator& a, bool passwordless,
                                      const std::string& name = "", uint8_t flags = kUP | kUV) {
  auto opts = me.call("POST", "/api/v1/me/security/passkeys/options",
                      passwordless ? R"({"passwordless":true})" : "{}");
  EXPECT_TRUE(opts.ok());
  EXPECT_EQ(opts->status, 200) << opts->body;
  auto o = body_of(opts);
  auto reg = a.make_credential(ceremony(challenge_of(o), flags));
  return me.call(
      "POST", "/api/v1/me/security/passkeys",
      register_body(json::get_string(o, "challenge_id"), a.registration_json(reg), name));
}

json::Document passkeys_summary(Client& me) {
  auto sec = body_of(me.call("GET", "/api/v1/me/security"));
  json::Document d;
  if (const auto* p = json::member(sec, "passkeys")) d.CopyFrom(*p, d.GetAllocator());
  return d;
}

}  // namespace

TEST(Passkeys, RegisteredListedRenamedAndRemoved) {
  Env e(with_public_url());
  Client me = signed_in(e.base_a, "demo", "demo-password");
  auto summary = passkeys_summary(me);
  EXPECT_EQ(json::get_int(summary, "count", -1), 0);
  EXPECT_TRUE(json::get_bool(summary, "available"));

  // The creation options: the relying party from JB_PUBLIC_URL, ES256 and RS256, no attestation.
  auto opts = me.call("POST", "/api/v1/me/security/passkeys/options", "");
  ASSERT_TRUE(opts.ok());
  ASSERT_EQ(opts->status, 200) << opts->body;
  auto o = body_of(opts);
  const auto* pk = json::member(o, "publicKey");
  ASSERT_NE(pk, nullptr);
  EXPECT_EQ(json::get_string(*json::member(*pk, "rp"), "id"), "localhost");
  EXPECT_EQ(json::get_string(*json::member(*pk, "rp"), "name"), "Jellybridge");
  EXPECT_EQ(json::get_string(*pk, "attestation"), "none");
  EXPECT_EQ(json::get_int(*pk, "timeout"), 120000);
  EXPECT_EQ(challenge_of(o).size(), 32u);
  const auto* params = json::member(*pk, "pubKeyCredParams");
  ASSERT_NE(params, nullptr);
  ASSERT_EQ(params->Size(), 2u);
  EXPECT_EQ(json::get_int((*params)[0], "alg"), -7);
  EXPECT_EQ(json::get_int((*params)[1], "alg"), -257);
  EXPECT_EQ(json::get_string(*json::member(*pk, "authenticatorSelection"), "residentKey"),
            "preferred");
  EXPECT_FALSE(json::get_string(*json::member(*pk, "user"), "id").empty());

  // Registration with the software authenticator.
  SoftAuthenticator phone;
  auto reg = phone.make_credential(ceremony(challenge_of(o)));
  const std::string cid = json::get_string(o, "challenge_id");
  auto made = me.call("POST", "/api/v1/me/security/passkeys",
                      register_body(cid, phone.registration_json(reg), "My phone"));
  ASSERT_TRUE(made.ok());
  ASSERT_EQ(made->status, 201) << made->body;
  auto p = body_of(made);
  const auto* passkey = json::member(p, "passkey");
  ASSERT_NE(passkey, nullptr);
  const std::string id = json::get_string(*passkey, "id");
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(json::get_string(*passkey, "name"), "My phone");
  EXPECT_FALSE(json::get_bool(*passkey, "passwordless", true));
  EXPECT_TRUE(json::member(*passkey, "last_used_at")->IsNull());
  EXPECT_EQ(json::member(*passkey, "transports")->Size(), 2u);
  // The challenge worked once.
  auto replay = me.call("POST", "/api/v1/me/security/passkeys",
                        register_body(cid, phone.registration_json(reg)));
  EXPECT_EQ(replay->status, 404) << replay->body;
  EXPECT_EQ(problem_type(replay), "challenge_not_found");
  // The same credential again (fresh options): already registered.
  auto twice = register_passkey(me, phone, false);
  EXPECT_EQ(twice->status, 409) << twice->body;
  EXPECT_EQ(problem_type(twice), "passkey_already_registered");

  // Passwordless asks for a resident key and user verification; without UV it is refused.
  auto pw_opts =
      body_of(me.call("POST", "/api/v1/me/security/passkeys/options", R"({"passwordless":true})"));
  const auto* sel = json::member(*json::member(pw_opts, "publicKey"), "authenticatorSelection");
  EXPECT_EQ(json::get_string(*sel, "residentKey"), "required");
  EXPECT_EQ(json::get_string(*sel, "userVerification"), "required");
  SoftAuthenticator key(SoftAuthenticator::Kind::kRS256);
  auto no_uv = register_passkey(me, key, true, "", kUP);
  EXPECT_EQ(no_uv->status, 400) << no_uv->body;
  EXPECT_EQ(problem_type(no_uv), "passkey_user_not_verified");
  // Another site's passkey is refused.
  auto wrong_site_opts = body_of(me.call("POST", "/api/v1/me/security/passkeys/options", "{}"));
  Ceremony elsewhere = ceremony(challenge_of(wrong_site_opts));
  elsewhere.origin = "https://evil.example";
  auto wrong_site = me.call("POST", "/api/v1/me/security/passkeys",
                            register_body(json::get_string(wrong_site_opts, "challenge_id"),
                                          key.registration_json(key.make_credential(elsewhere))));
  EXPECT_EQ(problem_type(wrong_site), "passkey_origin_mismatch") << wrong_site->body;
  auto rsa = register_passkey(me, key, true, "Security key");
  ASSERT_EQ(rsa->status, 201) << rsa->body;
  EXPECT_TRUE(json::get_bool(*json::member(body_of(rsa), "passkey"), "passwordless"));

  // Listed (oldest first) and counted, on the other replica too.
  Client me_b{e.base_b, me.token};
  auto list = body_of(me_b.call("GET", "/api/v1/me/security/passkeys"));
  ASSERT_EQ(json::member(list, "passkeys")->Size(), 2u);
  EXPECT_EQ(json::get_string((*json::member(list, "passkeys"))[0], "id"), id);
  summary = passkeys_summary(me_b);
  EXPECT_EQ(json::get_int(summary, "count"), 2);
  EXPECT_EQ(json::get_int(summary, "passwordless_count"), 1);

  // Renamed; the passwordless switch.
  auto renamed = me.call("PATCH", "/api/v1/me/security/passkeys/" + id, R"({"name":"Old phone"})");
  ASSERT_EQ(renamed->status, 200) << renamed->body;
  EXPECT_EQ(json::get_string(*json::member(body_of(renamed), "passkey"), "name"), "Old phone");
  auto bad_name = me.call("PATCH", "/api/v1/me/security/passkeys/" + id, R"({"name":"  "})");
  EXPECT_EQ(bad_name->status, 400);
  auto pwl = me.call("PATCH", "/api/v1/me/security/passkeys/" + id, R"({"passwordless":true})");
  ASSERT_EQ(pwl->status, 200) << pwl->body;
  EXPECT_TRUE(json::get_bool(*json::member(body_of(pwl), "passkey"), "passwordless"));

  // Another user sees none of them and cannot touch them.
  Client other = signed_in(e.base_a, "admin", "admin-password");
  EXPECT_EQ(
      json::member(body_of(other.call("GET", "/api/v1/me/security/passkeys")), "passkeys")->Size(),
      0u);
  auto theirs = other.call("PATCH", "/api/v1/me/security/passkeys/" + id, R"({"name":"Mine"})");
  EXPECT_EQ(theirs->status, 404);
  EXPECT_EQ(problem_type(theirs), "passkey_not_found");
  EXPECT_EQ(other.call("DELETE", "/api/v1/me/security/passkeys/" + id)->status, 404);
  EXPECT_EQ(other.call("DELETE", "/api/v1/me/security/passkeys/nonsense")->status, 404);

  // Removed.
  EXPECT_EQ(me.call("DELETE", "/api/v1/me/security/passkeys/" + id)->status, 204);
  EXPECT_EQ(me.call("DELETE", "/api/v1/me/security/passkeys/" + id)->status, 404);
  EXPECT_EQ(json::get_int(passkeys_summary(me), "count"), 1);

  // Audited.
  auto audit = body_of(me.call("GET", "/api/v1/audit?type=passkey.added"));
  const auto* events = json::member(audit, "events");
  ASSERT_NE(events, nullptr) << json::stringify(audit);
  int ok = 0;
  for (const auto& ev : events->GetArray()) ok += json::get_string(ev, "outcome") == "ok";
  EXPECT_EQ(ok, 2);
  EXPECT_EQ(
      json::member(body_of(me.call("GET", "/api/v1/audit?type=passkey.removed")), "events")->Size(),
      1u);
}

TEST(Passkeys, APasskeyIsASecondFactorOfItsOwn) {
  Env e(with_public_url());
  Client me = signed_in(e.base_a, "demo", "demo-password");
  SoftAuthenticator phone;
  ASSERT_EQ(register_passkey(me, phone, false)->status, 201);

  // Sign-in is two steps now; the challenge takes the passkey.
  auto first = e.login(e.base_a);
  const auto* ch = json::member(first, "challenge");
  ASSERT_NE(ch, nullptr) << json::stringify(first);
  const std::string id = json::get_string(*ch, "id");
  const auto* methods = json::member(*ch, "methods");
  ASSERT_EQ(methods->Size(), 1u);
  EXPECT_STREQ((*methods)[0].GetString(), "passkey");
  Client anon{e.base_a, ""};
  // Answering before asking for options: nothing to sign.
  auto early = anon.call("POST", "/api/v1/auth/challenge/" + id,
                         R"({"method":"passkey","credential":)" +
                             phone.assertion_json(phone.get_assertion(ceremony("x"))) + "}");
  EXPECT_EQ(early->status, 401) << early->body;
  auto opts = anon.call("POST", "/api/v1/auth/challenge/" + id + "/passkey");
  ASSERT_EQ(opts->status, 200) << opts->body;
  auto o = body_of(opts);
  const auto* pk = json::member(o, "publicKey");
  EXPECT_EQ(json::get_string(*pk, "rpId"), "localhost");
  EXPECT_EQ(json::get_string(*pk, "userVerification"), "preferred");
  ASSERT_EQ(json::member(*pk, "allowCredentials")->Size(), 1u);
  EXPECT_EQ(json::get_string((*json::member(*pk, "allowCredentials"))[0], "id"),
            b64url::encode(phone.credential_id()));
  const std::string challenge = challenge_of(o);

  // A bad signature counts as a wrong attempt.
  Ceremony bad = ceremony(challenge);
  bad.bad_signature = true;
  auto wrong = anon.call("POST", "/api/v1/auth/challenge/" + id,
                         R"({"method":"passkey","credential":)" +
                             phone.assertion_json(phone.get_assertion(bad)) + "}");
  EXPECT_EQ(wrong->status, 401) << wrong->body;
  EXPECT_EQ(problem_type(wrong), "second_factor_failed");
  EXPECT_NE(wrong->body.find("3 attempts"), std::string::npos) << wrong->body;

  // The right answer makes a session, once (on the other replica too).
  const std::string answer = R"({"method":"passkey","credential":)" +
                             phone.assertion_json(phone.get_assertion(ceremony(challenge))) + "}";
  auto done = anon.call("POST", "/api/v1/auth/challenge/" + id, answer);
  ASSERT_EQ(done->status, 200) << done->body;
  Client session{e.base_a, json::get_string(*json::member(body_of(done), "session"), "token")};
  EXPECT_EQ(session.call("GET", "/api/v1/me")->status, 200);
  EXPECT_FALSE(done->header("Set-Cookie").empty());
  Client anon_b{e.base_b, ""};
  EXPECT_EQ(anon_b.call("POST", "/api/v1/auth/challenge/" + id, answer)->status, 404);

  // The same assertion for a new sign-in: another challenge, refused.
  const std::string id2 = json::get_string(*json::member(e.login(e.base_b), "challenge"), "id");
  ASSERT_EQ(anon_b.call("POST", "/api/v1/auth/challenge/" + id2 + "/passkey")->status, 200);
  auto replayed = anon_b.call("POST", "/api/v1/auth/challenge/" + id2, answer);
  EXPECT_EQ(replayed->status, 401) << replayed->body;
  // A signature counter that went back: a possible clone, refused and audited.
  auto o2 = body_of(anon_b.call("POST", "/api/v1/auth/challenge/" + id2 + "/passkey"));
  phone.counter = 0;
  auto cloned =
      anon_b.call("POST", "/api/v1/auth/challenge/" + id2,
                  R"({"method":"passkey","credential":)" +
                      phone.assertion_json(phone.get_assertion(ceremony(challenge_of(o2)))) + "}");
  EXPECT_EQ(cloned->status, 401) << cloned->body;
  EXPECT_EQ(problem_type(cloned), "passkey_counter_regressed");
  auto audit = body_of(session.call("GET", "/api/v1/audit?type=signin.second_factor&outcome=fail"));
  EXPECT_NE(json::stringify(audit).find("passkey_counter_regressed"), std::string::npos)
      << json::stringify(audit);
  // The passkey's last use is shown.
  auto list = body_of(session.call("GET", "/api/v1/me/security/passkeys"));
  EXPECT_FALSE(json::member((*json::member(list, "passkeys"))[0], "last_used_at")->IsNull());
}

TEST(Passkeys, APasswordlessPasskeySignsInInsteadOfThePassword) {
  Env e(with_public_url());
  ASSERT_TRUE(e.home.create_user("pk", "pk-password").ok());
  Client me = signed_in(e.base_a, "pk", "pk-password");
  SoftAuthenticator laptop, phone;
  ASSERT_EQ(register_passkey(me, laptop, true)->status, 201);
  ASSERT_EQ(register_passkey(me, phone, false)->status, 201);
  const std::string user_id =
      json::get_string(*json::member(body_of(me.call("GET", "/api/v1/me")), "user"), "id");

  Client anon{e.base_b, ""};
  auto sign_in_with = [&](SoftAuthenticator& a, uint8_t flags, std::string* challenge_id) {
    auto opts = anon.call("POST", "/api/v1/auth/passkey/options");
    EXPECT_EQ(opts->status, 200) << opts->body;
    auto o = body_of(opts);
    *challenge_id = json::get_string(o, "challenge_id");
    return R"({"challenge_id":")" + *challenge_id + R"(","credential":)" +
           a.assertion_json(a.get_assertion(ceremony(challenge_of(o), flags)), user_id) + "}";
  };
  auto opts = body_of(anon.call("POST", "/api/v1/auth/passkey/options"));
  const auto* pk = json::member(opts, "publicKey");
  ASSERT_NE(pk, nullptr);
  EXPECT_EQ(json::get_string(*pk, "userVerification"), "required");
  EXPECT_EQ(json::member(*pk, "allowCredentials")->Size(), 0u);

  std::string cid;
  const std::string body = sign_in_with(laptop, kUP | kUV, &cid);
  auto done = anon.call("POST", "/api/v1/auth/passkey", body);
  ASSERT_EQ(done->status, 200) << done->body;
  auto d = body_of(done);
  EXPECT_EQ(json::get_string(*json::member(d, "user"), "name"), "pk");
  EXPECT_FALSE(json::get_string(*json::member(d, "session"), "csrf_token").empty());
  EXPECT_FALSE(done->header("Set-Cookie").empty());
  Client session{e.base_a, json::get_string(*json::member(d, "session"), "token")};
  EXPECT_EQ(session.call("GET", "/api/v1/me")->status, 200);
  // Single use.
  auto replay = anon.call("POST", "/api/v1/auth/passkey", body);
  EXPECT_EQ(replay->status, 404) << replay->body;
  EXPECT_EQ(problem_type(replay), "challenge_not_found");

  // Without user verification, or with a second-factor-only passkey: refused.
  auto no_uv = anon.call("POST", "/api/v1/auth/passkey", sign_in_with(laptop, kUP, &cid));
  EXPECT_EQ(no_uv->status, 401) << no_uv->body;
  EXPECT_EQ(problem_type(no_uv), "sign_in_failed");
  auto second_only =
      anon.call("POST", "/api/v1/auth/passkey", sign_in_with(phone, kUP | kUV, &cid));
  EXPECT_EQ(second_only->status, 401) << second_only->body;
  EXPECT_EQ(problem_type(second_only), "sign_in_failed");

  // Audited with method "passkey".
  auto audit = json::stringify(body_of(session.call("GET", "/api/v1/audit?type=signin.success")));
  EXPECT_NE(audit.find("\"passkey\""), std::string::npos) << audit;

  // A disabled Jellyfin account cannot sign in with a passkey.
  auto admin = e.home.login("admin", "admin-password", "test-admin-device");
  ASSERT_TRUE(admin.ok());
  auto u = e.home.api("GET", "/Users/" + user_id, *admin, "", "test-admin-device");
  ASSERT_TRUE(u.ok());
  auto ud = json::parse(u->body);
  ASSERT_TRUE(ud.ok()) << u->body;
  json::Document policy;
  policy.CopyFrom(*json::member(*ud, "Policy"), policy.GetAllocator());
  policy["IsDisabled"].SetBool(true);
  auto set = e.home.api("POST", "/Users/" + user_id + "/Policy", *admin, json::stringify(policy),
                        "test-admin-device");
  ASSERT_EQ(set->status, 204) << set->body;
  auto disabled = anon.call("POST", "/api/v1/auth/passkey", sign_in_with(laptop, kUP | kUV, &cid));
  EXPECT_EQ(disabled->status, 401) << disabled->body;
  EXPECT_EQ(problem_type(disabled), "home_signin_required");
}

TEST(Passkeys, UnavailableWithoutAPublicUrl) {
  Env e(Env::Vars{});
  Client me = signed_in(e.base_a, "demo", "demo-password");
  auto summary = passkeys_summary(me);
  EXPECT_FALSE(json::get_bool(summary, "available", true));
  EXPECT_EQ(json::get_int(summary, "count", -1), 0);
  auto opts = me.call("POST", "/api/v1/me/security/passkeys/options", "{}");
  EXPECT_EQ(opts->status, 503) << opts->body;
  EXPECT_EQ(problem_type(opts), "passkeys_not_available");
  EXPECT_NE(opts->body.find("JB_PUBLIC_URL"), std::string::npos);
  EXPECT_EQ(problem_type(me.call("GET", "/api/v1/me/security/passkeys")), "passkeys_not_available");
  Client anon{e.base_a, ""};
  EXPECT_EQ(anon.call("POST", "/api/v1/auth/passkey/options")->status, 503);
  // Sign-in stays one step: no passkey makes a challenge.
  int status = 0;
  auto first = e.login(e.base_a, &status);
  EXPECT_EQ(status, 200);
  EXPECT_NE(json::member(first, "session"), nullptr);
}

TEST(Passkeys, WithAnAuthenticatorAppRegisteringNeedsACodeAndBothAnswerChallenges) {
  Env e(with_public_url());
  Client me = signed_in(e.base_a, "demo", "demo-password");
  auto begin = body_of(me.call("POST", "/api/v1/me/security/totp"));
  const std::string secret = json::get_string(begin, "secret");
  const int64_t now = timeutil::now_unix_ms() / 1000;
  ASSERT_EQ(
      me.call("POST", "/api/v1/me/security/totp/confirm", code_body(oathtool(secret, now)))->status,
      200);

  // A new way to sign in: a current code is required, a wrong one refused.
  auto no_code = me.call("POST", "/api/v1/me/security/passkeys/options", "{}");
  EXPECT_EQ(no_code->status, 403) << no_code->body;
  EXPECT_EQ(problem_type(no_code), "code_required");
  auto wrong = me.call("POST", "/api/v1/me/security/passkeys/options",
                       R"({"code":")" + never_valid(secret, now) + R"("})");
  EXPECT_EQ(problem_type(wrong), "wrong_code");
  auto opts = me.call("POST", "/api/v1/me/security/passkeys/options",
                      R"({"code":")" + oathtool(secret, now + 30) + R"("})");
  ASSERT_EQ(opts->status, 200) << opts->body;
  auto o = body_of(opts);
  SoftAuthenticator phone;
  auto made =
      me.call("POST", "/api/v1/me/security/passkeys",
              register_body(
                  json::get_string(o, "challenge_id"),
                  phone.registration_json(phone.make_credential(ceremony(challenge_of(o), kUP)))));
  ASSERT_EQ(made->status, 201) << made->body;
  const std::string id = json::get_string(*json::member(body_of(made), "passkey"), "id");
  // Turning passwordless on later needs a code too; renaming does not.
  auto pwl = me.call("PATCH", "/api/v1/me/security/passkeys/" + id, R"({"passwordless":true})");
  EXPECT_EQ(problem_type(pwl), "code_required") << pwl->body;
  EXPECT_EQ(me.call("PATCH", "/api/v1/me/security/passkeys/" + id, R"({"name":"Phone"})")->status,
            200);

  // A sign-in challenge takes either.
  auto first = e.login(e.base_a);
  const auto* ch = json::member(first, "challenge");
  ASSERT_NE(ch, nullptr);
  std::vector<std::string> methods;
  for (const auto& m : json::member(*ch, "methods")->GetArray())
    methods.emplace_back(m.GetString());
  EXPECT_EQ(methods, (std::vector<std::string>{"totp", "recovery", "passkey"}));
  const std::string cid = json::get_string(*ch, "id");
  Client anon{e.base_a, ""};
  auto popts = body_of(anon.call("POST", "/api/v1/auth/challenge/" + cid + "/passkey"));
  auto done = anon.call(
      "POST", "/api/v1/auth/challenge/" + cid,
      R"({"method":"passkey","credential":)" +
          phone.assertion_json(phone.get_assertion(ceremony(challenge_of(popts), kUP))) + "}");
  EXPECT_EQ(done->status, 200) << done->body;
}
