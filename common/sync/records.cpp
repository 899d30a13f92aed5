// records.cpp — see records.h.
#include "common/sync/records.h"

#include "common/core/json.h"
#include "common/core/text.h"
#include "common/core/time.h"

namespace jb::sync {

std::string counter_field(Feature f, std::string_view kind) {
  return std::string("c:") + feature_name(f) + ":" + std::string(kind);
}

std::string feature_flag_field(Feature f) {
  return std::string("f:") + feature_name(f);
}

const std::string& RunRecord::get(const std::string& field) const {
  static const std::string empty;
  auto it = fields.find(field);
  return it == fields.end() ? empty : it->second;
}

int64_t RunRecord::number(const std::string& field) const {
  int64_t v = 0;
  return text::parse_int64(get(field), v) ? v : 0;
}

std::string run_to_json(const RunRecord& run) {
  auto date = [&](const char* field, json::Writer& w, const char* name) {
    int64_t ms = run.number(field);
    if (ms > 0)
      w.kv(name, timeutil::format_rfc3339(ms * 1000));
    else
      w.kv_null(name);
  };
  json::Writer w;
  w.begin_object()
      .kv("id", run.id())
      .kv("pair", run.pair_id())
      .kv("state", run.state())
      .kv("phase", run.phase())
      .kv("trigger", run.get(run_field::trigger))
      .kv("mode", run.get(run_field::mode))
      .kv("dry_run", run.dry_run())
      .kv("bootstrap", run.get(run_field::bootstrap) == "1");
  date(run_field::created_ms, w, "created_at");
  date(run_field::started_ms, w, "started_at");
  date(run_field::finished_ms, w, "finished_at");
  w.key("phase_started_at").begin_object();
  date(run_field::scan_ms, w, "scan");
  date(run_field::diff_ms, w, "diff");
  date(run_field::apply_ms, w, "apply");
  w.end_object();
  if (!run.get(run_field::held_reason).empty())
    w.kv("held_reason", run.get(run_field::held_reason));
  if (!run.get(run_field::error).empty()) w.kv("error", run.get(run_field::error));
  w.kv("removals", run.number(run_field::removals));
  w.key("counters").begin_object();
  for (Feature f : kFeatures) {
    if (!run.syncs(f)) continue;
    w.key(feature_name(f)).begin_object();
    for (const char* kind : kCounterKinds) w.kv(kind, run.counter(f, kind));
    w.end_object();
  }
  w.end_object().end_object();
  return w.str();
}

namespace {

void item_members(json::Writer& w, const RunItem& it, bool with_reason) {
  w.kv("feature", it.feature)
      .kv("action", it.action)
      .kv("side", it.side)
      .kv("item", it.item)
      .kv("name", it.name);
  if (with_reason && !it.reason.empty()) w.kv("reason", it.reason);
  if (it.removal) w.kv("removal", true);
  if (it.plan) w.kv("plan", *it.plan);
}

}  // namespace

std::string encode_run_item(const RunItem& it) {
  json::Writer w;
  w.begin_object();
  item_members(w, it, true);
  w.end_object();
  return w.str();
}

std::optional<RunItem> decode_run_item(std::string_view text) {
  auto d = json::parse(text);
  if (!d.ok() || !d->IsObject()) return std::nullopt;
  RunItem it;
  it.feature = json::get_string(*d, "feature");
  it.action = json::get_string(*d, "action");
  if (it.feature.empty() || it.action.empty()) return std::nullopt;
  it.side = json::get_string(*d, "side");
  it.item = json::get_string(*d, "item");
  it.name = json::get_string(*d, "name");
  it.reason = json::get_string(*d, "reason");
  it.removal = json::get_bool(*d, "removal");
  it.plan = json::opt_int(*d, "plan");
  return it;
}

std::string encode_outcome(const Outcome& o) {
  json::Writer w;
  w.begin_object().kv("outcome", o.outcome);
  if (!o.reason.empty()) w.kv("reason", o.reason);
  w.end_object();
  return w.str();
}

std::optional<Outcome> decode_outcome(std::string_view text) {
  auto d = json::parse(text);
  if (!d.ok() || !d->IsObject()) return std::nullopt;
  Outcome o{json::get_string(*d, "outcome"), json::get_string(*d, "reason")};
  if (o.outcome.empty()) return std::nullopt;
  return o;
}

std::string run_item_to_json(const RunItem& it, const std::optional<Outcome>& outcome) {
  json::Writer w;
  w.begin_object();
  item_members(w, it, true);
  if (outcome) {
    w.kv("outcome", outcome->outcome);
    if (it.reason.empty() && !outcome->reason.empty()) w.kv("reason", outcome->reason);
  }
  w.end_object();
  return w.str();
}

// The plan entry keeps its compact member names (f, g, ob): a run's plan can
// hold hundreds of thousands of entries.
std::string encode_plan_entry(const PlanEntry& e) {
  json::Writer w;
  w.begin_object().kv("f", e.feature).kv("g", e.group).kv("side", e.side).kv("action", e.action);
  w.key("ids").begin_array();
  for (const auto& id : e.ids) w.value(id);
  w.end_array().kv("pos", e.position_ticks).kv("count", e.play_count);
  if (e.last_played_us) w.kv("date", *e.last_played_us);
  w.kv("ob", e.old_baseline).kv("removal", e.removal).end_object();
  return w.str();
}

std::optional<PlanEntry> decode_plan_entry(std::string_view text) {
  auto d = json::parse(text);
  if (!d.ok() || !d->IsObject()) return std::nullopt;
  PlanEntry e;
  e.feature = json::get_string(*d, "f");
  e.group = json::get_string(*d, "g");
  e.side = json::get_string(*d, "side");
  e.action = json::get_string(*d, "action");
  e.old_baseline = json::get_string(*d, "ob");
  if (const auto* ids = json::member(*d, "ids"); ids && ids->IsArray())
    for (const auto& id : ids->GetArray())
      if (id.IsString()) e.ids.emplace_back(id.GetString(), id.GetStringLength());
  e.position_ticks = json::get_int(*d, "pos");
  e.play_count = json::get_int(*d, "count");
  e.last_played_us = json::opt_int(*d, "date");
  e.removal = json::get_bool(*d, "removal");
  Feature f;
  if (!parse_feature(e.feature, f) || (e.side != "source" && e.side != "target") ||
      e.action.empty() || e.ids.empty())
    return std::nullopt;
  return e;
}

}  // namespace jb::sync
