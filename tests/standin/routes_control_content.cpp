// routes_control_content.cpp — test-control routes that read or change the
// served content: /__standin/state, reset, seed, items, userdata, playing.
// No auth, JSON in and out, never counted, delayed or faulted (docs/standin.md).
#include "common/core/text.h"
#include "common/core/time.h"
#include "tests/standin/control_helpers.h"
#include "tests/standin/routes.h"
#include "tests/standin/seed.h"
#include "tests/standin/sessions.h"

namespace jb::standin {

namespace {

using namespace control;

HttpResponse state(Ctx& c) {
  return c.app.store.read([&](const State& s) {
    json::Writer w;
    w.begin_object();
    w.kv("ServerId", c.app.server.id);
    w.kv("ServerName", c.app.server.name);
    w.kv("Version", c.app.server.version);
    w.kv("LocalAddress", c.app.server.local_address);
    w.kv("Port", c.app.port);
    w.kv("BasePath", c.app.settings.base_path);
    w.kv("LegacyAuth", c.app.legacy_auth.load());
    w.kv("QuickConnect", c.app.quick_connect.load());
    w.kv("ClockOffsetSeconds", c.app.clock.offset_us() / 1'000'000);
    w.kv("Now", date_str(c.app.clock.now_us()));
    w.key("Users").begin_array();
    for (const auto& u : s.cat.users) {
      w.begin_object().kv("Name", u.name).kv("Id", u.id.str());
      w.kv("IsAdministrator", u.policy.is_administrator).kv("IsDisabled", u.policy.is_disabled);
      w.kv("Sessions", active_sessions(s, u.id));
      w.end_object();
    }
    w.end_array();
    w.key("Libraries").begin_array();
    int total = 0;
    for (uint32_t li = 0; li < s.cat.libraries.size(); ++li) {
      const Library& l = s.cat.libraries[li];
      int n = 0;
      for (const Item& it : s.cat.items)
        if (it.alive && it.library == li &&
            !(it.kind == ItemKind::kCollectionFolder || it.kind == ItemKind::kFolder))
          ++n;
      total += n;
      w.begin_object().kv("Name", l.name).kv("Id", l.id.str()).kv("FolderId", l.folder_id.str());
      w.kv("CollectionType", l.collection_type).kv("ItemCount", n).end_object();
    }
    w.end_array();
    w.kv("ItemCount", total);
    w.key("ApiKeys").begin_array();
    for (const auto& k : s.cat.api_keys)
      w.begin_object().kv("Name", k.name).kv("Key", k.token).end_object();
    w.end_array();
    w.kv("QuickConnectPending", static_cast<int>(s.qc_pending.size()));
    w.end_object();
    return json_response(w.str());
  });
}

HttpResponse reset(Ctx& c) {
  Status st = c.app.reset();
  if (!st.ok()) return control_error(500, st.error().message);
  return no_content();
}

HttpResponse seed(Ctx& c) {
  return c.app.store.read([&](const State& s) { return json_response(dump_seed(s.cat)); });
}

HttpResponse add_item(Ctx& c) {
  auto b = control_body(c);
  if (!b) return control_error(400, b.error().message);
  // Copy the item description without the placement keys.
  json::Document item;
  item.SetObject();
  for (auto it = b->MemberBegin(); it != b->MemberEnd(); ++it) {
    std::string_view k(it->name.GetString(), it->name.GetStringLength());
    if (k == "Library" || k == "ParentId") continue;
    item.AddMember(json::Value(it->name, item.GetAllocator()),
                   json::Value(it->value, item.GetAllocator()), item.GetAllocator());
  }
  const int64_t now = c.app.clock.now_us();
  return c.app.store.write([&](State& s) -> HttpResponse {
    uint32_t parent = kNone;
    if (auto lib = json::opt_string(*b, "Library")) {
      auto g = parse_guid(*lib);
      for (const auto& l : s.cat.libraries)
        if (text::iequals(l.name, *lib) || (g && l.id == *g)) parent = l.folder_item;
      if (parent == kNone) return control_error(404, "No library '" + *lib + "'.");
    } else {
      parent = find_item_in(s, *b, "ParentId");
      if (parent == kNone)
        return control_error(404, "Give \"Library\" (name or id) or an existing \"ParentId\".");
    }
    auto idx = add_seed_item(s.cat, item, parent, now);
    if (!idx) return control_error(400, idx.error().message);
    s.rebuild_indexes();
    const Item& it = s.cat.items[*idx];
    json::Writer w;
    w.begin_object()
        .kv("Id", it.id.str())
        .kv("DateLastSaved", date_str(it.date_last_saved))
        .end_object();
    return json_response(w.str());
  });
}

HttpResponse update_item(Ctx& c) {
  auto id = parse_guid(c.path_param("id"));
  if (!id) return control_error(400, "The item id is not a GUID.");
  auto b = control_body(c);
  if (!b) return control_error(400, b.error().message);
  const json::Value& v = *b;
  const int64_t now = c.app.clock.now_us();
  return c.app.store.write([&](State& s) -> HttpResponse {
    uint32_t i = s.find_item(*id);
    if (i == kNone) return control_error(404, "No item " + id->str() + ".");
    Item it = s.cat.items[i];
    auto str_field = [&](const char* k, StrRef& ref) -> bool {
      const json::Value* x = json::member(v, k);
      if (!x) return true;
      if (!x->IsString()) return false;
      ref = s.cat.strings.add(std::string_view(x->GetString(), x->GetStringLength()));
      return true;
    };
    auto int_field = [&](const char* k, auto& out, auto none) -> bool {
      const json::Value* x = json::member(v, k);
      if (!x) return true;
      if (x->IsNull()) {
        out = none;
        return true;
      }
      if (!x->IsInt64()) return false;
      out = static_cast<std::remove_reference_t<decltype(out)>>(x->GetInt64());
      return true;
    };
    auto date_field = [&](const char* k, int64_t& out) -> bool {
      const json::Value* x = json::member(v, k);
      if (!x) return true;
      if (x->IsNull()) {
        out = kNoDate;
        return true;
      }
      if (!x->IsString()) return false;
      auto t = timeutil::parse_iso8601(std::string_view(x->GetString(), x->GetStringLength()));
      if (!t) return false;
      out = *t;
      return true;
    };
    bool ok = str_field("Name", it.name) && str_field("Path", it.path) &&
              int_field("ProductionYear", it.production_year, kNoNumber) &&
              int_field("RunTimeTicks", it.run_time_ticks, int64_t{-1}) &&
              int_field("IndexNumber", it.index_number, kNoNumber) &&
              int_field("IndexNumberEnd", it.index_number_end, kNoNumber) &&
              int_field("ParentIndexNumber", it.parent_index_number, kNoNumber) &&
              date_field("PremiereDate", it.premiere_date) &&
              date_field("DateCreated", it.date_created);
    if (!ok) return control_error(400, "A field has the wrong type.");
    if (const json::Value* p = json::member(v, "ProviderIds")) {
      if (!p->IsObject())
        return control_error(400, "\"ProviderIds\" must be an object of strings.");
      ProviderIdList ids;
      for (auto m = p->MemberBegin(); m != p->MemberEnd(); ++m) {
        if (!m->value.IsString())
          return control_error(400, "\"ProviderIds\" must be an object of strings.");
        if (m->value.GetStringLength() == 0) continue;
        ids.emplace_back(m->name.GetString(), m->value.GetString());
      }
      it.provider_ids = s.cat.strings.add(pack_provider_ids(ids));
    }
    it.date_last_saved = now;
    if (!date_field("DateLastSaved", it.date_last_saved))
      return control_error(400, "\"DateLastSaved\" is not a date.");
    s.cat.items[i] = it;
    s.rebuild_indexes();
    json::Writer w;
    w.begin_object()
        .kv("Id", it.id.str())
        .kv("DateLastSaved", date_str(it.date_last_saved))
        .end_object();
    return json_response(w.str());
  });
}

HttpResponse remove_item(Ctx& c) {
  auto id = parse_guid(c.path_param("id"));
  if (!id) return control_error(400, "The item id is not a GUID.");
  return c.app.store.write([&](State& s) -> HttpResponse {
    uint32_t i = s.find_item(*id);
    if (i == kNone) return control_error(404, "No item " + id->str() + ".");
    s.remove_item(i);
    return no_content();
  });
}

HttpResponse set_user_data(Ctx& c) {
  auto b = control_body(c);
  if (!b) return control_error(400, b.error().message);
  const json::Value& v = *b;
  std::optional<int64_t> last_played;
  bool clear_last = false;
  if (const json::Value* x = json::member(v, "LastPlayedDate")) {
    if (x->IsNull())
      clear_last = true;
    else if (!x->IsString() || !(last_played = timeutil::parse_iso8601(x->GetString())))
      return control_error(400, "\"LastPlayedDate\" must be an ISO 8601 date or null.");
  }
  return c.app.store.write([&](State& s) -> HttpResponse {
    const User* cu = find_user(s, v);
    if (!cu) return control_error(404, "Give an existing \"User\" (name) or \"UserId\".");
    User* u = s.user(cu->id);
    uint32_t i = find_item_in(s, v, "ItemId");
    if (i == kNone) return control_error(404, "Give an existing \"ItemId\".");
    if (json::get_bool(v, "Remove")) {
      u->data.erase(i);
    } else {
      UserData& d = u->data[i];
      if (auto x = json::opt_bool(v, "Played")) d.played = *x;
      if (auto x = json::opt_bool(v, "IsFavorite")) d.favorite = *x;
      if (auto x = json::opt_int(v, "PlayCount")) d.play_count = static_cast<int32_t>(*x);
      if (auto x = json::opt_int(v, "PlaybackPositionTicks")) d.position_ticks = *x;
      if (const json::Value* x = json::member(v, "Likes"))
        d.likes = x->IsBool() ? std::optional<bool>(x->GetBool()) : std::nullopt;
      if (const json::Value* x = json::member(v, "Rating"))
        d.rating = x->IsNumber() ? std::optional<double>(x->GetDouble()) : std::nullopt;
      if (clear_last) d.last_played = kNoDate;
      if (last_played) d.last_played = *last_played;
    }
    json::Writer w;
    write_user_item_data(w, s, *u, i);
    return json_response(w.str());
  });
}

HttpResponse start_playing(Ctx& c) {
  auto b = control_body(c);
  if (!b) return control_error(400, b.error().message);
  const json::Value& v = *b;
  const int64_t now = c.app.clock.now_us();
  return c.app.store.write([&](State& s) -> HttpResponse {
    const User* u = find_user(s, v);
    if (!u) return control_error(404, "Give an existing \"User\" (name) or \"UserId\".");
    uint32_t i = find_item_in(s, v, "ItemId");
    if (i == kNone) return control_error(404, "Give an existing \"ItemId\".");
    PlayingSession p;
    p.session_id = random_guid();
    p.user_id = u->id;
    p.item = i;
    p.position_ticks = json::get_int(v, "PositionTicks", 0);
    p.paused = json::get_bool(v, "IsPaused", false);
    p.device_id =
        json::get_string(v, "DeviceId", "standin-player-" + p.session_id.str().substr(0, 8));
    p.device_name = json::get_string(v, "DeviceName", "Stand-in Player");
    p.client = json::get_string(v, "Client", "Stand-in Player");
    p.version = json::get_string(v, "Version", "1.0.0");
    p.started = now;
    s.playing.push_back(p);
    json::Writer w;
    w.begin_object().kv("SessionId", p.session_id.str()).kv("DeviceId", p.device_id).end_object();
    return json_response(w.str());
  });
}

HttpResponse stop_playing(Ctx& c) {
  auto b = control_body(c);
  if (!b) return control_error(400, b.error().message);
  const json::Value& v = *b;
  return c.app.store.write([&](State& s) -> HttpResponse {
    const bool by_user = json::member(v, "User") || json::member(v, "UserId");
    const User* u = by_user ? find_user(s, v) : nullptr;
    if (by_user && !u) return control_error(404, "No such user.");
    const bool by_item = json::member(v, "ItemId") != nullptr;
    uint32_t i = by_item ? find_item_in(s, v, "ItemId") : kNone;
    std::erase_if(s.playing, [&](const PlayingSession& p) {
      return (!u || p.user_id == u->id) && (!by_item || p.item == i);
    });
    return no_content();
  });
}

}  // namespace

void add_control_content_routes(Router& r) {
  const Access a = Access::kAnonymous;
  r.add("GET", "/__standin/state", a, state);
  r.add("POST", "/__standin/reset", a, reset);
  r.add("GET", "/__standin/seed", a, seed);
  r.add("POST", "/__standin/items", a, add_item);
  r.add("POST", "/__standin/items/{id}", a, update_item);
  r.add("DELETE", "/__standin/items/{id}", a, remove_item);
  r.add("POST", "/__standin/userdata", a, set_user_data);
  r.add("POST", "/__standin/playing", a, start_playing);
  r.add("DELETE", "/__standin/playing", a, stop_playing);
}

}  // namespace jb::standin
