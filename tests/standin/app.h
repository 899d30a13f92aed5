// app.h — the application object every route handler works with: the shared
// Store, fault/latency/counter state, the controllable Clock, runtime
// switches (legacy auth, Quick Connect) and the fixed server identity. It
// also knows how to (re)build the State from the seed source, which is what
// POST /__standin/reset does, and how to start from a saved State instead
// (--state-file).
//
// Thread-safety: members are individually thread-safe (Store, Faults,
// InFlight, Clock, atomics); `server` and `settings` are immutable after load()/load_saved().
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "common/core/result.h"
#include "tests/standin/clock.h"
#include "tests/standin/dto.h"
#include "tests/standin/faults.h"
#include "tests/standin/in_flight.h"
#include "tests/standin/request_log.h"
#include "tests/standin/store.h"

namespace jb::standin {

using CatalogFactory = std::function<Result<Catalog>()>;

struct AppSettings {
  std::string server_name;  // overrides the seed's when non-empty
  std::string server_id;    // overrides the seed's when non-empty (any GUID form)
  std::string version = "10.11.11";
  std::string base_path;  // "" or "/jellyfin"
  bool legacy_auth = true;
  bool quick_connect = true;
  int pbkdf2_iterations = 210000;
  int64_t latency_ms = 0;
};

class App {
 public:
  // source: describe_source() of the content options (State::source).
  App(AppSettings settings, CatalogFactory factory, std::string source = "");
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Builds the State from the factory (hashing seed passwords).
  Status load();
  // Starts from a saved State (--state-file) instead of the factory; the
  // --server-name/--server-id overrides still apply. reset() still goes back
  // to the factory's seed.
  Status load_saved(State saved);
  // Back to the seed: content, tokens, Quick Connect, faults, counters, request log,
  // in-flight maximum (to the current count), clock offset and runtime switches.
  Status reset();
  // Called once the port is known.
  void set_local_address(const std::string& host, int port);

  Result<std::string> hash_password(std::string_view password) const;

  Store store;
  Faults faults;
  RequestLog requests;
  InFlight in_flight;  // Jellyfin requests being handled now, and the most at once
  Clock clock;
  std::atomic<bool> legacy_auth;
  std::atomic<bool> quick_connect;
  ServerInfo server;
  int port = 0;
  const AppSettings settings;

 private:
  Result<State> build_state();
  // Applies the identity overrides and hashes plain seed passwords.
  Status prepare(Catalog& c);
  void install(State s);
  CatalogFactory factory_;
  std::string source_;
  std::mutex hash_cache_mu_;
  std::map<std::string, std::string> hash_cache_;  // seed password → PHC hash
};

}  // namespace jb::standin
