// Unit tests for writes.h: the exact Jellyfin request of every planned write
// (method, url-encoded path with ?userId=, JSON body members), and the
// read-back check of every action, including dates compared to the second.
//
// Thread-safety: single-threaded tests of pure functions.
#include "sync-worker/writes.h"

#include <gtest/gtest.h>

#include <string>

#include "common/core/json.h"

using namespace jb;
using namespace jb::worker;
using jb::sync::Action;

namespace {

constexpr int64_t kUs = 1'000'000;
const int64_t kT0 = 1'700'000'000LL * kUs;  // 2023-11-14T22:13:20Z
const char* kT0Text = "2023-11-14T22:13:20Z";

const std::string kItem = "0123456789abcdef0123456789abcdef";
const std::string kUser = "fedcba9876543210fedcba9876543210";
const std::string kQuery = "?userId=" + kUser;
const std::string kUserData = "/UserItems/" + kItem + "/UserData" + kQuery;

PlannedWrite planned(Action a, int64_t pos = 0, std::optional<int64_t> date = std::nullopt,
                     int64_t count = 0) {
  PlannedWrite w;
  w.action = a;
  w.position_ticks = pos;
  w.last_played_us = date;
  w.play_count = count;
  return w;
}

jf::UserData seen(bool favorite, bool played, int64_t pos = 0,
                  std::optional<int64_t> date = std::nullopt) {
  jf::UserData u;
  u.favorite = favorite;
  u.played = played;
  u.position_ticks = pos;
  u.last_played_us = date;
  return u;
}

// The body's members as "name=value" strings, in order (values as JSON).
std::vector<std::string> members(const std::string& body) {
  auto d = json::parse(body);
  EXPECT_TRUE(d.ok()) << body;
  if (!d.ok() || !d->IsObject()) {
    ADD_FAILURE() << "not a JSON object: " << body;
    return {};
  }
  std::vector<std::string> out;
  for (auto it = d->MemberBegin(); it != d->MemberEnd(); ++it)
    out.push_back(std::string(it->name.GetString()) + "=" + json::stringify(it->value));
  return out;
}

using Members = std::vector<std::string>;

}  // namespace

// ---------------------------------------------------------------- to_request

TEST(Writes, FavoriteAndUnfavoriteUseTheFavoriteRoutesWithoutBody) {
  auto fav = to_request(planned(Action::favorite), kItem, kUser);
  EXPECT_EQ(fav.method, "POST");
  EXPECT_EQ(fav.path, "/UserFavoriteItems/" + kItem + kQuery);
  EXPECT_EQ(fav.body, "");
  auto unfav = to_request(planned(Action::unfavorite), kItem, kUser);
  EXPECT_EQ(unfav.method, "DELETE");
  EXPECT_EQ(unfav.path, "/UserFavoriteItems/" + kItem + kQuery);
  EXPECT_EQ(unfav.body, "");
}

TEST(Writes, UnplayedIsADeleteOfThePlayedItem) {
  // Dates, positions and counts are irrelevant to it.
  auto r = to_request(planned(Action::unplayed, 123, kT0, 4), kItem, kUser);
  EXPECT_EQ(r.method, "DELETE");
  EXPECT_EQ(r.path, "/UserPlayedItems/" + kItem + kQuery);
  EXPECT_EQ(r.body, "");
}

TEST(Writes, PlayedSetsTheUserDataAbsolutely) {
  auto r = to_request(planned(Action::played, 5555, kT0, 3), kItem, kUser);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, kUserData);
  // The position is cleared whatever the plan carried; the count is the other side's.
  EXPECT_EQ(members(r.body), (Members{"Played=true", "PlayCount=3", "PlaybackPositionTicks=0",
                                      std::string("LastPlayedDate=\"") + kT0Text + "\""}));
}

TEST(Writes, PlayedCountsAtLeastOnceAndSendsADateOnlyWhenGiven) {
  auto zero = to_request(planned(Action::played, 0, std::nullopt, 0), kItem, kUser);
  EXPECT_EQ(zero.method, "POST");
  EXPECT_EQ(zero.path, kUserData);
  EXPECT_EQ(members(zero.body), (Members{"Played=true", "PlayCount=1", "PlaybackPositionTicks=0"}));
  auto negative = to_request(planned(Action::played, 0, std::nullopt, -7), kItem, kUser);
  EXPECT_EQ(members(negative.body),
            (Members{"Played=true", "PlayCount=1", "PlaybackPositionTicks=0"}));
  auto one = to_request(planned(Action::played, 0, std::nullopt, 1), kItem, kUser);
  EXPECT_EQ(members(one.body), (Members{"Played=true", "PlayCount=1", "PlaybackPositionTicks=0"}));
  auto many = to_request(planned(Action::played, 0, std::nullopt, 42), kItem, kUser);
  EXPECT_EQ(members(many.body),
            (Members{"Played=true", "PlayCount=42", "PlaybackPositionTicks=0"}));
}

TEST(Writes, PlayedIsNotThePlayedItemsRoute) {
  // POST /UserPlayedItems with a date increments PlayCount: a repeat would count twice.
  for (int64_t count : {0, 1, 9}) {
    auto r = to_request(planned(Action::played, 0, kT0, count), kItem, kUser);
    EXPECT_EQ(r.path.find("/UserPlayedItems"), std::string::npos);
  }
}

TEST(Writes, SetLastPlayedSendsOnlyTheDate) {
  auto r = to_request(planned(Action::set_last_played, 999, kT0, 5), kItem, kUser);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, kUserData);
  EXPECT_EQ(members(r.body), (Members{std::string("LastPlayedDate=\"") + kT0Text + "\""}));
  // Without a date there is nothing to set: an empty object changes nothing.
  auto none = to_request(planned(Action::set_last_played), kItem, kUser);
  EXPECT_EQ(none.method, "POST");
  EXPECT_EQ(none.path, kUserData);
  EXPECT_TRUE(members(none.body).empty());
}

TEST(Writes, SetPositionSendsThePositionAndTheDateWhenGiven) {
  auto r = to_request(planned(Action::set_position, 12'345'678'901, kT0, 2), kItem, kUser);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, kUserData);
  EXPECT_EQ(members(r.body), (Members{"PlaybackPositionTicks=12345678901",
                                      std::string("LastPlayedDate=\"") + kT0Text + "\""}));
  auto undated = to_request(planned(Action::set_position, 600'000'000), kItem, kUser);
  EXPECT_EQ(members(undated.body), (Members{"PlaybackPositionTicks=600000000"}));
}

TEST(Writes, ClearPositionSendsZeroOnly) {
  auto r = to_request(planned(Action::clear_position, 600'000'000, kT0, 2), kItem, kUser);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, kUserData);
  EXPECT_EQ(members(r.body), (Members{"PlaybackPositionTicks=0"}));
}

TEST(Writes, DatesAreSentAsUtcSecondsDroppingTheFraction) {
  auto r = to_request(planned(Action::set_last_played, 0, kT0 + 999'999), kItem, kUser);
  EXPECT_EQ(members(r.body), (Members{std::string("LastPlayedDate=\"") + kT0Text + "\""}));
  auto epoch = to_request(planned(Action::set_last_played, 0, int64_t{0}), kItem, kUser);
  EXPECT_EQ(members(epoch.body), (Members{"LastPlayedDate=\"1970-01-01T00:00:00Z\""}));
}

TEST(Writes, IdsAreUrlEncodedInEveryRoute) {
  const std::string item = "a b/c?d&e#f";
  const std::string user = "u&userId=evil";
  const std::string enc_item = "a%20b%2Fc%3Fd%26e%23f";
  const std::string q = "?userId=u%26userId%3Devil";
  EXPECT_EQ(to_request(planned(Action::favorite), item, user).path,
            "/UserFavoriteItems/" + enc_item + q);
  EXPECT_EQ(to_request(planned(Action::unfavorite), item, user).path,
            "/UserFavoriteItems/" + enc_item + q);
  EXPECT_EQ(to_request(planned(Action::unplayed), item, user).path,
            "/UserPlayedItems/" + enc_item + q);
  for (Action a :
       {Action::played, Action::set_last_played, Action::set_position, Action::clear_position})
    EXPECT_EQ(to_request(planned(a, 0, kT0), item, user).path,
              "/UserItems/" + enc_item + "/UserData" + q)
        << sync::action_name(a);
}

TEST(Writes, RequestsAreDeterministicSoRepeatsAreHarmless) {
  for (Action a : {Action::favorite, Action::unfavorite, Action::played, Action::unplayed,
                   Action::set_last_played, Action::set_position, Action::clear_position}) {
    auto w = planned(a, 700'000'000, kT0, 2);
    auto x = to_request(w, kItem, kUser), y = to_request(w, kItem, kUser);
    EXPECT_EQ(x.method, y.method) << sync::action_name(a);
    EXPECT_EQ(x.path, y.path) << sync::action_name(a);
    EXPECT_EQ(x.body, y.body) << sync::action_name(a);
    // Every body is empty or a JSON object.
    if (!x.body.empty()) {
      auto d = json::parse(x.body);
      ASSERT_TRUE(d.ok()) << x.body;
      EXPECT_TRUE(d->IsObject()) << x.body;
    }
  }
}

TEST(Writes, ToRequestsClearsAStaleDateBeforeADatelessPlayed) {
  auto two = to_requests(planned(Action::played, 0, std::nullopt, 2), kItem, kUser);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].method, "DELETE");
  EXPECT_EQ(two[0].path, "/UserPlayedItems/" + kItem + kQuery);
  EXPECT_EQ(two[0].body, "");
  EXPECT_EQ(two[1].method, "POST");
  EXPECT_EQ(two[1].path, kUserData);
  EXPECT_EQ(members(two[1].body),
            (Members{"Played=true", "PlayCount=2", "PlaybackPositionTicks=0"}));

  // With a date, and for every other action: exactly to_request's one request.
  for (Action a : {Action::favorite, Action::unfavorite, Action::played, Action::unplayed,
                   Action::set_last_played, Action::set_position, Action::clear_position}) {
    for (std::optional<int64_t> date : {std::optional<int64_t>(kT0), std::optional<int64_t>()}) {
      if (a == Action::played && !date) continue;
      auto w = planned(a, 700'000'000, date, 3);
      auto rs = to_requests(w, kItem, kUser);
      ASSERT_EQ(rs.size(), 1u) << sync::action_name(a);
      auto one = to_request(w, kItem, kUser);
      EXPECT_EQ(rs[0].method, one.method) << sync::action_name(a);
      EXPECT_EQ(rs[0].path, one.path) << sync::action_name(a);
      EXPECT_EQ(rs[0].body, one.body) << sync::action_name(a);
    }
  }
}

// ---------------------------------------------------------------- in_effect

TEST(Writes, FavoriteInEffect) {
  EXPECT_TRUE(in_effect(planned(Action::favorite), seen(true, false)));
  EXPECT_TRUE(in_effect(planned(Action::favorite), seen(true, true, 5, kT0)));
  EXPECT_FALSE(in_effect(planned(Action::favorite), seen(false, true)));
  EXPECT_TRUE(in_effect(planned(Action::unfavorite), seen(false, true)));
  EXPECT_FALSE(in_effect(planned(Action::unfavorite), seen(true, false)));
}

TEST(Writes, UnplayedInEffect) {
  EXPECT_TRUE(in_effect(planned(Action::unplayed), seen(false, false)));
  EXPECT_TRUE(in_effect(planned(Action::unplayed), seen(true, false)));
  EXPECT_FALSE(in_effect(planned(Action::unplayed), seen(false, true)));
  EXPECT_FALSE(in_effect(planned(Action::unplayed), seen(false, true, 0, kT0)));
}

TEST(Writes, PlayedInEffectNeedsPlayedAndTheDateToTheSecond) {
  auto w = planned(Action::played, 0, kT0 + 400'000, 2);
  EXPECT_TRUE(in_effect(w, seen(false, true, 0, kT0)));            // stored truncated to the second
  EXPECT_TRUE(in_effect(w, seen(false, true, 0, kT0 + 400'000)));  // exact
  EXPECT_TRUE(in_effect(w, seen(false, true, 0, kT0 + 1'399'999)));   // under a second later
  EXPECT_FALSE(in_effect(w, seen(false, true, 0, kT0 + 1'400'000)));  // a second later
  EXPECT_FALSE(in_effect(w, seen(false, true, 0, kT0 - 600'000)));    // a second earlier
  EXPECT_FALSE(in_effect(w, seen(false, true, 0, kT0 - 3600 * kUs)));
  EXPECT_FALSE(in_effect(w, seen(false, true)));           // asked for a date, none stored
  EXPECT_FALSE(in_effect(w, seen(false, false, 0, kT0)));  // date right, not played
  // Without a date only "played" counts, whatever date is stored.
  auto undated = planned(Action::played, 0, std::nullopt, 1);
  EXPECT_TRUE(in_effect(undated, seen(false, true)));
  EXPECT_TRUE(in_effect(undated, seen(false, true, 0, kT0 - 86400 * kUs)));
  EXPECT_FALSE(in_effect(undated, seen(false, false)));
}

TEST(Writes, SetLastPlayedInEffectComparesToTheSecond) {
  auto w = planned(Action::set_last_played, 0, kT0);
  EXPECT_TRUE(in_effect(w, seen(false, false, 0, kT0)));
  EXPECT_TRUE(in_effect(w, seen(false, false, 0, kT0 + 999'999)));
  EXPECT_TRUE(in_effect(w, seen(false, false, 0, kT0 - 999'999)));
  EXPECT_FALSE(in_effect(w, seen(false, false, 0, kT0 + kUs)));
  EXPECT_FALSE(in_effect(w, seen(false, false, 0, kT0 - kUs)));
  EXPECT_FALSE(in_effect(w, seen(false, false)));  // no date stored
  // Nothing asked for: nothing to prove.
  EXPECT_TRUE(in_effect(planned(Action::set_last_played), seen(false, false)));
  EXPECT_TRUE(in_effect(planned(Action::set_last_played), seen(false, false, 0, kT0)));
}

TEST(Writes, SetPositionInEffectNeedsTheExactPositionAndTheDate) {
  auto w = planned(Action::set_position, 12'345'678'901, kT0);
  EXPECT_TRUE(in_effect(w, seen(false, false, 12'345'678'901, kT0)));
  EXPECT_TRUE(in_effect(w, seen(false, false, 12'345'678'901, kT0 + 500'000)));
  EXPECT_FALSE(in_effect(w, seen(false, false, 12'345'678'900, kT0)));  // one tick off
  EXPECT_FALSE(in_effect(w, seen(false, false, 0, kT0)));
  EXPECT_FALSE(in_effect(w, seen(false, false, 12'345'678'901, kT0 + 2 * kUs)));
  EXPECT_FALSE(in_effect(w, seen(false, false, 12'345'678'901)));  // date missing
  auto undated = planned(Action::set_position, 600'000'000);
  EXPECT_TRUE(in_effect(undated, seen(false, false, 600'000'000)));
  EXPECT_TRUE(in_effect(undated, seen(false, false, 600'000'000, kT0)));
  EXPECT_FALSE(in_effect(undated, seen(false, false, 600'000'001)));
}

TEST(Writes, ClearPositionInEffectWhenThePositionIsZero) {
  auto w = planned(Action::clear_position, 600'000'000, kT0);
  EXPECT_TRUE(in_effect(w, seen(false, false, 0)));
  EXPECT_TRUE(in_effect(w, seen(true, true, 0, kT0 - 99 * kUs)));  // dates do not matter here
  EXPECT_FALSE(in_effect(w, seen(false, false, 1)));
  EXPECT_FALSE(in_effect(w, seen(false, false, 600'000'000, kT0)));
}

TEST(Writes, ARequestInEffectOnAJellyfinLikeStoreIsProvedByTheReadBack) {
  // What a server would store after each request (dates to the second), and
  // what it would show before: in_effect must tell them apart for every action.
  struct Case {
    PlannedWrite w;
    jf::UserData before, after;
  };
  const int64_t d = kT0 + 730'000;  // a plan date with a fraction
  Case cases[] = {
      {planned(Action::favorite), seen(false, false), seen(true, false)},
      {planned(Action::unfavorite), seen(true, false), seen(false, false)},
      {planned(Action::played, 0, d, 2), seen(false, false, 9000), seen(false, true, 0, kT0)},
      {planned(Action::unplayed), seen(false, true, 0, kT0), seen(false, false)},
      {planned(Action::set_last_played, 0, d), seen(false, true, 0, kT0 - 86400 * kUs),
       seen(false, true, 0, kT0)},
      {planned(Action::set_position, 900'000'000, d), seen(false, false, 0),
       seen(false, false, 900'000'000, kT0)},
      {planned(Action::clear_position), seen(false, false, 900'000'000), seen(false, false, 0)},
  };
  for (const auto& c : cases) {
    EXPECT_FALSE(in_effect(c.w, c.before)) << sync::action_name(c.w.action);
    EXPECT_TRUE(in_effect(c.w, c.after)) << sync::action_name(c.w.action);
  }
}
