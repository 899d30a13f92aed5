// items_query.h — GET /Items as Jellyfin 10.11 answers it (API-NOTES §6.1,
// §10), split into parsing (query string → ItemsQuery, with ASP.NET binding
// rules) and running (State → ordered page of item indexes + total):
//   * scope: ids; parentId (library → 401 when not visible to the user,
//     unknown → 400; physical folder, series, season); recursive over the
//     user's libraries; otherwise the user's libraries themselves;
//   * filters: types, IsPlayed/IsUnplayed/IsFavorite/IsResumable/Likes/...,
//     isPlayed/isFavorite (false matches only existing rows), hasImdbId/
//     hasTmdbId/hasTvdbId (key present), parentIndexNumber/indexNumber,
//     minDateLastSaved(ForUser) on the item's own DateLastSaved, searchTerm;
//     user-dependent filters or sorts without a user → 500;
//   * sorting (sortBy list with aligned sortOrder, remaining keys take the
//     first order) with a total order (ties by SortName, then insertion), so
//     any page size walks every item exactly once;
//   * TotalRecordCount: all matches, or the page size when
//     enableTotalRecordCount=false.
// Single-key SortName/DateCreated/PremiereDate queries stream over the
// State's pre-sorted indexes (no per-request sort of 200,000 items).
//
// Thread-safety: pure; run_items_query() needs the Store's shared lock.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/core/result.h"
#include "tests/standin/dto.h"
#include "tests/standin/http_message.h"

namespace jb::standin {

struct SortSpec {
  int key = 10;  // ItemSortBy index (10 = SortName)
  bool descending = false;
};

struct ItemsQuery {
  std::optional<Guid> user_id;
  std::optional<Guid> parent_id;
  bool recursive = false;
  bool include_given = false;
  uint32_t include_mask = 0;  // bits of ItemKind
  uint32_t exclude_mask = 0;
  std::vector<int> filters;  // ItemFilter indexes
  std::optional<bool> is_played, is_favorite;
  bool ids_given = false;
  std::vector<Guid> ids;
  std::optional<int32_t> start_index, limit;
  std::vector<SortSpec> sort;
  bool enable_total_record_count = true;
  std::optional<int64_t> min_date_last_saved, min_date_last_saved_for_user;
  std::optional<bool> has_imdb, has_tmdb, has_tvdb, is_missing;
  std::optional<int32_t> parent_index_number, index_number;
  std::optional<std::string> search_term, name_starts_with;
  DtoOptions dto;
};

// Validation errors use the responses.h styles (400 validation problem).
Result<ItemsQuery> parse_items_query(const QueryParams& q);
// Fields, enableUserData, enableImages (shared with /Shows/{id}/Episodes).
Result<DtoOptions> parse_dto_options(const QueryParams& q);

struct ItemsPage {
  std::vector<uint32_t> items;
  int total = 0;
  int start = 0;
};

// `user` is the user the query runs for (nullptr: API key without userId).
Result<ItemsPage> run_items_query(const State& s, const ItemsQuery& q, const User* user);

// Sorts item indexes by a sort list (ties: SortName order, then index).
void sort_items(const State& s, std::vector<uint32_t>& items, const std::vector<SortSpec>& sort,
                const User* user);

}  // namespace jb::standin
