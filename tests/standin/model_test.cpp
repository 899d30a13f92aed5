// model_test.cpp — GUIDs, password hashes, UserPolicy reading/writing, sort
// names, user-data keys and the user-data rules of API-NOTES §6.4, tested
// without a server.
#include <gtest/gtest.h>

#include <set>

#include "common/core/json.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "tests/standin/context.h"
#include "tests/standin/guid.h"
#include "tests/standin/password.h"
#include "tests/standin/policy.h"
#include "tests/standin/quickconnect.h"
#include "tests/standin/seed.h"
#include "tests/standin/sessions.h"
#include "tests/standin/user_data.h"

namespace jb::standin {
namespace {

TEST(Guid, ParsesEveryClientForm) {
  const std::string n = "0f8fad5bd9cb469fa165708677289a1c";
  for (const char* s :
       {"0f8fad5bd9cb469fa165708677289a1c", "0F8FAD5B-D9CB-469F-A165-708677289A1C",
        "0f8fad5b-d9cb-469f-a165-708677289a1c", "{0f8fad5b-d9cb-469f-a165-708677289a1c}",
        "(0f8fad5b-d9cb-469f-a165-708677289a1c)", "  0f8fad5bd9cb469fa165708677289a1c "}) {
    auto g = parse_guid(s);
    ASSERT_TRUE(g) << s;
    EXPECT_EQ(g->str(), n);
  }
  EXPECT_EQ(parse_guid(n)->dashed(), "0f8fad5b-d9cb-469f-a165-708677289a1c");
  for (const char* bad :
       {"", "xyz", "0f8fad5bd9cb469fa165708677289a1", "0f8fad5b-d9cb-469f-a165_708677289a1c",
        "g f8fad5bd9cb469fa165708677289a1c", "{0f8fad5b-d9cb-469f-a165-708677289a1c",
        "0f8fad5b-d9cb-469f-a165-70867728 9a1c"})
    EXPECT_FALSE(parse_guid(bad)) << bad;
}

TEST(Guid, RandomIsV4AndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    Guid g = random_guid();
    EXPECT_TRUE(is_guid_n(g.str()));
    EXPECT_EQ(g.str()[12], '4');
    EXPECT_TRUE(seen.insert(g.str()).second);
  }
  EXPECT_EQ(derived_guid("x"), derived_guid("x"));
  EXPECT_NE(derived_guid("x"), derived_guid("y"));
}

TEST(Password, JellyfinPhcFormatWithRealIterationCount) {
  auto h = hash_password("secret", kJellyfinPbkdf2Iterations);
  ASSERT_TRUE(h);
  auto parts = text::split(*h, '$', false);
  ASSERT_EQ(parts.size(), 5u);
  EXPECT_EQ(parts[1], "PBKDF2-SHA512");
  EXPECT_EQ(parts[2], "iterations=210000");
  EXPECT_EQ(parts[3].size(), 128u) << "64-byte salt";
  EXPECT_EQ(parts[4].size(), 128u) << "64-byte hash";
  EXPECT_TRUE(text::is_hex(parts[3]));
  EXPECT_NE(parts[4].find_first_of("ABCDEF"), std::string::npos)
      << "uppercase hex like Convert.ToHexString";
  EXPECT_TRUE(verify_password("secret", *h));
  EXPECT_FALSE(verify_password("Secret", *h));
}

TEST(Password, CheapHashesVerifyAndSaltsDiffer) {
  auto a = hash_password("pw", 10);
  auto b = hash_password("pw", 10);
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(verify_password("pw", *a));
  EXPECT_TRUE(verify_password("pw", *b));
  EXPECT_FALSE(verify_password("", *a));
  for (const char* bad :
       {"", "$PBKDF2-SHA512$iterations=0$00$00", "$SHA1$x", "$PBKDF2-SHA512$iterations=10$zz$00",
        "$PBKDF2-SHA512$iterations=99999999999$00$00", "plain"})
    EXPECT_FALSE(verify_password("pw", bad)) << bad;
  EXPECT_FALSE(hash_password("pw", 0));
}

TEST(PolicyJson, DefaultsMatchJellyfinNewUser) {
  Policy p;
  json::Writer w;
  write_policy(w, p);
  auto doc = json::parse(w.str());
  ASSERT_TRUE(doc);
  EXPECT_FALSE((*doc)["IsAdministrator"].GetBool());
  EXPECT_TRUE((*doc)["IsHidden"].GetBool());
  EXPECT_TRUE((*doc)["EnableAllFolders"].GetBool());
  EXPECT_TRUE((*doc)["EnableRemoteAccess"].GetBool());
  EXPECT_FALSE((*doc)["EnableContentDeletion"].GetBool());
  EXPECT_EQ((*doc)["MaxActiveSessions"].GetInt(), 0);
  EXPECT_EQ((*doc)["LoginAttemptsBeforeLockout"].GetInt(), -1);
  EXPECT_STREQ((*doc)["SyncPlayAccess"].GetString(), "CreateAndJoinGroups");
  EXPECT_FALSE(doc->HasMember("MaxParentalRating")) << "null is omitted";
  EXPECT_EQ(doc->MemberCount(), 42u) << "every UserPolicy property but the two null ones";
}

TEST(PolicyJson, RoundTripIsWholesaleAndCaseInsensitive) {
  auto doc = json::parse(R"({"isadministrator": true, "EnableAllFolders": false,
      "EnabledFolders": ["b0000000-0000-4000-8000-000000000001"], "MaxActiveSessions": "2",
      "EnableLiveTvAccess": false, "SyncPlayAccess": "none", "MaxParentalRating": 12,
      "AuthenticationProviderId": "A", "PasswordResetProviderId": "B"})");
  ASSERT_TRUE(doc);
  auto p = read_policy(*doc, PolicyReadOptions{});
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_TRUE(p->is_administrator);
  EXPECT_FALSE(p->enable_all_folders);
  ASSERT_EQ(p->enabled_folders.size(), 1u);
  EXPECT_EQ(p->enabled_folders[0].str(), "b0000000000040008000000000000001");
  EXPECT_EQ(p->max_active_sessions, 2);
  EXPECT_TRUE(p->is_hidden) << "absent properties take UserPolicy defaults";
  json::Writer w;
  write_policy(w, *p);
  auto out = json::parse(w.str());
  ASSERT_TRUE(out);
  EXPECT_FALSE((*out)["EnableLiveTvAccess"].GetBool());
  EXPECT_STREQ((*out)["SyncPlayAccess"].GetString(), "None");
  EXPECT_EQ((*out)["MaxParentalRating"].GetInt(), 12);
  EXPECT_STREQ((*out)["AuthenticationProviderId"].GetString(), "A");
}

TEST(PolicyJson, RequiredProvidersAndTypeErrors) {
  auto no_providers = json::parse(R"({"IsAdministrator": false})");
  EXPECT_FALSE(read_policy(*no_providers, PolicyReadOptions{}));
  auto empty_provider =
      json::parse(R"({"AuthenticationProviderId": "", "PasswordResetProviderId": "B"})");
  EXPECT_FALSE(read_policy(*empty_provider, PolicyReadOptions{}));
  for (
      const char* bad :
      {R"({"IsAdministrator": "yes", "AuthenticationProviderId": "A", "PasswordResetProviderId": "B"})",
       R"({"EnabledFolders": ["nope"], "AuthenticationProviderId": "A", "PasswordResetProviderId": "B"})",
       R"({"MaxActiveSessions": 1.5, "AuthenticationProviderId": "A", "PasswordResetProviderId": "B"})",
       R"({"BlockedTags": [1], "AuthenticationProviderId": "A", "PasswordResetProviderId": "B"})",
       R"({"SyncPlayAccess": "Sometimes", "AuthenticationProviderId": "A", "PasswordResetProviderId": "B"})"}) {
    auto d = json::parse(bad);
    ASSERT_TRUE(d);
    EXPECT_FALSE(read_policy(*d, PolicyReadOptions{})) << bad;
  }
}

// A tiny catalog: one series with two episodes and a movie.
struct Tiny {
  State s;
  uint32_t movie, series, season, e1, e2;
  Tiny() {
    Catalog c;
    c.server_id = derived_guid("tiny");
    Library lib;
    lib.id = derived_guid("lib");
    lib.folder_id = derived_guid("folder");
    lib.name = "Lib";
    lib.collection_type = "mixed";
    uint32_t li = c.add_library(lib);
    auto add = [&](ItemKind k, const char* name, uint32_t parent, uint32_t ser, uint32_t sea,
                   int idx, int pidx, std::vector<std::pair<std::string, std::string>> ids) {
      Item it;
      it.kind = k;
      it.id = derived_guid(name);
      it.name = c.strings.add(name);
      it.library = li;
      it.parent = parent;
      it.series = ser;
      it.season = sea;
      it.index_number = idx;
      it.parent_index_number = pidx;
      it.run_time_ticks = is_folder(k) ? -1 : 1000;
      it.provider_ids = c.strings.add(pack_provider_ids(ids));
      return c.add_item(it);
    };
    uint32_t folder = c.libraries[li].folder_item;
    movie = add(ItemKind::kMovie, "The Movie", folder, kNone, kNone, kNoNumber, kNoNumber,
                {{"Imdb", "tt1"}, {"Tmdb", "9"}});
    series = add(ItemKind::kSeries, "Show", folder, kNone, kNone, kNoNumber, kNoNumber,
                 {{"Tvdb", "77"}});
    season = add(ItemKind::kSeason, "Season 1", series, series, kNone, 1, kNoNumber, {});
    e1 = add(ItemKind::kEpisode, "One", season, series, season, 1, 1, {});
    e2 = add(ItemKind::kEpisode, "Two", season, series, season, 2, 1, {});
    User u;
    u.id = derived_guid("user");
    u.name = "u";
    c.users.push_back(u);
    s = State(std::move(c));
  }
  User& user() { return s.cat.users[0]; }
};

TEST(UserDataRules, MarkPlayedCountsOnlyWithDateAndAtLeastOne) {
  Tiny t;
  mark_played(t.s, t.user(), t.movie, std::nullopt, 111);
  const UserData* d = find_row(t.user(), t.movie);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->played);
  EXPECT_EQ(d->play_count, 1) << "at least one";
  EXPECT_EQ(d->last_played, 111) << "now when nothing was set";
  mark_played(t.s, t.user(), t.movie, std::nullopt, 222);
  EXPECT_EQ(find_row(t.user(), t.movie)->play_count, 1) << "no date: no increment";
  EXPECT_EQ(find_row(t.user(), t.movie)->last_played, 111) << "existing date kept";
  mark_played(t.s, t.user(), t.movie, 333, 444);
  EXPECT_EQ(find_row(t.user(), t.movie)->play_count, 2);
  EXPECT_EQ(find_row(t.user(), t.movie)->last_played, 333);
}

TEST(UserDataRules, MarkPlayedResetsPositionAndUnplayedClearsAll) {
  Tiny t;
  apply_update(t.user(), t.movie, UserDataUpdate{.position_ticks = 500});
  mark_played(t.s, t.user(), t.movie, 5, 6);
  EXPECT_EQ(find_row(t.user(), t.movie)->position_ticks, 0);
  apply_update(t.user(), t.movie, UserDataUpdate{.position_ticks = 500});
  mark_unplayed(t.s, t.user(), t.movie);
  const UserData* d = find_row(t.user(), t.movie);
  EXPECT_FALSE(d->played);
  EXPECT_EQ(d->play_count, 0);
  EXPECT_EQ(d->position_ticks, 0);
  EXPECT_EQ(d->last_played, kNoDate);
}

TEST(UserDataRules, SeriesRecursesAndComputesFolderState) {
  Tiny t;
  auto v = view_user_data(t.s, t.user(), t.series);
  EXPECT_EQ(v.unplayed_count, 2);
  EXPECT_FALSE(v.played);
  mark_played(t.s, t.user(), t.series, std::nullopt, 9);
  EXPECT_TRUE(find_row(t.user(), t.e1)->played);
  EXPECT_TRUE(find_row(t.user(), t.e2)->played);
  EXPECT_FALSE(find_row(t.user(), t.series)) << "no row for the folder itself";
  v = view_user_data(t.s, t.user(), t.series);
  EXPECT_EQ(v.unplayed_count, 0);
  EXPECT_TRUE(v.played);
  mark_unplayed(t.s, t.user(), t.season);
  EXPECT_FALSE(find_row(t.user(), t.e1)->played);
  v = view_user_data(t.s, t.user(), t.series, 2);
  ASSERT_TRUE(v.played_percentage);
  EXPECT_DOUBLE_EQ(*v.played_percentage, 0.0) << "with RecursiveItemCount";
}

TEST(UserDataRules, PlayedPercentageAndPartialUpdate) {
  Tiny t;
  EXPECT_FALSE(view_user_data(t.s, t.user(), t.movie).played_percentage);
  apply_update(t.user(), t.movie, UserDataUpdate{.position_ticks = 250, .favorite = true});
  auto v = view_user_data(t.s, t.user(), t.movie);
  ASSERT_TRUE(v.played_percentage);
  EXPECT_DOUBLE_EQ(*v.played_percentage, 25.0);
  EXPECT_TRUE(v.row.favorite);
  apply_update(t.user(), t.movie, UserDataUpdate{.likes = false});
  v = view_user_data(t.s, t.user(), t.movie);
  EXPECT_EQ(v.row.position_ticks, 250) << "absent values are not applied";
  EXPECT_TRUE(v.row.favorite);
  EXPECT_EQ(v.row.likes, false);
}

TEST(UserDataKeys, ProviderBasedKeys) {
  Tiny t;
  EXPECT_EQ(user_data_key(t.s.cat, t.movie), "9") << "Tmdb first for movies";
  EXPECT_EQ(user_data_key(t.s.cat, t.series), "77");
  EXPECT_EQ(user_data_key(t.s.cat, t.season), "77001");
  EXPECT_EQ(user_data_key(t.s.cat, t.e2), "77001002");
  EXPECT_EQ(user_data_key(t.s.cat, t.s.cat.libraries[0].item), t.s.cat.libraries[0].id.dashed());
}

TEST(SortNames, ArticlesAndEpisodes) {
  Tiny t;
  EXPECT_EQ(make_sort_name(t.s.cat, t.s.cat.items[t.movie]), "movie");
  EXPECT_EQ(make_sort_name(t.s.cat, t.s.cat.items[t.e2]), "001 - 0002 - two");
}

TEST(Sessions, NewTokenRevokesSameDeviceAndLimits) {
  Tiny t;
  const Device& a = issue_token(t.s, t.user(), DeviceInfo{"dev", "D", "C", "1"}, 1);
  std::string first = a.token;
  EXPECT_TRUE(is_guid_n(first));
  issue_token(t.s, t.user(), DeviceInfo{"other", "D", "C", "1"}, 2);
  const Device& b = issue_token(t.s, t.user(), DeviceInfo{"dev", "D", "C", "1"}, 3);
  EXPECT_NE(b.token, first);
  EXPECT_EQ(t.s.tokens.count(first), 0u);
  EXPECT_EQ(active_sessions(t.s, t.user().id), 2);
  t.user().policy.max_active_sessions = 2;
  EXPECT_TRUE(at_session_limit(t.s, t.user()));
  t.user().policy.max_active_sessions = 0;
  EXPECT_FALSE(at_session_limit(t.s, t.user()));
}

TEST(Sessions, LockoutRule) {
  User u;
  u.policy.login_attempts_before_lockout = -1;
  for (int i = 0; i < 10; ++i) record_failed_login(u);
  EXPECT_FALSE(u.policy.is_disabled);
  User z;
  z.policy.login_attempts_before_lockout = 0;  // 0 means 3
  record_failed_login(z);
  record_failed_login(z);
  EXPECT_FALSE(z.policy.is_disabled);
  record_failed_login(z);
  EXPECT_TRUE(z.policy.is_disabled);
  User s;
  s.policy.login_attempts_before_lockout = 2;
  record_failed_login(s);
  record_successful_login(s, 1);
  record_failed_login(s);
  EXPECT_FALSE(s.policy.is_disabled) << "a success resets the count";
}

TEST(QuickConnectCodes, RangeAndSecrets) {
  std::set<std::string> codes;
  for (int i = 0; i < 2000; ++i) {
    std::string c = generate_code();
    ASSERT_EQ(c.size(), 6u);
    int n = std::stoi(c);
    EXPECT_GE(n, 100000);
    EXPECT_LE(n, 999999);
    codes.insert(c);
  }
  EXPECT_GT(codes.size(), 1900u) << "uniformly spread";
  std::string s = generate_secret();
  EXPECT_EQ(s.size(), 64u);
  EXPECT_EQ(s.find_first_not_of("0123456789ABCDEF"), std::string::npos);
}

}  // namespace
}  // namespace jb::standin

namespace jb::standin {
namespace {

TEST(LocalPeers, LoopbackAndPrivateRangesAreLocal) {
  for (const char* ip : {"127.0.0.1", "::1", "10.1.2.3", "192.168.0.9", "172.16.0.1",
                         "172.31.255.1", "::ffff:127.0.0.1", "fe80::1", "fd00::5", ""})
    EXPECT_TRUE(is_local_peer(ip)) << ip;
  for (const char* ip : {"8.8.8.8", "172.32.0.1", "172.15.0.1", "2001:db8::1", "193.168.0.1"})
    EXPECT_FALSE(is_local_peer(ip)) << ip;
}

}  // namespace
}  // namespace jb::standin
