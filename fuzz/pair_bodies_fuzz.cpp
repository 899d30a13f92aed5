// pair_bodies_fuzz.cpp — the bodies of POST /api/v1/pairs and PATCH
// /api/v1/pairs/{id}, read as the handlers do: read_json_body
// (auth-service/api/io.h), then the pair validation pair_from_json
// (common/sync/model.h) against the caller's connections.
//
// Input: three parts separated by newlines — the route (`POST /api/v1/pairs`
// creates, `PATCH /api/v1/pairs/{id}` edits a fixed existing pair; anything
// else picks one by its first byte), the Content-Type (empty: none), the body.
// Asserts, for an accepted pair:
//  * every member of the body is a known one (unknown members are refused,
//    never ignored) and a schedule string is exactly "manual";
//  * source and target are two different connections of the caller; at least
//    one feature is enabled; the schedule is manual or 15–10080 minutes; name
//    ≤ 100 bytes; library overrides ≤ 255 ids of 1–64 bytes;
//  * it re-serialises and re-parses to the same pair: through the stored form
//    (pair_to_json → pair_from_stored) and through the API (the answer's JSON,
//    less id and created_at, sent as a create body);
//  * sending the same body again as a PATCH of the result changes nothing.
// A refused body is a 400 invalid_request (or 415/invalid_json before
// validation) listing at least one field problem.
//
// Thread-safety: a fuzz entry point; one call at a time.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "auth-service/api/io.h"
#include "common/core/json.h"
#include "common/core/text.h"
#include "common/sync/model.h"
#include "fuzz/fuzz_check.h"

namespace {

using jb::fuzz::show;
namespace json = jb::json;
namespace sync = jb::sync;

const std::vector<std::string> kOwn = {"a11ce000a11ce000a11ce000a11ce000",
                                       "b0b00000b0b00000b0b00000b0b00000",
                                       "c0ffee00c0ffee00c0ffee00c0ffee00"};

sync::Pair existing_pair() {
  sync::Pair p;
  p.id = "5eed00005eed00005eed00005eed0000";
  p.owner = "0wner000";
  p.name = "Home \xE2\x86\x94 cabin";
  p.source = kOwn[0];
  p.target = kOwn[1];
  p.two_way = true;
  p.watchlist = {true, true, false};
  p.history = {true, true, true};
  p.progress = {false, true, false};
  p.source_libraries = {"11b0000011b0000011b0000011b00000"};
  p.every_minutes = 60;
  p.created_ms = 1700000000000;
  return p;
}

bool same_feature(const sync::FeatureConfig& a, const sync::FeatureConfig& b) {
  return a.enabled == b.enabled && a.add == b.add && a.remove == b.remove;
}

// Equal as the API shows a pair (ids and creation time only when `meta`).
bool same_pair(const sync::Pair& a, const sync::Pair& b, bool meta) {
  if (meta && (a.id != b.id || a.created_ms != b.created_ms)) return false;
  return a.name == b.name && a.source == b.source && a.target == b.target &&
         a.two_way == b.two_way && same_feature(a.watchlist, b.watchlist) &&
         same_feature(a.history, b.history) && same_feature(a.progress, b.progress) &&
         a.source_libraries == b.source_libraries && a.target_libraries == b.target_libraries &&
         a.every_minutes == b.every_minutes && a.dry_run == b.dry_run;
}

bool mine(const std::string& id) {
  for (const auto& o : kOwn)
    if (o == id) return true;
  return false;
}

void check_libraries(const std::vector<std::string>& libs, const std::string& where) {
  FUZZ_CHECK(libs.size() <= 255, "more than 255 libraries: " + where);
  for (const auto& l : libs)
    FUZZ_CHECK(!l.empty() && l.size() <= 64, "library id " + show(l) + ": " + where);
}

std::string_view name_of(const json::Value& v) {
  return std::string_view(v.GetString(), v.GetStringLength());
}

bool one_of(std::string_view s, std::initializer_list<std::string_view> allowed) {
  for (auto a : allowed)
    if (s == a) return true;
  return false;
}

// Unknown members are refused, never ignored (json.h: typos must not pass silently), and a
// schedule string is exactly "manual": checked on an accepted body, length-aware.
void check_only_known_members(const json::Value& body, const std::string& where) {
  for (auto m = body.MemberBegin(); m != body.MemberEnd(); ++m) {
    std::string_view k = name_of(m->name);
    FUZZ_CHECK(one_of(k, {"name", "source", "target", "mode", "features", "libraries", "schedule",
                          "dry_run"}),
               "unknown member " + show(k) + " accepted: " + where);
    const json::Value& v = m->value;
    if (k == "schedule" && v.IsString())
      FUZZ_CHECK(name_of(v) == "manual", "schedule " + show(name_of(v)) + " accepted: " + where);
    if (k == "schedule" && v.IsObject())
      for (auto s = v.MemberBegin(); s != v.MemberEnd(); ++s)
        FUZZ_CHECK(name_of(s->name) == "every_minutes",
                   "schedule member " + show(name_of(s->name)) + " accepted: " + where);
    if (k == "libraries" && v.IsObject())
      for (auto l = v.MemberBegin(); l != v.MemberEnd(); ++l)
        FUZZ_CHECK(one_of(name_of(l->name), {"source", "target"}),
                   "libraries member " + show(name_of(l->name)) + " accepted: " + where);
    if (k == "features" && v.IsObject())
      for (auto f = v.MemberBegin(); f != v.MemberEnd(); ++f) {
        FUZZ_CHECK(one_of(name_of(f->name), {"watchlist", "history", "progress"}),
                   "feature " + show(name_of(f->name)) + " accepted: " + where);
        if (f->value.IsObject())
          for (auto w = f->value.MemberBegin(); w != f->value.MemberEnd(); ++w)
            FUZZ_CHECK(one_of(name_of(w->name), {"enabled", "add", "remove"}),
                       "switch " + show(name_of(w->name)) + " accepted: " + where);
      }
  }
}

// The handler's steps: the body, then the pair (nullptr existing = create).
jb::Result<sync::Pair> read_pair(std::string_view content_type, std::string body,
                                 const sync::Pair* existing, std::vector<std::string>* problems) {
  jb::http::Request r;
  if (!content_type.empty()) r.headers.emplace_back("Content-Type", std::string(content_type));
  r.body = std::move(body);
  auto doc = jb::auth::read_json_body(r);
  if (!doc.ok()) return doc.error();
  json::Fields f(*doc);
  auto p = sync::pair_from_json(*doc, existing, kOwn, f);
  if (!p.ok() && problems)
    for (const auto& [field, why] : f.problems()) problems->push_back(field + " " + why);
  FUZZ_CHECK(p.ok() == f.ok(), "pair_from_json and its Fields disagree");
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto parts = jb::fuzz::split(in, '\n', 3);
  parts.resize(3);
  bool patch = parts[0] == "PATCH /api/v1/pairs/{id}" ||
               (parts[0] != "POST /api/v1/pairs" && !parts[0].empty() && (parts[0][0] & 1));
  const sync::Pair before = existing_pair();
  std::string where = show(in);

  std::vector<std::string> problems;
  auto p = read_pair(parts[1], std::string(parts[2]), patch ? &before : nullptr, &problems);
  if (!p.ok()) {
    const jb::Error& e = p.error();
    FUZZ_CHECK(e.http_status == 400 || e.http_status == 415, "status of " + e.code);
    if (e.code == "invalid_request" && e.message.rfind("The request is invalid: ", 0) == 0)
      FUZZ_CHECK(!problems.empty(), "refused without a field problem: " + where);
    return 0;
  }

  // The rules of an accepted pair.
  auto body_doc = json::parse(jb::text::trim(parts[2]));
  FUZZ_CHECK(body_doc.ok() && body_doc->IsObject(), "accepted a body that is no object");
  check_only_known_members(*body_doc, where);
  FUZZ_CHECK(mine(p->source) && mine(p->target) && p->source != p->target,
             "source/target " + show(p->source) + " " + show(p->target) + ": " + where);
  FUZZ_CHECK(p->watchlist.enabled || p->history.enabled || p->progress.enabled,
             "no feature enabled: " + where);
  FUZZ_CHECK(p->every_minutes == 0 ||
                 (p->every_minutes >= sync::kMinScheduleMinutes && p->every_minutes <= 7 * 24 * 60),
             "schedule " + std::to_string(p->every_minutes) + ": " + where);
  FUZZ_CHECK(p->name.size() <= 100, "name too long: " + where);
  check_libraries(p->source_libraries, where);
  check_libraries(p->target_libraries, where);
  if (patch) FUZZ_CHECK(p->id == before.id && p->created_ms == before.created_ms, "patch meta");

  // Stored form.
  std::string stored = sync::pair_to_json(*p);
  auto back = sync::pair_from_stored(stored);
  FUZZ_CHECK(back.ok() && same_pair(*p, *back, true), "stored form does not read back: " + stored);

  // The answer's JSON, as a create body.
  auto doc = json::parse(stored);
  FUZZ_CHECK(doc.ok() && doc->IsObject(), "pair_to_json is not an object: " + stored);
  doc->RemoveMember("id");
  doc->RemoveMember("created_at");
  std::string body = json::stringify(*doc);
  std::vector<std::string> again_problems;
  auto again = read_pair("application/json", body, nullptr, &again_problems);
  std::string why;
  for (const auto& s : again_problems) why += s + "; ";
  FUZZ_CHECK(again.ok(), "the API's own pair JSON is refused (" + why + "): " + body);
  FUZZ_CHECK(same_pair(*p, *again, false), "pair changes through the API: " + body);

  // The same body once more, as a PATCH of the result: nothing changes.
  auto twice = read_pair(parts[1], std::string(parts[2]), &*p, nullptr);
  FUZZ_CHECK(twice.ok() && same_pair(*p, *twice, true),
             "a repeated PATCH changes the pair: " + where);
  return 0;
}
