// standin.h — the Jellyfin stand-in as one object: the App (state, faults,
// clock), the Dispatcher and the HTTP server. Tests create one in-process
// (port 0, cheap hashing) and talk to it over HTTP; main.cpp wraps it in a
// process. The seed source is a seed file, generator options, or the demo
// dataset; with a state file the server starts from the saved state when
// there is one and keeps the file up to date (state_saver.h).
//
// Thread-safety: create/start/stop from one thread; app() is thread-safe as
// documented in app.h.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/core/result.h"
#include "tests/standin/app.h"
#include "tests/standin/dispatch.h"
#include "tests/standin/generator.h"
#include "tests/standin/http_server.h"
#include "tests/standin/state_saver.h"

namespace jb::standin {

struct StandinOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string seed_path;                     // a seed file, or
  std::optional<GeneratorOptions> generate;  // generated content, or
  bool demo = false;                         // the demo dataset (default when none is given)
  int threads = 0;                           // worker threads; 0 = max(8, cores)
  bool log_requests = false;                 // one stderr line per request (path only, no query)
  // --state-file: start from it when it exists (else from the seed, creating
  // it) and save changes to it (docs/standin.md, "State files").
  std::string state_file;
  std::chrono::milliseconds state_save_interval{1000};  // at most one save per interval
  AppSettings app;
};

class Standin {
 public:
  static Result<std::unique_ptr<Standin>> create(const StandinOptions& opts);
  ~Standin();
  Standin(const Standin&) = delete;
  Standin& operator=(const Standin&) = delete;

  // Starts serving (and the state saver); create() has loaded the state.
  Status start();
  // Stops serving, then saves the state file a last time if it changed.
  void stop();
  // The outcome of the last state-file save (Ok without a state file).
  Status save_status() const { return save_status_; }
  // Whether the state came from the state file (false: from the seed).
  bool state_loaded() const { return state_loaded_; }
  uint16_t port() const { return server_ ? server_->port() : 0; }
  // http://host:port + base path, no trailing slash.
  std::string base_url() const;
  // http://host:port (the control API is also served there).
  std::string root_url() const;
  App& app() { return *app_; }

 private:
  Standin() = default;
  // Loads the state file, or the seed when there is none, and saves it.
  Status load_state_file(const std::string& source);
  StandinOptions opts_;
  std::unique_ptr<App> app_;
  std::unique_ptr<StateSaver> saver_;  // with a state file
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<HttpServer> server_;
  // Set once start() knows the bound address; handlers answer 503 before.
  std::shared_ptr<std::atomic<bool>> started_ = std::make_shared<std::atomic<bool>>(false);
  Status save_status_;
  bool state_loaded_ = false;
};

// The catalog factory for the options (seed file, generator or demo).
CatalogFactory catalog_factory(const StandinOptions& opts);
// The content options in words ("seed fixtures/small.json", "generate
// movies=…"), recorded in a state file as its "Source".
std::string describe_source(const StandinOptions& opts);
GeneratorOptions demo_generator_options();

}  // namespace jb::standin
