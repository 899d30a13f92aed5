// enums.cpp — see enums.h. Name tables copied from openapi-stable.json
// (components.schemas.*.enum), in declaration order (= numeric values).
#include "tests/standin/enums.h"

#include "common/core/text.h"

namespace jb::standin {

std::optional<int> parse_enum(std::string_view s, const std::vector<std::string_view>& names) {
  s = text::trim(s);
  if (s.empty()) return std::nullopt;
  int64_t n = 0;
  if (text::parse_int64(s, n)) {
    if (n >= 0 && n < static_cast<int64_t>(names.size())) return static_cast<int>(n);
    return std::nullopt;
  }
  for (size_t i = 0; i < names.size(); ++i)
    if (text::iequals(s, names[i])) return static_cast<int>(i);
  return std::nullopt;
}

std::vector<std::string> array_param(const QueryParams& q, std::string_view param) {
  std::vector<std::string> values = q.all(param);
  if (values.size() > 1) return values;
  if (values.empty()) return {};
  return text::split(values.front(), ',', true);
}

std::vector<int> parse_enum_list(const QueryParams& q, std::string_view param,
                                 const std::vector<std::string_view>& names) {
  std::vector<int> out;
  for (const auto& v : array_param(q, param)) {
    if (text::trim(v).empty()) continue;
    if (auto e = parse_enum(v, names)) out.push_back(*e);
  }
  return out;
}

const std::vector<std::string_view>& item_fields_names() {
  static const std::vector<std::string_view> v = {"AirTime",
                                                  "CanDelete",
                                                  "CanDownload",
                                                  "ChannelInfo",
                                                  "Chapters",
                                                  "Trickplay",
                                                  "ChildCount",
                                                  "CumulativeRunTimeTicks",
                                                  "CustomRating",
                                                  "DateCreated",
                                                  "DateLastMediaAdded",
                                                  "DisplayPreferencesId",
                                                  "Etag",
                                                  "ExternalUrls",
                                                  "Genres",
                                                  "ItemCounts",
                                                  "MediaSourceCount",
                                                  "MediaSources",
                                                  "OriginalTitle",
                                                  "Overview",
                                                  "ParentId",
                                                  "Path",
                                                  "People",
                                                  "PlayAccess",
                                                  "ProductionLocations",
                                                  "ProviderIds",
                                                  "PrimaryImageAspectRatio",
                                                  "RecursiveItemCount",
                                                  "Settings",
                                                  "SeriesStudio",
                                                  "SortName",
                                                  "SpecialEpisodeNumbers",
                                                  "Studios",
                                                  "Taglines",
                                                  "Tags",
                                                  "RemoteTrailers",
                                                  "MediaStreams",
                                                  "SeasonUserData",
                                                  "DateLastRefreshed",
                                                  "DateLastSaved",
                                                  "RefreshState",
                                                  "ChannelImage",
                                                  "EnableMediaSourceDisplay",
                                                  "Width",
                                                  "Height",
                                                  "ExtraIds",
                                                  "LocalTrailerCount",
                                                  "IsHD",
                                                  "SpecialFeatureCount"};
  return v;
}

const std::vector<std::string_view>& item_filter_names() {
  static const std::vector<std::string_view> v = {"IsFolder", "IsNotFolder", "IsUnplayed",
                                                  "IsPlayed", "IsFavorite",  "IsResumable",
                                                  "Likes",    "Dislikes",    "IsFavoriteOrLikes"};
  return v;
}

const std::vector<std::string_view>& item_sort_by_names() {
  static const std::vector<std::string_view> v = {"Default",
                                                  "AiredEpisodeOrder",
                                                  "Album",
                                                  "AlbumArtist",
                                                  "Artist",
                                                  "DateCreated",
                                                  "OfficialRating",
                                                  "DatePlayed",
                                                  "PremiereDate",
                                                  "StartDate",
                                                  "SortName",
                                                  "Name",
                                                  "Random",
                                                  "Runtime",
                                                  "CommunityRating",
                                                  "ProductionYear",
                                                  "PlayCount",
                                                  "CriticRating",
                                                  "IsFolder",
                                                  "IsUnplayed",
                                                  "IsPlayed",
                                                  "SeriesSortName",
                                                  "VideoBitRate",
                                                  "AirTime",
                                                  "Studio",
                                                  "IsFavoriteOrLiked",
                                                  "DateLastContentAdded",
                                                  "SeriesDatePlayed",
                                                  "ParentIndexNumber",
                                                  "IndexNumber"};
  return v;
}

const std::vector<std::string_view>& sort_order_names() {
  static const std::vector<std::string_view> v = {"Ascending", "Descending"};
  return v;
}

const std::vector<std::string_view>& base_item_kind_names() {
  static const std::vector<std::string_view> v = {"AggregateFolder",
                                                  "Audio",
                                                  "AudioBook",
                                                  "BasePluginFolder",
                                                  "Book",
                                                  "BoxSet",
                                                  "Channel",
                                                  "ChannelFolderItem",
                                                  "CollectionFolder",
                                                  "Episode",
                                                  "Folder",
                                                  "Genre",
                                                  "ManualPlaylistsFolder",
                                                  "Movie",
                                                  "LiveTvChannel",
                                                  "LiveTvProgram",
                                                  "MusicAlbum",
                                                  "MusicArtist",
                                                  "MusicGenre",
                                                  "MusicVideo",
                                                  "Person",
                                                  "Photo",
                                                  "PhotoAlbum",
                                                  "Playlist",
                                                  "PlaylistsFolder",
                                                  "Program",
                                                  "Recording",
                                                  "Season",
                                                  "Series",
                                                  "Studio",
                                                  "Trailer",
                                                  "TvChannel",
                                                  "TvProgram",
                                                  "UserRootFolder",
                                                  "UserView",
                                                  "Video",
                                                  "Year"};
  return v;
}

std::optional<Field> field_from_item_fields(int i) {
  std::string_view n = item_fields_names().at(static_cast<size_t>(i));
  static const std::pair<std::string_view, Field> map[] = {
      {"CanDelete", Field::kCanDelete},
      {"CanDownload", Field::kCanDownload},
      {"ChildCount", Field::kChildCount},
      {"DateCreated", Field::kDateCreated},
      {"DisplayPreferencesId", Field::kDisplayPreferencesId},
      {"Etag", Field::kEtag},
      {"ExternalUrls", Field::kExternalUrls},
      {"Genres", Field::kGenres},
      {"Overview", Field::kOverview},
      {"ParentId", Field::kParentId},
      {"Path", Field::kPath},
      {"People", Field::kPeople},
      {"PlayAccess", Field::kPlayAccess},
      {"ProviderIds", Field::kProviderIds},
      {"RecursiveItemCount", Field::kRecursiveItemCount},
      {"SortName", Field::kSortName},
      {"Studios", Field::kStudios},
      {"Taglines", Field::kTaglines},
      {"Tags", Field::kTags},
      {"RemoteTrailers", Field::kRemoteTrailers},
      {"SpecialFeatureCount", Field::kSpecialFeatureCount},
      {"LocalTrailerCount", Field::kLocalTrailerCount},
      {"PrimaryImageAspectRatio", Field::kPrimaryImageAspectRatio}};
  for (const auto& [name, f] : map)
    if (name == n) return f;
  return std::nullopt;
}

std::optional<ItemKind> modelled_kind(int i) {
  std::string_view n = base_item_kind_names().at(static_cast<size_t>(i));
  if (n == "Movie") return ItemKind::kMovie;
  if (n == "Series") return ItemKind::kSeries;
  if (n == "Season") return ItemKind::kSeason;
  if (n == "Episode") return ItemKind::kEpisode;
  if (n == "CollectionFolder") return ItemKind::kCollectionFolder;
  if (n == "Folder") return ItemKind::kFolder;
  return std::nullopt;
}

}  // namespace jb::standin
