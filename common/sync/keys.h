// keys.h — every Redis key of sync pairs and runs, each pattern built by one
// function here (no other file spells a "jb:pair:" or "jb:run:" key):
//
//   jb:pair:<id>                   hash  owner, json (the pair), every_minutes
//   jb:user:<uid>:pairs            set   the user's pair ids
//   jb:pairs:scheduled             zset  pair id → next scheduled run (ms)
//   jb:pair:<id>:runs              zset  run id → created (ms)
//   jb:pair:<id>:active            str   the pair's queued/running/held run (its run slot)
//   jb:pair:<id>:synced            str   the last run that moved the baselines (none: bootstrap)
//   jb:pair:<id>:base:<feature>    hash  group → baseline
//   jb:pair:<id>:fails             hash  <feature>:<group> → consecutive failed runs (3 = quarantined)
//   jb:run:<id>                    hash  the run record (records.h)
//   jb:run:<id>:<feature>:S|T      hash  group → source/target SideEntry (during the run); a group
//                                        is named by a canonical key (sync-worker/match.h)
//   jb:run:<id>:<feature>:A        hash  group → the agreed baseline if the run succeeds
//   jb:run:<id>:items              list  per-item decisions (RunItem JSON), in order
//   jb:run:<id>:plan               list  planned writes (PlanEntry JSON), index = plan position
//   jb:run:<id>:out                hash  plan position → Outcome JSON
//   jb:run:<id>:unmatched          hash  <feature>|<side>|<item> → RunItem JSON (during the run)
//   jb:run:<id>:done:<stage>       set   finished parts of a stage (scan, apply)
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "common/sync/types.h"

namespace jb::sync {

std::string pair_key(const std::string& pair);
std::string user_pairs_key(const std::string& user);
std::string scheduled_pairs_key();
std::string pair_runs_key(const std::string& pair);
std::string pair_active_key(const std::string& pair);
std::string pair_synced_key(const std::string& pair);
std::string baseline_key(const std::string& pair, Feature f);
std::string pair_fails_key(const std::string& pair);

std::string run_key(const std::string& run);
std::string run_feature_key(const std::string& run, Feature f, char which);  // S, T or A
std::string run_items_key(const std::string& run);
std::string run_plan_key(const std::string& run);
std::string run_outcomes_key(const std::string& run);
std::string run_unmatched_key(const std::string& run);
std::string run_done_key(const std::string& run, const std::string& stage);

}  // namespace jb::sync
