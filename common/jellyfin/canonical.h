// canonical.h — canonical keys that identify a film, a series or an episode
// across Jellyfin servers, from ProviderIds (Jellyfin ignores
// AnyProviderIdEquals, so matching needs our own keys).
//
// Normalisation of ProviderIds (keys compared case-insensitively):
//   Imdb → "tt" + digits (lower-case "tt"; "tt" alone or non-digits dropped)
//   Tmdb, Tvdb → digits only, leading zeros removed; "0" dropped
//   "", "0", "null", "none", "unknown", "n/a" → dropped; other providers ignored
//
// Keys (text form, used in RPC and logs):
//   movie:imdb:tt0133093   movie:tmdb:603
//   series:tvdb:81189      series:tmdb:1396      series:imdb:tt0903747
//   series:tvdb:81189/s1e2          an episode, via its series' ids
//   episode:tvdb:349232             an episode's own id (when the series has none)
// Ids have 1 to 19 digits; seasons and episodes are 0 to 2^31 - 1 (Jellyfin's
// int32 numbers), in both forms: every key keys_for() makes has a text form
// from_text() reads, and unpack() accepts only such keys.
// Tmdb numbers are separate namespaces for films and series, hence the kind
// prefix. A multi-episode file (IndexNumberEnd) gets a key for every episode
// it spans. Several keys per item are normal; two items match when any key is
// shared.
//
// The packed form (pack/unpack) is a compact binary encoding of the same key
// for storage in Redis: 1 byte kind/provider, varint number, varints season
// and episode.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/jellyfin/items.h"

namespace jb::canon {

struct ProviderIds {
  std::optional<uint64_t> imdb;  // the digits after "tt"
  std::optional<uint64_t> tmdb;
  std::optional<uint64_t> tvdb;
  std::vector<std::string> rejected;  // "Imdb 'tt'" etc., for unmatched reasons
  bool empty() const { return !imdb && !tmdb && !tvdb; }
};

ProviderIds normalize(const std::map<std::string, std::string>& provider_ids);

enum class Kind : uint8_t { movie = 1, series = 2, episode = 3, series_episode = 4 };

struct Key {
  Kind kind = Kind::movie;
  char provider = 'i';  // i = imdb, m = tmdb, v = tvdb
  uint64_t id = 0;
  int season = -1, episode = -1;  // series_episode only
  bool operator==(const Key& o) const = default;
};

std::string to_text(const Key& k);
std::optional<Key> from_text(std::string_view s);
std::string pack(const Key& k);
std::optional<Key> unpack(std::string_view s);
// Reads one packed key from the front of s (packed keys are self-delimiting).
std::optional<Key> unpack_front(std::string_view& s);
// Varints (LEB128), exposed for compact storage formats built on these keys.
void put_varint(std::string& out, uint64_t v);
bool get_varint(std::string_view& in, uint64_t& v);
// Packs a text key; "" when the text is not a key.
std::string pack_text(std::string_view text);

// Keys of a series from its provider ids.
std::vector<Key> series_keys(const ProviderIds& ids);

struct ItemKeys {
  std::vector<Key> keys;
  std::string unmatched_reason;  // set when keys is empty
};

// Keys of a Movie, Series or Episode. For an episode, series_ids are its
// series' normalised ids (nullptr when unknown). Other types get no keys.
ItemKeys keys_for(const jf::Item& item, const ProviderIds* series_ids);

}  // namespace jb::canon
