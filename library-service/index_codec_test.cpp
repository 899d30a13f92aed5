// Unit tests for index_codec.h: every encoding of the provider-id index
// round-trips, and truncated or foreign bytes are rejected, never misread.
#include "library-service/index_codec.h"

#include <gtest/gtest.h>

#include <set>

#include "common/jellyfin/canonical.h"

using namespace jb;
using namespace jb::library;

namespace {

std::string bin(char fill) {
  return std::string(16, fill);
}

}  // namespace

TEST(IndexCodec, IdsInBinaryRoundTripAndRejectWhatIsNotAnId) {
  std::string id = "0123456789abcdef0123456789abcdef";
  std::string b = id_to_bin(id);
  ASSERT_EQ(b.size(), 16u);
  EXPECT_EQ(bin_to_id(b), id);
  EXPECT_EQ(id_to_bin("0123"), "");
  EXPECT_EQ(id_to_bin(std::string(32, 'g')), "");
}

TEST(IndexCodec, ForwardEntriesOfEveryKindRoundTrip) {
  IndexedItem movie;
  movie.id_bin = bin('a');
  movie.lib = 2;
  movie.type = 'm';
  movie.packed_keys = {canon::pack_text("movie:imdb:tt0133093"),
                       canon::pack_text("movie:tmdb:603")};
  IndexedItem series;
  series.id_bin = bin('b');
  series.type = 's';
  series.series_ordinal = 300;
  series.packed_keys = {canon::pack_text("series:tvdb:81189")};
  IndexedItem episode;
  episode.id_bin = bin('c');
  episode.type = 'e';
  episode.in_series = true;
  episode.ordinal = 300;
  episode.season = 1;
  episode.first = 1;
  episode.last = 2;
  for (const auto& it : {movie, series, episode}) {
    ASSERT_FALSE(it.packed_keys.empty() && !it.in_series);
    auto back = decode_forward(it.id_bin, encode_forward(it));
    ASSERT_TRUE(back) << it.type;
    EXPECT_EQ(back->id_bin, it.id_bin);
    EXPECT_EQ(back->lib, it.lib);
    EXPECT_EQ(back->type, it.type);
    EXPECT_EQ(back->packed_keys, it.packed_keys);
    EXPECT_EQ(back->in_series, it.in_series);
    EXPECT_EQ(back->ordinal, it.ordinal);
    EXPECT_EQ(back->season, it.season);
    EXPECT_EQ(back->first, it.first);
    EXPECT_EQ(back->last, it.last);
    EXPECT_EQ(back->series_ordinal, it.series_ordinal);
    EXPECT_TRUE(back->matched());
  }
  // Truncated entries are rejected, not misread.
  std::string full = encode_forward(episode);
  for (size_t n = 0; n < full.size(); ++n)
    EXPECT_FALSE(decode_forward(episode.id_bin, full.substr(0, n)))
        << "cut after " << n << " bytes";
  std::string bad = encode_forward(movie) + "\xff";
  EXPECT_FALSE(decode_forward(movie.id_bin, bad)) << "a trailing byte that is no key";
}

TEST(IndexCodec, RefsAddAndRemoveWithAndWithoutOrdinals) {
  std::string refs = ref_bytes(bin('a'), 1, std::nullopt) + ref_bytes(bin('b'), 2, std::nullopt);
  auto parsed = parse_refs(refs, false);
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[1].id_bin, bin('b'));
  EXPECT_EQ(parsed[1].lib, 2);
  auto left = parse_refs(remove_ref(refs, bin('a'), false), false);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].id_bin, bin('b'));
  std::string series = ref_bytes(bin('s'), 0, 1u << 20) + ref_bytes(bin('t'), 3, 7);
  auto sp = parse_refs(series, true);
  ASSERT_EQ(sp.size(), 2u);
  EXPECT_EQ(sp[0].ordinal, 1u << 20);
  EXPECT_EQ(sp[1].ordinal, 7u);
  EXPECT_EQ(parse_refs(remove_ref(series, bin('s'), true), true)[0].ordinal, 7u);
  EXPECT_EQ(parse_refs(refs.substr(0, 20), false).size(), 1u) << "an incomplete ref is dropped";
  EXPECT_TRUE(is_series_key(canon::pack_text("series:tvdb:81189")));
  EXPECT_FALSE(is_series_key(canon::pack_text("movie:tmdb:603")));
  EXPECT_FALSE(is_series_key("garbage"));
}

TEST(IndexCodec, EpisodeFieldsAndBucketsAreDistinctAndInRange) {
  std::set<std::string> fields;
  for (uint64_t s = 0; s < 5; ++s)
    for (uint64_t e = 0; e < 30; ++e) fields.insert(episode_field(42, s, e));
  EXPECT_EQ(fields.size(), 150u);
  for (int buckets : {1, 7, 64})
    for (const auto& f : fields) EXPECT_LT(bucket_of(f, buckets), static_cast<uint32_t>(buckets));
  EXPECT_EQ(bucket_of("x", 0), 0u);
  EXPECT_EQ(buckets_for(0), 1);
  EXPECT_EQ(buckets_for(64), 1);
  EXPECT_EQ(buckets_for(65), 2);
  EXPECT_EQ(buckets_for(100000), 1563);
}

TEST(IndexCodec, MetaRoundTripsAndDefaultsWhatIsMissing) {
  IndexMeta m;
  m.state = "ready";
  m.version = 7;
  m.buckets_k = 3;
  m.buckets_i = 4;
  m.buckets_e = 5;
  m.next_ordinal = 99;
  m.libraries = {"l1", "l2"};
  m.movies = 10;
  m.series = 2;
  m.episodes = 30;
  m.unmatched = 1;
  m.last_build_ms = 1700000000000;
  m.last_duration_ms = 1234;
  m.last_full_ms = 1600000000000;
  m.watermark_us = 1700000000000000;
  m.requests = 12;
  m.last_kind = "full";
  m.last_error = "";
  m.library_items = {{"l1", 10}, {"l2", 32}};
  IndexMeta back = meta_from_fields(meta_fields(m));
  EXPECT_EQ(back.state, m.state);
  EXPECT_EQ(back.version, m.version);
  EXPECT_EQ(back.buckets_k, 3);
  EXPECT_EQ(back.buckets_i, 4);
  EXPECT_EQ(back.buckets_e, 5);
  EXPECT_EQ(back.next_ordinal, 99);
  EXPECT_EQ(back.libraries, m.libraries);
  EXPECT_EQ(back.library_items, m.library_items);
  EXPECT_EQ(back.episodes, 30);
  EXPECT_EQ(back.watermark_us, m.watermark_us);
  EXPECT_EQ(back.last_kind, "full");
  IndexMeta none = meta_from_fields({});
  EXPECT_EQ(none.state, "none");
  EXPECT_EQ(none.version, 0);
  EXPECT_TRUE(none.libraries.empty());
}
