// routes_library.cpp — libraries and items (API-NOTES §5, §6.1, §6.2):
// GET /UserViews (+ /Users/{userId}/Views), /Library/VirtualFolders,
// /Library/MediaFolders, /Items (+ /Users/{userId}/Items), /Items/{itemId}
// (+ /Users/{userId}/Items/{itemId}), /Shows/{seriesId}/Episodes.
#include <algorithm>

#include "common/core/text.h"
#include "tests/standin/items_query.h"
#include "tests/standin/routes.h"

namespace jb::standin {

std::string items_result_json(const State& s, const std::vector<uint32_t>& page, int total,
                              int start, const DtoOptions& o, const User* user,
                              const ServerInfo& srv) {
  json::Writer w;
  w.begin_object();
  w.key("Items").begin_array();
  for (uint32_t i : page) write_item(w, s, i, o, user, srv);
  w.end_array();
  w.kv("TotalRecordCount", total);
  w.kv("StartIndex", start);
  w.end_object();
  return w.str();
}

namespace {

DtoOptions all_fields() {
  DtoOptions o;
  o.all_fields = true;
  return o;
}

// Libraries as CollectionFolder items in SortName order.
std::vector<uint32_t> library_items(const State& s, const User* visible_to) {
  std::vector<uint32_t> out;
  for (uint32_t i : s.sorted_by(SortKey::kSortName)) {
    const Item& it = s.cat.items[i];
    if (it.kind != ItemKind::kCollectionFolder) continue;
    if (visible_to && !s.library_visible(*visible_to, it.library)) continue;
    out.push_back(i);
  }
  return out;
}

HttpResponse views(Ctx& c, std::optional<Guid> requested) {
  auto uid = effective_user_id(c, requested);
  if (!uid) return from_error(uid.error());
  return c.app.store.read([&](const State& s) -> HttpResponse {
    Status st = check_user_exists(s, *uid, err_problem(404));
    if (!st.ok()) return from_error(st.error());
    const User* u = s.user(*uid);
    auto libs = library_items(s, u);
    return json_response(items_result_json(s, libs, static_cast<int>(libs.size()), 0, all_fields(),
                                           u, c.app.server));
  });
}

HttpResponse user_views(Ctx& c) {
  auto uid = query_guid(c, "userId");
  if (!uid) return from_error(uid.error());
  return views(c, *uid);
}

HttpResponse user_views_legacy(Ctx& c) {
  auto uid = route_guid(c, "userId");
  if (!uid) return from_error(uid.error());
  return views(c, *uid);
}

HttpResponse virtual_folders(Ctx& c) {
  return c.app.store.read([&](const State& s) {
    std::vector<const Library*> libs;
    for (const auto& l : s.cat.libraries) libs.push_back(&l);
    std::stable_sort(libs.begin(), libs.end(), [](const Library* a, const Library* b) {
      return text::to_lower(a->name) < text::to_lower(b->name);
    });
    json::Writer w;
    w.begin_array();
    for (const Library* l : libs) write_virtual_folder(w, *l);
    w.end_array();
    return json_response(w.str());
  });
}

HttpResponse media_folders(Ctx& c) {
  auto hidden = query_bool(c, "isHidden");
  if (!hidden) return from_error(hidden.error());
  return c.app.store.read([&](const State& s) {
    auto libs = library_items(s, nullptr);
    if (*hidden && **hidden) libs.clear();  // no hidden libraries exist here
    return json_response(items_result_json(s, libs, static_cast<int>(libs.size()), 0, all_fields(),
                                           nullptr, c.app.server));
  });
}

HttpResponse items(Ctx& c, std::optional<Guid> route_user) {
  auto q = parse_items_query(c.query);
  if (!q) return from_error(q.error());
  std::optional<Guid> requested = route_user ? route_user : q->user_id;
  auto uid = effective_user_id(c, requested);
  if (!uid) return from_error(uid.error());
  return c.app.store.read([&](const State& s) -> HttpResponse {
    const User* u = nullptr;
    if (!uid->empty()) {
      u = s.user(*uid);
      if (!u) return middleware_error(404);  // ResourceNotFoundException
    } else if (!c.caller.is_api_key) {
      return message_response(400, "userId is required");
    }
    auto page = run_items_query(s, *q, u);
    if (!page) return from_error(page.error());
    return json_response(items_result_json(s, page->items, page->total, page->start, q->dto,
                                           q->dto.enable_user_data ? u : nullptr, c.app.server));
  });
}

HttpResponse items_route(Ctx& c) {
  return items(c, std::nullopt);
}

HttpResponse items_legacy(Ctx& c) {
  auto uid = route_guid(c, "userId");
  if (!uid) return from_error(uid.error());
  return items(c, *uid);
}

HttpResponse item(Ctx& c, std::optional<Guid> requested) {
  auto id = route_guid(c, "itemId");
  if (!id) return from_error(id.error());
  auto uid = effective_user_id(c, requested);
  if (!uid) return from_error(uid.error());
  return c.app.store.read([&](const State& s) -> HttpResponse {
    Status st = check_user_exists(s, *uid, err_problem(404));
    if (!st.ok()) return from_error(st.error());
    const User* u = s.user(*uid);
    uint32_t i = s.find_item(*id);
    if (i == kNone || !s.item_visible(*u, i)) return problem_response(404);
    json::Writer w;
    write_item(w, s, i, all_fields(), u, c.app.server);
    return json_response(w.str());
  });
}

HttpResponse item_route(Ctx& c) {
  auto uid = query_guid(c, "userId");
  if (!uid) return from_error(uid.error());
  return item(c, *uid);
}

HttpResponse item_legacy(Ctx& c) {
  auto uid = route_guid(c, "userId");
  if (!uid) return from_error(uid.error());
  return item(c, *uid);
}

HttpResponse episodes(Ctx& c) {
  auto series_id = route_guid(c, "seriesId");
  if (!series_id) return from_error(series_id.error());
  auto requested = query_guid(c, "userId");
  if (!requested) return from_error(requested.error());
  auto uid = effective_user_id(c, *requested);
  if (!uid) return from_error(uid.error());
  auto season = query_int(c, "season");
  if (!season) return from_error(season.error());
  auto season_id = query_guid(c, "seasonId");
  if (!season_id) return from_error(season_id.error());
  auto start = query_int(c, "startIndex");
  if (!start) return from_error(start.error());
  auto limit = query_int(c, "limit");
  if (!limit) return from_error(limit.error());
  auto missing = query_bool(c, "isMissing");
  if (!missing) return from_error(missing.error());
  auto dto = parse_dto_options(c.query);
  if (!dto) return from_error(dto.error());
  auto sort_by = c.query.get("sortBy");

  return c.app.store.read([&](const State& s) -> HttpResponse {
    const User* u = nullptr;
    if (!uid->empty()) {
      u = s.user(*uid);
      if (!u) return middleware_error(404);
    }
    std::vector<uint32_t> eps;
    if (*season_id) {
      uint32_t si = s.find_item(**season_id);
      if (si == kNone || s.cat.items[si].kind != ItemKind::kSeason)
        return message_response(404, "No season exists with Id " + season_id->value().str());
      eps = s.children(si);
    } else {
      uint32_t series = s.find_item(*series_id);
      if (series == kNone || s.cat.items[series].kind != ItemKind::kSeries)
        return message_response(404, "Series not found");
      if (*season) {
        for (uint32_t ch : s.children(series))
          if (s.cat.items[ch].kind == ItemKind::kSeason && s.cat.items[ch].index_number == **season)
            eps = s.children(ch);
      } else {
        eps = s.playable_descendants(series);
      }
    }
    if (*missing && **missing) eps.clear();
    if (sort_by && text::iequals(text::trim(*sort_by), "Random"))
      std::sort(eps.begin(), eps.end(), [&](uint32_t a, uint32_t b) {
        return GuidHash{}(s.cat.items[a].id) < GuidHash{}(s.cat.items[b].id);
      });
    const int total = static_cast<int>(eps.size());
    std::vector<uint32_t> page;
    size_t from = static_cast<size_t>(std::max(0, start->value_or(0)));
    size_t n = *limit ? static_cast<size_t>(std::max(0, **limit)) : SIZE_MAX;
    for (size_t k = from; k < eps.size() && page.size() < n; ++k) page.push_back(eps[k]);
    return json_response(items_result_json(s, page, total, start->value_or(0), *dto,
                                           dto->enable_user_data ? u : nullptr, c.app.server));
  });
}

}  // namespace

void add_library_routes(Router& r) {
  r.add("GET", "/UserViews", Access::kAuthenticated, user_views);
  r.add("GET", "/Users/{userId}/Views", Access::kAuthenticated, user_views_legacy);
  r.add("GET", "/Library/VirtualFolders", Access::kElevated, virtual_folders);
  r.add("GET", "/Library/MediaFolders", Access::kElevated, media_folders);
  r.add("GET", "/Items", Access::kAuthenticated, items_route);
  r.add("GET", "/Users/{userId}/Items", Access::kAuthenticated, items_legacy);
  r.add("GET", "/Items/{itemId}", Access::kAuthenticated, item_route);
  r.add("GET", "/Users/{userId}/Items/{itemId}", Access::kAuthenticated, item_legacy);
  r.add("GET", "/Shows/{seriesId}/Episodes", Access::kAuthenticated, episodes);
}

}  // namespace jb::standin
