// canonical.cpp — see canonical.h.
#include "common/jellyfin/canonical.h"

#include "common/core/text.h"

namespace jb::canon {

namespace {

bool junk(std::string_view v) {
  std::string l = text::to_lower(text::trim(v));
  return l.empty() || l == "0" || l == "null" || l == "none" || l == "unknown" || l == "n/a" ||
         l == "undefined";
}

std::optional<uint64_t> digits(std::string_view v) {
  v = text::trim(v);
  if (v.empty() || v.size() > 19) return std::nullopt;
  uint64_t x;
  if (!text::parse_uint64(v, x) || x == 0) return std::nullopt;
  return x;
}

// Every key has an id of 1 to 19 digits (what digits() reads) and, for an episode of a
// series, a season and an episode number of Jellyfin's int32 range (0 to 2^31 - 1): the
// keys keys_for() makes, which the text and the packed forms must both carry.
constexpr uint64_t kMaxId = 9999999999999999999ull;
constexpr int64_t kMaxNumber = INT32_MAX;

}  // namespace

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool get_varint(std::string_view& in, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    uint8_t b = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

namespace {

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::movie:
      return "movie";
    case Kind::series:
      return "series";
    case Kind::episode:
      return "episode";
    case Kind::series_episode:
      return "series";
  }
  return "movie";
}

const char* provider_name(char p) {
  return p == 'i' ? "imdb" : p == 'm' ? "tmdb" : "tvdb";
}

void add_all(std::vector<Key>& out, Kind kind, const ProviderIds& ids) {
  if (ids.imdb) out.push_back(Key{kind, 'i', *ids.imdb});
  if (ids.tmdb) out.push_back(Key{kind, 'm', *ids.tmdb});
  if (ids.tvdb) out.push_back(Key{kind, 'v', *ids.tvdb});
}

}  // namespace

ProviderIds normalize(const std::map<std::string, std::string>& provider_ids) {
  ProviderIds out;
  for (const auto& [name, value] : provider_ids) {
    std::string n = text::to_lower(name);
    if (n != "imdb" && n != "tmdb" && n != "tvdb") continue;
    if (junk(value)) continue;
    if (n == "imdb") {
      std::string v = text::to_lower(text::trim(value));
      auto d = v.size() > 2 && v.compare(0, 2, "tt") == 0 ? digits(v.substr(2)) : std::nullopt;
      if (d)
        out.imdb = d;
      else
        out.rejected.push_back("Imdb '" + std::string(value) + "' is not tt + digits");
    } else {
      auto d = digits(value);
      if (!d) {
        out.rejected.push_back(name + " '" + std::string(value) + "' is not a number");
      } else if (n == "tmdb") {
        out.tmdb = d;
      } else {
        out.tvdb = d;
      }
    }
  }
  return out;
}

std::string to_text(const Key& k) {
  std::string s = std::string(kind_name(k.kind)) + ":" + provider_name(k.provider) + ":";
  if (k.provider == 'i') {
    std::string d = std::to_string(k.id);
    if (d.size() < 7) d = std::string(7 - d.size(), '0') + d;  // imdb ids are at least 7 digits
    s += "tt" + d;
  } else {
    s += std::to_string(k.id);
  }
  if (k.kind == Kind::series_episode)
    s += "/s" + std::to_string(k.season) + "e" + std::to_string(k.episode);
  return s;
}

std::optional<Key> from_text(std::string_view s) {
  auto parts = text::split(s, ':', false);
  if (parts.size() != 3) return std::nullopt;
  Key k;
  std::string rest = parts[2];
  auto slash = rest.find('/');
  std::string suffix;
  if (slash != std::string::npos) {
    suffix = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  if (parts[0] == "movie")
    k.kind = Kind::movie;
  else if (parts[0] == "series")
    k.kind = suffix.empty() ? Kind::series : Kind::series_episode;
  else if (parts[0] == "episode")
    k.kind = Kind::episode;
  else
    return std::nullopt;
  if (!suffix.empty() && parts[0] != "series") return std::nullopt;
  if (parts[1] == "imdb") {
    k.provider = 'i';
    if (rest.size() < 3 || rest.compare(0, 2, "tt") != 0) return std::nullopt;
    rest = rest.substr(2);
  } else if (parts[1] == "tmdb") {
    k.provider = 'm';
  } else if (parts[1] == "tvdb") {
    k.provider = 'v';
  } else {
    return std::nullopt;
  }
  auto d = digits(rest);
  if (!d || rest.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  k.id = *d;
  if (k.kind == Kind::series_episode) {
    int64_t se, ep;
    auto e = suffix.find('e');
    if (suffix.size() < 4 || suffix[0] != 's' || e == std::string::npos ||
        !text::parse_int64(suffix.substr(1, e - 1), se) ||
        !text::parse_int64(suffix.substr(e + 1), ep) || se < 0 || ep < 0 || se > kMaxNumber ||
        ep > kMaxNumber)
      return std::nullopt;
    k.season = static_cast<int>(se);
    k.episode = static_cast<int>(ep);
  }
  return k;
}

std::string pack(const Key& k) {
  std::string out;
  int p = k.provider == 'i' ? 0 : k.provider == 'm' ? 1 : 2;
  out.push_back(static_cast<char>(static_cast<int>(k.kind) * 4 + p));
  put_varint(out, k.id);
  if (k.kind == Kind::series_episode) {
    put_varint(out, static_cast<uint64_t>(k.season));
    put_varint(out, static_cast<uint64_t>(k.episode));
  }
  return out;
}

std::optional<Key> unpack(std::string_view s) {
  auto k = unpack_front(s);
  if (!k || !s.empty()) return std::nullopt;
  return k;
}

std::optional<Key> unpack_front(std::string_view& s) {
  if (s.empty()) return std::nullopt;
  uint8_t head = static_cast<uint8_t>(s.front());
  s.remove_prefix(1);
  Key k;
  int kind = head / 4, p = head % 4;
  if (kind < 1 || kind > 4 || p > 2) return std::nullopt;
  k.kind = static_cast<Kind>(kind);
  k.provider = p == 0 ? 'i' : p == 1 ? 'm' : 'v';
  if (!get_varint(s, k.id) || k.id == 0 || k.id > kMaxId) return std::nullopt;
  if (k.kind == Kind::series_episode) {
    uint64_t se, ep;
    if (!get_varint(s, se) || !get_varint(s, ep)) return std::nullopt;
    if (se > kMaxNumber || ep > kMaxNumber) return std::nullopt;
    k.season = static_cast<int>(se);
    k.episode = static_cast<int>(ep);
  }
  return k;
}

std::string pack_text(std::string_view text) {
  auto k = from_text(text);
  return k ? pack(*k) : std::string();
}

std::vector<Key> series_keys(const ProviderIds& ids) {
  std::vector<Key> out;
  add_all(out, Kind::series, ids);
  return out;
}

ItemKeys keys_for(const jf::Item& item, const ProviderIds* series_ids) {
  ItemKeys r;
  ProviderIds own = normalize(item.provider_ids);
  auto reason_no_ids = [&](const std::string& what) {
    std::string reason = what;
    if (!own.rejected.empty()) reason += " (" + own.rejected.front() + ")";
    return reason;
  };
  if (item.type == "Movie") {
    add_all(r.keys, Kind::movie, own);
    if (r.keys.empty()) r.unmatched_reason = reason_no_ids("movie has no usable provider id");
  } else if (item.type == "Series") {
    add_all(r.keys, Kind::series, own);
    if (r.keys.empty()) r.unmatched_reason = reason_no_ids("series has no usable provider id");
  } else if (item.type == "Episode") {
    bool numbered = item.season_number && item.episode_number && *item.season_number >= 0 &&
                    *item.episode_number >= 0;
    if (numbered && series_ids && !series_ids->empty()) {
      int last = *item.episode_number;
      if (item.episode_end && *item.episode_end > last && *item.episode_end - last <= 50)
        last = *item.episode_end;
      // int64: an episode range may end at INT32_MAX, where ++e would overflow an int.
      for (int64_t e = *item.episode_number; e <= last; ++e)
        for (const Key& sk : series_keys(*series_ids))
          r.keys.push_back(Key{Kind::series_episode, sk.provider, sk.id, *item.season_number,
                               static_cast<int>(e)});
    }
    add_all(r.keys, Kind::episode, own);  // the episode's own ids
    if (r.keys.empty()) {
      if (!numbered)
        r.unmatched_reason = "episode has no season/episode number and no usable provider id";
      else if (!series_ids)
        r.unmatched_reason =
            "episode's series is unknown and the episode has no usable provider id";
      else
        r.unmatched_reason =
            reason_no_ids("episode's series has no usable provider id, nor has the episode");
    }
  } else {
    r.unmatched_reason = "type " + item.type + " is not synchronised";
  }
  return r;
}

}  // namespace jb::canon
