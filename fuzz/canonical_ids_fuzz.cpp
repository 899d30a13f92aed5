// canonical_ids_fuzz.cpp — canonical provider-id keys (common/jellyfin/canonical.h):
// ProviderIds normalisation and the keys of films, series and episodes, the
// text form of keys (RPC between sync-worker and library-service) and their
// packed form (the index in Redis).
//
// Input: any bytes, read three ways: as a text key (`series:tvdb:81189/s1e2`),
// as packed keys, and — when it is a JSON object — as a Jellyfin item
// (BaseItemDto) whose series' ProviderIds, for an episode, are in the extra
// member "SeriesProviderIds".
// Asserts:
//  * a key from_text accepts survives text and packed round trips, and its text
//    form is canonical (printing it again gives the same text);
//  * a key unpack accepts is a valid key: unpack(pack(k)) == k and its text
//    form is accepted by from_text (so what the index stores can be asked for);
//  * normalisation keeps only numbers from 1 to 19 digits;
//  * every key keys_for() makes survives the text and packed round trips (the
//    worker asks library-service by text), an item has keys or an unmatched
//    reason (never both), and an episode's keys carry its numbers.
//
// Thread-safety: a fuzz entry point; one call at a time.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/core/json.h"
#include "common/jellyfin/canonical.h"
#include "common/jellyfin/items.h"
#include "fuzz/fuzz_check.h"

namespace {

using jb::fuzz::show;
namespace canon = jb::canon;

std::string key_text(const canon::Key& k) {
  return canon::to_text(k) + " (kind " + std::to_string(static_cast<int>(k.kind)) + ", id " +
         std::to_string(k.id) + ", s" + std::to_string(k.season) + "e" + std::to_string(k.episode) +
         ")";
}

// Every valid key survives both forms.
void check_key(const canon::Key& k, const std::string& from) {
  std::string text = canon::to_text(k);
  auto back = canon::from_text(text);
  FUZZ_CHECK(back && *back == k, "text form of " + key_text(k) + " from " + from +
                                     " does not read back: " + show(text));
  FUZZ_CHECK(canon::to_text(*back) == text, "text form is not canonical: " + show(text));
  std::string packed = canon::pack(k);
  auto unpacked = canon::unpack(packed);
  FUZZ_CHECK(unpacked && *unpacked == k, "packed form of " + key_text(k) + " from " + from);
  FUZZ_CHECK(canon::pack_text(text) == packed, "pack_text of " + show(text));
}

void check_ids(const canon::ProviderIds& ids, const std::string& from) {
  for (auto v : {ids.imdb, ids.tmdb, ids.tvdb})
    FUZZ_CHECK(!v || (*v >= 1 && *v <= 9999999999999999999ull),
               "normalised id " + std::to_string(v.value_or(0)) + " from " + from);
}

std::map<std::string, std::string> provider_map(const jb::json::Value& obj, const char* name) {
  std::map<std::string, std::string> out;
  if (const auto* p = jb::json::member(obj, name); p && p->IsObject())
    for (auto m = p->MemberBegin(); m != p->MemberEnd(); ++m)
      if (m->value.IsString())
        out.emplace(std::string(m->name.GetString(), m->name.GetStringLength()),
                    std::string(m->value.GetString(), m->value.GetStringLength()));
  return out;
}

void check_item(const jb::json::Value& obj, const std::string& from) {
  jb::jf::Item item = jb::jf::parse_item(obj);
  canon::ProviderIds own = canon::normalize(item.provider_ids);
  check_ids(own, from);
  canon::ProviderIds series = canon::normalize(provider_map(obj, "SeriesProviderIds"));
  check_ids(series, from);
  const canon::ProviderIds* none = nullptr;
  const canon::ProviderIds* with = &series;
  for (const canon::ProviderIds* s : {none, with}) {
    canon::ItemKeys keys = canon::keys_for(item, s);
    FUZZ_CHECK(keys.keys.empty() != keys.unmatched_reason.empty(),
               "keys and an unmatched reason (or neither) for " + from);
    FUZZ_CHECK(keys.keys.size() <= 51 * 3 + 3, "too many keys for " + from);
    for (const auto& k : keys.keys) {
      check_key(k, from);
      if (k.kind == canon::Kind::series_episode) {
        FUZZ_CHECK(item.type == "Episode" && item.season_number &&
                       k.season == *item.season_number && item.episode_number &&
                       k.episode >= *item.episode_number,
                   "episode key " + key_text(k) + " for " + from);
      }
    }
  }
  for (const auto& k : canon::series_keys(series)) check_key(k, from);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);

  // A text key.
  if (auto k = canon::from_text(in)) {
    check_key(*k, show(in));
    FUZZ_CHECK(canon::pack_text(in) == canon::pack(*k), "pack_text of " + show(in));
  } else {
    FUZZ_CHECK(canon::pack_text(in).empty(), "pack_text of a non-key " + show(in));
  }

  // Packed keys, one or several in a row.
  if (auto k = canon::unpack(in)) check_key(*k, "packed " + show(in));
  std::string_view rest = in;
  for (int n = 0; !rest.empty() && n < 1000; ++n) {
    size_t before = rest.size();
    auto k = canon::unpack_front(rest);
    if (!k) break;
    FUZZ_CHECK(rest.size() < before, "unpack_front consumed nothing");
    check_key(*k, "packed front of " + show(in));
  }

  // A Jellyfin item.
  auto doc = jb::json::parse(in);
  if (doc.ok() && doc->IsObject()) {
    check_item(*doc, show(in));
  } else if (doc.ok() && doc->IsArray()) {
    for (const auto& v : doc->GetArray())
      if (v.IsObject()) check_item(v, show(in));
  }
  return 0;
}
