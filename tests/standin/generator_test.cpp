// generator_test.cpp — determinism of the generator and the properties two
// variants must have to exercise a sync engine: same ProviderIds, different
// Jellyfin ids, 4K duplicates, items without usable ids, multi-episode files,
// user states that differ by the requested fraction.
#include "tests/standin/generator.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tests/standin/seed.h"
#include "tests/standin/state.h"

namespace jb::standin {
namespace {

GeneratorOptions opts(char variant, int differ = 10) {
  auto o = parse_generator_options("movies=400,series=12,seasons=3,episodes=10,seed=7,differ=" +
                                   std::to_string(differ) + ",variant=" + std::string(1, variant));
  EXPECT_TRUE(o.ok());
  return *o;
}

std::string title_key(const Catalog& c, const Item& it) {
  return std::string(kind_name(it.kind)) + "|" + std::string(c.str(it.name)) + "|" +
         std::to_string(it.production_year) + "|" + std::to_string(it.parent_index_number) + "|" +
         std::to_string(it.index_number) + "|" +
         (it.series != kNone ? std::string(c.str(c.items[it.series].name)) : "") + "|" +
         c.libraries[it.library].name;
}

// Title key → item index, for keys that occur exactly once (generated titles
// can repeat; ambiguous keys are left out of the comparisons).
std::map<std::string, uint32_t> unique_index(const Catalog& c) {
  std::map<std::string, uint32_t> idx;
  std::set<std::string> dup;
  for (uint32_t i = 0; i < c.items.size(); ++i) {
    std::string k = title_key(c, c.items[i]);
    if (!idx.emplace(k, i).second) dup.insert(k);
  }
  for (const auto& k : dup) idx.erase(k);
  return idx;
}

bool usable(std::string_view packed) {
  for (const auto& [k, v] : unpack_provider_ids(packed)) {
    if (k == "Imdb" && v.size() > 3 && v != "tt0000000" && v.rfind("tt", 0) == 0 && v != "tt0")
      return true;
    if ((k == "Tmdb" || k == "Tvdb") && v != "0" && v != "null") return true;
  }
  return false;
}

TEST(Generator, SameOptionsByteIdentical) {
  std::string a1 = dump_seed(generate(opts('a')));
  std::string a2 = dump_seed(generate(opts('a')));
  EXPECT_EQ(a1, a2);
  EXPECT_GT(a1.size(), 50000u);
  auto other_seed = opts('a');
  other_seed.seed = 8;
  EXPECT_NE(dump_seed(generate(other_seed)), a1);
}

TEST(Generator, DumpRoundTripsThroughTheSeedParser) {
  Catalog c = generate(opts('b'));
  std::string dumped = dump_seed(c);
  auto parsed = parse_seed(dumped);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(dump_seed(*parsed), dumped);
}

TEST(Generator, VariantsShareProviderIdsButNotJellyfinIds) {
  Catalog a = generate(opts('a'));
  Catalog b = generate(opts('b'));
  EXPECT_NE(a.server_id, b.server_id);
  std::set<Guid> ids_a;
  for (const auto& it : a.items) ids_a.insert(it.id);
  auto by_title = unique_index(a);
  int shared = 0, same_ids = 0, only_b = 0;
  for (const auto& it : b.items) {
    EXPECT_EQ(ids_a.count(it.id), 0u) << "ids must differ between variants";
    if (it.kind == ItemKind::kCollectionFolder || it.kind == ItemKind::kFolder) continue;
    auto f = by_title.find(title_key(b, it));
    if (f == by_title.end()) {
      ++only_b;
      continue;
    }
    ++shared;
    std::string_view pa = a.str(a.items[f->second].provider_ids), pb = b.str(it.provider_ids);
    if (usable(pa) && usable(pb)) {
      EXPECT_EQ(pa, pb) << title_key(b, it);
      ++same_ids;
    }
  }
  EXPECT_GT(shared, 700);
  EXPECT_GT(same_ids, shared * 80 / 100) << "most shared titles carry the same ids";
  EXPECT_GT(only_b, 0) << "some titles exist on one variant only";
}

TEST(Generator, FourKDuplicatesMissingAndJunkIds) {
  Catalog c = generate(opts('a'));
  uint32_t movies = kNone, uhd = kNone;
  for (uint32_t i = 0; i < c.libraries.size(); ++i) {
    if (c.libraries[i].name == "Movies") movies = i;
    if (c.libraries[i].name == "Movies 4K") uhd = i;
  }
  ASSERT_NE(movies, kNone);
  ASSERT_NE(uhd, kNone);
  std::map<std::string, std::string> hd_ids;  // name|year → provider ids
  int missing = 0, junk = 0, total = 0, dups = 0;
  for (const auto& it : c.items) {
    if (it.kind != ItemKind::kMovie) continue;
    std::string key = std::string(c.str(it.name)) + "|" + std::to_string(it.production_year);
    if (it.library == movies) {
      ++total;
      hd_ids[key] = std::string(c.str(it.provider_ids));
      auto ids = unpack_provider_ids(c.str(it.provider_ids));
      if (ids.empty())
        ++missing;
      else if (!usable(c.str(it.provider_ids)))
        ++junk;
      EXPECT_EQ(it.parent, c.libraries[movies].folder_item)
          << "ParentId = the library's physical folder";
    }
  }
  for (const auto& it : c.items) {
    if (it.kind != ItemKind::kMovie || it.library != uhd) continue;
    std::string key = std::string(c.str(it.name)) + "|" + std::to_string(it.production_year);
    ASSERT_TRUE(hd_ids.count(key)) << key;
    EXPECT_EQ(hd_ids[key], std::string(c.str(it.provider_ids)))
        << "4K copy carries the same ProviderIds";
    ++dups;
  }
  EXPECT_GT(dups, 5);
  EXPECT_GT(missing, 2);
  EXPECT_GT(junk, 1);
  EXPECT_LT(missing + junk, total / 10);
}

TEST(Generator, MultiEpisodeFilesAndHierarchy) {
  Catalog c = generate(opts('a'));
  State s(std::move(c));
  int multi = 0, episodes = 0;
  for (uint32_t i = 0; i < s.cat.items.size(); ++i) {
    const Item& it = s.cat.items[i];
    if (it.kind != ItemKind::kEpisode) continue;
    ++episodes;
    ASSERT_NE(it.series, kNone);
    ASSERT_NE(it.season, kNone);
    EXPECT_EQ(it.parent, it.season);
    EXPECT_EQ(s.cat.items[it.season].index_number, it.parent_index_number);
    if (it.index_number_end != kNoNumber) {
      ++multi;
      EXPECT_EQ(it.index_number_end, it.index_number + 1);
      for (uint32_t sib : s.children(it.season))
        EXPECT_NE(s.cat.items[sib].index_number, it.index_number_end)
            << "the second episode is in the same file";
    }
  }
  EXPECT_GT(episodes, 250);
  EXPECT_GT(multi, 0);
}

TEST(Generator, UserStatesDifferByTheRequestedFraction) {
  auto count_diffs = [](int differ) {
    Catalog a = generate(opts('a', differ));
    Catalog b = generate(opts('b', differ));
    auto index_b = unique_index(b);
    int pairs = 0, diffs = 0;
    for (size_t u = 0; u < a.users.size(); ++u) {
      for (uint32_t i = 0; i < a.items.size(); ++i) {
        const Item& it = a.items[i];
        if (it.kind != ItemKind::kMovie && it.kind != ItemKind::kEpisode) continue;
        if (a.libraries[it.library].name == "Movies 4K") continue;
        auto f = index_b.find(title_key(a, it));
        if (f == index_b.end()) continue;
        ++pairs;
        auto ra = a.users[u].data.find(i);
        auto rb = b.users[u].data.find(f->second);
        UserData da = ra == a.users[u].data.end() ? UserData{} : ra->second;
        UserData db = rb == b.users[u].data.end() ? UserData{} : rb->second;
        bool same = da.played == db.played && da.favorite == db.favorite &&
                    da.position_ticks == db.position_ticks;
        if (!same) ++diffs;
      }
    }
    return std::pair{pairs, diffs};
  };
  auto [pairs0, diffs0] = count_diffs(0);
  EXPECT_GT(pairs0, 1000);
  EXPECT_EQ(diffs0, 0) << "differ=0: identical states";
  auto [pairs20, diffs20] = count_diffs(20);
  double pct = 100.0 * diffs20 / pairs20;
  EXPECT_GT(pct, 14.0);
  EXPECT_LT(pct, 26.0);
  // Both variants carry played, favorite and resume states.
  Catalog a = generate(opts('a'));
  int played = 0, fav = 0, resume = 0;
  for (const auto& [idx, d] : a.users[1].data) {
    played += d.played;
    fav += d.favorite;
    resume += d.position_ticks > 0;
  }
  EXPECT_GT(played, 50);
  EXPECT_GT(fav, 20);
  EXPECT_GT(resume, 10);
}

TEST(GeneratorOptions, ParsingAndLimits) {
  auto o =
      parse_generator_options("movies=5,series=2,seasons=1,episodes=3,seed=42,variant=b,differ=0");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->movies, 5);
  EXPECT_EQ(o->variant, 'b');
  EXPECT_EQ(o->seed, 42u);
  EXPECT_EQ(generator_spec(*o).find("movies=5,series=2,seasons=1,episodes=3,seed=42,variant=b"),
            0u);
  for (const char* bad : {"movies", "movies=-1", "movies=x", "variant=c", "colour=3", "differ=101",
                          "movies=1000000", "series=100000,seasons=100,episodes=999"})
    EXPECT_FALSE(parse_generator_options(bad)) << bad;
  EXPECT_TRUE(parse_generator_options(""));
}

TEST(GeneratorOptions, MoreDemoUsersHaveTheirOwnUserData) {
  auto o = parse_generator_options("movies=200,series=0,users=3");
  ASSERT_TRUE(o);
  Catalog c = generate(*o);
  std::vector<std::string> names;
  for (const auto& u : c.users) names.push_back(u.name);
  EXPECT_EQ(names, (std::vector<std::string>{"admin", "demo", "demo2", "demo3"}));
  ASSERT_EQ(c.users.size(), 4u);
  EXPECT_FALSE(c.users[2].data.empty());
  EXPECT_FALSE(c.users[3].data.empty());
  EXPECT_NE(c.users[2].data.size() + 1000 * c.users[2].data.begin()->first,
            c.users[3].data.size() + 1000 * c.users[3].data.begin()->first)
      << "independent states";
  EXPECT_NE(c.users[2].id, c.users[3].id);
  EXPECT_FALSE(parse_generator_options("users=1001"));
}

}  // namespace
}  // namespace jb::standin
