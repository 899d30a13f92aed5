// index_codec.cpp — see index_codec.h.
#include "library-service/index_codec.h"

#include <algorithm>
#include <cmath>

#include "common/core/text.h"
#include "common/jellyfin/canonical.h"

namespace jb::library {

namespace {

constexpr size_t kIdSize = 16;
constexpr double kBucketFill = 64.0;  // mean entries per bucket (listpack limit is 128)

int64_t to_i(const std::string& s) {
  return std::atoll(s.c_str());
}

}  // namespace

bool is_series_key(const std::string& packed) {
  auto k = canon::unpack(packed);
  return k && k->kind == canon::Kind::series;
}

// Refs of a key: 16-byte id + 1-byte library (+ varint ordinal for series keys).
std::vector<ParsedRef> parse_refs(std::string_view v, bool with_ordinal) {
  std::vector<ParsedRef> out;
  while (v.size() >= kIdSize + 1) {
    ParsedRef r;
    r.id_bin = std::string(v.substr(0, kIdSize));
    r.lib = static_cast<uint8_t>(v[kIdSize]);
    v.remove_prefix(kIdSize + 1);
    if (with_ordinal && !canon::get_varint(v, r.ordinal)) break;
    out.push_back(std::move(r));
  }
  return out;
}

std::string ref_bytes(const std::string& id_bin, uint8_t lib, std::optional<uint64_t> ordinal) {
  std::string r = id_bin;
  r.push_back(static_cast<char>(lib));
  if (ordinal) canon::put_varint(r, *ordinal);
  return r;
}

std::string remove_ref(const std::string& refs, const std::string& id_bin, bool with_ordinal) {
  std::string out;
  for (const auto& r : parse_refs(refs, with_ordinal))
    if (r.id_bin != id_bin)
      out += ref_bytes(r.id_bin, r.lib,
                       with_ordinal ? std::optional<uint64_t>(r.ordinal) : std::nullopt);
  return out;
}

int buckets_for(size_t entries) {
  return std::max(1, static_cast<int>(std::ceil(static_cast<double>(entries) / kBucketFill)));
}

std::string id_to_bin(const std::string& hex32) {
  if (hex32.size() != 32) return "";
  std::string out;
  if (!text::hex_decode(hex32, out)) return "";
  return out;
}

std::string bin_to_id(const std::string& bin16) {
  return text::hex_encode(bin16);
}

uint32_t bucket_of(const std::string& bytes, int buckets) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 16777619u;
  }
  return buckets > 0 ? h % static_cast<uint32_t>(buckets) : 0;
}

std::string episode_field(uint64_t ordinal, uint64_t season, uint64_t episode) {
  std::string f;
  canon::put_varint(f, ordinal);
  canon::put_varint(f, season);
  canon::put_varint(f, episode);
  return f;
}

// Forward entry: [lib][type][flags][series: ordinal season first last][series_ordinal][packed keys…]
std::string encode_forward(const IndexedItem& it) {
  std::string v;
  v.push_back(static_cast<char>(it.lib));
  v.push_back(it.type);
  uint8_t flags = (it.in_series ? 1 : 0) | (it.type == 's' ? 2 : 0);
  v.push_back(static_cast<char>(flags));
  if (it.in_series) {
    canon::put_varint(v, it.ordinal);
    canon::put_varint(v, it.season);
    canon::put_varint(v, it.first);
    canon::put_varint(v, it.last);
  }
  if (it.type == 's') canon::put_varint(v, it.series_ordinal);
  for (const auto& k : it.packed_keys) v += k;
  return v;
}

std::optional<IndexedItem> decode_forward(const std::string& id_bin, const std::string& value) {
  std::string_view v(value);
  if (v.size() < 3) return std::nullopt;
  IndexedItem it;
  it.id_bin = id_bin;
  it.lib = static_cast<uint8_t>(v[0]);
  it.type = v[1];
  uint8_t flags = static_cast<uint8_t>(v[2]);
  v.remove_prefix(3);
  if (flags & 1) {
    it.in_series = true;
    if (!canon::get_varint(v, it.ordinal) || !canon::get_varint(v, it.season) ||
        !canon::get_varint(v, it.first) || !canon::get_varint(v, it.last))
      return std::nullopt;
  }
  if ((flags & 2) && !canon::get_varint(v, it.series_ordinal)) return std::nullopt;
  while (!v.empty()) {
    std::string_view before = v;
    auto k = canon::unpack_front(v);
    if (!k) return std::nullopt;
    it.packed_keys.emplace_back(before.substr(0, before.size() - v.size()));
  }
  return it;
}

std::map<std::string, std::string> meta_fields(const IndexMeta& m) {
  std::string libs, counts;
  for (size_t i = 0; i < m.libraries.size(); ++i) libs += (i ? "," : "") + m.libraries[i];
  for (const auto& [lib, n] : m.library_items)
    counts += (counts.empty() ? "" : ",") + lib + "=" + std::to_string(n);
  return {{"state", m.state},
          {"version", std::to_string(m.version)},
          {"buckets_k", std::to_string(m.buckets_k)},
          {"buckets_i", std::to_string(m.buckets_i)},
          {"buckets_e", std::to_string(m.buckets_e)},
          {"next_ordinal", std::to_string(m.next_ordinal)},
          {"libraries", libs},
          {"library_items", counts},
          {"movies", std::to_string(m.movies)},
          {"series", std::to_string(m.series)},
          {"episodes", std::to_string(m.episodes)},
          {"unmatched", std::to_string(m.unmatched)},
          {"last_build_ms", std::to_string(m.last_build_ms)},
          {"last_duration_ms", std::to_string(m.last_duration_ms)},
          {"last_full_ms", std::to_string(m.last_full_ms)},
          {"watermark_us", std::to_string(m.watermark_us)},
          {"requests", std::to_string(m.requests)},
          {"last_kind", m.last_kind},
          {"last_error", m.last_error}};
}

IndexMeta meta_from_fields(std::map<std::string, std::string> f) {
  IndexMeta m;
  if (f.empty()) return m;
  m.state = f["state"].empty() ? "none" : f["state"];
  m.version = to_i(f["version"]);
  m.buckets_k = static_cast<int>(to_i(f["buckets_k"]));
  m.buckets_i = static_cast<int>(to_i(f["buckets_i"]));
  m.buckets_e = static_cast<int>(to_i(f["buckets_e"]));
  m.next_ordinal = to_i(f["next_ordinal"]);
  m.libraries = text::split(f["libraries"], ',');
  for (const auto& kv : text::split(f["library_items"], ',')) {
    auto eq = kv.find('=');
    if (eq != std::string::npos) m.library_items[kv.substr(0, eq)] = to_i(kv.substr(eq + 1));
  }
  m.movies = to_i(f["movies"]);
  m.series = to_i(f["series"]);
  m.episodes = to_i(f["episodes"]);
  m.unmatched = to_i(f["unmatched"]);
  m.last_build_ms = to_i(f["last_build_ms"]);
  m.last_duration_ms = to_i(f["last_duration_ms"]);
  m.last_full_ms = to_i(f["last_full_ms"]);
  m.watermark_us = to_i(f["watermark_us"]);
  m.requests = to_i(f["requests"]);
  m.last_kind = f["last_kind"];
  m.last_error = f["last_error"];
  return m;
}

}  // namespace jb::library
