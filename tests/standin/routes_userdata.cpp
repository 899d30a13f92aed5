// routes_userdata.cpp — per-user item data (API-NOTES §6.3–6.4): played,
// favorite, get/update user data, each at its current path with an optional
// ?userId= and at its legacy /Users/{userId}/... path.
#include <type_traits>

#include "common/core/text.h"
#include "common/core/time.h"
#include "tests/standin/routes.h"

namespace jb::standin {

namespace {

enum class Op { kPlayed, kUnplayed, kFavorite, kUnfavorite, kGetData, kUpdateData };

// The requested user: the route's {userId} on legacy paths, else ?userId=.
Result<std::optional<Guid>> requested_user(const Ctx& c) {
  if (!c.path_param("userId").empty()) {
    auto g = route_guid(c, "userId");
    if (!g) return g.error();
    return std::optional<Guid>(*g);
  }
  return query_guid(c, "userId");
}

Result<UserDataUpdate> parse_update(const json::Value& body) {
  UserDataUpdate up;
  auto num = [&](const char* k, auto& out) -> std::optional<Error> {
    const json::Value* v = json::member_ci(body, k);
    if (!v || v->IsNull()) return std::nullopt;
    if (v->IsInt64()) {
      out = v->GetInt64();
      return std::nullopt;
    }
    if (v->IsString()) {  // AllowReadingFromString
      int64_t n = 0;
      if (text::parse_int64(std::string_view(v->GetString(), v->GetStringLength()), n)) {
        out = n;
        return std::nullopt;
      }
    }
    return err_validation(std::string("$.") + k,
                          "The JSON value could not be converted to a number.");
  };
  auto boolean = [&](const char* k, std::optional<bool>& out) -> std::optional<Error> {
    const json::Value* v = json::member_ci(body, k);
    if (!v || v->IsNull()) return std::nullopt;
    if (!v->IsBool())
      return err_validation(std::string("$.") + k,
                            "The JSON value could not be converted to System.Boolean.");
    out = v->GetBool();
    return std::nullopt;
  };
  std::optional<int64_t> pos, count;
  if (auto e = num("PlaybackPositionTicks", pos)) return *e;
  if (auto e = num("PlayCount", count)) return *e;
  up.position_ticks = pos;
  if (count) {
    if (*count < INT32_MIN || *count > INT32_MAX)
      return err_validation("$.PlayCount",
                            "The JSON value could not be converted to System.Int32.");
    up.play_count = static_cast<int32_t>(*count);
  }
  if (auto e = boolean("IsFavorite", up.favorite)) return *e;
  if (auto e = boolean("Likes", up.likes)) return *e;
  if (auto e = boolean("Played", up.played)) return *e;
  if (const json::Value* v = json::member_ci(body, "LastPlayedDate"); v && !v->IsNull()) {
    std::optional<int64_t> t;
    if (v->IsString())
      t = timeutil::parse_iso8601(std::string_view(v->GetString(), v->GetStringLength()));
    if (!t)
      return err_validation("$.LastPlayedDate",
                            "The JSON value could not be converted to System.DateTime.");
    up.last_played = *t;
  }
  if (const json::Value* v = json::member_ci(body, "Rating"); v && !v->IsNull()) {
    if (v->IsNumber())
      up.rating = v->GetDouble();
    else
      return err_validation("$.Rating", "The JSON value could not be converted to System.Double.");
  }
  return up;
}

HttpResponse run(Ctx& c, Op op) {
  auto item_id = route_guid(c, "itemId");
  if (!item_id) return from_error(item_id.error());
  auto requested = requested_user(c);
  if (!requested) return from_error(requested.error());
  auto uid = effective_user_id(c, *requested);
  if (!uid) return from_error(uid.error());

  std::optional<int64_t> date_played;
  if (op == Op::kPlayed) {
    auto d = query_date(c, "datePlayed", true);
    if (!d) return from_error(d.error());
    date_played = *d;
  }
  UserDataUpdate update;
  if (op == Op::kUpdateData) {
    auto body = json_body(c);
    if (!body) return from_error(body.error());
    auto up = parse_update(*body);
    if (!up) return from_error(up.error());
    update = *up;
  }
  const bool data_route = op == Op::kGetData || op == Op::kUpdateData;
  const int64_t now = c.app.clock.now_us();

  // Runs under a shared lock for reads and an exclusive one for mutations.
  auto body = [&](auto& s) -> HttpResponse {
    if (uid->empty()) return middleware_error(400);  // GetUserById(Guid.Empty)
    auto* u = s.user(*uid);
    if (!u) return data_route ? message_response(404, "User not found") : problem_response(404);
    if (data_route && !c.caller.is_admin && !u->policy.enable_user_preference_access)
      return message_response(403, op == Op::kGetData
                                       ? "User is not allowed to view this item user data."
                                       : "User is not allowed to update this item user data.");
    uint32_t i = s.find_item(*item_id);
    if (i == kNone || !s.item_visible(*u, i))
      return data_route ? message_response(404, "Item not found") : problem_response(404);
    if constexpr (!std::is_const_v<std::remove_reference_t<decltype(s)>>) {
      switch (op) {
        case Op::kPlayed:
          mark_played(s, *u, i, date_played, now);
          break;
        case Op::kUnplayed:
          mark_unplayed(s, *u, i);
          break;
        case Op::kFavorite:
          set_favorite(*u, i, true);
          break;
        case Op::kUnfavorite:
          set_favorite(*u, i, false);
          break;
        case Op::kUpdateData:
          apply_update(*u, i, update);
          break;
        case Op::kGetData:
          break;
      }
    }
    json::Writer w;
    write_user_item_data(w, s, *u, i);
    return json_response(w.str());
  };
  if (op == Op::kGetData) {
    return c.app.store.read([&](const State& s) { return body(s); });
  }
  return c.app.store.write(body);
}

HttpResponse played(Ctx& c) {
  return run(c, Op::kPlayed);
}
HttpResponse unplayed(Ctx& c) {
  return run(c, Op::kUnplayed);
}
HttpResponse favorite(Ctx& c) {
  return run(c, Op::kFavorite);
}
HttpResponse unfavorite(Ctx& c) {
  return run(c, Op::kUnfavorite);
}
HttpResponse get_data(Ctx& c) {
  return run(c, Op::kGetData);
}
HttpResponse update_data(Ctx& c) {
  return run(c, Op::kUpdateData);
}

}  // namespace

void add_userdata_routes(Router& r) {
  r.add("POST", "/UserPlayedItems/{itemId}", Access::kAuthenticated, played);
  r.add("DELETE", "/UserPlayedItems/{itemId}", Access::kAuthenticated, unplayed);
  r.add("POST", "/UserFavoriteItems/{itemId}", Access::kAuthenticated, favorite);
  r.add("DELETE", "/UserFavoriteItems/{itemId}", Access::kAuthenticated, unfavorite);
  r.add("GET", "/UserItems/{itemId}/UserData", Access::kAuthenticated, get_data);
  r.add("POST", "/UserItems/{itemId}/UserData", Access::kAuthenticated, update_data);
  r.add("POST", "/Users/{userId}/PlayedItems/{itemId}", Access::kAuthenticated, played);
  r.add("DELETE", "/Users/{userId}/PlayedItems/{itemId}", Access::kAuthenticated, unplayed);
  r.add("POST", "/Users/{userId}/FavoriteItems/{itemId}", Access::kAuthenticated, favorite);
  r.add("DELETE", "/Users/{userId}/FavoriteItems/{itemId}", Access::kAuthenticated, unfavorite);
  r.add("GET", "/Users/{userId}/Items/{itemId}/UserData", Access::kAuthenticated, get_data);
  r.add("POST", "/Users/{userId}/Items/{itemId}/UserData", Access::kAuthenticated, update_data);
}

}  // namespace jb::standin
