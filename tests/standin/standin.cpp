// standin.cpp — see standin.h.
#include "tests/standin/standin.h"

#include <algorithm>
#include <cstdio>
#include <thread>

#include "tests/standin/responses.h"
#include "tests/standin/seed.h"
#include "tests/standin/state_file.h"

namespace jb::standin {

GeneratorOptions demo_generator_options() {
  GeneratorOptions g;
  g.movies = 40;
  g.series = 5;
  g.seasons = 2;
  g.episodes = 6;
  g.seed = 1;
  g.variant = 'a';
  g.server_name = "Jellyfin Stand-in Demo";
  return g;
}

CatalogFactory catalog_factory(const StandinOptions& opts) {
  if (!opts.seed_path.empty()) {
    std::string path = opts.seed_path;
    return [path]() { return load_seed_file(path); };
  }
  GeneratorOptions g = opts.generate ? *opts.generate : demo_generator_options();
  return [g]() -> Result<Catalog> { return generate(g); };
}

std::string describe_source(const StandinOptions& opts) {
  if (!opts.seed_path.empty()) return "seed " + opts.seed_path;
  return "generate " + generator_spec(opts.generate ? *opts.generate : demo_generator_options());
}

Result<std::unique_ptr<Standin>> Standin::create(const StandinOptions& opts) {
  std::unique_ptr<Standin> s(new Standin());
  s->opts_ = opts;
  const std::string source = describe_source(opts);
  s->app_ = std::make_unique<App>(opts.app, catalog_factory(opts), source);
  if (opts.state_file.empty()) {
    Status st = s->app_->load();
    if (!st.ok()) return st.error();
  } else {
    Status st = s->load_state_file(source);
    if (!st.ok()) return st.error();
  }
  s->dispatcher_ = std::make_unique<Dispatcher>(*s->app_);
  int hw = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  HttpServerOptions ho;
  ho.host = opts.host;
  ho.port = opts.port;
  ho.worker_threads = opts.threads > 0 ? opts.threads : std::max(8, hw);
  ho.reactor_threads = std::min(hw, 4);
  Dispatcher* d = s->dispatcher_.get();
  // Jellyfin requests are in flight from parsed to answered (control requests are not).
  InFlight* in_flight = &s->app_->in_flight;
  ho.tracker = [d, in_flight](const HttpRequest& r) -> std::shared_ptr<void> {
    if (d->is_control(r)) return nullptr;
    return in_flight->enter();
  };
  const bool log = opts.log_requests;
  // Until start() has recorded the bound address, requests get what a starting Jellyfin
  // answers (503); the flag also orders that write before every handler's reads.
  auto started = s->started_;
  s->server_ = std::make_unique<HttpServer>(ho, [d, log, started](const HttpRequest& r) {
    Reply reply;
    if (started->load(std::memory_order_acquire))
      reply = d->handle(r);
    else
      reply.response = unavailable_response(-1);
    if (log) {
      // The path only: query strings may carry api_key/ApiKey tokens.
      std::string outcome = reply.kind == Reply::Kind::kDrop ? "drop"
                            : reply.kind == Reply::Kind::kHang
                                ? "hang"
                                : std::to_string(reply.response.status);
      std::fprintf(stderr, "standin: %s %s -> %s\n", r.method.c_str(), r.path.c_str(),
                   outcome.c_str());
    }
    return reply;
  });
  return s;
}

Status Standin::load_state_file(const std::string& source) {
  const std::string& path = opts_.state_file;
  auto saved = read_state_file(path);
  if (!saved) return saved.error();
  if (*saved) {
    if (!(*saved)->source.empty() && (*saved)->source != source)
      std::fprintf(stderr,
                   "jellyfin-standin: the state file %s holds content from \"%s\", not from "
                   "\"%s\"; serving the saved state (POST /__standin/reset, or deleting the "
                   "file, starts from the new content)\n",
                   path.c_str(), (*saved)->source.c_str(), source.c_str());
    Status st = app_->load_saved(restore_state(std::move(**saved)));
    if (!st.ok()) return st;
    state_loaded_ = true;
  } else {
    Status st = app_->load();
    if (!st.ok()) return st;
  }
  saver_ = std::make_unique<StateSaver>(app_->store, path, opts_.state_save_interval);
  // Creates the file (or rewrites the loaded one), so an unwritable location
  // is a start-up error rather than a silent failure later.
  save_status_ = saver_->save_now();
  return save_status_;
}

Standin::~Standin() {
  stop();
}

Status Standin::start() {
  Status st = server_->start();
  if (!st.ok()) return st;
  app_->set_local_address(opts_.host, server_->port());
  started_->store(true, std::memory_order_release);
  if (saver_) saver_->start();
  return Status::Ok();
}

void Standin::stop() {
  if (server_) server_->stop();
  if (saver_) save_status_ = saver_->stop();
}

std::string Standin::root_url() const {
  std::string host =
      opts_.host.find(':') != std::string::npos ? "[" + opts_.host + "]" : opts_.host;
  return "http://" + host + ":" + std::to_string(port());
}

std::string Standin::base_url() const {
  return root_url() + opts_.app.base_path;
}

}  // namespace jb::standin
