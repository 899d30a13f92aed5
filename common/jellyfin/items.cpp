// items.cpp — see items.h.
#include "common/jellyfin/items.h"

#include "common/core/time.h"
#include "common/jellyfin/errors.h"

namespace jb::jf {

namespace {
std::optional<int> opt_int32(const json::Value& v, const char* k) {
  auto x = json::opt_int(v, k);
  if (!x || *x < INT32_MIN || *x > INT32_MAX) return std::nullopt;
  return static_cast<int>(*x);
}
std::optional<int64_t> opt_date(const json::Value& v, const char* k) {
  auto s = json::opt_string(v, k);
  if (!s) return std::nullopt;
  auto t = timeutil::parse_iso8601(*s);
  if (!t || *t <= timeutil::kDotnetMinUnixUs) return std::nullopt;  // unset DateTime
  return t;
}
}  // namespace

UserData parse_user_data(const json::Value& v) {
  UserData u;
  u.played = json::get_bool(v, "Played");
  u.favorite = json::get_bool(v, "IsFavorite");
  u.position_ticks = std::max<int64_t>(0, json::get_int(v, "PlaybackPositionTicks"));
  u.play_count = std::max<int64_t>(0, json::get_int(v, "PlayCount"));
  u.last_played_us = opt_date(v, "LastPlayedDate");
  return u;
}

Item parse_item(const json::Value& v) {
  Item it;
  it.id = json::get_string(v, "Id");
  it.type = json::get_string(v, "Type");
  it.name = json::get_string(v, "Name");
  if (const auto* p = json::member(v, "ProviderIds"); p && p->IsObject()) {
    for (auto m = p->MemberBegin(); m != p->MemberEnd(); ++m)
      if (m->value.IsString())
        it.provider_ids.emplace(std::string(m->name.GetString(), m->name.GetStringLength()),
                                std::string(m->value.GetString(), m->value.GetStringLength()));
  }
  it.series_id = json::get_string(v, "SeriesId");
  it.series_name = json::get_string(v, "SeriesName");
  it.season_id = json::get_string(v, "SeasonId");
  it.parent_id = json::get_string(v, "ParentId");
  it.season_number = opt_int32(v, "ParentIndexNumber");
  it.episode_number = opt_int32(v, "IndexNumber");
  it.episode_end = opt_int32(v, "IndexNumberEnd");
  it.production_year = opt_int32(v, "ProductionYear");
  it.run_time_ticks = std::max<int64_t>(0, json::get_int(v, "RunTimeTicks"));
  it.date_created_us = opt_date(v, "DateCreated");
  if (const auto* ud = json::member(v, "UserData"); ud && ud->IsObject())
    it.user_data = parse_user_data(*ud);
  return it;
}

Result<ItemsPage> parse_items_page(std::string_view body) {
  auto d = json::parse(body);
  if (!d.ok() || !d->IsObject())
    return Error(errc::not_jellyfin, "The server's item list is not JSON.", 502);
  const auto* items = json::member(*d, "Items");
  if (items == nullptr || !items->IsArray())
    return Error(errc::not_jellyfin, "The server's item list has no Items array.", 502);
  ItemsPage page;
  page.items.reserve(items->Size());
  for (const auto& v : items->GetArray())
    if (v.IsObject()) page.items.push_back(parse_item(v));
  page.total = json::get_int(*d, "TotalRecordCount", static_cast<int64_t>(page.items.size()));
  page.start_index = json::get_int(*d, "StartIndex", 0);
  return page;
}

}  // namespace jb::jf
