// enums.h — Jellyfin enum vocabularies used in query strings (ItemFields,
// ItemFilter, ItemSortBy, SortOrder, BaseItemKind) and ASP.NET Core's way of
// binding them: case-insensitive names or numeric values; arrays bound by
// Jellyfin's CommaDelimitedCollectionModelBinder (one value → split on ',';
// repeated keys → each value as is), unparsable elements silently dropped.
//
// Thread-safety: pure functions over constant tables.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/standin/http_message.h"
#include "tests/standin/model.h"

namespace jb::standin {

// Index into a constant name table, matched like .NET's EnumConverter.
std::optional<int> parse_enum(std::string_view s, const std::vector<std::string_view>& names);
// Array query parameter (see header comment).
std::vector<int> parse_enum_list(const QueryParams& q, std::string_view param,
                                 const std::vector<std::string_view>& names);
// Raw elements of an array parameter before element parsing.
std::vector<std::string> array_param(const QueryParams& q, std::string_view param);

const std::vector<std::string_view>& item_fields_names();
const std::vector<std::string_view>& item_filter_names();
const std::vector<std::string_view>& item_sort_by_names();
const std::vector<std::string_view>& sort_order_names();
const std::vector<std::string_view>& base_item_kind_names();

// ItemFields indexes the stand-in reacts to.
enum class Field {
  kCanDelete,
  kCanDownload,
  kChildCount,
  kDateCreated,
  kDisplayPreferencesId,
  kEtag,
  kExternalUrls,
  kGenres,
  kOverview,
  kParentId,
  kPath,
  kPeople,
  kPlayAccess,
  kProviderIds,
  kRecursiveItemCount,
  kSortName,
  kStudios,
  kTaglines,
  kTags,
  kRemoteTrailers,
  kSpecialFeatureCount,
  kLocalTrailerCount,
  kPrimaryImageAspectRatio,
  kCount
};
// Maps an ItemFields index to the stand-in's Field (nullopt = accepted, no effect).
std::optional<Field> field_from_item_fields(int item_fields_index);

enum class Filter {
  kIsFolder,
  kIsNotFolder,
  kIsUnplayed,
  kIsPlayed,
  kIsFavorite,
  kIsResumable,
  kLikes,
  kDislikes,
  kIsFavoriteOrLikes
};

// Maps a BaseItemKind index to a modelled ItemKind (nullopt = a kind the
// stand-in has no items of).
std::optional<ItemKind> modelled_kind(int base_item_kind_index);

}  // namespace jb::standin
