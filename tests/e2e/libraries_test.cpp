// End-to-end tests of library discovery, whitelists and the provider-id index:
// auth-service (the API) → library-service (RPC, credentials from the vault)
// → the Jellyfin stand-in, all real processes over real Redis and ZeroMQ.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "common/core/time.h"
#include "common/net/rpc.h"
#include "common/redis/client.h"
#include "tests/support/eventually.h"
#include "tests/support/services.h"
#include "tests/support/stack.h"
#include "tests/support/standin.h"

using namespace jb;
using namespace jb::testing;

namespace {

const std::vector<std::string> kContent = {
    "--demo", "--generate", "movies=40,series=4,seasons=2,episodes=3,seed=11,variant=a,dup4k=25"};

json::Document parse(const Result<HttpResponse>& r) {
  json::Document d;
  if (r.ok()) {
    auto p = json::parse(r->body);
    if (p.ok()) d = std::move(*p);
  }
  return d;
}

struct Env {
  Standin jf{kContent};
  Stack stack;
  HttpClient http;
  std::string token, conn;
  std::map<std::string, std::string> libs;  // name → id

  explicit Env(std::map<std::string, std::string> library_env = {}) {
    EXPECT_TRUE(jf.ok());
    library_env.emplace("JB_INDEX_TICK_MS", "100");
    EXPECT_TRUE(stack.start_library(library_env));
    EXPECT_TRUE(stack.start_auth({{"JB_JELLYFIN_URL", jf.url()}, {"JB_RPC_TIMEOUT_MS", "5000"}}));
    auto login = http.post_json(stack.api("/api/v1/auth/login"),
                                R"({"username":"demo","password":"demo-password"})");
    token = json::get_string(*json::member(parse(login), "session"), "token");
    auto conns = parse(call("GET", "/api/v1/connections"));
    conn = json::get_string((*json::member(conns, "connections"))[0], "id");
  }
  Result<HttpResponse> call(const std::string& method, const std::string& path,
                            const std::string& body = "") {
    HttpRequest r;
    r.method = method;
    r.url = stack.api(path);
    r.body = body;
    r.headers = {{"Authorization", "Bearer " + token}};
    if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
    return http.send(r);
  }
  std::string base() const { return "/api/v1/connections/" + conn; }
  void load_libraries() {
    auto d = parse(call("GET", base() + "/libraries?refresh=true"));
    for (const auto& l : (*json::member(d, "libraries")).GetArray())
      libs[json::get_string(l, "name")] = json::get_string(l, "id");
  }
  json::Document index() { return parse(call("GET", base() + "/index")); }
  bool wait_index(const std::function<bool(const json::Document&)>& pred, int ms = 15000) {
    return eventually([&] { return pred(index()); }, ms);
  }
  // Waits until the index is ready, no build holds its lock and no asked-for build is
  // pending (the meta hash's request fields are cleared only by a build that saw the
  // last ask): whatever was asked before has been built.
  bool wait_quiet(int ms = 20000) {
    RedisConnection redis(*parse_redis_url(stack.redis.url()));
    return eventually(
        [&]() -> bool {
          auto lock = redis.command({"EXISTS", "jb:idx:" + conn + ":lock"});
          auto asked = redis.command({"HEXISTS", "jb:idx:" + conn + ":meta", "requested_seq"});
          return lock.ok() && asked.ok() && lock->integer == 0 && asked->integer == 0 &&
                 json::get_string(index(), "state") == "ready";
        },
        ms);
  }
  // Direct lookups through library-service's RPC (what the workers do).
  Result<json::Document> lookup(const std::vector<std::string>& keys) {
    zmq::context_t ctx;
    RpcClientOptions o = stack.library_rpc_options(stack.keys.worker_client);
    o.timeout_ms = 5000;
    o.attempts = 1;
    RpcClient c(ctx, o);
    json::Writer w;
    w.begin_object().kv("connection_id", conn).key("keys").begin_array();
    for (const auto& k : keys) w.value(k);
    w.end_array().end_object();
    auto r = c.call("lookup", w.str());
    if (!r.ok()) return r.error();
    return json::parse(*r);
  }
  std::vector<std::string> refs(const std::string& key) {
    std::vector<std::string> out;
    auto r = lookup({key});
    if (!r.ok()) return out;
    const auto* results = json::member(*r, "results");
    const auto* list = results ? json::member(*results, key.c_str()) : nullptr;
    if (list)
      for (const auto& x : list->GetArray()) out.push_back(json::get_string(x, "id"));
    return out;
  }
};

int64_t count_of(const json::Document& idx, const char* type) {
  const auto* c = json::member(idx, "counts");
  return c ? json::get_int(*c, type) : -1;
}

}  // namespace

TEST(Libraries, DiscoveryCachedAndRefreshedOnDemand) {
  Env e;
  ASSERT_TRUE(e.jf.reset_counters().ok());
  auto first = e.call("GET", e.base() + "/libraries");
  ASSERT_EQ(first->status, 200) << first->body;
  auto d = parse(first);
  std::set<std::string> names;
  for (const auto& l : (*json::member(d, "libraries")).GetArray()) {
    names.insert(json::get_string(l, "name"));
    EXPECT_EQ(json::get_string(l, "id").size(), 32u);
    EXPECT_TRUE(
        json::get_bool(l, "whitelisted"));  // empty whitelist: all film and series libraries
    // Before any index: Jellyfin's own count, and no indexed count yet.
    if (json::get_string(l, "name") == "Shows") {
      EXPECT_EQ(json::get_int(l, "child_count", -1), 4) << "series, not episodes";
    }
    ASSERT_NE(json::member(l, "indexed_items"), nullptr);
    EXPECT_TRUE(json::member(l, "indexed_items")->IsNull());
    EXPECT_EQ(json::member(l, "item_count"), nullptr) << "one name, one meaning";
  }
  EXPECT_TRUE(names.count("Movies") && names.count("Movies 4K") && names.count("Shows"))
      << first->body;
  EXPECT_TRUE(json::get_bool(d, "whitelist_all"));
  EXPECT_EQ(e.jf.requests("GET /UserViews"), 1);
  (void)e.call("GET", e.base() + "/libraries");  // cached
  EXPECT_EQ(e.jf.requests("GET /UserViews"), 1);
  (void)e.call("GET", e.base() + "/libraries?refresh=true");  // "Load Libraries"
  EXPECT_EQ(e.jf.requests("GET /UserViews"), 2);
  EXPECT_EQ(e.call("GET", e.base() + "/libraries?refresh=maybe")->status, 400);
  EXPECT_EQ(e.call("GET", "/api/v1/connections/" + std::string(32, '1') + "/libraries")->status,
            404);
}

TEST(Libraries, ApiKeyConnectionsUseTheChosenUsersViews) {
  Env e;
  auto admin = e.jf.login("admin", "admin-password", "setup");
  ASSERT_EQ(e.jf.api("POST", "/Auth/Keys?app=jb", *admin, "", "setup")->status, 204);
  auto keys = json::parse(e.jf.api("GET", "/Auth/Keys", *admin, "", "setup")->body);
  std::string key = json::get_string((*json::member(*keys, "Items"))[0], "AccessToken");
  auto users = json::parse(e.jf.api("GET", "/Users", *admin, "", "setup")->body);
  std::string demo;
  for (const auto& u : users->GetArray())
    if (json::get_string(u, "Name") == "demo") demo = json::get_string(u, "Id");
  auto c = e.call(
      "POST", "/api/v1/connections",
      R"({"method":"api_key","server_url":")" + e.jf.url() + R"(","api_key":")" + key + R"("})");
  ASSERT_EQ(c->status, 201);
  std::string id = json::get_string(parse(c), "id");
  // Pending (no user chosen yet): libraries are not available.
  EXPECT_EQ(e.call("GET", "/api/v1/connections/" + id + "/libraries")->status, 409);
  ASSERT_EQ(
      e.call("PATCH", "/api/v1/connections/" + id, R"({"user_id":")" + demo + R"("})")->status,
      200);
  ASSERT_TRUE(e.jf.reset_counters().ok());
  auto libs = e.call("GET", "/api/v1/connections/" + id + "/libraries");
  ASSERT_EQ(libs->status, 200) << libs->body;
  EXPECT_EQ(e.jf.requests("GET /UserViews"), 1);  // a user is chosen: that user's views
}

TEST(Whitelist, ByIdWithPreciseErrorsAndMissingLibraries) {
  Env e;
  e.load_libraries();
  ASSERT_EQ(e.libs.size(), 3u);
  auto empty = parse(e.call("GET", e.base() + "/whitelist"));
  EXPECT_TRUE(json::get_bool(empty, "all"));
  EXPECT_NE(json::get_string(empty, "meaning").find("every"), std::string::npos);

  auto bad = e.call("PUT", e.base() + "/whitelist", R"({"library_ids":["nope","also-nope"]})");
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("'nope'"), std::string::npos);
  EXPECT_NE(bad->body.find("'also-nope'"), std::string::npos);
  EXPECT_EQ(e.call("PUT", e.base() + "/whitelist", R"({"library_ids":"x"})")->status, 400);
  EXPECT_EQ(e.call("PUT", e.base() + "/whitelist", R"({"library_ids":[1]})")->status, 400);
  EXPECT_EQ(e.call("PUT", e.base() + "/whitelist", R"({})")->status, 400);
  EXPECT_EQ(e.call("PUT", e.base() + "/whitelist", "{")->status, 400);

  auto ok =
      e.call("PUT", e.base() + "/whitelist",
             R"({"library_ids":[")" + e.libs["Movies"] + R"(",")" + e.libs["Shows"] + R"("]})");
  ASSERT_EQ(ok->status, 200) << ok->body;
  auto wl = parse(e.call("GET", e.base() + "/whitelist"));
  EXPECT_FALSE(json::get_bool(wl, "all"));
  // The change is published to auth-service. Events are notifications (Redis
  // holds the state): one published in the ~100 ms before library-service's
  // PUB socket has connected is lost, so a repeated change must get through.
  EXPECT_TRUE(eventually(
      [&] {
        (void)e.call(
            "PUT", e.base() + "/whitelist",
            R"({"library_ids":[")" + e.libs["Movies"] + R"(",")" + e.libs["Shows"] + R"("]})");
        auto m = e.http.get(e.stack.api("/metrics"));
        return m.ok() && m->body.find("jb_events_received_total{topic=\"library.whitelist\"}") !=
                             std::string::npos;
      },
      5000));
  EXPECT_EQ((*json::member(wl, "library_ids")).Size(), 2u);
  auto listed = parse(e.call("GET", e.base() + "/libraries"));
  for (const auto& l : (*json::member(listed, "libraries")).GetArray())
    EXPECT_EQ(json::get_bool(l, "whitelisted"), json::get_string(l, "name") != "Movies 4K");

  // The admin hides "Shows" from demo: it disappears from the server's views.
  auto admin = e.jf.login("admin", "admin-password", "setup");
  auto users = json::parse(e.jf.api("GET", "/Users", *admin, "", "setup")->body);
  for (const auto& u : users->GetArray()) {
    if (json::get_string(u, "Name") != "demo") continue;
    json::Document p;
    p.CopyFrom(*json::member(u, "Policy"), p.GetAllocator());
    p["EnableAllFolders"].SetBool(false);
    json::Value folders(rapidjson::kArrayType);
    folders.PushBack(json::Value(e.libs["Movies"].c_str(), p.GetAllocator()), p.GetAllocator());
    p["EnabledFolders"] = folders;
    ASSERT_EQ(e.jf.api("POST", "/Users/" + json::get_string(u, "Id") + "/Policy", *admin,
                       json::stringify(p), "setup")
                  ->status,
              204);
  }
  (void)e.call("GET", e.base() + "/libraries?refresh=true");
  auto after = parse(e.call("GET", e.base() + "/whitelist"));
  std::map<std::string, std::string> status;
  for (const auto& l : (*json::member(after, "libraries")).GetArray())
    status[json::get_string(l, "id")] = json::get_string(l, "status");
  EXPECT_EQ(status[e.libs["Movies"]], "present");
  EXPECT_EQ(status[e.libs["Shows"]], "missing");  // reported, not silently dropped
}

TEST(Index, BuildsAfterAWhitelistChangeAndAnswersLookups) {
  Env e;
  e.load_libraries();
  ASSERT_EQ(e.call("PUT", e.base() + "/whitelist",
                   R"({"library_ids":[")" + e.libs["Movies"] + R"(",")" + e.libs["Movies 4K"] +
                       R"(",")" + e.libs["Shows"] + R"("]})")
                ->status,
            200);
  ASSERT_TRUE(e.wait_quiet());
  auto idx = e.index();
  EXPECT_GT(count_of(idx, "movies"), 40);  // Movies + their 4K copies
  EXPECT_EQ(count_of(idx, "series"), 4);
  EXPECT_GE(count_of(idx, "episodes"), 20);
  EXPECT_GT(json::get_int(idx, "unmatched"), 0);  // the generator leaves some items without ids
  EXPECT_FALSE(json::get_string(idx, "last_build").empty());
  // The library list now shows both counts: Jellyfin's series count and our indexed entries.
  auto listed = parse(e.call("GET", e.base() + "/libraries"));
  for (const auto& l : (*json::member(listed, "libraries")).GetArray())
    if (json::get_string(l, "name") == "Shows") {
      EXPECT_EQ(json::get_int(l, "child_count", -1), 4);
      EXPECT_GT(json::get_int(l, "indexed_items", -1), 4) << "series and their episodes";
    }
  auto un = parse(e.call("GET", e.base() + "/index/unmatched?count=5"));
  ASSERT_GT((*json::member(un, "items")).Size(), 0u);
  EXPECT_FALSE(json::get_string((*json::member(un, "items"))[0], "reason").empty());
  EXPECT_EQ(e.call("GET", e.base() + "/index/unmatched?count=0")->status, 400);

  // A film and its 4K copy share keys: the lookup returns both.
  auto admin = e.jf.login("admin", "admin-password", "setup");
  auto movies = json::parse(
      e.jf.api("GET",
               "/Items?recursive=true&includeItemTypes=Movie&fields=ProviderIds&parentId=" +
                   e.libs["Movies 4K"],
               *admin, "", "setup")
          ->body);
  std::string tmdb, id4k;
  for (const auto& m : (*json::member(*movies, "Items")).GetArray()) {
    const auto* p = json::member(m, "ProviderIds");
    if (p && json::member(*p, "Tmdb")) {
      tmdb = json::get_string(*p, "Tmdb");
      id4k = json::get_string(m, "Id");
      break;
    }
  }
  ASSERT_FALSE(tmdb.empty());
  auto both = e.refs("movie:tmdb:" + tmdb);
  EXPECT_GE(both.size(), 2u);
  EXPECT_NE(std::find(both.begin(), both.end(), id4k), both.end());
  // Indexing costs pages, not items: 3 libraries × 2 passes, 1000 items a page.
  EXPECT_LE(json::get_int(idx, "jellyfin_requests"), 12);
}

TEST(Index, IncrementalRefreshSeesAddedChangedAndRemovedItems) {
  Env e;
  e.load_libraries();
  ASSERT_EQ(
      e.call("PUT", e.base() + "/whitelist", R"({"library_ids":[")" + e.libs["Movies"] + R"("]})")
          ->status,
      200);
  ASSERT_TRUE(e.wait_quiet());
  int64_t movies = count_of(e.index(), "movies");
  int64_t version = json::get_int(e.index(), "version");
  ASSERT_TRUE(e.jf.advance_clock(3600).ok());  // the next changes happen well after the build
  auto added = e.jf.control(
      "POST", "/__standin/items",
      R"({"Library":"Movies","Type":"Movie","Name":"Brand New","ProviderIds":{"Tmdb":"999001"}})");
  ASSERT_TRUE(added.ok()) << added.error().message;
  std::string new_id = json::get_string(*added, "Id");
  // Change one film's ids and remove another.
  auto admin = e.jf.login("admin", "admin-password", "setup");
  auto list = json::parse(e.jf.api("GET",
                                   "/Items?recursive=true&includeItemTypes=Movie&fields="
                                   "ProviderIds&sortBy=SortName&parentId=" +
                                       e.libs["Movies"],
                                   *admin, "", "setup")
                              ->body);
  std::string changed_id, removed_id, removed_key;
  for (const auto& m : (*json::member(*list, "Items")).GetArray()) {
    const auto* p = json::member(m, "ProviderIds");
    if (!p || !json::member(*p, "Tmdb") || json::get_string(m, "Id") == new_id) continue;
    if (changed_id.empty())
      changed_id = json::get_string(m, "Id");
    else if (removed_id.empty()) {
      removed_id = json::get_string(m, "Id");
      removed_key = "movie:tmdb:" + json::get_string(*p, "Tmdb");
    }
  }
  ASSERT_FALSE(removed_id.empty());
  ASSERT_TRUE(
      e.jf.control("POST", "/__standin/items/" + changed_id, R"({"ProviderIds":{"Tmdb":"999002"}})")
          .ok());
  ASSERT_TRUE(e.jf.control("DELETE", "/__standin/items/" + removed_id).ok());
  ASSERT_TRUE(e.refs(removed_key).size() >= 1);
  ASSERT_EQ(e.call("POST", e.base() + "/index", "{}")->status, 202);
  ASSERT_TRUE(e.wait_index([&](const json::Document& d) {
    return json::get_string(d, "last_kind") == "incremental" &&
           json::get_string(d, "state") == "ready";
  }));
  auto idx = e.index();
  EXPECT_EQ(json::get_int(idx, "version"), version);  // updated in place, not rebuilt
  EXPECT_EQ(count_of(idx, "movies"), movies);         // +1 added −1 removed
  EXPECT_EQ(e.refs("movie:tmdb:999001"), std::vector<std::string>{new_id});
  EXPECT_EQ(e.refs("movie:tmdb:999002"), std::vector<std::string>{changed_id});
  EXPECT_TRUE(e.refs(removed_key).empty() ||
              std::find(e.refs(removed_key).begin(), e.refs(removed_key).end(), removed_id) ==
                  e.refs(removed_key).end());
}

TEST(Index, FailedBuildKeepsTheGoodIndexAndRetryAfterIsHonoured) {
  Env e;
  e.load_libraries();
  ASSERT_EQ(
      e.call("PUT", e.base() + "/whitelist",
             R"({"library_ids":[")" + e.libs["Movies"] + R"(",")" + e.libs["Shows"] + R"("]})")
          ->status,
      200);
  ASSERT_TRUE(e.wait_quiet());
  int64_t version = json::get_int(e.index(), "version");
  int64_t movies = count_of(e.index(), "movies");
  // Every /Items call fails from now on: the next full build fails halfway.
  ASSERT_TRUE(e.jf.add_fault(R"({"Kind":"500","Prefix":"/Items","Rate":1})").ok());
  ASSERT_EQ(e.call("POST", e.base() + "/index", R"({"full":true})")->status, 202);
  ASSERT_TRUE(e.wait_index(
      [](const json::Document& d) { return json::get_string(d, "state") == "failed"; }));
  auto failed = e.index();
  EXPECT_EQ(json::get_int(failed, "version"), version);
  EXPECT_EQ(count_of(failed, "movies"), movies);
  EXPECT_NE(json::get_string(failed, "last_error").find("HTTP 500"), std::string::npos)
      << json::stringify(failed);
  EXPECT_FALSE(e.refs("series:tvdb:0").size());  // a lookup still answers (no error)
  // A 503 with Retry-After: 1 on the first page is waited for and retried.
  ASSERT_TRUE(e.jf.clear_faults().ok());
  ASSERT_TRUE(
      e.jf.add_fault(R"({"Kind":"503","RetryAfterSeconds":1,"Prefix":"/Items","Count":1})").ok());
  ASSERT_EQ(e.call("POST", e.base() + "/index", R"({"full":true})")->status, 202);
  ASSERT_TRUE(e.wait_index([&](const json::Document& d) {
    return json::get_string(d, "state") == "ready" && json::get_int(d, "version") > version;
  }));
}

TEST(Index, TwoLibraryServicesNeverBuildOneConnectionTwiceAtOnce) {
  Env e(std::map<std::string, std::string>{{"JB_INDEX_CONCURRENCY", "2"}});
  // A second library-service replica on the same Redis.
  auto env = e.stack.base_env();
  env["JB_LIBRARY_RPC_BIND"] = e.stack.fresh_endpoint("library-rpc-2");
  env["JB_INDEX_TICK_MS"] = "50";
  for (auto& [k, v] : e.stack.library_keys_env()) env[k] = v;
  auto second = start_service("library-service", env);
  ASSERT_TRUE(second);
  e.load_libraries();
  ASSERT_EQ(
      e.call("PUT", e.base() + "/whitelist", R"({"library_ids":[")" + e.libs["Movies"] + R"("]})")
          ->status,
      200);
  ASSERT_TRUE(e.wait_quiet());
  int64_t before = json::get_int(e.index(), "version");
  ASSERT_TRUE(e.jf.reset_counters().ok());
  ASSERT_TRUE(e.jf.control("POST", "/__standin/latency", R"({"Prefix":"/Items","Ms":300})").ok());
  for (int i = 0; i < 5; ++i) (void)e.call("POST", e.base() + "/index", R"({"full":true})");
  ASSERT_TRUE(e.wait_quiet());
  // Each full build of one library with one page per pass costs 2 /Items
  // requests; overlapping builds would show as requests beyond whole builds.
  // Asks that came in during a build are not lost: at least one more build ran.
  int64_t items_requests = e.jf.requests("GET /Items");
  int64_t builds = json::get_int(e.index(), "version") - before;
  EXPECT_GE(builds, 1);
  EXPECT_EQ(items_requests, builds * 2)
      << "requests " << items_requests << " for " << builds << " builds";
  std::string logs;
  for (const auto& l : e.stack.library->lines()) logs += l;
  for (const auto& l : second->lines()) logs += l;
  EXPECT_EQ(logs.find("\"msg\":\"index build failed\""), std::string::npos);
}
