// seed_reader.cpp — parse_seed, parse_seed_value, load_seed_file, add_seed_item
// (see seed.h).
#include <fstream>
#include <set>
#include <sstream>

#include "common/core/json.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "tests/standin/policy.h"
#include "tests/standin/seed.h"

namespace jb::standin {

namespace {

using json::Value;

// 2024-01-01T00:00:00Z: base of defaulted DateCreated values.
constexpr int64_t kDefaultEpochUs = 1704067200LL * 1'000'000;

class Parser {
 public:
  explicit Parser(Catalog& c, std::optional<int64_t> runtime_now = std::nullopt,
                  const SeedReadOptions& opts = SeedReadOptions())
      : c_(c), runtime_now_(runtime_now), sid_(c.server_id.str()), opts_(opts) {}
  Status run(const Value& root);
  std::optional<Error> add_runtime_item(const Value& v, uint32_t parent);

 private:
  Error fail(const std::string& where, const std::string& what) {
    return Error("invalid_seed", opts_.label + ": " + where + ": " + what, 400);
  }
  std::optional<Error> check_keys(const Value& obj, const std::string& where,
                                  std::initializer_list<std::string_view> allowed,
                                  const std::vector<std::string>& more = {});
  std::optional<Error> get_string(const Value& obj, const char* key, const std::string& where,
                                  std::string& out, bool required);
  std::optional<Error> get_int(const Value& obj, const char* key, const std::string& where,
                               int64_t& out, bool& present);
  std::optional<Error> get_date(const Value& obj, const char* key, const std::string& where,
                                int64_t& out);
  std::optional<Error> get_guid(const Value& obj, const char* key, const std::string& where,
                                Guid& out, const std::string& derive_from);
  std::optional<Error> parse_item(const Value& v, const std::string& where, uint32_t lib,
                                  uint32_t parent, uint32_t series, uint32_t season,
                                  const std::string& base_path, ItemKind expected_scope,
                                  int32_t season_number);
  std::optional<Error> parse_user_data(const Value& v, const std::string& where, uint32_t item);

  Catalog& c_;
  std::optional<int64_t> runtime_now_;  // set for items added at runtime
  std::string sid_;                     // server id text used to derive ids
  SeedReadOptions opts_;
  int64_t ordinal_ = 0;
};

std::optional<Error> Parser::check_keys(const Value& obj, const std::string& where,
                                        std::initializer_list<std::string_view> allowed,
                                        const std::vector<std::string>& more) {
  if (!obj.IsObject()) return fail(where, "must be an object");
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    std::string_view k(it->name.GetString(), it->name.GetStringLength());
    bool ok = false;
    for (auto a : allowed) ok = ok || a == k;
    for (const auto& a : more) ok = ok || a == k;
    if (!ok) return fail(where, "unknown property '" + std::string(k) + "'");
  }
  return std::nullopt;
}

std::optional<Error> Parser::get_string(const Value& obj, const char* key, const std::string& where,
                                        std::string& out, bool required) {
  const Value* v = json::member(obj, key);
  if (!v || v->IsNull()) {
    if (required) return fail(where, std::string("'") + key + "' is required");
    return std::nullopt;
  }
  if (!v->IsString()) return fail(where, std::string("'") + key + "' must be a string");
  out.assign(v->GetString(), v->GetStringLength());
  if (required && out.empty()) return fail(where, std::string("'") + key + "' must not be empty");
  return std::nullopt;
}

std::optional<Error> Parser::get_int(const Value& obj, const char* key, const std::string& where,
                                     int64_t& out, bool& present) {
  present = false;
  const Value* v = json::member(obj, key);
  if (!v || v->IsNull()) return std::nullopt;
  if (!v->IsInt64()) return fail(where, std::string("'") + key + "' must be an integer");
  out = v->GetInt64();
  present = true;
  return std::nullopt;
}

std::optional<Error> Parser::get_date(const Value& obj, const char* key, const std::string& where,
                                      int64_t& out) {
  const Value* v = json::member(obj, key);
  if (!v || v->IsNull()) return std::nullopt;
  if (!v->IsString()) return fail(where, std::string("'") + key + "' must be an ISO 8601 string");
  auto t = timeutil::parse_iso8601(std::string_view(v->GetString(), v->GetStringLength()));
  if (!t) return fail(where, std::string("'") + key + "' is not a valid date");
  out = *t;
  return std::nullopt;
}

std::optional<Error> Parser::get_guid(const Value& obj, const char* key, const std::string& where,
                                      Guid& out, const std::string& derive_from) {
  std::string s;
  if (auto e = get_string(obj, key, where, s, false)) return e;
  if (s.empty()) {
    out = runtime_now_ ? random_guid() : derived_guid(sid_ + "|" + derive_from);
    return std::nullopt;
  }
  auto g = parse_guid(s);
  if (!g) return fail(where, std::string("'") + key + "' is not a GUID");
  out = *g;
  return std::nullopt;
}

std::optional<Error> Parser::parse_user_data(const Value& v, const std::string& where,
                                             uint32_t item) {
  if (!v.IsObject()) return fail(where, "'UserData' must be an object keyed by user name");
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string name(it->name.GetString(), it->name.GetStringLength());
    std::string w = where + ".UserData." + name;
    User* user = nullptr;
    for (auto& u : c_.users)
      if (u.name == name) user = &u;
    if (!user) return fail(w, "no user named '" + name + "'");
    const Value& d = it->value;
    if (auto e = check_keys(d, w,
                            {"Played", "PlayCount", "IsFavorite", "PlaybackPositionTicks",
                             "LastPlayedDate", "Rating", "Likes"}))
      return e;
    UserData row;
    bool present = false;
    int64_t n = 0;
    if (auto e = get_int(d, "PlayCount", w, n, present)) return e;
    if (present) row.play_count = static_cast<int32_t>(n);
    if (auto e = get_int(d, "PlaybackPositionTicks", w, n, present)) return e;
    if (present) row.position_ticks = n;
    if (auto e = get_date(d, "LastPlayedDate", w, row.last_played)) return e;
    if (const Value* b = json::member(d, "Played")) {
      if (!b->IsBool()) return fail(w, "'Played' must be a boolean");
      row.played = b->GetBool();
    }
    if (const Value* b = json::member(d, "IsFavorite")) {
      if (!b->IsBool()) return fail(w, "'IsFavorite' must be a boolean");
      row.favorite = b->GetBool();
    }
    if (const Value* b = json::member(d, "Likes"); b && !b->IsNull()) {
      if (!b->IsBool()) return fail(w, "'Likes' must be a boolean");
      row.likes = b->GetBool();
    }
    if (const Value* r = json::member(d, "Rating"); r && !r->IsNull()) {
      if (!r->IsNumber()) return fail(w, "'Rating' must be a number");
      row.rating = r->GetDouble();
    }
    user->data[item] = row;
  }
  return std::nullopt;
}

std::optional<Error> Parser::parse_item(const Value& v, const std::string& where, uint32_t lib,
                                        uint32_t parent, uint32_t series, uint32_t season,
                                        const std::string& base_path, ItemKind scope,
                                        int32_t season_number) {
  if (auto e =
          check_keys(v, where,
                     {"Type", "Id", "Name", "ProductionYear", "PremiereDate", "RunTimeTicks",
                      "ProviderIds", "Path", "DateCreated", "DateLastSaved", "UserData", "Seasons",
                      "Episodes", "IndexNumber", "IndexNumberEnd", "ParentIndexNumber"}))
    return e;
  std::string type;
  if (auto e = get_string(v, "Type", where, type, true)) return e;
  auto kind = parse_kind(type);
  bool ok_kind =
      kind &&
      ((scope == ItemKind::kFolder && (*kind == ItemKind::kMovie || *kind == ItemKind::kSeries)) ||
       (scope == ItemKind::kSeries && *kind == ItemKind::kSeason) ||
       (scope == ItemKind::kSeason && *kind == ItemKind::kEpisode));
  if (!ok_kind) {
    const char* expect = scope == ItemKind::kFolder   ? "Movie or Series"
                         : scope == ItemKind::kSeries ? "Season"
                                                      : "Episode";
    return fail(where, "'Type' must be " + std::string(expect));
  }
  Item it;
  it.kind = *kind;
  it.library = lib;
  it.parent = parent;
  it.series = series;
  it.season = season;
  const bool exact = opts_.exact;
  std::string name;
  if (auto e = get_string(v, "Name", where, name, it.kind != ItemKind::kSeason && !exact)) return e;
  int64_t n = 0;
  bool present = false;
  if (auto e = get_int(v, "ProductionYear", where, n, present)) return e;
  if (present) it.production_year = static_cast<int32_t>(n);
  if (auto e = get_int(v, "RunTimeTicks", where, n, present)) return e;
  if (present) {
    if (n < 0) return fail(where, "'RunTimeTicks' must not be negative");
    it.run_time_ticks = n;
  }
  if (auto e = get_int(v, "IndexNumber", where, n, present)) return e;
  if (present) it.index_number = static_cast<int32_t>(n);
  if (auto e = get_int(v, "IndexNumberEnd", where, n, present)) return e;
  if (present) it.index_number_end = static_cast<int32_t>(n);
  if (auto e = get_int(v, "ParentIndexNumber", where, n, present)) return e;
  if (present) it.parent_index_number = static_cast<int32_t>(n);
  if (it.kind == ItemKind::kEpisode && it.parent_index_number == kNoNumber && !exact)
    it.parent_index_number = season_number;
  if (it.kind == ItemKind::kSeason && !exact) {
    if (it.index_number == kNoNumber) return fail(where, "'IndexNumber' is required for a season");
    if (name.empty())
      name = it.index_number == 0 ? "Specials" : "Season " + std::to_string(it.index_number);
  }
  it.name = c_.strings.add(name);
  if (auto e = get_date(v, "PremiereDate", where, it.premiere_date)) return e;
  it.date_created = exact          ? kNoDate
                    : runtime_now_ ? *runtime_now_
                                   : kDefaultEpochUs + ordinal_ * 60 * timeutil::kUsPerSecond;
  ++ordinal_;
  if (auto e = get_date(v, "DateCreated", where, it.date_created)) return e;
  it.date_last_saved = exact ? kNoDate : it.date_created;
  if (auto e = get_date(v, "DateLastSaved", where, it.date_last_saved)) return e;

  ProviderIdList pids;
  if (const Value* p = json::member(v, "ProviderIds"); p && !p->IsNull()) {
    if (!p->IsObject()) return fail(where, "'ProviderIds' must be an object of strings");
    for (auto m = p->MemberBegin(); m != p->MemberEnd(); ++m) {
      if (!m->value.IsString()) return fail(where, "'ProviderIds' values must be strings");
      // Jellyfin never stores an empty provider id (SetProviderId removes it).
      if (!exact &&
          text::trim(std::string_view(m->value.GetString(), m->value.GetStringLength())).empty())
        continue;
      pids.emplace_back(std::string(m->name.GetString(), m->name.GetStringLength()),
                        std::string(m->value.GetString(), m->value.GetStringLength()));
    }
  }
  it.provider_ids = c_.strings.add(pack_provider_ids(pids));

  std::string path;
  if (auto e = get_string(v, "Path", where, path, false)) return e;
  if (path.empty() && !exact) {
    std::string titled =
        name +
        (it.production_year != kNoNumber ? " (" + std::to_string(it.production_year) + ")" : "");
    char buf[64];
    switch (it.kind) {
      case ItemKind::kMovie:
        path = base_path + "/" + titled + "/" + titled + ".mkv";
        break;
      case ItemKind::kSeries:
        path = base_path + "/" + titled;
        break;
      case ItemKind::kSeason:
        std::snprintf(buf, sizeof buf, "/Season %02d", it.index_number);
        path = base_path + buf;
        break;
      default: {
        std::string series_name(series != kNone ? c_.str(c_.items[series].name) : "Episode");
        if (it.index_number_end != kNoNumber)
          std::snprintf(buf, sizeof buf, " S%02dE%02d-E%02d.mkv", it.parent_index_number,
                        it.index_number, it.index_number_end);
        else
          std::snprintf(buf, sizeof buf, " S%02dE%02d.mkv", it.parent_index_number,
                        it.index_number);
        path = base_path + "/" + series_name + buf;
      }
    }
  }
  it.path = c_.strings.add(path);
  if (auto e = get_guid(v, "Id", where, it.id, "item|" + where)) return e;
  uint32_t idx = c_.add_item(it);

  if (const Value* ud = json::member(v, "UserData"); ud && !ud->IsNull())
    if (auto e = parse_user_data(*ud, where, idx)) return e;

  const char* child_key = it.kind == ItemKind::kSeries   ? "Seasons"
                          : it.kind == ItemKind::kSeason ? "Episodes"
                                                         : nullptr;
  for (const char* k : {"Seasons", "Episodes"}) {
    const Value* kids = json::member(v, k);
    if (!kids || kids->IsNull()) continue;
    if (child_key == nullptr || std::string_view(k) != child_key)
      return fail(where, std::string("'") + k + "' is not allowed on a " + kind_name(it.kind));
    if (!kids->IsArray()) return fail(where, std::string("'") + k + "' must be an array");
    for (rapidjson::SizeType i = 0; i < kids->Size(); ++i) {
      std::string w = where + "." + k + "[" + std::to_string(i) + "]";
      uint32_t ser = it.kind == ItemKind::kSeries ? idx : series;
      uint32_t sea = it.kind == ItemKind::kSeason ? idx : kNone;
      if (auto e = parse_item((*kids)[i], w, lib, idx, ser, sea, path,
                              it.kind == ItemKind::kSeries ? ItemKind::kSeries : ItemKind::kSeason,
                              c_.items[idx].index_number))
        return e;
    }
  }
  return std::nullopt;
}

std::optional<Error> Parser::add_runtime_item(const Value& v, uint32_t parent) {
  const Item& p = c_.items[parent];
  ItemKind scope = p.kind == ItemKind::kFolder   ? ItemKind::kFolder
                   : p.kind == ItemKind::kSeries ? ItemKind::kSeries
                   : p.kind == ItemKind::kSeason ? ItemKind::kSeason
                                                 : ItemKind::kMovie;
  if (scope == ItemKind::kMovie) return fail("Item", "the parent cannot hold items");
  uint32_t series = p.kind == ItemKind::kSeries ? parent : p.series;
  uint32_t season = p.kind == ItemKind::kSeason ? parent : kNone;
  return parse_item(v, "Item", p.library, parent, series, season, std::string(c_.str(p.path)),
                    scope, p.index_number);
}

Status Parser::run(const Value& root) {
  if (auto e =
          check_keys(root, "(root)", {"ServerName", "ServerId", "Users", "ApiKeys", "Libraries"},
                     opts_.extra_root_keys))
    return *e;
  if (auto e = get_string(root, "ServerName", "(root)", c_.server_name, false)) return *e;
  std::string sid;
  if (auto e = get_string(root, "ServerId", "(root)", sid, false)) return *e;
  if (sid.empty()) {
    c_.server_id = derived_guid("server|" + c_.server_name);
  } else {
    auto g = parse_guid(sid);
    if (!g) return fail("(root)", "'ServerId' is not a GUID");
    c_.server_id = *g;
  }
  sid_ = c_.server_id.str();

  std::set<std::string> names;
  if (const Value* users = json::member(root, "Users"); users && !users->IsNull()) {
    if (!users->IsArray()) return fail("Users", "must be an array");
    for (rapidjson::SizeType i = 0; i < users->Size(); ++i) {
      const Value& u = (*users)[i];
      std::string w = "Users[" + std::to_string(i) + "]";
      if (auto e = check_keys(
              u, w,
              {"Name", "Id", "Password", "PasswordHash", "Policy", "Configuration", "DateCreated",
               "LastLoginDate", "LastActivityDate", "DisplayPreferences"}))
        return *e;
      User user;
      if (auto e = get_string(u, "Name", w, user.name, true)) return *e;
      if (!names.insert(text::to_lower(user.name)).second)
        return fail(w, "duplicate user name '" + user.name + "'");
      if (auto e = get_guid(u, "Id", w, user.id, "user|" + user.name)) return *e;
      if (auto e = get_string(u, "Password", w, user.password_plain, false)) return *e;
      if (auto e = get_string(u, "PasswordHash", w, user.password_hash, false)) return *e;
      user.date_created = opts_.exact ? kNoDate : kDefaultEpochUs;
      if (auto e = get_date(u, "DateCreated", w, user.date_created)) return *e;
      if (auto e = get_date(u, "LastLoginDate", w, user.last_login)) return *e;
      if (auto e = get_date(u, "LastActivityDate", w, user.last_activity)) return *e;
      if (const Value* conf = json::member(u, "Configuration"); conf && !conf->IsNull()) {
        if (!conf->IsObject()) return fail(w + ".Configuration", "must be an object");
        user.configuration = json::stringify(*conf);
      }
      if (const Value* dp = json::member(u, "DisplayPreferences"); dp && !dp->IsNull()) {
        if (!dp->IsObject()) return fail(w + ".DisplayPreferences", "must be an object");
        for (auto m = dp->MemberBegin(); m != dp->MemberEnd(); ++m) {
          if (!m->value.IsObject())
            return fail(w + ".DisplayPreferences." + m->name.GetString(), "must be an object");
          user.display_preferences[m->name.GetString()] = json::stringify(m->value);
        }
      }
      c_.users.push_back(std::move(user));
    }
  }

  if (const Value* keys = json::member(root, "ApiKeys"); keys && !keys->IsNull()) {
    if (!keys->IsArray()) return fail("ApiKeys", "must be an array");
    for (rapidjson::SizeType i = 0; i < keys->Size(); ++i) {
      std::string w = "ApiKeys[" + std::to_string(i) + "]";
      if (auto e = check_keys((*keys)[i], w, {"Name", "Key", "DateCreated"})) return *e;
      ApiKey k;
      if (auto e = get_string((*keys)[i], "Name", w, k.name, true)) return *e;
      if (auto e = get_string((*keys)[i], "Key", w, k.token, true)) return *e;
      k.date_created = opts_.exact ? kNoDate : kDefaultEpochUs;
      if (auto e = get_date((*keys)[i], "DateCreated", w, k.date_created)) return *e;
      c_.api_keys.push_back(std::move(k));
    }
  }

  if (const Value* libs = json::member(root, "Libraries"); libs && !libs->IsNull()) {
    if (!libs->IsArray()) return fail("Libraries", "must be an array");
    for (rapidjson::SizeType i = 0; i < libs->Size(); ++i) {
      const Value& l = (*libs)[i];
      std::string w = "Libraries[" + std::to_string(i) + "]";
      if (auto e = check_keys(l, w,
                              {"Name", "Id", "FolderId", "CollectionType", "Locations",
                               "DateCreated", "UserData", "FolderUserData", "Items"}))
        return *e;
      Library lib;
      if (auto e = get_string(l, "Name", w, lib.name, true)) return *e;
      if (auto e = get_string(l, "CollectionType", w, lib.collection_type, true)) return *e;
      if (!valid_collection_type(lib.collection_type))
        return fail(w,
                    "'CollectionType' must be one of movies, tvshows, music, musicvideos, "
                    "homevideos, boxsets, books, mixed");
      lib.collection_type = text::to_lower(lib.collection_type);
      if (auto e = get_guid(l, "Id", w, lib.id, "library|" + lib.name)) return *e;
      if (auto e = get_guid(l, "FolderId", w, lib.folder_id, "folder|" + lib.name)) return *e;
      lib.date_created = opts_.exact ? kNoDate : kDefaultEpochUs;
      if (auto e = get_date(l, "DateCreated", w, lib.date_created)) return *e;
      if (const Value* locs = json::member(l, "Locations"); locs && !locs->IsNull()) {
        if (!locs->IsArray()) return fail(w, "'Locations' must be an array of strings");
        for (const auto& s : locs->GetArray()) {
          if (!s.IsString()) return fail(w, "'Locations' must be an array of strings");
          lib.locations.emplace_back(s.GetString(), s.GetStringLength());
        }
      }
      if (lib.locations.empty()) lib.locations.push_back("/media/" + lib.name);
      std::string base = lib.locations.front();
      uint32_t li = c_.add_library(lib);
      uint32_t folder = c_.libraries[li].folder_item;
      if (const Value* ud = json::member(l, "UserData"); ud && !ud->IsNull())
        if (auto e = parse_user_data(*ud, w, c_.libraries[li].item)) return *e;
      if (const Value* ud = json::member(l, "FolderUserData"); ud && !ud->IsNull())
        if (auto e = parse_user_data(*ud, w + ".Folder", folder)) return *e;
      if (const Value* items = json::member(l, "Items"); items && !items->IsNull()) {
        if (!items->IsArray()) return fail(w, "'Items' must be an array");
        for (rapidjson::SizeType k = 0; k < items->Size(); ++k) {
          if (auto e = parse_item((*items)[k], w + ".Items[" + std::to_string(k) + "]", li, folder,
                                  kNone, kNone, base, ItemKind::kFolder, kNoNumber))
            return *e;
        }
      }
    }
  }

  // Policies last: EnabledFolders may name libraries.
  if (const Value* users = json::member(root, "Users"); users && users->IsArray()) {
    for (rapidjson::SizeType i = 0; i < users->Size(); ++i) {
      const Value* pol = json::member((*users)[i], "Policy");
      if (!pol || pol->IsNull()) continue;
      PolicyReadOptions po;
      po.require_provider_ids = false;
      po.case_insensitive = false;
      po.resolve_folder = [this](std::string_view s) -> std::optional<Guid> {
        for (const auto& lib : c_.libraries)
          if (lib.name == s) return lib.id;
        return parse_guid(s);
      };
      auto p = read_policy(*pol, po);
      if (!p) return fail("Users[" + std::to_string(i) + "].Policy", p.error().message);
      c_.users[i].policy = std::move(*p);
    }
  }

  std::set<Guid> ids;
  for (const auto& it : c_.items)
    if (!ids.insert(it.id).second) return fail("Libraries", "duplicate item id " + it.id.str());
  return Status::Ok();
}

}  // namespace

Result<Catalog> parse_seed(std::string_view text) {
  auto doc = json::parse(text);
  if (!doc) return Error("invalid_seed", "Seed file: " + doc.error().message, 400);
  return parse_seed_value(*doc, SeedReadOptions());
}

Result<Catalog> parse_seed_value(const json::Value& root, const SeedReadOptions& opts) {
  Catalog c;
  Parser p(c, std::nullopt, opts);
  Status st = p.run(root);
  if (!st.ok()) return st.error();
  return c;
}

Result<uint32_t> add_seed_item(Catalog& c, const json::Value& item, uint32_t parent,
                               int64_t now_us) {
  if (parent >= c.items.size()) return Error("invalid_seed", "Unknown parent.", 400);
  size_t before = c.items.size();
  Parser p(c, now_us);
  if (auto e = p.add_runtime_item(item, parent)) {
    // Roll back partially added items.
    c.items.resize(before);
    for (auto& u : c.users)
      std::erase_if(u.data, [&](const auto& kv) { return kv.first >= before; });
    return *e;
  }
  std::set<Guid> ids;
  for (const auto& it : c.items)
    if (it.alive && !ids.insert(it.id).second) {
      c.items.resize(before);
      for (auto& u : c.users)
        std::erase_if(u.data, [&](const auto& kv) { return kv.first >= before; });
      return Error("invalid_seed", "Item: duplicate item id " + it.id.str(), 400);
    }
  return static_cast<uint32_t>(before);
}

Result<Catalog> load_seed_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Error("invalid_seed", "Cannot read the seed file " + path + ".", 400);
  std::stringstream ss;
  ss << f.rdbuf();
  return parse_seed(ss.str());
}

}  // namespace jb::standin
