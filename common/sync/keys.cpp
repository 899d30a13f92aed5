// keys.cpp — see keys.h.
#include "common/sync/keys.h"

namespace jb::sync {

std::string pair_key(const std::string& pair) {
  return "jb:pair:" + pair;
}
std::string user_pairs_key(const std::string& user) {
  return "jb:user:" + user + ":pairs";
}
std::string scheduled_pairs_key() {
  return "jb:pairs:scheduled";
}
std::string pair_runs_key(const std::string& pair) {
  return pair_key(pair) + ":runs";
}
std::string pair_active_key(const std::string& pair) {
  return pair_key(pair) + ":active";
}
std::string pair_synced_key(const std::string& pair) {
  return pair_key(pair) + ":synced";
}
std::string baseline_key(const std::string& pair, Feature f) {
  return pair_key(pair) + ":base:" + feature_name(f);
}
std::string pair_fails_key(const std::string& pair) {
  return pair_key(pair) + ":fails";
}

std::string run_key(const std::string& run) {
  return "jb:run:" + run;
}
std::string run_feature_key(const std::string& run, Feature f, char which) {
  return run_key(run) + ":" + feature_name(f) + ":" + std::string(1, which);
}
std::string run_items_key(const std::string& run) {
  return run_key(run) + ":items";
}
std::string run_plan_key(const std::string& run) {
  return run_key(run) + ":plan";
}
std::string run_outcomes_key(const std::string& run) {
  return run_key(run) + ":out";
}
std::string run_unmatched_key(const std::string& run) {
  return run_key(run) + ":unmatched";
}
std::string run_done_key(const std::string& run, const std::string& stage) {
  return run_key(run) + ":done:" + stage;
}

}  // namespace jb::sync
