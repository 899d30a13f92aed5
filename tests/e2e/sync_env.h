// sync_env.h — the end-to-end sync fixture: two Jellyfin stand-ins (the same
// catalogue as variant a and b, so ids, paths and user data differ), Redis,
// library-service, auth-service and any number of real sync-workers; the demo
// user signed in with a connection to each server; helpers to make pairs, run
// them, and read or set user data straight on the stand-ins.
//
// Thread-safety: one test thread.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/core/json.h"
#include "common/net/http_client.h"
#include "tests/support/eventually.h"
#include "tests/support/stack.h"
#include "tests/support/standin.h"

namespace jb::testing {

struct UserState {
  bool favorite = false, played = false;
  int64_t position = 0, play_count = 0;
  std::string last_played;  // as the server wrote it ("" = none)
};

// A title on both servers (matched by its Imdb id / series+episode numbers).
struct Title {
  std::string a, b;  // item ids on server A and B
  std::string name, type;
};

class SyncEnv {
 public:
  // `a_args`/`b_args`: stand-in content (defaults: a small generated catalogue).
  SyncEnv(std::vector<std::string> a_args, std::vector<std::string> b_args, int workers = 2,
          std::map<std::string, std::string> worker_env = {});
  ~SyncEnv();  // prints the services' warnings when the test failed
  bool ok() const { return ok_; }

  Standin a, b;
  Stack stack;
  HttpClient http;
  std::string token, conn_a, conn_b;

  Result<HttpResponse> call(const std::string& method, const std::string& path,
                            const std::string& body = "");
  json::Document json_of(const Result<HttpResponse>& r);

  // POST /api/v1/pairs with `extra` members merged in (source A, target B by default).
  std::string create_pair(const std::string& extra_json_members = "", bool reverse = false);
  std::string start_run(const std::string& pair_id);
  // Waits for succeeded|failed|held; returns the run JSON.
  json::Document wait_run(const std::string& run_id, int timeout_ms = 60000);
  // Starts a run and waits for it.
  json::Document run(const std::string& pair_id, int timeout_ms = 60000);
  int64_t counter(const json::Value& run, const char* feature, const char* kind);
  std::vector<json::Document> run_items(const std::string& run_id);

  // User data straight from a stand-in (as the demo user).
  std::map<std::string, UserState> user_data(Standin& s, const std::vector<std::string>& ids);
  UserState state(Standin& s, const std::string& id) { return user_data(s, {id})[id]; }
  Status set_user_data(Standin& s, const std::string& id, const std::string& json_members);
  // Movies and episodes present on both servers, matched by provider ids.
  std::vector<Title> titles(const std::string& type);  // "Movie" | "Episode"
  // Ids of every item of a type with exactly this name on a server (duplicate copies).
  std::vector<std::string> ids_named(Standin& s, const std::string& type, const std::string& name);
  std::string demo_token(Standin& s);
  // Marks an item as being played right now by the demo user (GET /Sessions shows it).
  Status set_playing(Standin& s, const std::string& id);
  // Items of a run with a given action (and feature, when given).
  std::vector<json::Document> items_with(const std::string& run_id, const std::string& action,
                                         const std::string& feature = "");

 private:
  bool ok_ = false;
  std::map<int, std::string> tokens_;  // stand-in port → demo token
};

}  // namespace jb::testing
