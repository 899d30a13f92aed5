// sync_env.cpp — see sync_env.h.
#include "tests/e2e/sync_env.h"

#include <gtest/gtest.h>

#include <thread>

#include "common/core/text.h"
#include "common/core/time.h"
#include "tests/support/eventually.h"

namespace jb::testing {

SyncEnv::SyncEnv(std::vector<std::string> a_args, std::vector<std::string> b_args, int workers,
                 std::map<std::string, std::string> worker_env)
    : a(std::move(a_args)), b(std::move(b_args)) {
  if (!a.ok() || !b.ok()) return;
  if (!stack.start_library({{"JB_INDEX_TICK_MS", "100"}})) return;
  if (!stack.start_auth({{"JB_JELLYFIN_URL", a.url()}, {"JB_RPC_TIMEOUT_MS", "5000"}})) return;
  worker_env.emplace("JB_SCHEDULE_TICK_MS", "200");
  worker_env.emplace("JB_JELLYFIN_TIMEOUT_MS", "3000");
  for (int i = 0; i < workers; ++i)
    if (!stack.start_worker("w" + std::to_string(i + 1), worker_env)) return;
  auto login = http.post_json(stack.api("/api/v1/auth/login"),
                              R"({"username":"demo","password":"demo-password"})");
  auto ld = json_of(login);
  if (const auto* s = json::member(ld, "session")) token = json::get_string(*s, "token");
  if (token.empty()) return;
  auto conns = json_of(call("GET", "/api/v1/connections"));
  const auto* list = json::member(conns, "connections");
  if (!list || list->Size() != 1) return;
  conn_a = json::get_string((*list)[0], "id");
  json::Writer w;
  w.begin_object()
      .kv("method", "password")
      .kv("server_url", b.url())
      .kv("username", "demo")
      .kv("password", "demo-password")
      .end_object();
  conn_b = json::get_string(json_of(call("POST", "/api/v1/connections", w.str())), "id");
  ok_ = !conn_a.empty() && !conn_b.empty();
}

SyncEnv::~SyncEnv() {
  if (!::testing::Test::HasFailure()) return;
  int shown = 0;
  for (const auto& l : stack.all_logs())
    if (l.find("\"msg\":\"http\"") == std::string::npos &&
        (std::getenv("JB_TEST_ALL_LOGS") || l.find("\"warn\"") != std::string::npos ||
         l.find("\"error\"") != std::string::npos) &&
        shown++ < 200)
      std::fprintf(stderr, "[log] %s\n", l.c_str());
}

Result<HttpResponse> SyncEnv::call(const std::string& method, const std::string& path,
                                   const std::string& body) {
  HttpRequest r;
  r.method = method;
  r.url = stack.api(path);
  r.body = body;
  r.headers = {{"Authorization", "Bearer " + token}};
  if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
  return http.send(r);
}

json::Document SyncEnv::json_of(const Result<HttpResponse>& r) {
  json::Document d;
  d.SetObject();
  if (r.ok()) {
    auto p = json::parse(r->body);
    if (p.ok()) d = std::move(*p);
  }
  return d;
}

std::string SyncEnv::create_pair(const std::string& extra, bool reverse) {
  std::string body = "{\"source\":\"" + (reverse ? conn_b : conn_a) + "\",\"target\":\"" +
                     (reverse ? conn_a : conn_b) + "\"" + (extra.empty() ? "" : "," + extra) + "}";
  auto r = call("POST", "/api/v1/pairs", body);
  if (!r.ok() || r->status != 201) {
    std::fprintf(stderr, "create_pair failed: %s\n",
                 r.ok() ? r->body.c_str() : r.error().message.c_str());
    return "";
  }
  return json::get_string(json_of(r), "id");
}

std::string SyncEnv::start_run(const std::string& pair_id) {
  auto r = call("POST", "/api/v1/pairs/" + pair_id + "/runs");
  if (!r.ok() || r->status != 202) {
    std::fprintf(stderr, "start_run failed: %s\n",
                 r.ok() ? r->body.c_str() : r.error().message.c_str());
    return "";
  }
  return json::get_string(json_of(r), "run_id");
}

json::Document SyncEnv::wait_run(const std::string& run_id, int timeout_ms) {
  json::Document last;
  eventually(
      [&] {
        last = json_of(call("GET", "/api/v1/runs/" + run_id));
        std::string st = json::get_string(last, "state");
        return st == "succeeded" || st == "failed" || st == "held";
      },
      timeout_ms);
  return last;
}

json::Document SyncEnv::run(const std::string& pair_id, int timeout_ms) {
  return wait_run(start_run(pair_id), timeout_ms);
}

int64_t SyncEnv::counter(const json::Value& run, const char* feature, const char* kind) {
  const auto* c = json::member(run, "counters");
  const auto* f = c ? json::member(*c, feature) : nullptr;
  return f ? json::get_int(*f, kind, -1) : -1;
}

std::vector<json::Document> SyncEnv::run_items(const std::string& run_id) {
  std::vector<json::Document> out;
  for (int64_t start = 0;; start += 1000) {
    auto d = json_of(call(
        "GET", "/api/v1/runs/" + run_id + "/items?start=" + std::to_string(start) + "&count=1000"));
    const auto* items = json::member(d, "items");
    if (!items || items->Size() == 0) break;
    for (const auto& it : items->GetArray()) {
      json::Document one;
      one.CopyFrom(it, one.GetAllocator());
      out.push_back(std::move(one));
    }
    if (items->Size() < 1000) break;
  }
  return out;
}

Status SyncEnv::set_playing(Standin& s, const std::string& id) {
  auto r = s.control("POST", "/__standin/playing",
                     "{\"User\":\"demo\",\"ItemId\":\"" + id + "\",\"PositionTicks\":1}");
  if (!r.ok()) return r.error();
  return Status::Ok();
}

std::vector<json::Document> SyncEnv::items_with(const std::string& run_id,
                                                const std::string& action,
                                                const std::string& feature) {
  std::vector<json::Document> out;
  for (auto& d : run_items(run_id))
    if (json::get_string(d, "action") == action &&
        (feature.empty() || json::get_string(d, "feature") == feature))
      out.push_back(std::move(d));
  return out;
}

std::string SyncEnv::demo_token(Standin& s) {
  auto& t = tokens_[s.port()];
  if (t.empty()) {
    auto l = s.login("demo", "demo-password", "sync-test");
    if (l.ok()) t = *l;
  }
  return t;
}

std::map<std::string, UserState> SyncEnv::user_data(Standin& s,
                                                    const std::vector<std::string>& ids) {
  std::map<std::string, UserState> out;
  std::string tok = demo_token(s);
  auto me = s.api("GET", "/Users/Me", tok, "", "sync-test");
  std::string uid = me.ok() ? json::get_string(json_of(me), "Id") : "";
  for (size_t from = 0; from < ids.size(); from += 100) {
    std::vector<std::string> slice(
        ids.begin() + static_cast<long>(from),
        ids.begin() + static_cast<long>(std::min(ids.size(), from + 100)));
    auto r = s.api("GET", "/Items?userId=" + uid + "&ids=" + text::join(slice, ","), tok, "",
                   "sync-test");
    auto d = json_of(r);
    const auto* items = json::member(d, "Items");
    if (!items) continue;
    for (const auto& it : items->GetArray()) {
      UserState st;
      if (const auto* ud = json::member(it, "UserData")) {
        st.favorite = json::get_bool(*ud, "IsFavorite");
        st.played = json::get_bool(*ud, "Played");
        st.position = json::get_int(*ud, "PlaybackPositionTicks");
        st.play_count = json::get_int(*ud, "PlayCount");
        st.last_played = json::get_string(*ud, "LastPlayedDate");
      }
      out[json::get_string(it, "Id")] = st;
    }
  }
  return out;
}

Status SyncEnv::set_user_data(Standin& s, const std::string& id, const std::string& members) {
  auto r = s.control("POST", "/__standin/userdata",
                     "{\"User\":\"demo\",\"ItemId\":\"" + id + "\"," + members + "}");
  if (!r.ok()) return r.error();
  return Status::Ok();
}

std::vector<std::string> SyncEnv::ids_named(Standin& s, const std::string& type,
                                            const std::string& name) {
  std::vector<std::string> out;
  auto d = json_of(
      s.api("GET",
            "/Items?recursive=true&includeItemTypes=" + type + "&enableUserData=false&limit=100000",
            demo_token(s), "", "sync-test"));
  if (const auto* items = json::member(d, "Items"))
    for (const auto& it : items->GetArray())
      if (json::get_string(it, "Name") == name) out.push_back(json::get_string(it, "Id"));
  return out;
}

std::vector<Title> SyncEnv::titles(const std::string& type) {
  auto list = [&](Standin& s) {
    std::map<std::string, std::pair<std::string, std::string>> byk;  // key → id, name
    std::string tok = demo_token(s);
    auto r = s.api("GET",
                   "/Items?recursive=true&includeItemTypes=" + type +
                       "&fields=ProviderIds&enableUserData=false&limit=100000",
                   tok, "", "sync-test");
    auto d = json_of(r);
    const auto* items = json::member(d, "Items");
    if (!items) return byk;
    for (const auto& it : items->GetArray()) {
      std::string key;
      if (type == "Episode") {
        key = json::get_string(it, "SeriesName") + "/" +
              std::to_string(json::get_int(it, "ParentIndexNumber")) + "/" +
              std::to_string(json::get_int(it, "IndexNumber")) + "/" +
              std::to_string(json::get_int(it, "IndexNumberEnd"));
      } else if (const auto* p = json::member(it, "ProviderIds"); p && p->IsObject()) {
        key = json::get_string(*p, "Imdb");
      }
      if (key.empty() || key == "tt" || key == "0") continue;
      if (byk.count(key))
        key += "#" + json::get_string(it, "Id");  // duplicates (4K copies) stay apart
      byk[key] = {json::get_string(it, "Id"), json::get_string(it, "Name")};
    }
    return byk;
  };
  auto la = list(a), lb = list(b);
  std::vector<Title> out;
  for (const auto& [k, v] : la) {
    auto f = lb.find(k);
    if (f != lb.end()) out.push_back({v.first, f->second.first, v.second, type});
  }
  return out;
}

}  // namespace jb::testing
