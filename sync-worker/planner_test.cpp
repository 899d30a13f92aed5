// Unit tests for planner.h: every rule, plus a property test that a second
// decision after applying the first one writes nothing (no ping-pong), in both
// modes, for every feature, over thousands of random states.
#include "sync-worker/planner.h"

#include <gtest/gtest.h>

#include <random>

using namespace jb::sync;

namespace {

constexpr int64_t kSec = 10'000'000;  // ticks
constexpr int64_t kUs = 1'000'000;
const int64_t kT0 = 1'700'000'000LL * kUs;

Inputs in(Feature f, bool two_way, bool add = true, bool remove = false) {
  Inputs i;
  i.feature = f;
  i.two_way = two_way;
  i.config.enabled = true;
  i.config.add = add;
  i.config.remove = remove;
  return i;
}

// What the target/source look like after the writes succeed.
void apply(Inputs& i, const Decision& d) {
  for (const auto& w : d.writes) {
    State& s = w.side == Side::target ? i.target : i.source;
    switch (w.action) {
      case Action::favorite:
        s.favorite = true;
        break;
      case Action::unfavorite:
        s.favorite = false;
        break;
      case Action::played:  // Jellyfin keeps the existing date when none is given
        s.played = true;
        s.position_ticks = 0;
        if (w.last_played_us) s.last_played_us = w.last_played_us;
        break;
      case Action::unplayed:
        s.played = false;
        s.position_ticks = 0;
        s.last_played_us.reset();
        break;
      case Action::set_last_played:
        s.last_played_us = w.last_played_us;
        break;
      case Action::set_position:
        s.position_ticks = w.position_ticks;
        if (w.last_played_us) s.last_played_us = w.last_played_us;
        break;
      case Action::clear_position:
        s.position_ticks = 0;
        break;
    }
  }
  i.baseline = d.agreed;
}

State movie(int64_t position_s = 0, int64_t runtime_s = 7200) {
  State s;
  s.position_ticks = position_s * kSec;
  s.runtime_ticks = runtime_s * kSec;
  return s;
}

}  // namespace

TEST(Planner, WatchlistOneWayAddsAndBootstrapNeverRemoves) {
  auto i = in(Feature::watchlist, false, true, true);
  i.source.favorite = true;
  auto d = decide(i);
  ASSERT_EQ(d.writes.size(), 1u);
  EXPECT_EQ(d.writes[0].side, Side::target);
  EXPECT_EQ(d.writes[0].action, Action::favorite);
  // Only on the target, no baseline (bootstrap): left alone, even with removals on.
  auto j = in(Feature::watchlist, false, true, true);
  j.target.favorite = true;
  auto e = decide(j);
  EXPECT_TRUE(e.writes.empty());
  EXPECT_EQ(e.skip, "only on the target (one-way)");
}

TEST(Planner, WatchlistRemovalAgainstTheBaseline) {
  auto i = in(Feature::watchlist, false, true, true);
  i.target.favorite = true;
  i.baseline = Baseline{true, {}, 0};  // both had it last time; the source dropped it
  auto d = decide(i);
  ASSERT_EQ(d.writes.size(), 1u);
  EXPECT_EQ(d.writes[0].action, Action::unfavorite);
  EXPECT_TRUE(d.writes[0].removal);
  i.config.remove = false;
  auto e = decide(i);
  EXPECT_TRUE(e.writes.empty());
  EXPECT_EQ(e.skip, "removed on the source; removals are off");
}

TEST(Planner, WatchlistTwoWayBothDirections) {
  auto i = in(Feature::watchlist, true, true, true);
  i.target.favorite = true;  // new on the target
  auto d = decide(i);
  ASSERT_EQ(d.writes.size(), 1u);
  EXPECT_EQ(d.writes[0].side, Side::source);
  EXPECT_EQ(d.writes[0].action, Action::favorite);
  auto j = in(Feature::watchlist, true, true, true);
  j.source.favorite = true;
  j.baseline = Baseline{true, {}, 0};  // the target unfavorited it
  auto e = decide(j);
  ASSERT_EQ(e.writes.size(), 1u);
  EXPECT_EQ(e.writes[0].side, Side::source);
  EXPECT_EQ(e.writes[0].action, Action::unfavorite);
}

TEST(Planner, HistoryAddsWithTheSourceDate) {
  auto i = in(Feature::history, false);
  i.source.played = true;
  i.source.last_played_us = kT0;
  auto d = decide(i);
  ASSERT_EQ(d.writes.size(), 1u);
  EXPECT_EQ(d.writes[0].action, Action::played);
  EXPECT_EQ(d.writes[0].last_played_us, kT0);
}

TEST(Planner, HistoryNewerDateWinsBeyondTheTolerance) {
  auto i = in(Feature::history, true);
  i.source.played = i.target.played = true;
  i.source.last_played_us = kT0;
  i.target.last_played_us = kT0 + 30 * kUs;  // within 60 s: same play
  EXPECT_TRUE(decide(i).writes.empty());
  i.target.last_played_us = kT0 + 3600 * kUs;  // an hour later on the target
  auto d = decide(i);
  ASSERT_EQ(d.writes.size(), 1u);
  EXPECT_EQ(d.writes[0].side, Side::source);
  EXPECT_EQ(d.writes[0].last_played_us, kT0 + 3600 * kUs);
  i.two_way = false;  // one-way never writes the source
  auto e = decide(i);
  EXPECT_TRUE(e.writes.empty());
  EXPECT_EQ(e.skip, "the target's play is newer (one-way)");
}

TEST(Planner, HistoryMissingDates) {
  auto i = in(Feature::history, true);
  i.source.played = i.target.played = true;
  i.source.last_played_us = kT0;  // the target has no date: the dated side wins
  auto d = decide(i);
  ASSERT_EQ(d.writes.size(), 1u);
  EXPECT_EQ(d.writes[0].side, Side::target);
  i.source.last_played_us.reset();
  EXPECT_TRUE(decide(i).writes.empty());  // neither has a date: nothing to settle
}

TEST(Planner, HistoryUnplayedPropagatesOnlyWithRemovals) {
  auto i = in(Feature::history, false, true, false);
  i.target.played = true;
  i.baseline = Baseline{true, kT0, 0};
  EXPECT_TRUE(decide(i).writes.empty());
  i.config.remove = true;
  auto d = decide(i);
  ASSERT_EQ(d.writes.size(), 1u);
  EXPECT_EQ(d.writes[0].action, Action::unplayed);
  EXPECT_TRUE(d.writes[0].removal);
}

TEST(Planner, ProgressThresholds) {
  auto i = in(Feature::progress, false);
  i.source = movie(45);  // under 60 s: ignored
  EXPECT_TRUE(decide(i).writes.empty());
  i.source = movie(7000);  // 97 %: left to history
  EXPECT_TRUE(decide(i).writes.empty());
  i.source = movie(1200);
  i.source.last_played_us = kT0;
  auto d = decide(i);
  ASSERT_EQ(d.writes.size(), 1u);
  EXPECT_EQ(d.writes[0].action, Action::set_position);
  EXPECT_EQ(d.writes[0].position_ticks, 1200 * kSec);
  i.target = movie(1215);  // 15 s apart: not worth a write
  EXPECT_TRUE(decide(i).writes.empty());
  i.target = movie(1300);  // 100 s apart
  i.target.last_played_us = kT0 - 3600 * kUs;
  EXPECT_EQ(decide(i).writes.size(), 1u);
}

TEST(Planner, ProgressNeverTouchesWhatIsBeingPlayed) {
  auto i = in(Feature::progress, false);
  i.source = movie(1200);
  i.target_playing_now = true;
  auto d = decide(i);
  EXPECT_TRUE(d.writes.empty());
  EXPECT_EQ(d.skip, "being played right now on the target");
  // Not agreed: after the session the next run (with this baseline) still adds it.
  EXPECT_FALSE(d.agreed.present);
  i.target_playing_now = false;
  i.baseline = d.agreed;
  i.two_way = true;
  auto next = decide(i);
  ASSERT_EQ(next.writes.size(), 1u);
  EXPECT_EQ(next.writes[0].action, Action::set_position);
}

TEST(Planner, ProgressDoesNotPushOntoAPlayedItem) {
  auto i = in(Feature::progress, false);
  i.source = movie(1200);
  i.target.played = true;
  auto d = decide(i);
  EXPECT_TRUE(d.writes.empty());
  EXPECT_EQ(d.skip, "played on the target: left to history");
}

TEST(Planner, ProgressClearedPropagatesWithRemovals) {
  auto i = in(Feature::progress, true, true, true);
  i.source = movie(0);
  i.target = movie(1200);
  i.baseline = Baseline{true, kT0, 1200 * kSec};
  auto d = decide(i);
  ASSERT_EQ(d.writes.size(), 1u);
  EXPECT_EQ(d.writes[0].action, Action::clear_position);
  EXPECT_EQ(d.writes[0].side, Side::target);
}

TEST(Planner, ProgressConflictNewerWinsAndTiesGoToTheSource) {
  auto i = in(Feature::progress, true);
  i.source = movie(1200);
  i.target = movie(2400);
  i.source.last_played_us = kT0;
  i.target.last_played_us = kT0 + 20 * kUs;  // within the tolerance: the source wins
  auto d = decide(i);
  ASSERT_EQ(d.writes.size(), 1u);
  EXPECT_EQ(d.writes[0].side, Side::target);
  i.target.last_played_us = kT0 + 600 * kUs;  // clearly newer on the target
  auto e = decide(i);
  ASSERT_EQ(e.writes.size(), 1u);
  EXPECT_EQ(e.writes[0].side, Side::source);
  EXPECT_EQ(e.writes[0].position_ticks, 2400 * kSec);
}

TEST(Planner, ASecondDecisionAfterApplyingWritesNothing) {
  std::mt19937_64 rng(42);
  auto coin = [&] { return rng() % 2 == 0; };
  auto date = [&]() -> std::optional<int64_t> {
    if (rng() % 4 == 0) return std::nullopt;
    return kT0 + static_cast<int64_t>(rng() % 100000) * kUs;
  };
  auto state = [&] {
    State s;
    s.favorite = coin();
    s.played = rng() % 3 == 0;
    s.runtime_ticks = 7200 * kSec;
    s.position_ticks = s.played ? 0 : static_cast<int64_t>(rng() % 7200) * kSec;
    s.last_played_us = date();
    return s;
  };
  int writes_first = 0;
  for (int n = 0; n < 20000; ++n) {
    for (Feature f : {Feature::watchlist, Feature::history, Feature::progress}) {
      Inputs i = in(f, coin(), coin(), coin());
      i.source = state();
      i.target = state();
      if (coin()) i.baseline = Baseline{coin(), date(), static_cast<int64_t>(rng() % 7200) * kSec};
      Inputs before = i;
      auto first = decide(i);
      writes_first += static_cast<int>(first.writes.size());
      apply(i, first);
      auto second = decide(i);
      auto show = [](const State& s) {
        return "{fav " + std::to_string(s.favorite) + " played " + std::to_string(s.played) +
               " pos " + std::to_string(s.position_ticks / kSec) + " date " +
               (s.last_played_us ? std::to_string((*s.last_played_us - kT0) / kUs)
                                 : std::string("-")) +
               "}";
      };
      ASSERT_TRUE(second.writes.empty())
          << feature_name(f) << " two_way=" << i.two_way << " add=" << i.config.add
          << " remove=" << i.config.remove
          << " wrote again: " << action_name(second.writes[0].action) << "\n before: src "
          << show(before.source) << " tgt " << show(before.target) << " base "
          << (before.baseline ? std::to_string(before.baseline->present) : "-") << "\n after:  src "
          << show(i.source) << " tgt " << show(i.target);
    }
  }
  EXPECT_GT(writes_first, 10000);  // the property was exercised, not vacuous
}
