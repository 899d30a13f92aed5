// seed_writer.cpp — dump_seed and write_seed_members (see seed.h): a Catalog
// back to the seed format with every value explicit, in a stable order
// (byte-identical output for identical catalogs).
#include "common/core/json.h"
#include "common/core/time.h"
#include "tests/standin/policy.h"
#include "tests/standin/seed.h"

namespace jb::standin {

namespace {

void write_date(json::Writer& w, const char* key, int64_t t) {
  if (t != kNoDate) w.kv(key, timeutil::format_jellyfin(t));
}

// `key`: {user name: row} for the users with a row for item idx, if any.
void write_user_data(json::Writer& w, const Catalog& c, uint32_t idx, const char* key) {
  bool any = false;
  for (const auto& u : c.users) any = any || u.data.count(idx) > 0;
  if (!any) return;
  w.key(key).begin_object();
  for (const auto& u : c.users) {
    auto f = u.data.find(idx);
    if (f == u.data.end()) continue;
    const UserData& d = f->second;
    w.key(u.name).begin_object();
    w.kv("Played", d.played);
    w.kv("PlayCount", d.play_count);
    w.kv("IsFavorite", d.favorite);
    w.kv("PlaybackPositionTicks", d.position_ticks);
    write_date(w, "LastPlayedDate", d.last_played);
    if (d.rating) w.kv("Rating", *d.rating);
    if (d.likes) w.kv("Likes", *d.likes);
    w.end_object();
  }
  w.end_object();
}

void dump_item(json::Writer& w, const Catalog& c, uint32_t idx,
               const std::vector<std::vector<uint32_t>>& kids) {
  const Item& it = c.items[idx];
  w.begin_object();
  w.kv("Type", kind_name(it.kind));
  w.kv("Id", it.id.str());
  w.kv("Name", c.str(it.name));
  if (it.production_year != kNoNumber) w.kv("ProductionYear", it.production_year);
  if (it.index_number != kNoNumber) w.kv("IndexNumber", it.index_number);
  if (it.index_number_end != kNoNumber) w.kv("IndexNumberEnd", it.index_number_end);
  // Episodes get it from their season; any other item only via the seed or
  // the test-control API.
  if (it.parent_index_number != kNoNumber) w.kv("ParentIndexNumber", it.parent_index_number);
  write_date(w, "PremiereDate", it.premiere_date);
  if (it.run_time_ticks >= 0) w.kv("RunTimeTicks", it.run_time_ticks);
  w.key("ProviderIds").begin_object();
  for (const auto& [k, v] : unpack_provider_ids(c.str(it.provider_ids))) w.kv(k, v);
  w.end_object();
  w.kv("Path", c.str(it.path));
  write_date(w, "DateCreated", it.date_created);
  write_date(w, "DateLastSaved", it.date_last_saved);
  write_user_data(w, c, idx, "UserData");
  if (it.kind == ItemKind::kSeries || it.kind == ItemKind::kSeason) {
    w.key(it.kind == ItemKind::kSeries ? "Seasons" : "Episodes").begin_array();
    for (uint32_t k : kids[idx]) dump_item(w, c, k, kids);
    w.end_array();
  }
  w.end_object();
}

}  // namespace

std::string dump_seed(const Catalog& c) {
  json::Writer w;
  w.begin_object();
  write_seed_members(w, c);
  w.end_object();
  return w.str();
}

void write_seed_members(json::Writer& w, const Catalog& c) {
  std::vector<std::vector<uint32_t>> kids(c.items.size());
  for (uint32_t i = 0; i < c.items.size(); ++i) {
    const Item& it = c.items[i];
    if (it.alive && (it.kind == ItemKind::kSeason || it.kind == ItemKind::kEpisode) &&
        it.parent != kNone)
      kids[it.parent].push_back(i);
  }
  w.kv("ServerName", c.server_name);
  w.kv("ServerId", c.server_id.str());
  w.key("Users").begin_array();
  for (const auto& u : c.users) {
    w.begin_object();
    w.kv("Name", u.name);
    w.kv("Id", u.id.str());
    if (!u.password_plain.empty())
      w.kv("Password", u.password_plain);
    else if (!u.password_hash.empty())
      w.kv("PasswordHash", u.password_hash);
    write_date(w, "DateCreated", u.date_created);
    write_date(w, "LastLoginDate", u.last_login);
    write_date(w, "LastActivityDate", u.last_activity);
    w.key("Policy");
    write_policy(w, u.policy);
    if (!u.configuration.empty()) w.key("Configuration").raw(u.configuration);
    if (!u.display_preferences.empty()) {
      w.key("DisplayPreferences").begin_object();
      for (const auto& [key, prefs] : u.display_preferences) w.key(key).raw(prefs);
      w.end_object();
    }
    w.end_object();
  }
  w.end_array();
  w.key("ApiKeys").begin_array();
  for (const auto& k : c.api_keys) {
    w.begin_object().kv("Name", k.name).kv("Key", k.token);
    write_date(w, "DateCreated", k.date_created);
    w.end_object();
  }
  w.end_array();
  w.key("Libraries").begin_array();
  for (uint32_t li = 0; li < c.libraries.size(); ++li) {
    const Library& lib = c.libraries[li];
    w.begin_object();
    w.kv("Name", lib.name);
    w.kv("Id", lib.id.str());
    w.kv("FolderId", lib.folder_id.str());
    w.kv("CollectionType", lib.collection_type);
    w.key("Locations").begin_array();
    for (const auto& l : lib.locations) w.value(l);
    w.end_array();
    write_date(w, "DateCreated", lib.date_created);
    // Rows on the library itself (a favourite library) and its physical folder.
    write_user_data(w, c, lib.item, "UserData");
    write_user_data(w, c, lib.folder_item, "FolderUserData");
    w.key("Items").begin_array();
    for (uint32_t i = 0; i < c.items.size(); ++i) {
      const Item& it = c.items[i];
      if (it.alive && it.library == li && it.parent == lib.folder_item &&
          (it.kind == ItemKind::kMovie || it.kind == ItemKind::kSeries))
        dump_item(w, c, i, kids);
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
}

}  // namespace jb::standin
