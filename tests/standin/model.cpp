// model.cpp — see model.h.
#include "tests/standin/model.h"

#include <cstdio>

#include "common/core/text.h"

namespace jb::standin {

const char* kind_name(ItemKind k) {
  switch (k) {
    case ItemKind::kCollectionFolder:
      return "CollectionFolder";
    case ItemKind::kFolder:
      return "Folder";
    case ItemKind::kMovie:
      return "Movie";
    case ItemKind::kSeries:
      return "Series";
    case ItemKind::kSeason:
      return "Season";
    case ItemKind::kEpisode:
      return "Episode";
  }
  return "Folder";
}

bool is_folder(ItemKind k) {
  return k != ItemKind::kMovie && k != ItemKind::kEpisode;
}

std::optional<ItemKind> parse_kind(std::string_view s) {
  for (int i = 0; i < kItemKindCount; ++i) {
    auto k = static_cast<ItemKind>(i);
    if (text::iequals(s, kind_name(k))) return k;
  }
  return std::nullopt;
}

StrRef StringArena::add(std::string_view s) {
  StrRef r{static_cast<uint32_t>(data_.size()), static_cast<uint32_t>(s.size())};
  data_.append(s);
  return r;
}

std::string pack_provider_ids(const ProviderIdList& ids) {
  std::string out;
  for (const auto& [k, v] : ids) {
    if (!out.empty()) out.push_back('\x1e');
    out += k;
    out.push_back('\x1f');
    out += v;
  }
  return out;
}

ProviderIdList unpack_provider_ids(std::string_view packed) {
  ProviderIdList out;
  while (!packed.empty()) {
    size_t end = packed.find('\x1e');
    std::string_view pair = packed.substr(0, end);
    size_t sep = pair.find('\x1f');
    if (sep != std::string_view::npos)
      out.emplace_back(std::string(pair.substr(0, sep)), std::string(pair.substr(sep + 1)));
    if (end == std::string_view::npos) break;
    packed.remove_prefix(end + 1);
  }
  return out;
}

std::optional<std::string_view> find_provider_id(std::string_view packed, std::string_view key) {
  while (!packed.empty()) {
    size_t end = packed.find('\x1e');
    std::string_view pair = packed.substr(0, end);
    size_t sep = pair.find('\x1f');
    if (sep != std::string_view::npos && text::iequals(pair.substr(0, sep), key))
      return pair.substr(sep + 1);
    if (end == std::string_view::npos) break;
    packed.remove_prefix(end + 1);
  }
  return std::nullopt;
}

uint32_t Catalog::add_library(Library lib) {
  uint32_t li = static_cast<uint32_t>(libraries.size());
  Item coll;
  coll.id = lib.id;
  coll.kind = ItemKind::kCollectionFolder;
  coll.library = li;
  coll.name = strings.add(lib.name);
  coll.path = strings.add("/var/lib/jellyfin/root/default/" + lib.name);
  coll.date_created = lib.date_created;
  coll.date_last_saved = lib.date_created;
  lib.item = add_item(coll);

  Item folder;
  folder.id = lib.folder_id;
  folder.kind = ItemKind::kFolder;
  folder.library = li;
  folder.parent = lib.item;
  std::string loc = lib.locations.empty() ? "/media/" + lib.name : lib.locations.front();
  auto slash = loc.find_last_of('/');
  folder.name = strings.add(slash == std::string::npos ? loc : loc.substr(slash + 1));
  folder.path = strings.add(loc);
  folder.date_created = lib.date_created;
  folder.date_last_saved = lib.date_created;
  lib.folder_item = add_item(folder);

  libraries.push_back(std::move(lib));
  return li;
}

namespace {

std::string fold_name(std::string_view name) {
  std::string s = text::to_lower(name);
  for (const char* article : {"the ", "a ", "an "}) {
    if (s.rfind(article, 0) == 0) {
      s.erase(0, std::char_traits<char>::length(article));
      break;
    }
  }
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == ',' || c == '&' || c == '-' || c == '{' || c == '}' || c == '\'') continue;
    if (c == '.' || c == '+' || c == '%') c = ' ';
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out.push_back(c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

std::string make_sort_name(const Catalog& c, const Item& it) {
  std::string_view name = c.str(it.name);
  if (it.kind == ItemKind::kEpisode) {
    std::string out;
    char buf[32];
    if (it.parent_index_number != kNoNumber) {
      std::snprintf(buf, sizeof buf, "%03d - ", it.parent_index_number);
      out += buf;
    }
    if (it.index_number != kNoNumber) {
      std::snprintf(buf, sizeof buf, "%04d - ", it.index_number);
      out += buf;
    }
    out += text::to_lower(name);
    return out;
  }
  if (it.kind == ItemKind::kSeason && it.index_number != kNoNumber) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d", it.index_number);
    return buf;
  }
  return fold_name(name);
}

std::string user_data_key(const Catalog& c, uint32_t idx) {
  const Item& it = c.items[idx];
  auto pid = [&](const Item& x, std::string_view key) -> std::string {
    auto v = find_provider_id(c.str(x.provider_ids), key);
    return v && !v->empty() ? std::string(*v) : std::string();
  };
  auto series_key = [&](const Item& s) {
    std::string k = pid(s, "Tvdb");
    if (k.empty()) k = pid(s, "Imdb");
    return k.empty() ? s.id.dashed() : k;
  };
  char buf[32];
  switch (it.kind) {
    case ItemKind::kMovie: {
      std::string k = pid(it, "Tmdb");
      if (k.empty()) k = pid(it, "Imdb");
      return k.empty() ? it.id.dashed() : k;
    }
    case ItemKind::kSeries:
      return series_key(it);
    case ItemKind::kSeason:
      if (it.series != kNone && it.index_number != kNoNumber) {
        std::snprintf(buf, sizeof buf, "%03d", it.index_number);
        return series_key(c.items[it.series]) + buf;
      }
      return it.id.dashed();
    case ItemKind::kEpisode:
      if (it.series != kNone && it.parent_index_number != kNoNumber &&
          it.index_number != kNoNumber) {
        std::snprintf(buf, sizeof buf, "%03d%03d", it.parent_index_number, it.index_number);
        return series_key(c.items[it.series]) + buf;
      }
      return it.id.dashed();
    default:
      return it.id.dashed();
  }
}

bool valid_collection_type(std::string_view s) {
  for (const char* t :
       {"movies", "tvshows", "music", "musicvideos", "homevideos", "boxsets", "books", "mixed"})
    if (text::iequals(s, t)) return true;
  return false;
}

}  // namespace jb::standin
