// standin.cpp — see standin.h.
#include "tests/standin/standin.h"

#include <algorithm>
#include <cstdio>
#include <thread>

#include "tests/standin/seed.h"

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

Result<std::unique_ptr<Standin>> Standin::create(const StandinOptions& opts) {
  std::unique_ptr<Standin> s(new Standin());
  s->opts_ = opts;
  s->app_ = std::make_unique<App>(opts.app, catalog_factory(opts));
  Status st = s->app_->load();
  if (!st.ok()) return st.error();
  s->dispatcher_ = std::make_unique<Dispatcher>(*s->app_);
  int hw = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  HttpServerOptions ho;
  ho.host = opts.host;
  ho.port = opts.port;
  ho.worker_threads = opts.threads > 0 ? opts.threads : std::max(4, hw);
  ho.reactor_threads = std::min(hw, 4);
  Dispatcher* d = s->dispatcher_.get();
  const bool log = opts.log_requests;
  s->server_ = std::make_unique<HttpServer>(ho, [d, log](const HttpRequest& r) {
    Reply reply = d->handle(r);
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

Standin::~Standin() {
  stop();
}

Status Standin::start() {
  Status st = server_->start();
  if (!st.ok()) return st;
  app_->set_local_address(opts_.host, server_->port());
  return Status::Ok();
}

void Standin::stop() {
  if (server_) server_->stop();
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
