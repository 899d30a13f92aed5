// standin.h — the Jellyfin stand-in as one object: the App (state, faults,
// clock), the Dispatcher and the HTTP server. Tests create one in-process
// (port 0, cheap hashing) and talk to it over HTTP; main.cpp wraps it in a
// process. The seed source is a seed file, generator options, or the demo
// dataset.
//
// Thread-safety: create/start/stop from one thread; app() is thread-safe as
// documented in app.h.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/result.h"
#include "tests/standin/app.h"
#include "tests/standin/dispatch.h"
#include "tests/standin/generator.h"
#include "tests/standin/http_server.h"

namespace jb::standin {

struct StandinOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string seed_path;                     // a seed file, or
  std::optional<GeneratorOptions> generate;  // generated content, or
  bool demo = false;                         // the demo dataset (default when none is given)
  int threads = 0;                           // worker threads; 0 = max(4, cores)
  bool log_requests = false;                 // one stderr line per request (path only, no query)
  AppSettings app;
};

class Standin {
 public:
  static Result<std::unique_ptr<Standin>> create(const StandinOptions& opts);
  ~Standin();
  Standin(const Standin&) = delete;
  Standin& operator=(const Standin&) = delete;

  Status start();
  void stop();
  uint16_t port() const { return server_ ? server_->port() : 0; }
  // http://host:port + base path, no trailing slash.
  std::string base_url() const;
  // http://host:port (the control API is also served there).
  std::string root_url() const;
  App& app() { return *app_; }

 private:
  Standin() = default;
  StandinOptions opts_;
  std::unique_ptr<App> app_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<HttpServer> server_;
};

// The catalog factory for the options (seed file, generator or demo).
CatalogFactory catalog_factory(const StandinOptions& opts);
GeneratorOptions demo_generator_options();

}  // namespace jb::standin
