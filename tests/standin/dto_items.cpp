// dto_items.cpp — BaseItemDto and UserItemDataDto (see dto.h).
#include <openssl/evp.h>

#include "common/core/text.h"
#include "common/core/time.h"
#include "tests/standin/dto.h"

namespace jb::standin {

std::string date_str(int64_t unix_us) {
  return timeutil::format_jellyfin(unix_us);
}

namespace {

// A stable 32-hex tag (Etag, DisplayPreferencesId) derived from text.
std::string tag_of(std::string_view s) {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(s.data(), s.size(), d, &n, EVP_md5(), nullptr);
  return text::hex_encode(d, n);
}

void kv_guid(json::Writer& w, std::string_view key, const Guid& g) {
  char buf[32];
  g.to_chars(buf);
  w.kv(key, std::string_view(buf, 32));
}

void empty_array(json::Writer& w, std::string_view key) {
  w.key(key).begin_array().end_array();
}
void empty_object(json::Writer& w, std::string_view key) {
  w.key(key).begin_object().end_object();
}

std::string_view container_of(std::string_view path) {
  auto dot = path.find_last_of('.');
  auto slash = path.find_last_of('/');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return {};
  return path.substr(dot + 1);
}

}  // namespace

void write_user_item_data(json::Writer& w, const State& s, const User& u, uint32_t idx,
                          std::optional<int32_t> recursive_count) {
  UserDataView v = view_user_data(s, u, idx, recursive_count);
  w.begin_object();
  if (v.row.rating) w.kv("Rating", *v.row.rating);
  if (v.played_percentage) w.kv("PlayedPercentage", *v.played_percentage);
  if (v.unplayed_count) w.kv("UnplayedItemCount", *v.unplayed_count);
  w.kv("PlaybackPositionTicks", v.row.position_ticks);
  w.kv("PlayCount", v.row.play_count);
  w.kv("IsFavorite", v.row.favorite);
  if (v.row.likes) w.kv("Likes", *v.row.likes);
  if (v.row.last_played != kNoDate) w.kv("LastPlayedDate", date_str(v.row.last_played));
  w.kv("Played", v.played);
  w.kv("Key", user_data_key(s.cat, idx));
  kv_guid(w, "ItemId", s.cat.items[idx].id);
  w.end_object();
}

void write_item(json::Writer& w, const State& s, uint32_t idx, const DtoOptions& o,
                const User* user, const ServerInfo& srv) {
  const Catalog& c = s.cat;
  const Item& it = c.items[idx];
  const bool folder = is_folder(it.kind);
  const bool video = !folder;
  std::string_view path = c.str(it.path);

  w.begin_object();
  w.kv("Name", c.str(it.name));
  w.kv("ServerId", srv.id);
  kv_guid(w, "Id", it.id);
  if (o.has(Field::kEtag)) w.kv("Etag", tag_of(it.id.str() + std::to_string(it.date_last_saved)));
  if (o.has(Field::kDateCreated) && it.date_created != kNoDate)
    w.kv("DateCreated", date_str(it.date_created));
  if (o.has(Field::kCanDelete))
    w.kv("CanDelete", user != nullptr && user->policy.is_administrator && !folder);
  if (o.has(Field::kCanDownload)) w.kv("CanDownload", video);
  if (video && !container_of(path).empty()) w.kv("Container", container_of(path));
  if (o.has(Field::kSortName)) w.kv("SortName", make_sort_name(c, it));
  if (it.premiere_date != kNoDate) w.kv("PremiereDate", date_str(it.premiere_date));
  if (o.has(Field::kExternalUrls)) empty_array(w, "ExternalUrls");
  if (o.has(Field::kPath) && !path.empty()) w.kv("Path", path);
  if (o.all_fields && folder) w.kv("EnableMediaSourceDisplay", true);
  if (o.has(Field::kTaglines)) empty_array(w, "Taglines");
  if (o.has(Field::kGenres)) empty_array(w, "Genres");
  if (it.run_time_ticks >= 0) w.kv("RunTimeTicks", it.run_time_ticks);
  if (o.has(Field::kPlayAccess)) w.kv("PlayAccess", "Full");
  if (it.production_year != kNoNumber) w.kv("ProductionYear", it.production_year);
  if (it.index_number != kNoNumber) w.kv("IndexNumber", it.index_number);
  if (it.index_number_end != kNoNumber) w.kv("IndexNumberEnd", it.index_number_end);
  if (it.parent_index_number != kNoNumber) w.kv("ParentIndexNumber", it.parent_index_number);
  if (o.has(Field::kRemoteTrailers)) empty_array(w, "RemoteTrailers");
  if (o.has(Field::kProviderIds)) {
    w.key("ProviderIds").begin_object();
    for (const auto& [k, v] : unpack_provider_ids(c.str(it.provider_ids))) w.kv(k, v);
    w.end_object();
  }
  w.kv("IsFolder", folder);
  if (o.has(Field::kParentId) && it.parent != kNone) kv_guid(w, "ParentId", c.items[it.parent].id);
  w.kv("Type", kind_name(it.kind));
  if (o.has(Field::kPeople)) empty_array(w, "People");
  if (o.has(Field::kStudios)) empty_array(w, "Studios");
  if (o.has(Field::kGenres)) empty_array(w, "GenreItems");
  if (o.has(Field::kLocalTrailerCount)) w.kv("LocalTrailerCount", 0);
  std::optional<int32_t> recursive;
  if (folder && o.has(Field::kRecursiveItemCount)) recursive = recursive_item_count(s, idx);
  if (user != nullptr && o.enable_user_data) {
    w.key("UserData");
    write_user_item_data(w, s, *user, idx, recursive);
  }
  if (recursive) w.kv("RecursiveItemCount", *recursive);
  if (folder && o.has(Field::kChildCount)) w.kv("ChildCount", child_count(s, idx));
  if (it.kind == ItemKind::kEpisode || it.kind == ItemKind::kSeason) {
    if (it.series != kNone) {
      w.kv("SeriesName", c.str(c.items[it.series].name));
      kv_guid(w, "SeriesId", c.items[it.series].id);
    }
  }
  if (it.kind == ItemKind::kEpisode && it.season != kNone)
    kv_guid(w, "SeasonId", c.items[it.season].id);
  if (o.has(Field::kSpecialFeatureCount)) w.kv("SpecialFeatureCount", 0);
  if (o.has(Field::kDisplayPreferencesId) && folder)
    w.kv("DisplayPreferencesId", tag_of("dp" + it.id.str()));
  if (o.has(Field::kTags)) empty_array(w, "Tags");
  if (it.kind == ItemKind::kCollectionFolder) {
    const std::string& ct = c.libraries[it.library].collection_type;
    if (!ct.empty() && ct != "mixed") w.kv("CollectionType", ct);
  }
  if (it.kind == ItemKind::kEpisode && it.season != kNone)
    w.kv("SeasonName", c.str(c.items[it.season].name));
  if (video) w.kv("VideoType", "VideoFile");
  if (o.enable_images) {
    empty_object(w, "ImageTags");
    empty_array(w, "BackdropImageTags");
    empty_object(w, "ImageBlurHashes");
  }
  w.kv("LocationType", "FileSystem");
  w.kv("MediaType", video ? "Video" : "Unknown");
  if (o.all_fields) {
    empty_array(w, "LockedFields");
    w.kv("LockData", false);
  }
  w.end_object();
}

}  // namespace jb::standin
