// model.cpp — see model.h.
#include "common/sync/model.h"

#include <algorithm>
#include <string_view>

#include "common/core/text.h"
#include "common/core/time.h"

namespace jb::sync {

const char* feature_name(Feature f) {
  switch (f) {
    case Feature::watchlist:
      return "watchlist";
    case Feature::history:
      return "history";
    case Feature::progress:
      return "progress";
  }
  return "watchlist";
}

bool parse_feature(const std::string& s, Feature& out) {
  if (s == "watchlist")
    out = Feature::watchlist;
  else if (s == "history")
    out = Feature::history;
  else if (s == "progress")
    out = Feature::progress;
  else
    return false;
  return true;
}

const FeatureConfig& Pair::feature(Feature f) const {
  return f == Feature::watchlist ? watchlist : f == Feature::history ? history : progress;
}

std::vector<Feature> Pair::enabled() const {
  std::vector<Feature> out;
  for (Feature f : kFeatures)
    if (feature(f).enabled) out.push_back(f);
  return out;
}

namespace {

std::vector<std::string> string_array(const json::Value& v, const std::string& field,
                                      json::Fields& f) {
  std::vector<std::string> out;
  if (!v.IsArray()) {
    f.add_problem(field, "must be an array of library ids");
    return out;
  }
  if (v.Size() > 255) f.add_problem(field, "has more than 255 entries");
  for (const auto& x : v.GetArray()) {
    if (!x.IsString() || x.GetStringLength() == 0 || x.GetStringLength() > 64) {
      f.add_problem(field, "must contain only library ids");
      return {};
    }
    out.emplace_back(x.GetString(), x.GetStringLength());
  }
  return out;
}

void read_feature(const json::Value& v, const std::string& name, FeatureConfig& fc,
                  json::Fields& f) {
  if (!v.IsObject()) {
    f.add_problem("features." + name, "must be an object {enabled, add, remove}");
    return;
  }
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string k(it->name.GetString(), it->name.GetStringLength());
    bool* slot = k == "enabled"  ? &fc.enabled
                 : k == "add"    ? &fc.add
                 : k == "remove" ? &fc.remove
                                 : nullptr;
    if (!slot) {
      f.add_problem("features." + name + "." + k, "is not a known switch (enabled, add, remove)");
    } else if (!it->value.IsBool()) {
      f.add_problem("features." + name + "." + k, "must be true or false");
    } else {
      *slot = it->value.GetBool();
    }
  }
}

}  // namespace

Result<Pair> pair_from_json(const json::Value& body, const Pair* existing,
                            const std::vector<std::string>& own, json::Fields& f) {
  Pair p;
  if (existing) {
    p = *existing;
  } else {
    p.watchlist.enabled = p.history.enabled = p.progress.enabled = true;
  }
  f.reject_unknown(
      {"name", "source", "target", "mode", "features", "libraries", "schedule", "dry_run"});
  auto name = f.string("name", false, 100);
  if (name) p.name = *name;
  auto mine = [&](const std::string& id) {
    return std::find(own.begin(), own.end(), id) != own.end();
  };
  for (const char* side : {"source", "target"}) {
    auto v = f.string(side, existing == nullptr, 64);
    if (!v) continue;
    if (!mine(*v)) f.add_problem(side, "is not one of your connections");
    (std::string(side) == "source" ? p.source : p.target) = *v;
  }
  if (!p.source.empty() && p.source == p.target)
    f.add_problem("target", "must be another connection than source");
  if (auto mode = f.string("mode", false, 16)) {
    if (*mode == "one-way")
      p.two_way = false;
    else if (*mode == "two-way")
      p.two_way = true;
    else
      f.add_problem("mode", "must be one-way or two-way");
  }
  if (const auto* feats = f.object("features", false)) {
    for (auto it = feats->MemberBegin(); it != feats->MemberEnd(); ++it) {
      std::string k(it->name.GetString(), it->name.GetStringLength());
      Feature feat;
      if (!parse_feature(k, feat)) {
        f.add_problem("features." + k, "is not a feature (watchlist, history, progress)");
        continue;
      }
      FeatureConfig& fc = feat == Feature::watchlist ? p.watchlist
                          : feat == Feature::history ? p.history
                                                     : p.progress;
      read_feature(it->value, k, fc, f);
    }
  }
  if (!p.watchlist.enabled && !p.history.enabled && !p.progress.enabled)
    f.add_problem("features", "enable at least one of watchlist, history, progress");
  if (const auto* libs = json::member(body, "libraries"); libs) {
    if (libs->IsNull()) {
      p.source_libraries.clear();
      p.target_libraries.clear();
    } else if (!libs->IsObject()) {
      f.add_problem("libraries", "must be null or {\"source\": [ids], \"target\": [ids]}");
    } else {
      for (auto it = libs->MemberBegin(); it != libs->MemberEnd(); ++it) {
        std::string k(it->name.GetString(), it->name.GetStringLength());
        if (k == "source")
          p.source_libraries = string_array(it->value, "libraries.source", f);
        else if (k == "target")
          p.target_libraries = string_array(it->value, "libraries.target", f);
        else
          f.add_problem("libraries." + k, "is not known (source, target)");
      }
    }
  }
  if (const auto* sched = json::member(body, "schedule"); sched) {
    if (sched->IsString() &&
        std::string_view(sched->GetString(), sched->GetStringLength()) == "manual") {
      p.every_minutes = 0;
    } else if (sched->IsObject()) {
      auto m = json::member(*sched, "every_minutes");
      if (!m || !m->IsInt64()) {
        f.add_problem("schedule.every_minutes", "must be a whole number of minutes");
      } else if (m->GetInt64() < kMinScheduleMinutes || m->GetInt64() > 7 * 24 * 60) {
        f.add_problem("schedule.every_minutes", "must be between 15 and 10080 (a week)");
      } else {
        p.every_minutes = m->GetInt64();
      }
      for (auto it = sched->MemberBegin(); it != sched->MemberEnd(); ++it) {
        std::string k(it->name.GetString(), it->name.GetStringLength());  // may hold a NUL
        if (k != "every_minutes") f.add_problem("schedule." + k, "is not known (every_minutes)");
      }
    } else {
      f.add_problem("schedule", "must be \"manual\" or {\"every_minutes\": 15 or more}");
    }
  }
  if (auto dry = f.boolean("dry_run", false)) p.dry_run = *dry;
  if (!f.ok()) return f.error();
  return p;
}

std::string pair_to_json(const Pair& p, const std::string& extra) {
  json::Writer w;
  w.begin_object()
      .kv("id", p.id)
      .kv("name", p.name)
      .kv("source", p.source)
      .kv("target", p.target)
      .kv("mode", p.two_way ? "two-way" : "one-way");
  w.key("features").begin_object();
  for (Feature f : kFeatures) {
    const auto& c = p.feature(f);
    w.key(feature_name(f))
        .begin_object()
        .kv("enabled", c.enabled)
        .kv("add", c.add)
        .kv("remove", c.remove)
        .end_object();
  }
  w.end_object();
  if (p.source_libraries.empty() && p.target_libraries.empty()) {
    w.kv_null("libraries");
  } else {
    w.key("libraries").begin_object().key("source").begin_array();
    for (const auto& l : p.source_libraries) w.value(l);
    w.end_array().key("target").begin_array();
    for (const auto& l : p.target_libraries) w.value(l);
    w.end_array().end_object();
  }
  if (p.every_minutes == 0)
    w.kv("schedule", "manual");
  else
    w.key("schedule").begin_object().kv("every_minutes", p.every_minutes).end_object();
  w.kv("dry_run", p.dry_run)
      .kv("created_at", timeutil::format_rfc3339(p.created_ms * 1000))
      .end_object();
  std::string s = w.str();
  if (!extra.empty()) s.insert(s.size() - 1, "," + extra);
  return s;
}

Result<Pair> pair_from_stored(const std::string& stored) {
  auto d = json::parse(stored);
  if (!d.ok()) return Error(errc::corrupt_pair, "A stored pair is not readable.", 500);
  json::Fields f(*d);
  Pair p;
  p.id = json::get_string(*d, "id");
  p.name = json::get_string(*d, "name");
  p.source = json::get_string(*d, "source");
  p.target = json::get_string(*d, "target");
  p.two_way = json::get_string(*d, "mode") == "two-way";
  if (const auto* feats = json::member(*d, "features"))
    for (Feature fe : kFeatures)
      if (const auto* c = json::member(*feats, feature_name(fe))) {
        FeatureConfig& fc = fe == Feature::watchlist ? p.watchlist
                            : fe == Feature::history ? p.history
                                                     : p.progress;
        fc.enabled = json::get_bool(*c, "enabled");
        fc.add = json::get_bool(*c, "add", true);
        fc.remove = json::get_bool(*c, "remove");
      }
  if (const auto* libs = json::member(*d, "libraries"); libs && libs->IsObject()) {
    if (const auto* s = json::member(*libs, "source"))
      p.source_libraries = string_array(*s, "x", f);
    if (const auto* t = json::member(*libs, "target"))
      p.target_libraries = string_array(*t, "x", f);
  }
  if (const auto* sched = json::member(*d, "schedule"); sched && sched->IsObject())
    p.every_minutes = json::get_int(*sched, "every_minutes");
  p.dry_run = json::get_bool(*d, "dry_run");
  if (auto t = timeutil::parse_iso8601(json::get_string(*d, "created_at")))
    p.created_ms = *t / 1000;
  return p;
}

std::string encode_entry(const SideEntry& e) {
  const State& s = e.state;
  return std::string(s.favorite ? "1" : "0") + "|" + (s.played ? "1" : "0") + "|" +
         std::to_string(s.position_ticks) + "|" + std::to_string(s.runtime_ticks) + "|" +
         std::to_string(s.play_count) + "|" +
         (s.last_played_us ? std::to_string(*s.last_played_us) : "") + "|" +
         text::join(e.own_ids, ",") + "|" + text::join(e.other_ids, ",") + "|" + e.name;
}

bool decode_entry(const std::string& v, SideEntry& e) {
  // The name is last and may itself contain '|'.
  std::vector<std::string> p;
  size_t start = 0;
  for (int i = 0; i < 8; ++i) {
    size_t bar = v.find('|', start);
    if (bar == std::string::npos) return false;
    p.push_back(v.substr(start, bar - start));
    start = bar + 1;
  }
  e = SideEntry{};
  e.name = v.substr(start);
  State& s = e.state;
  s.favorite = p[0] == "1";
  s.played = p[1] == "1";
  int64_t x;
  if (text::parse_int64(p[2], x)) s.position_ticks = x;
  if (text::parse_int64(p[3], x)) s.runtime_ticks = x;
  if (text::parse_int64(p[4], x)) s.play_count = x;
  if (!p[5].empty() && text::parse_int64(p[5], x)) s.last_played_us = x;
  e.own_ids = text::split(p[6], ',');
  e.other_ids = text::split(p[7], ',');
  return true;
}

std::string encode_baseline(const Baseline& b) {
  return std::string(b.present ? "1" : "0") + "|" +
         (b.last_played_us ? std::to_string(*b.last_played_us) : "") + "|" +
         std::to_string(b.position_ticks);
}

bool decode_baseline(const std::string& v, Baseline& b) {
  auto p = text::split(v, '|', false);
  if (p.size() != 3) return false;
  b = Baseline{};
  b.present = p[0] == "1";
  int64_t x;
  if (!p[1].empty() && text::parse_int64(p[1], x)) b.last_played_us = x;
  if (text::parse_int64(p[2], x)) b.position_ticks = x;
  return true;
}

}  // namespace jb::sync
