// Unit tests for records.h and keys.h: every record survives its encoding,
// decoding rejects what is not a record of its kind, and the keys follow the
// documented patterns.
#include "common/sync/records.h"

#include <gtest/gtest.h>

#include "common/core/json.h"
#include "common/sync/keys.h"

using namespace jb;
using namespace jb::sync;

TEST(RunItemRecord, RoundTripsEveryField) {
  RunItem it{"history", "played", "target", "0a1b", "Pilot", "a reason", true, 42};
  auto back = decode_run_item(encode_run_item(it));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->feature, "history");
  EXPECT_EQ(back->action, "played");
  EXPECT_EQ(back->side, "target");
  EXPECT_EQ(back->item, "0a1b");
  EXPECT_EQ(back->name, "Pilot");
  EXPECT_EQ(back->reason, "a reason");
  EXPECT_TRUE(back->removal);
  ASSERT_TRUE(back->plan);
  EXPECT_EQ(*back->plan, 42);
  RunItem bare{"watchlist", "skip", "source", "x", "Name \"quoted\" ✓", "", false, std::nullopt};
  auto b = decode_run_item(encode_run_item(bare));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->name, "Name \"quoted\" ✓");
  EXPECT_FALSE(b->plan);
  EXPECT_FALSE(b->removal);
  EXPECT_EQ(encode_run_item(bare).find("plan"), std::string::npos) << "absent, not null";
}

TEST(RunItemRecord, DecodingRejectsWhatIsNotAnItem) {
  EXPECT_FALSE(decode_run_item(""));
  EXPECT_FALSE(decode_run_item("[]"));
  EXPECT_FALSE(decode_run_item("{\"action\":\"skip\"}")) << "no feature";
  EXPECT_FALSE(decode_run_item("{\"feature\":\"history\"}")) << "no action";
  EXPECT_FALSE(decode_run_item("{\"feature\":"));
}

TEST(RunItemRecord, TheApiShowsTheOutcomeAndTheItemsReasonFirst) {
  RunItem planned{"watchlist", "favorite", "target", "i1", "M", "", false, 3};
  auto a = json::parse(run_item_to_json(planned, Outcome{"failed", "the server said no"}));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(json::get_string(*a, "outcome"), "failed");
  EXPECT_EQ(json::get_string(*a, "reason"), "the server said no");
  EXPECT_EQ(json::get_int(*a, "plan", -1), 3);
  auto pending = json::parse(run_item_to_json(planned, std::nullopt));
  EXPECT_EQ(json::member(*pending, "outcome"), nullptr);
  RunItem skipped{"progress", "skip", "target", "i2", "M", "being played", false, std::nullopt};
  auto s = json::parse(run_item_to_json(skipped, Outcome{"applied", "other"}));
  EXPECT_EQ(json::get_string(*s, "reason"), "being played") << "one reason member, the item's";
}

TEST(OutcomeRecord, RoundTripsAndRejectsGarbage) {
  auto o = decode_outcome(encode_outcome({"applied", ""}));
  ASSERT_TRUE(o);
  EXPECT_EQ(o->outcome, "applied");
  EXPECT_EQ(o->reason, "");
  auto f = decode_outcome(encode_outcome({"failed", "timeout"}));
  EXPECT_EQ(f->reason, "timeout");
  EXPECT_FALSE(decode_outcome("{}"));
  EXPECT_FALSE(decode_outcome("nonsense"));
}

TEST(PlanEntryRecord, RoundTripsEveryFieldWithItsCompactNames) {
  PlanEntry e;
  e.feature = "progress";
  e.group = "movie:imdb:tt0133093";
  e.side = "source";
  e.action = "set_position";
  e.ids = {"aa", "bb"};
  e.position_ticks = 12345678;
  e.play_count = 2;
  e.last_played_us = 1700000000123456;
  e.old_baseline = "1|17|9";
  e.removal = false;
  std::string text = encode_plan_entry(e);
  EXPECT_NE(text.find("\"g\":"), std::string::npos);
  EXPECT_NE(text.find("\"ob\":"), std::string::npos);
  auto back = decode_plan_entry(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->feature, e.feature);
  EXPECT_EQ(back->group, e.group);
  EXPECT_EQ(back->side, e.side);
  EXPECT_EQ(back->action, e.action);
  EXPECT_EQ(back->ids, e.ids);
  EXPECT_EQ(back->position_ticks, e.position_ticks);
  EXPECT_EQ(back->play_count, e.play_count);
  EXPECT_EQ(back->last_played_us, e.last_played_us);
  EXPECT_EQ(back->old_baseline, e.old_baseline);
  EXPECT_FALSE(back->removal);
  e.last_played_us.reset();
  e.removal = true;
  auto dateless = decode_plan_entry(encode_plan_entry(e));
  ASSERT_TRUE(dateless);
  EXPECT_FALSE(dateless->last_played_us);
  EXPECT_TRUE(dateless->removal);
}

TEST(PlanEntryRecord, DecodingRejectsIncompleteEntries) {
  PlanEntry e;
  e.feature = "watchlist";
  e.side = "target";
  e.action = "favorite";
  e.ids = {"x"};
  ASSERT_TRUE(decode_plan_entry(encode_plan_entry(e)));
  auto without = [&](auto change) {
    PlanEntry c = e;
    change(c);
    return decode_plan_entry(encode_plan_entry(c));
  };
  EXPECT_FALSE(without([](PlanEntry& c) { c.ids.clear(); }));
  EXPECT_FALSE(without([](PlanEntry& c) { c.feature = "ratings"; }));
  EXPECT_FALSE(without([](PlanEntry& c) { c.side = "both"; }));
  EXPECT_FALSE(without([](PlanEntry& c) { c.action.clear(); }));
  EXPECT_FALSE(decode_plan_entry("{\"f\":\"watchlist\""));
}

TEST(RunRecordRecord, AccessorsAndTheApiJson) {
  RunRecord r{{{"id", "r1"},
               {"pair", "p1"},
               {"owner", "u"},
               {"state", "succeeded"},
               {"phase", "done"},
               {"dry_run", "1"},
               {"f:history", "1"},
               {"c:history:planned", "5"},
               {"c:history:failed", "x"},
               {"diff_ms", "1700000000000"},
               {"finished_ms", "1700000000000"}}};
  EXPECT_TRUE(r.exists());
  EXPECT_TRUE(r.terminal());
  EXPECT_TRUE(r.dry_run());
  EXPECT_TRUE(r.syncs(Feature::history));
  EXPECT_FALSE(r.syncs(Feature::watchlist));
  EXPECT_EQ(r.counter(Feature::history, "planned"), 5);
  EXPECT_EQ(r.counter(Feature::history, "failed"), 0) << "not a number counts as 0";
  auto j = json::parse(run_to_json(r));
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(json::get_string(*j, "finished_at"), "2023-11-14T22:13:20Z");
  EXPECT_TRUE(json::member(*j, "started_at")->IsNull());
  const auto* phases = json::member(*j, "phase_started_at");
  ASSERT_TRUE(phases && phases->IsObject());
  EXPECT_EQ(json::get_string(*phases, "diff"), "2023-11-14T22:13:20Z");
  EXPECT_TRUE(json::member(*phases, "scan")->IsNull());
  EXPECT_TRUE(json::member(*phases, "apply")->IsNull());
  EXPECT_EQ(json::member(*j, "counters")->MemberCount(), 1u);
  EXPECT_FALSE(RunRecord{}.exists());
  RunRecord held{{{"state", "held"}}};
  EXPECT_FALSE(held.terminal());
}

TEST(SyncKeys, FollowTheDocumentedPatterns) {
  EXPECT_EQ(pair_key("p"), "jb:pair:p");
  EXPECT_EQ(user_pairs_key("u"), "jb:user:u:pairs");
  EXPECT_EQ(scheduled_pairs_key(), "jb:pairs:scheduled");
  EXPECT_EQ(pair_runs_key("p"), "jb:pair:p:runs");
  EXPECT_EQ(pair_active_key("p"), "jb:pair:p:active");
  EXPECT_EQ(pair_synced_key("p"), "jb:pair:p:synced");
  EXPECT_EQ(baseline_key("p", Feature::progress), "jb:pair:p:base:progress");
  EXPECT_EQ(pair_fails_key("p"), "jb:pair:p:fails");
  EXPECT_EQ(run_key("r"), "jb:run:r");
  EXPECT_EQ(run_feature_key("r", Feature::watchlist, 'S'), "jb:run:r:watchlist:S");
  EXPECT_EQ(run_items_key("r"), "jb:run:r:items");
  EXPECT_EQ(run_plan_key("r"), "jb:run:r:plan");
  EXPECT_EQ(run_outcomes_key("r"), "jb:run:r:out");
  EXPECT_EQ(run_unmatched_key("r"), "jb:run:r:unmatched");
  EXPECT_EQ(run_done_key("r", "apply"), "jb:run:r:done:apply");
}
