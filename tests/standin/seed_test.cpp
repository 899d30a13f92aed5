// seed_test.cpp — the seed-file format (defaults, validation, round trip)
// and the command-line parser.
#include "tests/standin/seed.h"

#include <gtest/gtest.h>

#include "common/core/time.h"
#include "tests/standin/options.h"
#include "tests/standin/state.h"
#include "tests/standin/testing/standin_fixture.h"

namespace jb::standin {
namespace {

TEST(Seed, SmallFixtureLoads) {
  auto c = load_seed_file(testing::small_seed_path());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->server_id.str(), testing::small::kServerId);
  EXPECT_EQ(c->users.size(), 6u);
  EXPECT_EQ(c->libraries.size(), 4u);
  State s(std::move(*c));
  uint32_t pilot = s.find_item(*parse_guid(testing::small::kPilot));
  ASSERT_NE(pilot, kNone);
  const Item& p = s.cat.items[pilot];
  EXPECT_EQ(p.parent_index_number, 1) << "defaulted from the season";
  EXPECT_EQ(s.cat.str(p.path),
            "/media/shows/Breaking Bad (2008)/Season 01/Breaking Bad S01E01.mkv");
  const User* alice = s.user(*parse_guid(testing::small::kAlice));
  ASSERT_TRUE(alice);
  EXPECT_FALSE(alice->policy.enable_all_folders);
  EXPECT_EQ(alice->policy.enabled_folders.size(), 2u) << "library names resolved to ids";
  EXPECT_TRUE(alice->data.count(pilot));
  const User* eve = s.user(*parse_guid(testing::small::kEve));
  ASSERT_TRUE(eve);
  EXPECT_TRUE(eve->policy.is_hidden) << "Jellyfin's new-user default";
  EXPECT_TRUE(eve->password_plain.empty());
}

TEST(Seed, DefaultsAreDeterministic) {
  const char* text = R"({"ServerName": "X", "Users": [{"Name": "u", "Password": "p"}],
    "Libraries": [{"Name": "M", "CollectionType": "movies",
      "Items": [{"Type": "Movie", "Name": "A", "ProductionYear": 2000}, {"Type": "Movie", "Name": "B"}]}]})";
  auto a = parse_seed(text);
  auto b = parse_seed(text);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(dump_seed(*a), dump_seed(*b));
  const Item& first = a->items[2];
  EXPECT_EQ(a->str(first.path), "/media/M/A (2000)/A (2000).mkv");
  EXPECT_EQ(first.date_created, first.date_last_saved);
  EXPECT_NE(a->items[2].id, a->items[3].id);
  EXPECT_EQ(a->items[2].parent, a->libraries[0].folder_item);
}

TEST(Seed, EmptyProviderIdsAreDropped) {
  auto c = parse_seed(R"({"Libraries": [{"Name": "M", "CollectionType": "movies",
      "Items": [{"Type": "Movie", "Name": "A", "ProviderIds": {"Imdb": "", "Tmdb": "5"}}]}]})");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->str(c->items[2].provider_ids), std::string("Tmdb\x1f"
                                                          "5"));
}

TEST(Seed, Errors) {
  const char* bad[] = {
      "not json",
      "[]",
      R"({"Unknown": 1})",
      R"({"ServerId": "nope"})",
      R"({"Users": [{"Password": "x"}]})",
      R"({"Users": [{"Name": "a"}, {"Name": "A"}]})",
      R"({"Libraries": [{"Name": "M", "CollectionType": "cartoons"}]})",
      R"({"Libraries": [{"Name": "M", "CollectionType": "movies", "Items": [{"Type": "Episode", "Name": "x"}]}]})",
      R"({"Libraries": [{"Name": "M", "CollectionType": "tvshows", "Items": [{"Type": "Series", "Name": "S", "Seasons": [{"Type": "Season"}]}]}]})",
      R"({"Libraries": [{"Name": "M", "CollectionType": "movies", "Items": [{"Type": "Movie", "Name": "x", "UserData": {"ghost": {}}}]}]})",
      R"({"Libraries": [{"Name": "M", "CollectionType": "movies", "Items": [{"Type": "Movie", "Name": "x", "DateCreated": "yesterday"}]}]})",
      R"({"Libraries": [{"Name": "M", "CollectionType": "movies", "Items": [{"Type": "Movie", "Name": "x", "Id": "d0000000000040008000000000000001"}, {"Type": "Movie", "Name": "y", "Id": "d0000000000040008000000000000001"}]}]})",
      R"({"Users": [{"Name": "a", "Policy": {"EnabledFolders": ["NoSuchLibrary"]}}]})",
      R"({"Libraries": [{"Name": "M", "CollectionType": "movies", "Items": [{"Type": "Movie", "Name": "x", "Seasons": []}]}]})",
  };
  for (const char* b : bad) {
    auto r = parse_seed(b);
    EXPECT_FALSE(r) << b;
    if (!r) {
      EXPECT_EQ(r.error().code, "invalid_seed");
    }
  }
  EXPECT_FALSE(load_seed_file("/nonexistent/seed.json"));
}

TEST(Seed, RuntimeItemAdd) {
  auto c = load_seed_file(testing::small_seed_path());
  ASSERT_TRUE(c);
  uint32_t folder = c->libraries[0].folder_item;
  auto doc =
      json::parse(R"({"Type": "Movie", "Name": "Dune", "ProviderIds": {"Imdb": "tt1160419"}})");
  auto idx = add_seed_item(*c, *doc, folder, 42);
  ASSERT_TRUE(idx);
  EXPECT_EQ(c->items[*idx].date_created, 42);
  EXPECT_EQ(c->items[*idx].date_last_saved, 42);
  size_t n = c->items.size();
  auto dup = json::parse(std::string(R"({"Type": "Movie", "Name": "Again", "Id": ")") +
                         testing::small::kMatrix + "\"}");
  EXPECT_FALSE(add_seed_item(*c, *dup, folder, 43));
  EXPECT_EQ(c->items.size(), n) << "nothing added on error";
}

TEST(Cli, DefaultsAndSwitches) {
  auto o = parse_cli({});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->standin.port, 8096);
  EXPECT_TRUE(o->standin.demo);
  EXPECT_TRUE(o->standin.app.legacy_auth);
  EXPECT_EQ(o->standin.app.pbkdf2_iterations, 210000);

  o = parse_cli({"--port",
                 "0",
                 "--seed",
                 "x.json",
                 "--legacy-auth",
                 "off",
                 "--quickconnect=off",
                 "--cheap-hashing",
                 "--base-path",
                 "jellyfin/",
                 "--latency-ms",
                 "3",
                 "--threads",
                 "8",
                 "--server-name",
                 "S",
                 "--server-id",
                 "5e7a1d2c3b4a49f8a1b2c3d4e5f60718",
                 "--version",
                 "10.10.7"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->standin.port, 0);
  EXPECT_EQ(o->standin.seed_path, "x.json");
  EXPECT_FALSE(o->standin.demo);
  EXPECT_FALSE(o->standin.app.legacy_auth);
  EXPECT_FALSE(o->standin.app.quick_connect);
  EXPECT_EQ(o->standin.app.pbkdf2_iterations, kCheapPbkdf2Iterations);
  EXPECT_EQ(o->standin.app.base_path, "/jellyfin");
  EXPECT_EQ(o->standin.app.latency_ms, 3);
  EXPECT_EQ(o->standin.threads, 8);
  EXPECT_EQ(o->standin.app.version, "10.10.7");

  o = parse_cli({"--generate", "movies=3,variant=b", "--version", "12.0.0"});
  ASSERT_TRUE(o);
  ASSERT_TRUE(o->standin.generate);
  EXPECT_EQ(o->standin.generate->variant, 'b');
  EXPECT_FALSE(o->standin.app.legacy_auth) << "12.0 defaults to legacy off";
  o = parse_cli({"--state-file", "var/standin/a.json"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->standin.state_file, "var/standin/a.json");
  EXPECT_TRUE(o->standin.demo) << "the content still defaults to the demo";
  o = parse_cli({"--version", "12.0.0", "--legacy-auth", "on"});
  EXPECT_TRUE(o->standin.app.legacy_auth);
  // scripts/run.sh combines --demo (print the credentials) with --generate.
  o = parse_cli({"--demo", "--generate", "movies=3,variant=a"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_TRUE(o->standin.demo);
  ASSERT_TRUE(o->standin.generate);
  EXPECT_EQ(o->standin.generate->movies, 3);
}

TEST(Cli, Errors) {
  for (const std::vector<std::string>& bad : {std::vector<std::string>{"--port"},
                                              {"--port", "70000"},
                                              {"--legacy-auth", "maybe"},
                                              {"--bogus"},
                                              {"--seed", "a", "--demo"},
                                              {"--generate", "movies=x"},
                                              {"--server-id", "nope"},
                                              {"--threads", "0"},
                                              {"--state-file="}})
    EXPECT_FALSE(parse_cli(bad)) << bad[0];
  auto h = parse_cli({"--help"});
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->help);
  for (const char* flag :
       {"--port", "--host", "--seed", "--generate", "--server-name", "--server-id", "--version",
        "--base-path", "--legacy-auth", "--quickconnect", "--cheap-hashing", "--latency-ms",
        "--threads", "--demo", "--dump-seed", "--state-file"})
    EXPECT_NE(usage().find(flag), std::string::npos) << flag;
}

}  // namespace
}  // namespace jb::standin
