// http_server.cpp — see http_server.h.
#include "common/http_server.h"

#include <pistache/endpoint.h>
#include <pistache/http.h>

#include <chrono>
#include <sstream>

#include "common/log.h"
#include "common/text.h"
#include "common/thread_pool.h"
#include "common/time.h"

namespace jb::http {

namespace P = Pistache;

// ------------------------------------------------------------ Request/Response

std::string Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (text::iequals(k, name)) return v;
  return {};
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return v;
  return std::nullopt;
}

std::string Request::param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? "" : it->second;
}

Response Response::json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

Response Response::no_content() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Response Response::problem(const Problem& p) {
  Response r;
  r.status = p.status;
  r.content_type = kProblemContentType;
  r.body = problem_json(p);
  if (p.retry_after_s >= 0) r.headers.emplace_back("Retry-After", std::to_string(p.retry_after_s));
  return r;
}

Response Response::error(const Error& e, int fallback_status) {
  return problem(problem_from_error(e, fallback_status));
}

std::string bearer_token(const Request& r) {
  std::string h = r.header("Authorization");
  std::string_view v = text::trim(h);
  if (!text::istarts_with(v, "bearer ")) return "";
  return std::string(text::trim(v.substr(7)));
}

// ------------------------------------------------------------------ Responder

struct Responder::State {
  std::optional<P::Http::ResponseWriter> writer;
  std::atomic<bool> done{false};
  std::string method, route, request_id, peer_ip;
  int64_t start_us = 0;
  bool access_log = true;
  metrics::Registry* registry = nullptr;
  std::string server_name;
};

namespace {

// Pistache writes only typed headers in responses (raw ones are dropped), so
// every header we send goes through this runtime-named typed header.
class DynHeader : public P::Http::Header::Header {
 public:
  DynHeader(std::string n, std::string v) : name_(std::move(n)), value_(std::move(v)) {}
  const char* name() const override { return name_.c_str(); }
  void parse(const std::string& data) override { value_ = data; }
  void write(std::ostream& os) const override { os << value_; }
  uint64_t hash() const override { return P::Http::Header::detail::hash(name_.c_str()); }

 private:
  std::string name_, value_;
};

void add_header(P::Http::ResponseWriter& w, const std::string& k, const std::string& v) {
  w.headers().add(std::make_shared<DynHeader>(k, v));
}

void write_response(Responder::State& st, Response r) {
  if (st.done.exchange(true)) return;
  auto& w = *st.writer;
  // Metrics are recorded before the response goes out: a client that reads
  // /metrics right after its answer must find its request counted.
  double secs = static_cast<double>(timeutil::now_unix_us() - st.start_us) / 1e6;
  if (st.registry) {
    st.registry
        ->counter("jb_http_requests_total", "HTTP requests answered",
                  {{"server", st.server_name}, {"route", st.route}, {"method", st.method},
                   {"status", std::to_string(r.status)}})
        .inc();
    st.registry
        ->histogram("jb_http_request_duration_seconds", "HTTP request latency",
                    {{"server", st.server_name}, {"route", st.route}})
        .observe(secs);
  }
  try {
    if (!r.content_type.empty() && r.status != 204)
      add_header(w, "Content-Type", r.content_type);
    add_header(w, "X-Request-Id", st.request_id);
    add_header(w, "Cache-Control", "no-store");
    add_header(w, "X-Content-Type-Options", "nosniff");
    for (const auto& [k, v] : r.headers) add_header(w, k, v);
    for (const auto& c : r.cookies) {
      P::Http::Cookie ck(c.name, c.value);
      ck.path = c.path;
      if (c.max_age) ck.maxAge = *c.max_age;
      ck.httpOnly = c.http_only;
      ck.secure = c.secure;
      if (!c.same_site.empty()) ck.ext["SameSite"] = c.same_site;
      w.cookies().add(ck);
    }
    w.send(static_cast<P::Http::Code>(r.status), r.status == 204 ? std::string() : r.body);
  } catch (const std::exception& e) {
    log::debug("response not delivered", {{"error", e.what()}});
  }
  if (st.access_log) {
    log::RequestScope scope(st.request_id);
    log::info("http", {{"method", st.method}, {"route", st.route}, {"status", r.status},
                       {"ms", static_cast<int64_t>(secs * 1000)}, {"peer", st.peer_ip}});
  }
}

}  // namespace

Responder::~Responder() {
  if (s_ && !s_->done.load())
    write_response(*s_, Response::problem(make_problem(500, "internal", "The request was not answered.")));
}

void Responder::send(Response r) {
  if (s_) write_response(*s_, std::move(r));
}

// --------------------------------------------------------------------- Server

struct RouteEntry {
  std::string method, pattern;
  std::vector<std::string> segments;  // the pattern, split once
  Handler handler;
  AsyncHandler async;
  Exec exec = Exec::pool;
  FastPath fast;
  bool deferred = false;  // async handler run on the pool
};

struct Server::Impl {
  ServerOptions opts;
  metrics::Registry& registry;
  std::vector<RouteEntry> routes;
  std::unique_ptr<P::Http::Endpoint> endpoint;
  std::unique_ptr<ThreadPool> pool;
  std::atomic<bool> running{false};

  Impl(ServerOptions o, metrics::Registry& r) : opts(std::move(o)), registry(r) {}

  void dispatch(const P::Http::Request& preq, P::Http::ResponseWriter writer);
};

namespace {

std::string sane_request_id(const std::string& in) {
  if (in.empty() || in.size() > 64) return log::new_request_id();
  for (char c : in)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return log::new_request_id();
  return in;
}

class PHandler : public P::Http::Handler {
 public:
  HTTP_PROTOTYPE(PHandler)
  explicit PHandler(Server::Impl* impl) : impl_(impl) {}
  void onRequest(const P::Http::Request& req, P::Http::ResponseWriter writer) override {
    impl_->dispatch(req, std::move(writer));
  }

 private:
  Server::Impl* impl_;
};

}  // namespace

namespace {
bool match_segments(const std::vector<std::string>& ps, const std::vector<std::string>& xs,
                    std::map<std::string, std::string>& params) {
  if (ps.size() != xs.size()) return false;
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < ps.size(); ++i) {
    const auto& p = ps[i];
    if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
      out[p.substr(1, p.size() - 2)] = text::url_decode(xs[i]);
    } else if (p != xs[i]) {
      return false;
    }
  }
  params = std::move(out);
  return true;
}
}  // namespace

bool Server::match(const std::string& pattern, const std::string& path,
                   std::map<std::string, std::string>& params) {
  return match_segments(text::split(pattern, '/'), text::split(path, '/'), params);
}

void Server::Impl::dispatch(const P::Http::Request& preq, P::Http::ResponseWriter writer) {
  auto st = std::make_shared<Responder::State>();
  st->writer.emplace(std::move(writer));
  st->start_us = timeutil::now_unix_us();
  st->access_log = opts.access_log;
  st->registry = &registry;
  st->server_name = opts.name;

  auto req = std::make_shared<Request>();
  req->method = P::Http::methodString(preq.method());
  req->path = preq.resource();
  req->body = preq.body();
  req->peer_ip = preq.address().host();
  for (const auto& h : preq.headers().list()) {
    std::ostringstream os;
    h->write(os);
    req->headers.emplace_back(h->name(), os.str());
  }
  for (const auto& [name, raw] : preq.headers().rawList()) req->headers.emplace_back(raw.name(), raw.value());
  for (const auto& c : preq.cookies()) req->cookies[c.name] = c.value;
  for (auto it = preq.query().parameters_begin(); it != preq.query().parameters_end(); ++it)
    req->query.emplace_back(text::form_decode(it->first), text::form_decode(it->second));
  req->request_id = sane_request_id(req->header("X-Request-Id"));

  st->method = req->method;
  st->request_id = req->request_id;
  st->peer_ip = req->peer_ip;
  st->route = "(unmatched)";
  Responder responder(st);

  // Route lookup: exact pattern match, then method.
  const RouteEntry* found = nullptr;
  std::vector<std::string> allowed;
  const auto path_segments = text::split(req->path, '/');
  for (const auto& r : routes) {
    std::map<std::string, std::string> params;
    if (!match_segments(r.segments, path_segments, params)) continue;
    allowed.push_back(r.method);
    if (r.method == req->method && found == nullptr) {
      found = &r;
      req->params = std::move(params);
      req->route = r.pattern;
    }
  }
  if (found == nullptr) {
    if (allowed.empty()) {
      responder.send(Response::problem(make_problem(404, "not_found", "There is no resource at " + req->path + ".")));
    } else {
      std::string allow;
      for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
      Response r = Response::problem(make_problem(
          405, "method_not_allowed", req->method + " is not allowed on " + req->path + "; use " + allow + "."));
      r.headers.emplace_back("Allow", allow);
      responder.send(std::move(r));
    }
    return;
  }
  st->route = found->pattern;
  if (req->body.size() > opts.max_body_bytes) {
    responder.send(Response::problem(make_problem(
        413, "body_too_large",
        "The request body is " + std::to_string(req->body.size()) + " bytes; the limit is " +
            std::to_string(opts.max_body_bytes) + " bytes.")));
    return;
  }
  if (found->async && found->deferred) {
    AsyncHandler ah = found->async;
    auto moved = std::make_shared<Responder>(std::move(responder));
    if (!pool->submit([ah, req, moved]() mutable {
          log::RequestScope scope(req->request_id);
          ah(*req, std::move(*moved));
        })) {
      moved->send(Response::problem(make_problem(503, "overloaded", "The server is busy; retry shortly.")));
    }
    return;
  }
  if (found->async) {
    log::RequestScope scope(req->request_id);
    found->async(*req, std::move(responder));
    return;
  }
  if (found->fast) {
    log::RequestScope scope(req->request_id);
    std::optional<Response> quick;
    try {
      quick = found->fast(*req);
    } catch (const std::exception& e) {
      log::error("fast path threw", {{"route", req->route}, {"error", e.what()}});
    }
    if (quick) {
      responder.send(std::move(*quick));
      return;
    }
  }
  Handler h = found->handler;
  auto run = [h, req, st]() mutable {
    Responder resp(st);
    log::RequestScope scope(req->request_id);
    try {
      resp.send(h(*req));
    } catch (const std::exception& e) {
      log::error("handler threw", {{"route", req->route}, {"error", e.what()}});
      resp.send(Response::problem(make_problem(500, "internal", "An internal error occurred.")));
    }
  };
  if (found->exec == Exec::inline_) {
    run();
    return;
  }
  // The Responder keeps State alive; the pool task takes over answering.
  auto moved = std::make_shared<Responder>(std::move(responder));
  if (!pool->submit([run, moved]() mutable {
        Responder hold = std::move(*moved);  // released after run() answered
        run();
      })) {
    moved->send(Response::problem(make_problem(503, "overloaded", "The server is busy; retry shortly.")));
  }
}

Server::Server(ServerOptions opts, metrics::Registry& registry)
    : impl_(std::make_unique<Impl>(std::move(opts), registry)) {}

Server::~Server() { stop(); }

void Server::route(const std::string& method, const std::string& pattern, Handler h, Exec exec) {
  impl_->routes.push_back(RouteEntry{method, pattern, text::split(pattern, '/'), std::move(h), nullptr, exec, nullptr});
}

void Server::route_async(const std::string& method, const std::string& pattern, AsyncHandler h) {
  impl_->routes.push_back(RouteEntry{method, pattern, text::split(pattern, '/'), nullptr, std::move(h), Exec::inline_, nullptr});
}

void Server::route_deferred(const std::string& method, const std::string& pattern, AsyncHandler h) {
  RouteEntry e{method, pattern, text::split(pattern, '/'), nullptr, std::move(h), Exec::pool, nullptr};
  e.deferred = true;
  impl_->routes.push_back(std::move(e));
}

void Server::route_fast(const std::string& method, const std::string& pattern, FastPath fast, Handler h) {
  impl_->routes.push_back(RouteEntry{method, pattern, text::split(pattern, '/'), std::move(h), nullptr, Exec::pool, std::move(fast)});
}

Status Server::start() {
  auto& m = *impl_;
  m.pool = std::make_unique<ThreadPool>(m.opts.pool_threads, m.opts.pool_queue, m.opts.name);
  try {
    P::Address addr(m.opts.host, P::Port(m.opts.port));
    m.endpoint = std::make_unique<P::Http::Endpoint>(addr);
    auto o = P::Http::Endpoint::options()
                 .threads(m.opts.reactor_threads)
                 .flags(P::Tcp::Options::ReuseAddr)
                 .maxRequestSize(m.opts.max_request_bytes)
                 .maxResponseSize(64u << 20);
    m.endpoint->init(o);
    m.endpoint->setHandler(P::Http::make_handler<PHandler>(&m));
    m.endpoint->serveThreaded();
  } catch (const std::exception& e) {
    m.endpoint.reset();
    return Error("http_bind", "Cannot listen on " + m.opts.host + ":" + std::to_string(m.opts.port) +
                                  ": " + e.what() + ".");
  }
  m.running = true;
  return Status::Ok();
}

std::vector<std::pair<std::string, std::string>> Server::routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : impl_->routes) out.emplace_back(r.method, r.pattern);
  return out;
}

uint16_t Server::port() const {
  if (!impl_->endpoint) return 0;
  return static_cast<uint16_t>(static_cast<uint16_t>(impl_->endpoint->getPort()));
}

void Server::stop() {
  auto& m = *impl_;
  if (!m.running.exchange(false)) return;
  if (m.pool) m.pool->stop();  // finish what is queued; new work is refused with 503
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let reactors flush replies
  if (m.endpoint) m.endpoint->shutdown();
}

}  // namespace jb::http
