// control_test.cpp — the test-control API: counters, latency, faults (500,
// 503 + Retry-After, hang, drop, starting mode), clock, runtime content and
// user-data changes, reset; plus the base path and 405 handling.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "common/core/time.h"
#include "tests/standin/testing/standin_fixture.h"

namespace jb::standin::testing {
namespace {

class ControlTest : public StandinTest {
 protected:
  static double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  }
};

TEST_F(ControlTest, CountersPerRouteTemplate) {
  auto a = alice();
  ASSERT_EQ(a.control("DELETE", "/__standin/counters").status, 204);
  a.get("/Items?recursive=true");
  a.get("/items");
  a.get(std::string("/Items/") + small::kMatrix);
  a.get(std::string("/Items/") + small::kInception);
  a.get("/Users/Me");
  a.get("/No/Such/Route");
  a.control("GET", "/__standin/state");
  auto c = a.control("GET", "/__standin/counters");
  ASSERT_EQ(c.status, 200);
  EXPECT_EQ(c.num("Total"), 6) << "control requests are not counted";
  const auto& routes = c.json["Routes"];
  EXPECT_EQ(routes["GET /Items"].GetInt(), 2);
  EXPECT_EQ(routes["GET /Items/{itemId}"].GetInt(), 2);
  EXPECT_EQ(routes["GET /Users/Me"].GetInt(), 1);
  EXPECT_EQ(routes["GET (unmatched)"].GetInt(), 1);
  a.control("DELETE", "/__standin/counters");
  EXPECT_EQ(a.control("GET", "/__standin/counters").num("Total"), 0);
}

TEST_F(ControlTest, RequestLogRecordsArrivalStatusAndUserAgentInOrder) {
  auto a = alice();
  ASSERT_EQ(a.control("DELETE", "/__standin/requests").status, 204);
  int64_t before = timeutil::now_unix_ms();
  a.extra_headers = {{"User-Agent", "probe/1 worker-7"}};
  ASSERT_EQ(a.control("POST", "/__standin/faults",
                      R"({"Kind":"unavailable","Route":"GET /Users/Me","Count":1})")
                .status,
            200);
  a.get("/Users/Me");
  a.post(std::string("/UserFavoriteItems/") + small::kMatrix);
  a.get("/No/Such/Route?secret=1");
  a.control("GET", "/__standin/state");
  int64_t after = timeutil::now_unix_ms();
  auto log = a.control("GET", "/__standin/requests");
  ASSERT_EQ(log.status, 200);
  const auto& r = log.json["Requests"];
  ASSERT_EQ(r.Size(), 3u) << "control requests are not logged";
  EXPECT_EQ(std::string(r[0]["Route"].GetString()), "GET /Users/Me");
  EXPECT_EQ(r[0]["Status"].GetInt(), 503);
  EXPECT_EQ(std::string(r[1]["Method"].GetString()), "POST");
  EXPECT_EQ(std::string(r[1]["Path"].GetString()),
            std::string("/UserFavoriteItems/") + small::kMatrix);
  EXPECT_EQ(r[1]["Status"].GetInt(), 200);
  EXPECT_EQ(std::string(r[1]["UserAgent"].GetString()), "probe/1 worker-7");
  EXPECT_EQ(r[1]["DelayMs"].GetInt64(), 0) << "no latency was set";
  EXPECT_EQ(std::string(r[2]["Path"].GetString()), "/No/Such/Route") << "never the query";
  EXPECT_EQ(r[2]["Status"].GetInt(), 404);
  for (const auto& e : r.GetArray()) {
    EXPECT_GE(e["TimeMs"].GetInt64(), before);
    EXPECT_LE(e["TimeMs"].GetInt64(), after);
  }
  EXPECT_LT(r[0]["Seq"].GetInt64(), r[1]["Seq"].GetInt64());
  // Reading on from a sequence number gives only what came later.
  auto tail =
      a.control("GET", "/__standin/requests?after=" + std::to_string(r[1]["Seq"].GetInt64()));
  ASSERT_EQ(tail.json["Requests"].Size(), 1u);
  EXPECT_EQ(tail.json["Last"].GetInt64(), r[2]["Seq"].GetInt64());
  EXPECT_EQ(a.control("GET", "/__standin/requests?after=x").status, 400);
  ASSERT_EQ(a.control("DELETE", "/__standin/requests").status, 204);
  EXPECT_EQ(a.control("GET", "/__standin/requests").json["Requests"].Size(), 0u);
}

TEST_F(ControlTest, Unavailable503WithRetryAfterForTheNextN) {
  auto a = alice();
  auto f = a.control(
      "POST", "/__standin/faults",
      R"({"Kind": "unavailable", "Prefix": "/Items", "Count": 2, "RetryAfterSeconds": 7})");
  ASSERT_EQ(f.status, 200);
  for (int i = 0; i < 2; ++i) {
    auto r = a.get("/Items");
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.header("Retry-After"), "7");
    EXPECT_EQ(r.header("Content-Type"), "text/html");
  }
  EXPECT_EQ(a.get("/Items").status, 200) << "only the next two";
  EXPECT_EQ(a.get("/Users/Me").status, 200) << "scoped to the prefix";
  auto list = a.control("GET", "/__standin/faults");
  ASSERT_EQ(list.json.Size(), 1u);
  EXPECT_EQ(list.json[0]["Fired"].GetInt(), 2);
  EXPECT_EQ(list.json[0]["Remaining"].GetInt(), 0);
  EXPECT_STREQ(list.json[0]["Kind"].GetString(), "unavailable");
}

TEST_F(ControlTest, BadRequestFaultsAnswer400ForTheNextN) {
  auto a = alice();
  auto f = a.control("POST", "/__standin/faults",
                     R"({"Kind": "badrequest", "Route": "GET /Users/Me", "Count": 1})");
  ASSERT_EQ(f.status, 200);
  auto r = a.get("/Users/Me");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json["status"].GetInt(), 400);
  EXPECT_EQ(a.get("/Users/Me").status, 200) << "only the next one";
  auto list = a.control("GET", "/__standin/faults");
  ASSERT_EQ(list.json.Size(), 1u);
  EXPECT_STREQ(list.json[0]["Kind"].GetString(), "badrequest");
}

TEST_F(ControlTest, RateFaultsAreDeterministicWithASeed) {
  auto a = alice();
  auto run = [&]() {
    a.control("DELETE", "/__standin/faults");
    a.control("POST", "/__standin/faults",
              R"({"Kind": "error500", "Route": "GET /Items", "Rate": 0.3, "Seed": 42})");
    std::string pattern;
    for (int i = 0; i < 60; ++i) {
      auto r = a.get("/Items");
      pattern += r.status == 500 ? 'x' : '.';
      if (r.status == 500) {
        EXPECT_EQ(r.body, "Error processing request.");
      }
    }
    return pattern;
  };
  std::string first = run();
  std::string second = run();
  EXPECT_EQ(first, second) << "same seed, same sequence";
  int fired = static_cast<int>(std::count(first.begin(), first.end(), 'x'));
  EXPECT_GT(fired, 6);
  EXPECT_LT(fired, 36);
  EXPECT_EQ(a.get("/Users/Me").status, 200) << "scoped to the route";
}

TEST_F(ControlTest, RouteTemplateScope) {
  auto a = alice();
  a.control("POST", "/__standin/faults", R"({"Kind": "error500", "Route": "/Items/{itemId}"})");
  EXPECT_EQ(a.get(std::string("/Items/") + small::kMatrix).status, 500);
  EXPECT_EQ(a.get("/Items").status, 200);
  a.control("DELETE", "/__standin/faults");
  a.control("POST", "/__standin/faults", R"({"Kind": "error500", "Method": "POST", "Count": 1})");
  EXPECT_EQ(a.get("/Items").status, 200);
  EXPECT_EQ(a.post(std::string("/UserFavoriteItems/") + small::kMatrix).status, 500);
  EXPECT_EQ(a.post(std::string("/UserFavoriteItems/") + small::kMatrix).status, 200);
  auto list = a.control("GET", "/__standin/faults");
  int id = list.json[0]["Id"].GetInt();
  EXPECT_EQ(a.control("DELETE", "/__standin/faults/" + std::to_string(id)).status, 204);
  EXPECT_EQ(a.control("DELETE", "/__standin/faults/" + std::to_string(id)).status, 404);
}

TEST_F(ControlTest, HangOutlastsTheClientTimeout) {
  auto a = alice();
  a.control("POST", "/__standin/faults",
            R"({"Kind": "hang", "Prefix": "/System/Info/Public", "Count": 1, "HangMs": 2000})");
  a.timeout_ms = 300;
  auto t0 = std::chrono::steady_clock::now();
  auto r = a.get("/System/Info/Public");
  EXPECT_EQ(r.transport_code, "timeout") << r.transport_error;
  EXPECT_GE(ms_since(t0), 290);
  EXPECT_LT(ms_since(t0), 1500);
  a.timeout_ms = 5000;
  EXPECT_EQ(a.get("/System/Info/Public").status, 200) << "only one request hangs";
}

TEST_F(ControlTest, HungRequestsAreClosedAfterTheHang) {
  auto a = alice();
  a.control("POST", "/__standin/faults", R"({"Kind": "hang", "Count": 1, "HangMs": 200})");
  // A fresh connection: libcurl silently retries a request once when a
  // *reused* connection closes without an answer.
  ApiClient fresh = client("fresh");
  fresh.token = a.token;
  auto t0 = std::chrono::steady_clock::now();
  auto r = fresh.get("/Users/Me");
  EXPECT_FALSE(r.transport_error.empty());
  EXPECT_NE(r.transport_code, "timeout");
  EXPECT_GE(ms_since(t0), 190);
}

TEST_F(ControlTest, DropGivesATransportError) {
  auto a = alice();
  a.control("POST", "/__standin/faults", R"({"Kind": "drop", "Count": 1})");
  ApiClient fresh = client("fresh");
  fresh.token = a.token;
  auto r = fresh.get("/Users/Me");
  EXPECT_EQ(r.status, 0);
  EXPECT_FALSE(r.transport_error.empty());
  EXPECT_NE(r.transport_code, "timeout");
  EXPECT_EQ(a.get("/Users/Me").status, 200);
}

TEST_F(ControlTest, DropOnAReusedConnectionNeedsTwoFaults) {
  auto a = alice();
  ASSERT_EQ(a.get("/Users/Me").status, 200);  // the connection is now reused
  a.control("POST", "/__standin/faults", R"({"Kind": "drop", "Count": 1})");
  EXPECT_EQ(a.get("/Users/Me").status, 200) << "libcurl retried once on a new connection";
  a.control("POST", "/__standin/faults", R"({"Kind": "drop", "Count": 2})");
  auto r = a.get("/Users/Me");
  EXPECT_EQ(r.status, 0) << "the retry is dropped too";
  auto faults = a.control("GET", "/__standin/faults");
  EXPECT_EQ(faults.json[0]["Fired"].GetInt(), 1);
  EXPECT_EQ(faults.json[1]["Fired"].GetInt(), 2);
}

TEST_F(ControlTest, StartingMode) {
  auto a = alice();
  ASSERT_EQ(a.control("POST", "/__standin/starting", R"({"Enabled": true, "RetryAfterSeconds": 3})")
                .status,
            204);
  auto r = a.get("/Items");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.header("Retry-After"), "3");
  EXPECT_EQ(r.header("Content-Type"), "text/html");
  EXPECT_NE(r.body.find("still loading"), std::string::npos);
  EXPECT_EQ(a.get("/System/Info/Public").status, 503);
  EXPECT_EQ(
      a.post("/Users/AuthenticateByName", R"({"Username":"alice","Pw":"alice-password"})").status,
      503);
  EXPECT_EQ(a.get("/System/Ping").status, 200) << "ping is served while starting";
  EXPECT_EQ(a.get("/system/ping").status, 200);
  a.control("POST", "/__standin/starting", R"({"Enabled": false})");
  EXPECT_EQ(a.get("/Items").status, 200);
}

TEST_F(ControlTest, LatencyGlobalAndPerRoute) {
  auto a = alice();
  auto l = a.control("POST", "/__standin/latency", R"({"GlobalMs": 60})");
  ASSERT_EQ(l.status, 200);
  a.control("POST", "/__standin/latency", R"({"Prefix": "/System/Info/Public", "Ms": 80})");
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(a.get("/Users/Me").status, 200);
  double plain = ms_since(t0);
  t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(a.get("/System/Info/Public").status, 200);
  double routed = ms_since(t0);
  EXPECT_GE(plain, 58);
  EXPECT_GE(routed, 138) << "global + route";
  auto info = a.control("GET", "/__standin/latency");
  EXPECT_EQ(info.num("GlobalMs"), 60);
  EXPECT_EQ(info.json["Rules"].Size(), 1u);
  EXPECT_EQ(a.control("DELETE", "/__standin/latency").status, 204);
  t0 = std::chrono::steady_clock::now();
  a.get("/Users/Me");
  EXPECT_LT(ms_since(t0), plain / 2) << "cleared (ratio inside one run, not an absolute time)";
}

TEST_F(ControlTest, LatencyDoesNotSerialiseConcurrentRequests) {
  auto a = alice();
  a.control("POST", "/__standin/latency", R"({"GlobalMs": 150})");
  const int n = 16;
  std::vector<std::thread> threads;
  std::vector<long> status(n, 0);
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      ApiClient c = client("dev-" + std::to_string(i));
      c.token = a.token;
      c.check = false;  // gtest assertions from many threads are fine, but keep it simple
      status[i] = c.get("/Items?recursive=true&limit=5").status;
    });
  }
  for (auto& t : threads) t.join();
  double took = ms_since(t0);
  for (long s : status) EXPECT_EQ(s, 200);
  EXPECT_GE(took, 145);
  EXPECT_LT(took, 150.0 * n / 2) << "16 × 150 ms overlap instead of queuing (serialised: 2400 ms)";
}

TEST_F(ControlTest, ClockOffsetMovesServerTime) {
  auto a = alice();
  auto r = a.control("POST", "/__standin/clock", R"({"AdvanceSeconds": 86400})");
  ASSERT_EQ(r.status, 200);
  EXPECT_DOUBLE_EQ(r.json["OffsetSeconds"].GetDouble(), 86400.0);
  auto played = a.post(std::string("/UserPlayedItems/") + small::kArrival);
  auto t = timeutil::parse_iso8601(played.str("LastPlayedDate"));
  ASSERT_TRUE(t);
  EXPECT_GT(*t, timeutil::now_unix_us() + 86000LL * 1'000'000) << "now is a day ahead";
  a.control("POST", "/__standin/clock", R"({"OffsetSeconds": 0})");
  EXPECT_EQ(a.control("GET", "/__standin/clock").json["OffsetSeconds"].GetDouble(), 0.0);
}

TEST_F(ControlTest, AddUpdateRemoveItems) {
  auto a = alice();
  auto add =
      a.control("POST", "/__standin/items",
                R"({"Library": "Movies", "Type": "Movie", "Name": "Dune", "ProductionYear": 2021,
                           "ProviderIds": {"Imdb": "tt1160419", "Tmdb": "438631"}, "RunTimeTicks": 93600000000,
                           "UserData": {"alice": {"IsFavorite": true}}})");
  ASSERT_EQ(add.status, 200) << add.body;
  std::string id = add.str("Id");
  auto item = a.get("/Items/" + id);
  ASSERT_EQ(item.status, 200);
  EXPECT_STREQ(item.json["ProviderIds"]["Tmdb"].GetString(), "438631");
  EXPECT_TRUE(item.json["UserData"]["IsFavorite"].GetBool());
  EXPECT_STREQ(item.json["ParentId"].GetString(), small::kMoviesFolder);
  auto recent =
      a.get("/Items?recursive=true&minDateLastSaved=" + std::string("2025-01-01T00:00:00Z"));
  EXPECT_EQ(recent.num("TotalRecordCount"), 1);

  auto season = a.control("POST", "/__standin/items",
                          std::string(R"({"ParentId": ")") + small::kChernobyl +
                              R"(", "Type": "Season", "IndexNumber": 2,
                              "Episodes": [{"Type": "Episode", "Name": "New", "IndexNumber": 1}]})");
  ASSERT_EQ(season.status, 200) << season.body;
  auto eps = a.get(std::string("/Shows/") + small::kChernobyl + "/Episodes");
  EXPECT_EQ(eps.num("TotalRecordCount"), 3);
  EXPECT_EQ(eps.json["Items"][2]["ParentIndexNumber"].GetInt(), 2);

  auto upd = a.control("POST", "/__standin/items/" + id,
                       R"({"Name": "Dune: Part One", "ProviderIds": {"Imdb": "tt1160419"}})");
  ASSERT_EQ(upd.status, 200);
  item = a.get("/Items/" + id);
  EXPECT_STREQ(item.json["Name"].GetString(), "Dune: Part One");
  EXPECT_FALSE(item.json["ProviderIds"].HasMember("Tmdb")) << "ProviderIds are replaced";

  EXPECT_EQ(a.control("DELETE", "/__standin/items/" + id).status, 204);
  EXPECT_EQ(a.get("/Items/" + id).status, 404);
  EXPECT_EQ(a.control("DELETE", "/__standin/items/" + id).status, 404);
  EXPECT_EQ(a.control("DELETE", std::string("/__standin/items/") + small::kBreakingBad).status,
            204);
  EXPECT_EQ(a.get(std::string("/Items/") + small::kPilot).status, 404) << "descendants go too";
  EXPECT_EQ(
      a.control("POST", "/__standin/items", R"({"Library": "Nope", "Type": "Movie", "Name": "x"})")
          .status,
      404);
  EXPECT_EQ(a.control("POST", "/__standin/items",
                      R"({"Library": "Movies", "Type": "Episode", "Name": "x"})")
                .status,
            400);
  EXPECT_EQ(a.control("POST", "/__standin/items", "[").status, 400);
}

TEST_F(ControlTest, SetUserDataDirectly) {
  auto a = alice();
  auto r = a.control(
      "POST", "/__standin/userdata",
      std::string(R"({"User": "alice", "ItemId": ")") + small::kArrival +
          R"(", "Played": true, "PlayCount": 3, "LastPlayedDate": "2024-08-01T00:00:00Z"})");
  ASSERT_EQ(r.status, 200);
  auto ud = a.get(std::string("/UserItems/") + small::kArrival + "/UserData");
  EXPECT_TRUE(ud.boolean("Played"));
  EXPECT_EQ(ud.num("PlayCount"), 3);
  EXPECT_EQ(ud.str("LastPlayedDate"), "2024-08-01T00:00:00.0000000Z");
  EXPECT_EQ(
      a.get("/Items?recursive=true&minDateLastSaved=2024-07-01T00:00:00Z").num("TotalRecordCount"),
      0)
      << "user data never touches DateLastSaved";
  a.control(
      "POST", "/__standin/userdata",
      std::string(R"({"User": "alice", "ItemId": ")") + small::kArrival + R"(", "Remove": true})");
  EXPECT_FALSE(a.get(std::string("/UserItems/") + small::kArrival + "/UserData").boolean("Played"));
  EXPECT_EQ(a.control("POST", "/__standin/userdata", R"({"User": "ghost", "ItemId": "x"})").status,
            404);
}

TEST_F(ControlTest, ResetRestoresTheSeed) {
  auto a = alice();
  auto adm = admin();
  adm.post("/Users/New", R"({"Name": "temp"})");
  a.post(std::string("/UserPlayedItems/") + small::kArrival);
  a.control("POST", "/__standin/faults", R"({"Kind": "error500", "Prefix": "/Users/Public"})");
  a.control("POST", "/__standin/clock", R"({"AdvanceSeconds": 100})");
  a.control("POST", "/__standin/config", R"({"QuickConnect": false})");
  ASSERT_EQ(a.control("POST", "/__standin/reset").status, 204);
  EXPECT_EQ(a.get("/Users/Me").status, 401) << "tokens are gone";
  auto b = alice();
  EXPECT_EQ(b.get("/Users").json.Size(), 6u);
  EXPECT_FALSE(b.get(std::string("/UserItems/") + small::kArrival + "/UserData").boolean("Played"));
  EXPECT_EQ(b.get("/Users/Public").status, 200);
  EXPECT_EQ(b.get("/QuickConnect/Enabled").body, "true");
  EXPECT_EQ(b.control("GET", "/__standin/clock").json["OffsetSeconds"].GetDouble(), 0.0);
  auto state = b.control("GET", "/__standin/state");
  EXPECT_EQ(state.num("ItemCount"), small::kAllItems);
  EXPECT_EQ(state.str("ServerId"), small::kServerId);
}

TEST_F(ControlTest, MethodNotAllowed) {
  auto a = alice();
  auto r = a.send("PUT", "/Items", "{}", {}, true);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("Allow"), "GET");
  EXPECT_EQ(a.send("PATCH", "/UserPlayedItems/x", "", {}, true).status, 405);
}

TEST_F(ControlTest, BasePath) {
  StandinOptions o = small_options();
  o.app.base_path = "/jellyfin";
  start(o);
  auto c = client();
  EXPECT_EQ(server_->base_url(), server_->root_url() + "/jellyfin");
  auto info = c.get("/System/Info/Public");
  ASSERT_EQ(info.status, 200);
  EXPECT_EQ(info.str("LocalAddress"), server_->root_url() + "/jellyfin");
  ApiClient root(server_->root_url(), server_->root_url());
  root.check = false;  // paths outside the base path are not Jellyfin routes
  EXPECT_EQ(root.get("/System/Info/Public").status, 404) << "only under the base path";
  EXPECT_EQ(root.get("/JELLYFIN/System/Ping").status, 200);
  EXPECT_EQ(c.control("GET", "/__standin/state").status, 200);
  EXPECT_EQ(root.control("GET", "/jellyfin/__standin/state").status, 200);
  auto a = as("alice", "alice-password");
  EXPECT_EQ(a.get("/Items?recursive=true").num("TotalRecordCount"), small::kAliceItems);
}

}  // namespace
}  // namespace jb::standin::testing
