// Pair validation (every field problem named), the pair's JSON round trip and
// the compact state/baseline encodings used during a run.
#include "common/sync/model.h"

#include <gtest/gtest.h>

using namespace jb;
using namespace jb::sync;

namespace {

const std::vector<std::string> kMine{"c1", "c2", "c3"};

struct Parsed {
  Result<Pair> pair;
  std::vector<std::pair<std::string, std::string>> problems;
};

Parsed parse(const std::string& body, const Pair* existing = nullptr) {
  auto d = json::parse(body);
  EXPECT_TRUE(d.ok()) << body;
  json::Fields f(*d);
  auto p = pair_from_json(*d, existing, kMine, f);
  return {std::move(p), f.problems()};
}

bool has_problem(const Parsed& p, const std::string& field) {
  for (const auto& [f, _] : p.problems)
    if (f == field) return true;
  return false;
}

}  // namespace

TEST(PairValidation, MinimalCreateEnablesEveryFeatureWithoutRemovals) {
  auto p = parse(R"({"source":"c1","target":"c2"})");
  ASSERT_TRUE(p.pair.ok());
  EXPECT_FALSE(p.pair->two_way);
  for (Feature f : kFeatures) {
    EXPECT_TRUE(p.pair->feature(f).enabled);
    EXPECT_TRUE(p.pair->feature(f).add);
    EXPECT_FALSE(p.pair->feature(f).remove) << "remove must be off by default";
  }
  EXPECT_EQ(p.pair->every_minutes, 0);
  EXPECT_FALSE(p.pair->dry_run);
}

TEST(PairValidation, ConnectionsMustBeYoursAndDistinct) {
  auto p = parse(R"({"source":"c1","target":"someone-elses"})");
  ASSERT_FALSE(p.pair.ok());
  EXPECT_EQ(p.pair.error().http_status, 400);
  EXPECT_TRUE(has_problem(p, "target"));
  EXPECT_FALSE(has_problem(p, "source"));

  auto same = parse(R"({"source":"c2","target":"c2"})");
  ASSERT_FALSE(same.pair.ok());
  EXPECT_TRUE(has_problem(same, "target"));
  EXPECT_NE(same.pair.error().message.find("another connection"), std::string::npos)
      << same.pair.error().message;

  auto missing = parse(R"({"source":"c1"})");
  ASSERT_FALSE(missing.pair.ok());
  EXPECT_TRUE(has_problem(missing, "target"));
}

TEST(PairValidation, EveryProblemIsNamedAtOnce) {
  auto p = parse(
      R"({"source":"c1","target":"c2","mode":"sideways","features":{"ratings":{"enabled":true},
    "history":{"enabled":"yes","delete":true}},"schedule":{"every_minutes":5},"dry_run":1,"colour":"red"})");
  ASSERT_FALSE(p.pair.ok());
  for (const char* f : {"mode", "features.ratings", "features.history.enabled",
                        "features.history.delete", "schedule.every_minutes", "dry_run", "colour"})
    EXPECT_TRUE(has_problem(p, f)) << f;
}

TEST(PairValidation, ScheduleAndLibraries) {
  auto p = parse(R"({"source":"c1","target":"c2","mode":"two-way","schedule":{"every_minutes":15},
    "libraries":{"source":["a","b"],"target":["x"]}})");
  ASSERT_TRUE(p.pair.ok());
  EXPECT_TRUE(p.pair->two_way);
  EXPECT_EQ(p.pair->every_minutes, 15);
  EXPECT_EQ(p.pair->source_libraries, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(p.pair->target_libraries, (std::vector<std::string>{"x"}));

  EXPECT_FALSE(parse(R"({"source":"c1","target":"c2","schedule":{"every_minutes":14}})").pair.ok());
  EXPECT_FALSE(
      parse(R"({"source":"c1","target":"c2","schedule":{"every_minutes":15.5}})").pair.ok());
  EXPECT_FALSE(parse(R"({"source":"c1","target":"c2","schedule":"hourly"})").pair.ok());
  EXPECT_FALSE(parse(R"({"source":"c1","target":"c2","libraries":["a"]})").pair.ok());
  EXPECT_FALSE(parse(R"({"source":"c1","target":"c2","libraries":{"source":[1]}})").pair.ok());
  EXPECT_TRUE(
      parse(R"({"source":"c1","target":"c2","schedule":"manual","libraries":null})").pair.ok());
}

// Found by fuzz/pair_bodies_fuzz.cpp: the schedule was compared up to its first NUL, so
// "manual\u0000junk" passed as "manual" and a member "every_minutes\u0000x" was ignored
// instead of refused.
TEST(PairValidation, ScheduleStringsAreComparedWhole) {
  auto manual = parse(R"({"source":"c1","target":"c2","schedule":"manual\u0000junk"})");
  EXPECT_FALSE(manual.pair.ok());
  EXPECT_TRUE(has_problem(manual, "schedule"));
  auto member = parse(
      R"({"source":"c1","target":"c2","schedule":{"every_minutes":60,"every_minutes\u0000x":1}})");
  EXPECT_FALSE(member.pair.ok());
  EXPECT_TRUE(has_problem(member, std::string("schedule.every_minutes\0x", 24)));
}

TEST(PairValidation, AtLeastOneFeatureStaysEnabled) {
  auto p = parse(R"({"source":"c1","target":"c2","features":{"watchlist":{"enabled":false},
    "history":{"enabled":false},"progress":{"enabled":false}}})");
  ASSERT_FALSE(p.pair.ok());
  EXPECT_TRUE(has_problem(p, "features"));
}

TEST(PairValidation, PatchChangesOnlyWhatIsGiven) {
  auto created = parse(
      R"({"name":"home","source":"c1","target":"c2","features":{"history":{"remove":true}}})");
  ASSERT_TRUE(created.pair.ok());
  auto patched =
      parse(R"({"mode":"two-way","features":{"watchlist":{"enabled":false}}})", &*created.pair);
  ASSERT_TRUE(patched.pair.ok());
  EXPECT_EQ(patched.pair->name, "home");
  EXPECT_EQ(patched.pair->source, "c1");
  EXPECT_TRUE(patched.pair->two_way);
  EXPECT_FALSE(patched.pair->watchlist.enabled);
  EXPECT_TRUE(patched.pair->history.remove);
  // A PATCH that points target at source is caught too.
  EXPECT_FALSE(parse(R"({"target":"c1"})", &*created.pair).pair.ok());
}

TEST(PairJson, RoundTripsThroughStorage) {
  auto p = parse(R"({"name":"a \"quoted\" name","source":"c1","target":"c3","mode":"two-way",
    "features":{"progress":{"enabled":false},"history":{"remove":true}},"schedule":{"every_minutes":60},
    "libraries":{"source":["l1"],"target":[]},"dry_run":true})");
  ASSERT_TRUE(p.pair.ok());
  p.pair->id = "p1";
  p.pair->created_ms = 1700000000000;
  auto back = pair_from_stored(pair_to_json(*p.pair));
  ASSERT_TRUE(back.ok()) << pair_to_json(*p.pair);
  EXPECT_EQ(back->name, p.pair->name);
  EXPECT_EQ(back->target, "c3");
  EXPECT_TRUE(back->two_way);
  EXPECT_FALSE(back->progress.enabled);
  EXPECT_TRUE(back->history.remove);
  EXPECT_EQ(back->every_minutes, 60);
  EXPECT_EQ(back->source_libraries, std::vector<std::string>{"l1"});
  EXPECT_TRUE(back->dry_run);
  EXPECT_EQ(back->created_ms, 1700000000000);
  EXPECT_FALSE(pair_from_stored("{not json").ok());
}

TEST(EntryEncoding, RoundTripsIncludingMissingDatesAndOddNames) {
  SideEntry e;
  e.state.favorite = true;
  e.state.position_ticks = 123456789;
  e.state.runtime_ticks = 999;
  e.state.play_count = 3;
  e.own_ids = {"aa", "bb"};
  e.other_ids = {"cc"};
  e.name = "Law | Order, S01E02";
  SideEntry back;
  ASSERT_TRUE(decode_entry(encode_entry(e), back));
  EXPECT_TRUE(back.state.favorite);
  EXPECT_FALSE(back.state.played);
  EXPECT_EQ(back.state.position_ticks, 123456789);
  EXPECT_EQ(back.state.runtime_ticks, 999);
  EXPECT_EQ(back.state.play_count, 3);
  EXPECT_FALSE(back.state.last_played_us.has_value());
  EXPECT_EQ(back.own_ids, e.own_ids);
  EXPECT_EQ(back.other_ids, e.other_ids);
  EXPECT_EQ(back.name, e.name);
  e.state.last_played_us = -5;  // before 1970 is still a date
  e.other_ids.clear();
  ASSERT_TRUE(decode_entry(encode_entry(e), back));
  EXPECT_EQ(back.state.last_played_us, -5);
  EXPECT_TRUE(back.other_ids.empty());
  EXPECT_FALSE(decode_entry("1|0|x", back));

  Baseline b{true, 42, 7};
  Baseline bb;
  ASSERT_TRUE(decode_baseline(encode_baseline(b), bb));
  EXPECT_TRUE(bb.present);
  EXPECT_EQ(bb.last_played_us, 42);
  EXPECT_EQ(bb.position_ticks, 7);
  EXPECT_FALSE(decode_baseline("1|2", bb));
}

TEST(PairJson, ExtraMembersLandInsideTheObject) {
  auto p = parse(R"({"source":"c1","target":"c2"})");
  ASSERT_TRUE(p.pair.ok());
  auto d = json::parse(pair_to_json(*p.pair, "\"last_run\":null"));
  ASSERT_TRUE(d.ok());
  ASSERT_NE(json::member(*d, "last_run"), nullptr);
  EXPECT_TRUE(json::member(*d, "last_run")->IsNull());
  EXPECT_EQ(json::get_string(*d, "mode"), "one-way");
  EXPECT_EQ(json::get_string(*d, "schedule"), "manual");
}
