// items_query.cpp — see items_query.h.
#include "tests/standin/items_query.h"

#include <algorithm>

#include "common/core/text.h"
#include "tests/standin/context.h"
#include "tests/standin/responses.h"
#include "tests/standin/user_data.h"

namespace jb::standin {

namespace {

// ItemSortBy indexes (enums.cpp table order).
constexpr int kSortDefault = 0, kSortAiredEpisodeOrder = 1, kSortDateCreated = 5,
              kSortDatePlayed = 7, kSortPremiereDate = 8, kSortSortName = 10, kSortName = 11,
              kSortRandom = 12, kSortRuntime = 13, kSortProductionYear = 15, kSortPlayCount = 16,
              kSortIsFolder = 18, kSortIsUnplayed = 19, kSortIsPlayed = 20,
              kSortSeriesSortName = 21, kSortIsFavoriteOrLiked = 25, kSortParentIndexNumber = 28,
              kSortIndexNumber = 29;

bool supported_sort(int k) {
  switch (k) {
    case kSortDefault:
    case kSortAiredEpisodeOrder:
    case kSortDateCreated:
    case kSortDatePlayed:
    case kSortPremiereDate:
    case kSortSortName:
    case kSortName:
    case kSortRandom:
    case kSortRuntime:
    case kSortProductionYear:
    case kSortPlayCount:
    case kSortIsFolder:
    case kSortIsUnplayed:
    case kSortIsPlayed:
    case kSortSeriesSortName:
    case kSortIsFavoriteOrLiked:
    case kSortParentIndexNumber:
    case kSortIndexNumber:
      return true;
    default:
      return false;
  }
}

bool user_sort(int k) {
  return k == kSortDatePlayed || k == kSortPlayCount || k == kSortIsUnplayed ||
         k == kSortIsPlayed || k == kSortIsFavoriteOrLiked;
}

uint32_t bit(ItemKind k) {
  return 1u << static_cast<unsigned>(k);
}

// Three-way compare of one sort key (ascending).
int compare_key(const State& s, const User* user, int key, uint32_t a, uint32_t b,
                const std::vector<uint32_t>& rank) {
  const Item& x = s.cat.items[a];
  const Item& y = s.cat.items[b];
  auto cmp = [](auto p, auto q) { return p < q ? -1 : (q < p ? 1 : 0); };
  auto row = [&](uint32_t i) { return user ? find_row(*user, i) : nullptr; };
  switch (key) {
    case kSortDefault:
    case kSortSortName:
      return cmp(rank[a], rank[b]);
    case kSortName:
      return cmp(text::to_lower(s.cat.str(x.name)), text::to_lower(s.cat.str(y.name)));
    case kSortDateCreated:
      return cmp(x.date_created, y.date_created);
    case kSortPremiereDate:
      return cmp(x.premiere_date, y.premiere_date);
    case kSortProductionYear:
      return cmp(x.production_year, y.production_year);
    case kSortRuntime:
      return cmp(x.run_time_ticks, y.run_time_ticks);
    case kSortParentIndexNumber:
      return cmp(x.parent_index_number, y.parent_index_number);
    case kSortIndexNumber:
      return cmp(x.index_number, y.index_number);
    case kSortAiredEpisodeOrder: {
      int c = cmp(x.parent_index_number, y.parent_index_number);
      return c ? c : cmp(x.index_number, y.index_number);
    }
    case kSortIsFolder:
      return cmp(is_folder(x.kind), is_folder(y.kind));
    case kSortSeriesSortName: {
      uint32_t sa = x.series != kNone ? x.series : a, sb = y.series != kNone ? y.series : b;
      return cmp(rank[sa], rank[sb]);
    }
    case kSortRandom:
      return cmp(GuidHash{}(x.id), GuidHash{}(y.id));
    case kSortDatePlayed: {
      const UserData *ra = row(a), *rb = row(b);
      return cmp(ra ? ra->last_played : kNoDate, rb ? rb->last_played : kNoDate);
    }
    case kSortPlayCount: {
      const UserData *ra = row(a), *rb = row(b);
      return cmp(ra ? ra->play_count : 0, rb ? rb->play_count : 0);
    }
    case kSortIsPlayed:
    case kSortIsUnplayed: {
      bool pa = user && effective_played(s, *user, a), pb = user && effective_played(s, *user, b);
      return key == kSortIsPlayed ? cmp(pa, pb) : cmp(!pa, !pb);
    }
    case kSortIsFavoriteOrLiked: {
      const UserData *ra = row(a), *rb = row(b);
      bool fa = ra && (ra->favorite || ra->likes.value_or(false));
      bool fb = rb && (rb->favorite || rb->likes.value_or(false));
      return cmp(fa, fb);
    }
    default:
      return 0;
  }
}

}  // namespace

Result<DtoOptions> parse_dto_options(const QueryParams& q) {
  DtoOptions o;
  for (int f : parse_enum_list(q, "fields", item_fields_names()))
    if (auto field = field_from_item_fields(f)) o.fields.set(static_cast<size_t>(*field));
  auto ud = query_bool(q, "enableUserData");
  if (!ud) return ud.error();
  o.enable_user_data = ud->value_or(true);
  auto img = query_bool(q, "enableImages");
  if (!img) return img.error();
  o.enable_images = img->value_or(true);
  return o;
}

Result<ItemsQuery> parse_items_query(const QueryParams& q) {
  ItemsQuery r;
  auto uid = query_guid(q, "userId");
  if (!uid) return uid.error();
  r.user_id = *uid;
  auto pid = query_guid(q, "parentId");
  if (!pid) return pid.error();
  r.parent_id = *pid;
  auto rec = query_bool(q, "recursive");
  if (!rec) return rec.error();
  r.recursive = rec->value_or(false);

  auto kinds = parse_enum_list(q, "includeItemTypes", base_item_kind_names());
  r.include_given = !kinds.empty();
  for (int k : kinds)
    if (auto mk = modelled_kind(k)) r.include_mask |= bit(*mk);
  for (int k : parse_enum_list(q, "excludeItemTypes", base_item_kind_names()))
    if (auto mk = modelled_kind(k)) r.exclude_mask |= bit(*mk);

  r.filters = parse_enum_list(q, "filters", item_filter_names());
  for (const char* name : {"isPlayed", "isFavorite", "hasImdbId", "hasTmdbId", "hasTvdbId",
                           "isMissing", "enableTotalRecordCount"}) {
    auto b = query_bool(q, name);
    if (!b) return b.error();
    std::string_view n = name;
    if (n == "isPlayed")
      r.is_played = *b;
    else if (n == "isFavorite")
      r.is_favorite = *b;
    else if (n == "hasImdbId")
      r.has_imdb = *b;
    else if (n == "hasTmdbId")
      r.has_tmdb = *b;
    else if (n == "hasTvdbId")
      r.has_tvdb = *b;
    else if (n == "isMissing")
      r.is_missing = *b;
    else
      r.enable_total_record_count = b->value_or(true);
  }

  auto raw_ids = array_param(q, "ids");
  for (const auto& v : raw_ids) {
    if (text::trim(v).empty()) continue;
    r.ids_given = true;
    if (auto g = parse_guid(v)) r.ids.push_back(*g);
  }

  for (const char* name : {"startIndex", "limit", "parentIndexNumber", "indexNumber"}) {
    auto n = query_int(q, name);
    if (!n) return n.error();
    std::string_view nm = name;
    if (nm == "startIndex")
      r.start_index = *n;
    else if (nm == "limit")
      r.limit = *n;
    else if (nm == "parentIndexNumber")
      r.parent_index_number = *n;
    else
      r.index_number = *n;
  }

  auto sort_by = parse_enum_list(q, "sortBy", item_sort_by_names());
  auto orders = parse_enum_list(q, "sortOrder", sort_order_names());
  if (!sort_by.empty()) {
    // RequestHelpers.GetOrderBy: more orders than keys indexes past the key
    // list (ArgumentOutOfRangeException → 400).
    if (orders.size() > sort_by.size()) return err_middleware(400, "Index was out of range.");
    for (size_t i = 0; i < sort_by.size(); ++i) {
      bool desc = i < orders.size() ? orders[i] == 1 : (!orders.empty() && orders[0] == 1);
      if (supported_sort(sort_by[i])) r.sort.push_back(SortSpec{sort_by[i], desc});
    }
  }

  auto mds = query_date(q, "minDateLastSaved", false);
  if (!mds) return mds.error();
  r.min_date_last_saved = *mds;
  auto mdsu = query_date(q, "minDateLastSavedForUser", false);
  if (!mdsu) return mdsu.error();
  r.min_date_last_saved_for_user = *mdsu;
  if (auto st = q.get("searchTerm"); st && !text::trim(*st).empty())
    r.search_term = std::string(text::trim(*st));
  if (auto ns = q.get("nameStartsWith"); ns && !ns->empty()) r.name_starts_with = *ns;

  auto dto = parse_dto_options(q);
  if (!dto) return dto.error();
  r.dto = *dto;
  return r;
}

void sort_items(const State& s, std::vector<uint32_t>& items, const std::vector<SortSpec>& sort,
                const User* user) {
  // Rank of each item in SortName order: the tie-breaker of every sort.
  const std::vector<uint32_t>& rank = s.index(SortKey::kSortName).rank;
  std::stable_sort(items.begin(), items.end(), [&](uint32_t a, uint32_t b) {
    for (const SortSpec& k : sort) {
      int c = compare_key(s, user, k.key, a, b, rank);
      if (c != 0) return k.descending ? c > 0 : c < 0;
    }
    if (rank[a] != rank[b]) return rank[a] < rank[b];
    return a < b;
  });
}

Result<ItemsPage> run_items_query(const State& s, const ItemsQuery& q, const User* user) {
  const Catalog& c = s.cat;

  // User-dependent filters/sorts need a user (Jellyfin: null user → 500).
  bool needs_user = q.is_played.has_value() || q.is_favorite.has_value();
  for (int f : q.filters)
    if (f >= static_cast<int>(Filter::kIsUnplayed)) needs_user = true;
  for (const auto& k : q.sort)
    if (user_sort(k.key)) needs_user = true;
  if (needs_user && !user)
    return err_middleware(500, "Object reference not set to an instance of an object.");

  // ---- scope ----
  enum class Scope { kRoot, kAll, kLibrary, kList } scope;
  uint32_t library = kNone;
  bool library_recursive = false;
  std::vector<uint32_t> list;  // kList candidates
  if (q.parent_id && !q.parent_id->empty()) {
    uint32_t p = s.find_item(*q.parent_id);
    if (p == kNone) return err_middleware(400, "parentId not found");
    const Item& parent = c.items[p];
    switch (parent.kind) {
      case ItemKind::kCollectionFolder:
        if (user && !s.library_visible(*user, parent.library))
          return err_message(401, user->name + " is not permitted to access Library " +
                                      std::string(c.str(parent.name)) + ".");
        [[fallthrough]];
      case ItemKind::kFolder:
        scope = Scope::kLibrary;
        library = parent.library;
        library_recursive = q.recursive;
        break;
      case ItemKind::kSeries:
        scope = Scope::kList;
        for (uint32_t ch : s.children(p)) {
          list.push_back(ch);
          if (q.recursive && c.items[ch].kind == ItemKind::kSeason)
            for (uint32_t e : s.children(ch)) list.push_back(e);
        }
        break;
      case ItemKind::kSeason:
        scope = Scope::kList;
        list = s.children(p);
        break;
      default:
        scope = Scope::kList;  // not a folder: no children
        break;
    }
  } else if (q.recursive) {
    scope = Scope::kAll;
  } else if (!q.ids_given) {
    scope = Scope::kRoot;
  } else {
    scope = Scope::kAll;
  }

  std::vector<bool> lib_ok(c.libraries.size(), true);
  if (user)
    for (uint32_t l = 0; l < c.libraries.size(); ++l) lib_ok[l] = s.library_visible(*user, l);

  auto in_scope = [&](uint32_t i) -> bool {
    const Item& it = c.items[i];
    if (!it.alive) return false;
    switch (scope) {
      case Scope::kRoot:
        return it.kind == ItemKind::kCollectionFolder && lib_ok[it.library];
      case Scope::kAll:
        if (q.ids_given) return true;  // ids= may reach any library (API-NOTES §10)
        return !(it.kind == ItemKind::kCollectionFolder || it.kind == ItemKind::kFolder) &&
               lib_ok[it.library];
      case Scope::kLibrary:
        if (it.library != library || it.kind == ItemKind::kCollectionFolder ||
            it.kind == ItemKind::kFolder)
          return false;
        return library_recursive || it.parent == c.libraries[library].folder_item;
      case Scope::kList:
        return true;
    }
    return false;
  };

  std::vector<Guid> id_filter;  // sorted, when ids= given
  if (q.ids_given) {
    id_filter = q.ids;
    std::sort(id_filter.begin(), id_filter.end());
  }

  auto matches = [&](uint32_t i) -> bool {
    const Item& it = c.items[i];
    if (!in_scope(i)) return false;
    if (q.ids_given && !std::binary_search(id_filter.begin(), id_filter.end(), it.id)) return false;
    uint32_t b = bit(it.kind);
    if (q.include_given && !(q.include_mask & b)) return false;
    if (q.exclude_mask & b) return false;
    if (q.is_missing && *q.is_missing) return false;  // no virtual (missing) items here
    if (q.parent_index_number && it.parent_index_number != *q.parent_index_number) return false;
    if (q.index_number && it.index_number != *q.index_number) return false;
    if (q.min_date_last_saved && it.date_last_saved < *q.min_date_last_saved) return false;
    if (q.min_date_last_saved_for_user && it.date_last_saved < *q.min_date_last_saved_for_user)
      return false;
    if (q.has_imdb || q.has_tmdb || q.has_tvdb) {
      std::string_view pids = c.str(it.provider_ids);
      if (q.has_imdb && find_provider_id(pids, "Imdb").has_value() != *q.has_imdb) return false;
      if (q.has_tmdb && find_provider_id(pids, "Tmdb").has_value() != *q.has_tmdb) return false;
      if (q.has_tvdb && find_provider_id(pids, "Tvdb").has_value() != *q.has_tvdb) return false;
    }
    if (q.search_term &&
        text::to_lower(c.str(it.name)).find(text::to_lower(*q.search_term)) == std::string::npos)
      return false;
    if (q.name_starts_with && !text::istarts_with(c.str(it.name), *q.name_starts_with))
      return false;
    if (!q.filters.empty() || q.is_played || q.is_favorite) {
      const UserData* row = user ? find_row(*user, i) : nullptr;
      for (int f : q.filters) {
        switch (static_cast<Filter>(f)) {
          case Filter::kIsFolder:
            if (!is_folder(it.kind)) return false;
            break;
          case Filter::kIsNotFolder:
            if (is_folder(it.kind)) return false;
            break;
          case Filter::kIsPlayed:
            if (!effective_played(s, *user, i)) return false;
            break;
          case Filter::kIsUnplayed:
            if (effective_played(s, *user, i)) return false;
            break;
          case Filter::kIsFavorite:
            if (!row || !row->favorite) return false;
            break;
          case Filter::kIsResumable:
            if (!row || row->position_ticks <= 0) return false;
            break;
          case Filter::kLikes:
            if (!row || row->likes != true) return false;
            break;
          case Filter::kDislikes:
            if (!row || row->likes != false) return false;
            break;
          case Filter::kIsFavoriteOrLikes:
            if (!row || !(row->favorite || row->likes == true)) return false;
            break;
        }
      }
      if (q.is_played && effective_played(s, *user, i) != *q.is_played) return false;
      if (q.is_favorite) {
        if (!row) return false;  // only existing rows match, even for false (API-NOTES §10)
        if (row->favorite != *q.is_favorite) return false;
      }
    }
    return true;
  };

  ItemsPage page;
  page.start = q.start_index.value_or(0);
  const size_t start = static_cast<size_t>(std::max(0, page.start));
  const size_t limit = q.limit ? static_cast<size_t>(std::max(0, *q.limit)) : SIZE_MAX;

  // Which pre-sorted index drives the scan, and whether the requested order
  // is exactly that index (then the page streams out of the scan).
  SortKey primary = SortKey::kSortName;
  bool descending = false;
  bool streams = q.sort.empty();
  if (q.sort.size() == 1) {
    int k = q.sort[0].key;
    descending = q.sort[0].descending;
    if (k == kSortSortName || k == kSortDefault)
      streams = true;
    else if (k == kSortDateCreated)
      streams = true, primary = SortKey::kDateCreated;
    else if (k == kSortPremiereDate)
      streams = true, primary = SortKey::kPremiereDate;
  }
  const SortedIndex& ix = s.index(primary);

  // Cheap test on the packed attributes (scope and types) through two small
  // tables, so the scan is branch-light; `matches` repeats it and adds
  // everything that needs the Item or the user's data.
  const uint32_t folder_kinds = bit(ItemKind::kCollectionFolder) | bit(ItemKind::kFolder);
  uint8_t kind_ok[256] = {};
  for (int k = 0; k < kItemKindCount; ++k) {
    uint32_t b = 1u << k;
    bool ok = !(q.include_given && !(q.include_mask & b)) && !(q.exclude_mask & b);
    if (scope == Scope::kRoot) ok = ok && k == static_cast<int>(ItemKind::kCollectionFolder);
    if ((scope == Scope::kAll && !q.ids_given) || scope == Scope::kLibrary)
      ok = ok && !(b & folder_kinds);
    kind_ok[k] = ok ? 1 : 0;
  }
  std::vector<uint8_t> lib_scan(0x10000, 0);
  for (uint32_t l = 0; l < c.libraries.size() && l < 0x10000; ++l) {
    bool ok = scope == Scope::kLibrary ? l == library
                                       : (q.ids_given && scope == Scope::kAll) || lib_ok[l];
    lib_scan[l] = ok ? 1 : 0;
  }
  const bool need_top = scope == Scope::kLibrary && !library_recursive;
  auto meta_ok = [&](uint32_t m) -> bool {
    return kind_ok[m & 0xFF] & lib_scan[(m >> 8) & 0xFFFF] & (!need_top || ((m >> 24) & 1u));
  };
  const bool item_checks = q.ids_given || q.is_missing.value_or(false) || q.parent_index_number ||
                           q.index_number || q.min_date_last_saved ||
                           q.min_date_last_saved_for_user || q.has_imdb || q.has_tmdb ||
                           q.has_tvdb || q.search_term || q.name_starts_with ||
                           !q.filters.empty() || q.is_played || q.is_favorite;

  // Filters that only match items with a user-data row let the user's rows
  // (not the whole library) be the candidates. IsPlayed qualifies only when
  // no folder kind can match (a series is played without a row of its own).
  bool row_driven = user != nullptr && scope != Scope::kList && !q.ids_given;
  if (row_driven) {
    bool needs_row = q.is_favorite.has_value();
    bool folders_possible =
        !q.include_given || (q.include_mask & ~(bit(ItemKind::kMovie) | bit(ItemKind::kEpisode)));
    for (int f : q.filters) {
      auto fl = static_cast<Filter>(f);
      if (fl == Filter::kIsNotFolder) folders_possible = false;
    }
    for (int f : q.filters) {
      auto fl = static_cast<Filter>(f);
      if (fl == Filter::kIsFavorite || fl == Filter::kIsResumable || fl == Filter::kLikes ||
          fl == Filter::kDislikes || fl == Filter::kIsFavoriteOrLikes)
        needs_row = true;
      if (fl == Filter::kIsPlayed && !folders_possible) needs_row = true;
    }
    if (q.is_played == true && !folders_possible) needs_row = true;
    row_driven = needs_row;
  }

  std::vector<uint32_t> all;  // collected matches (when not streaming straight to the page)
  size_t n = 0;               // matches seen while streaming
  auto take = [&](uint32_t i) -> bool {  // streaming: false = stop early
    if (n >= start && page.items.size() < limit) page.items.push_back(i);
    ++n;
    return q.enable_total_record_count || page.items.size() < limit;
  };

  if (scope == Scope::kList) {
    for (uint32_t i : list)
      if (c.items[i].alive && matches(i)) all.push_back(i);
    sort_items(s, all, q.sort, user);
  } else if (q.ids_given && q.sort.empty()) {
    // Without sortBy, ids= results keep the order of the ids parameter.
    for (const Guid& g : q.ids) {
      uint32_t i = s.find_item(g);
      if (i != kNone && matches(i) && std::find(all.begin(), all.end(), i) == all.end())
        all.push_back(i);
    }
  } else if (row_driven) {
    std::vector<uint32_t> rows;
    rows.reserve(user->data.size());
    for (const auto& [i, row] : user->data)
      if (i < c.items.size() && c.items[i].alive && ix.rank[i] != kNone) rows.push_back(i);
    std::sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) {
      return descending ? ix.rank[a] > ix.rank[b] : ix.rank[a] < ix.rank[b];
    });
    for (uint32_t i : rows) {
      if (!meta_ok(ix.meta[ix.rank[i]]) || !matches(i)) continue;
      if (streams) {
        if (!take(i)) break;
      } else {
        all.push_back(i);
      }
    }
    if (!streams) sort_items(s, all, q.sort, user);
  } else if (!item_checks && streams) {
    // Scope and types only: the ordered match list depends on the query shape
    // alone, so it is computed once and pages are sliced out of it.
    std::string key;
    key.reserve(64 + c.libraries.size());
    key += static_cast<char>('0' + static_cast<int>(primary));
    key += descending ? 'd' : 'a';
    key += need_top ? 't' : 'r';
    for (int k = 0; k < kItemKindCount; ++k) key += kind_ok[k] ? '1' : '0';
    key += ':';
    for (uint32_t l = 0; l < c.libraries.size() && l < 0x10000; ++l) key += lib_scan[l] ? '1' : '0';
    ScanCache::List hits = s.scan_cache().get(key, s.index_version());
    if (!hits) {
      auto v = std::make_shared<std::vector<uint32_t>>();
      const size_t count = ix.order.size();
      for (size_t step = 0; step < count; ++step) {
        size_t k = descending ? count - 1 - step : step;
        if (meta_ok(ix.meta[k])) v->push_back(ix.order[k]);
      }
      hits = v;
      s.scan_cache().put(key, s.index_version(), hits);
    }
    for (size_t k = start; k < hits->size() && page.items.size() < limit; ++k)
      page.items.push_back((*hits)[k]);
    n = hits->size();
  } else {
    const size_t count = ix.order.size();
    for (size_t step = 0; step < count; ++step) {
      size_t k = descending && streams ? count - 1 - step : step;
      if (!meta_ok(ix.meta[k])) continue;
      uint32_t i = ix.order[k];
      if (item_checks && !matches(i)) continue;
      if (streams) {
        if (!take(i)) break;
      } else {
        all.push_back(i);
      }
    }
    if (!streams) sort_items(s, all, q.sort, user);
  }

  if (streams && scope != Scope::kList && !(q.ids_given && q.sort.empty())) {
    page.total =
        q.enable_total_record_count ? static_cast<int>(n) : static_cast<int>(page.items.size());
    return page;
  }
  for (size_t k = start; k < all.size() && page.items.size() < limit; ++k)
    page.items.push_back(all[k]);
  page.total = q.enable_total_record_count ? static_cast<int>(all.size())
                                           : static_cast<int>(page.items.size());
  return page;
}

}  // namespace jb::standin
