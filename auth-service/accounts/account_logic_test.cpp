// Unit tests of the account-management logic that needs no server: when an
// invite can be used, the policy sent for a new user (a profile's policy with
// the user's own provider ids), a profile's readable summary, and the request
// bodies of the admin and sign-up routes (types, ranges, unknown members).
#include <gtest/gtest.h>

#include "auth-service/accounts/account_bodies.h"
#include "auth-service/accounts/invite_store.h"
#include "auth-service/accounts/profile_store.h"
#include "common/jellyfin/user_admin.h"

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

TEST(InviteState, UsesAndHoldsCountAgainstTheLimitAndExpiryIsExclusive) {
  Invite inv;
  inv.spec.max_uses = 2;
  EXPECT_EQ(invite_unusable(inv, 0), "");
  inv.uses = 1;
  inv.holds = 1;
  EXPECT_EQ(invite_unusable(inv, 0), "used_up");
  inv.spec.max_uses = -1;
  EXPECT_EQ(invite_unusable(inv, 0), "") << "unlimited";
  inv.spec.expires_ms = 1000;
  EXPECT_EQ(invite_unusable(inv, 999), "");
  EXPECT_EQ(invite_unusable(inv, 1000), "expired");
  EXPECT_TRUE(InviteStore::plausible_code("AAAAAAAAAAAAAAAAAAAA-_"));
  EXPECT_FALSE(InviteStore::plausible_code("AAAAAAAAAAAAAAAAAAAA-"));
  EXPECT_FALSE(InviteStore::plausible_code("AAAAAAAAAAAAAAAAAAAA+/"));
}

TEST(ProfilePolicy, TheUsersProviderIdsAreKeptAndTheAccountIsEnabled) {
  auto profile = json::parse(
      R"({"IsAdministrator":false,"IsDisabled":true,"EnableAllFolders":false,
          "AuthenticationProviderId":"template-auth","EnabledFolders":["a"]})");
  auto user = json::parse(
      R"({"AuthenticationProviderId":"new-auth","PasswordResetProviderId":"new-reset"})");
  auto out = jf::policy_for_user(*profile, *user);
  ASSERT_TRUE(out.ok());
  auto d = json::parse(*out);
  EXPECT_EQ(json::get_string(*d, "AuthenticationProviderId"), "new-auth");
  EXPECT_EQ(json::get_string(*d, "PasswordResetProviderId"), "new-reset");
  EXPECT_FALSE(json::get_bool(*d, "IsDisabled", true));
  EXPECT_FALSE(json::get_bool(*d, "EnableAllFolders", true));
  EXPECT_EQ((*d)["EnabledFolders"].Size(), 1u);
  auto not_object = json::parse("[1]");
  EXPECT_FALSE(jf::policy_for_user(*not_object, *user).ok());
}

TEST(ProfileSummary, NamesTheLibrariesAndTheLimits) {
  Profile p;
  p.policy = R"({"IsAdministrator":false,"EnableAllFolders":false,"EnabledFolders":["l1","gone"],
                 "EnableRemoteAccess":false,"MaxActiveSessions":2,"RemoteClientBitrateLimit":8000000,
                 "MaxParentalRating":13})";
  p.libraries = {{"l1", "Movies"}};
  json::Writer w;
  profile_summary(w, p);
  auto d = json::parse(w.str());
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(json::get_bool(*d, "all_libraries"));
  ASSERT_EQ((*d)["libraries"].Size(), 2u);
  EXPECT_STREQ((*d)["libraries"][0].GetString(), "Movies");
  EXPECT_STREQ((*d)["libraries"][1].GetString(), "gone") << "an id the capture did not name";
  EXPECT_FALSE(json::get_bool(*d, "remote_access"));
  EXPECT_EQ(json::get_int(*d, "max_sessions"), 2);
  EXPECT_EQ(json::get_int(*d, "bitrate_limit"), 8000000);
  EXPECT_EQ(json::get_int(*d, "parental_rating"), 13);
  EXPECT_FALSE(json::get_bool(*d, "display_preferences"));
  p.display_preferences = R"({"CustomPrefs":{"homesection0":"resume"}})";
  json::Writer w3;
  profile_summary(w3, p);
  EXPECT_TRUE(json::get_bool(*json::parse(w3.str()), "display_preferences"));
  Profile unreadable;
  unreadable.policy = "not json";
  json::Writer w2;
  profile_summary(w2, unreadable);
  EXPECT_TRUE(json::parse(w2.str()).ok()) << "a summary even of a broken policy";
}

TEST(AccountBodies, InvitesAreCheckedFieldByField) {
  const int64_t now = 1'800'000'000'000;
  auto ok = parse_invite_body(post(R"({"label":"x","max_uses":null,"account_days":30,
                                      "expires_at":"2099-01-01T00:00:00Z","human_check":false})"),
                              std::nullopt, now);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->max_uses, -1);
  EXPECT_EQ(ok->account_days, 30);
  EXPECT_FALSE(ok->human_check);
  EXPECT_GT(ok->expires_ms, now);
  for (const char* bad : {R"({"max_uses":0})", R"({"max_uses":"5"})", R"({"account_days":0})",
                          R"({"expires_at":"2001-01-01T00:00:00Z"})", R"({"expires_at":5})",
                          R"({"label":7})", R"({"colour":"red"})", "[]"}) {
    auto r = parse_invite_body(post(bad), std::nullopt, now);
    EXPECT_FALSE(r.ok()) << bad;
  }
  // PATCH: absent fields keep the invite's values, null clears them.
  InviteSpec base;
  base.label = "keep";
  base.max_uses = 3;
  base.profile_id = "p";
  auto patch = parse_invite_body(post(R"({"profile_id":null})"), base, now);
  ASSERT_TRUE(patch.ok());
  EXPECT_EQ(patch->label, "keep");
  EXPECT_EQ(patch->max_uses, 3);
  EXPECT_EQ(patch->profile_id, "");
}

TEST(AccountBodies, SignUpAndProfileBodies) {
  auto s = parse_signup_body(post(R"({"code":"c","user_name":"n","password":"p"})"));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->human_check, "");
  EXPECT_FALSE(parse_signup_body(post(R"({"code":"c","user_name":"n"})")).ok());
  EXPECT_FALSE(parse_signup_body(post(R"({"code":"c","user_name":")" + std::string(300, 'a') +
                                      R"(","password":"p"})"))
                   .ok());
  EXPECT_FALSE(parse_profile_body(post(R"({"name":"","template_user_id":"u"})")).ok());
  EXPECT_FALSE(parse_profile_patch(post(R"({"default":false})")).ok());
  auto p = parse_profile_body(post(R"({"name":"A","template_user_id":"u","configuration":false})"));
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->configuration);
  EXPECT_FALSE(parse_admin_connection_body(post(R"({"connection_id":3})")).ok());
}

}  // namespace
