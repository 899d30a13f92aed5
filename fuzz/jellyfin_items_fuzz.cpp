// jellyfin_items_fuzz.cpp — what our Jellyfin client reads from a server's
// answers: /Items pages and single items (common/jellyfin/items.h), user-data
// answers, users (parse_user in common/jellyfin/client.h), and the same bytes
// as a Retry-After header (parse_retry_after, classify_status).
//
// Input: a response body, e.g. `{"Items":[{"Id":"…","Type":"Movie",…}],"TotalRecordCount":1}`.
// Asserts:
//  * parse_items_page accepts only an object with an Items array, returns at
//    most one item per element, and every item (also a lone item or a user-data
//    answer) has non-negative ticks and counts, int32 episode numbers and dates
//    after 0001-01-01;
//  * round trip: every parsed item, written back as Jellyfin writes a
//    BaseItemDto (dates in Jellyfin's format), parses to the same item;
//  * Retry-After: -1 or 0..86400 seconds, a plain number taken as is (capped);
//    classify_status always gives a code, a message and a 4xx/5xx status.
//
// Thread-safety: a fuzz entry point; one call at a time.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/core/json.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/jellyfin/client.h"
#include "common/jellyfin/items.h"
#include "fuzz/fuzz_check.h"

namespace {

using jb::fuzz::show;
namespace jf = jb::jf;
namespace json = jb::json;
namespace timeutil = jb::timeutil;

// The last instant Jellyfin can write (.NET's DateTime.MaxValue, 9999-12-31T23:59:59.9999999Z).
constexpr int64_t kLastDotnetUs = 253402300799999999;

std::optional<int64_t> writable(std::optional<int64_t> us) {
  if (us && *us <= kLastDotnetUs) return us;
  return std::nullopt;
}

void check_user_data(const jf::UserData& u, const std::string& where) {
  FUZZ_CHECK(u.position_ticks >= 0 && u.play_count >= 0, "negative user data in " + where);
  FUZZ_CHECK(!u.last_played_us || *u.last_played_us > timeutil::kDotnetMinUnixUs,
             "unset LastPlayedDate kept in " + where);
}

void check_item(const jf::Item& it, const std::string& where) {
  FUZZ_CHECK(it.run_time_ticks >= 0, "negative RunTimeTicks in " + where);
  FUZZ_CHECK(!it.date_created_us || *it.date_created_us > timeutil::kDotnetMinUnixUs,
             "unset DateCreated kept in " + where);
  if (it.user_data) check_user_data(*it.user_data, where);
}

// The item as Jellyfin would send it.
std::string item_json(const jf::Item& it) {
  json::Writer w;
  w.begin_object().kv("Id", it.id).kv("Type", it.type).kv("Name", it.name);
  w.key("ProviderIds").begin_object();
  for (const auto& [k, v] : it.provider_ids) w.kv(k, v);
  w.end_object();
  w.kv("SeriesId", it.series_id)
      .kv("SeriesName", it.series_name)
      .kv("SeasonId", it.season_id)
      .kv("ParentId", it.parent_id)
      .kv_opt("ParentIndexNumber", it.season_number)
      .kv_opt("IndexNumber", it.episode_number)
      .kv_opt("IndexNumberEnd", it.episode_end)
      .kv_opt("ProductionYear", it.production_year)
      .kv("RunTimeTicks", it.run_time_ticks);
  if (auto d = writable(it.date_created_us)) w.kv("DateCreated", timeutil::format_jellyfin(*d));
  if (it.user_data) {
    const jf::UserData& u = *it.user_data;
    w.key("UserData")
        .begin_object()
        .kv("Played", u.played)
        .kv("IsFavorite", u.favorite)
        .kv("PlaybackPositionTicks", u.position_ticks)
        .kv("PlayCount", u.play_count);
    if (auto d = writable(u.last_played_us)) w.kv("LastPlayedDate", timeutil::format_jellyfin(*d));
    w.end_object();
  }
  w.end_object();
  return w.str();
}

bool same_user_data(const jf::UserData& a, const jf::UserData& b) {
  return a.played == b.played && a.favorite == b.favorite && a.position_ticks == b.position_ticks &&
         a.play_count == b.play_count && writable(a.last_played_us) == b.last_played_us;
}

bool same_item(const jf::Item& a, const jf::Item& b) {
  if (a.user_data.has_value() != b.user_data.has_value()) return false;
  if (a.user_data && !same_user_data(*a.user_data, *b.user_data)) return false;
  return a.id == b.id && a.type == b.type && a.name == b.name && a.provider_ids == b.provider_ids &&
         a.series_id == b.series_id && a.series_name == b.series_name &&
         a.season_id == b.season_id && a.parent_id == b.parent_id &&
         a.season_number == b.season_number && a.episode_number == b.episode_number &&
         a.episode_end == b.episode_end && a.production_year == b.production_year &&
         a.run_time_ticks == b.run_time_ticks && writable(a.date_created_us) == b.date_created_us;
}

void round_trip(const jf::Item& it) {
  std::string text = item_json(it);
  auto d = json::parse(text);
  FUZZ_CHECK(d.ok(), "our own item JSON does not parse: " + show(text));
  jf::Item back = jf::parse_item(*d);
  FUZZ_CHECK(same_item(it, back), "item changes in a round trip: " + show(text));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);

  auto doc = json::parse(in);
  auto page = jf::parse_items_page(in);
  const json::Value* items = doc.ok() ? json::member(*doc, "Items") : nullptr;
  bool is_page = doc.ok() && doc->IsObject() && items && items->IsArray();
  FUZZ_CHECK(page.ok() == is_page,
             "parse_items_page ok=" + std::to_string(page.ok()) + " for " + show(in));
  if (page.ok()) {
    FUZZ_CHECK(page->items.size() <= items->Size(), "more items than elements");
    for (const auto& it : page->items) {
      check_item(it, show(in));
      round_trip(it);
    }
  } else {
    FUZZ_CHECK(page.error().code == "not_jellyfin" && page.error().http_status == 502,
               "parse_items_page error " + page.error().code);
  }
  if (doc.ok() && doc->IsObject()) {
    // A single item (/Items/{id}), a user-data answer, a user (/Users/Me).
    jf::Item it = jf::parse_item(*doc);
    check_item(it, show(in));
    round_trip(it);
    check_user_data(jf::parse_user_data(*doc), show(in));
    (void)jf::parse_user(*doc);
  } else if (doc.ok() && doc->IsArray()) {
    for (const auto& v : doc->GetArray())  // /Users
      if (v.IsObject()) (void)jf::parse_user(v);
  }

  // The same bytes as a Retry-After header value.
  std::string value(in);
  int ra = jf::parse_retry_after(value, 1700000000);
  FUZZ_CHECK(ra >= -1 && ra <= 86400, "Retry-After " + std::to_string(ra) + " for " + show(in));
  int64_t secs;
  if (jb::text::parse_int64(jb::text::trim(value), secs))
    FUZZ_CHECK(ra == (secs < 0 ? -1 : std::min<int64_t>(secs, 86400)),
               "Retry-After seconds " + show(in) + " read as " + std::to_string(ra));
  jb::HttpResponse r;
  r.status = 400 + static_cast<long>(size % 200);
  r.headers.emplace_back("Retry-After", value);
  for (const char* context : {"token", "signin", "quickconnect"}) {
    jb::Error e = jf::classify_status(r, "http://jellyfin:8096", context);
    FUZZ_CHECK(!e.code.empty() && !e.message.empty() && e.http_status >= 400 &&
                   e.http_status <= 504 && e.retry_after_s >= -1 && e.retry_after_s <= 86400,
               "classify_status " + std::to_string(r.status) + " gives " + e.code);
  }
  return 0;
}
