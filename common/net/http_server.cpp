// http_server.cpp — see http_server.h.
#include "common/net/http_server.h"

#include <fcntl.h>
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/peer.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include "common/core/log.h"
#include "common/core/result.h"
#include "common/core/text.h"
#include "common/core/thread_pool.h"
#include "common/core/time.h"
#include "common/net/client_address.h"

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
  std::string method, route, request_id, peer_ip, client_ip;
  int64_t start_us = 0;
  bool access_log = true;
  metrics::Registry* registry = nullptr;
  std::string server_name;
  // Headers every answer carries unless the response sets the same name
  // (ServerOptions::default_headers, plus Strict-Transport-Security for https).
  std::shared_ptr<const std::vector<std::pair<std::string, std::string>>> default_headers;
  bool https = false;
  std::string hsts;
  // route_stream() routes only: the duplicated socket, until stream() takes it.
  std::shared_ptr<EventStream::Core> stream_core;
};

// ------------------------------------------------------------------ streaming

// The streams of one server, by Pistache peer id, so that a disconnection the
// reactor reports and Server::stop() reach them. Holds no stream alive.
struct StreamRegistry {
  std::mutex mu;
  std::unordered_map<size_t, std::weak_ptr<EventStream::Core>> by_peer;
  std::atomic<int64_t> open{0};
  metrics::Gauge* open_gauge = nullptr;

  std::shared_ptr<EventStream::Core> find(size_t peer_id) {
    std::lock_guard<std::mutex> l(mu);
    auto it = by_peer.find(peer_id);
    return it == by_peer.end() ? nullptr : it->second.lock();
  }
  std::vector<std::shared_ptr<EventStream::Core>> all() {
    std::lock_guard<std::mutex> l(mu);
    std::vector<std::shared_ptr<EventStream::Core>> out;
    for (auto& [id, w] : by_peer)
      if (auto c = w.lock()) out.push_back(std::move(c));
    return out;
  }
  // Forgets peer_id's entry if it is `self` (or already gone): a newer request
  // on the same connection may have its own entry by now.
  void forget(size_t peer_id, const EventStream::Core* self) {
    std::lock_guard<std::mutex> l(mu);
    auto it = by_peer.find(peer_id);
    if (it == by_peer.end()) return;
    auto c = it->second.lock();
    if (!c || c.get() == self) by_peer.erase(it);
  }
};

// Lock order: a Core's mu may be taken and then the registry's, never the
// other way round (the registry hands out shared_ptrs and lets go first).
struct EventStream::Core {
  Core(int fd_, size_t peer, bool chunked_, size_t max_pending_,
       std::shared_ptr<StreamRegistry> reg)
      : peer_id(peer),
        chunked(chunked_),
        max_pending(max_pending_),
        registry(std::move(reg)),
        fd(fd_) {}
  ~Core() {
    // Never started (the handler answered with send()): the connection is
    // Pistache's, so only our duplicate is closed.
    if (fd >= 0) ::close(fd);
    if (auto r = registry.lock()) r->forget(peer_id, this);
  }

  const size_t peer_id;
  const bool chunked;  // HTTP/1.1: chunked transfer coding; HTTP/1.0: raw bytes until close
  const size_t max_pending;
  const std::weak_ptr<StreamRegistry> registry;

  std::mutex mu;
  int fd;  // our duplicate of the connection's socket; -1 once closed
  bool started = false, closed = false;
  std::string pending;  // bytes the socket did not take yet
  std::function<void()> on_close;
  // Set when the stream starts (the end-of-stream log line).
  std::string request_id, route, peer_ip, client_ip;
  int64_t start_us = 0;
  uint64_t sent_bytes = 0;
  bool access_log = false;
};

namespace {

using Core = EventStream::Core;

// Sends what is pending without blocking. False when the connection failed.
bool flush_locked(Core& c) {
  while (!c.pending.empty()) {
    ssize_t n = ::send(c.fd, c.pending.data(), c.pending.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      c.sent_bytes += static_cast<uint64_t>(n);
      c.pending.erase(0, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
  }
  return true;
}

// The peer closed or reset the connection (checked now, without blocking).
bool hung_up_locked(Core& c) {
  pollfd p{c.fd, POLLRDHUP, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

// Closes the stream (graceful: the last chunk first) and returns the on_close
// callback for the caller to run once the lock is released.
std::function<void()> close_locked(Core& c, const char* reason, bool graceful) {
  if (c.closed) return {};
  c.closed = true;
  if (c.fd >= 0) {
    if (c.started) {
      if (graceful && c.chunked) c.pending += "0\r\n\r\n";
      if (graceful) (void)flush_locked(c);
      // Our FIN goes out after what the kernel holds; SHUT_RD wakes Pistache's
      // reactor, which then drops its own descriptor of the connection.
      ::shutdown(c.fd, SHUT_RDWR);
    }
    ::close(c.fd);
    c.fd = -1;
  }
  c.pending.clear();
  if (auto r = c.registry.lock()) {
    r->forget(c.peer_id, &c);
    if (c.started) {
      r->open.fetch_sub(1);
      if (r->open_gauge) r->open_gauge->add(-1);
    }
  }
  if (c.started && c.access_log) {
    log::RequestScope scope(c.request_id);
    log::info("http stream closed",
              {{"route", c.route},
               {"reason", reason},
               {"bytes", static_cast<int64_t>(c.sent_bytes)},
               {"seconds", static_cast<int64_t>((timeutil::now_unix_us() - c.start_us) / 1000000)},
               {"peer", c.peer_ip},
               {"client", c.client_ip}});
  }
  return std::exchange(c.on_close, nullptr);
}

void close_core(Core& c, const char* reason, bool graceful) {
  std::function<void()> cb;
  {
    std::lock_guard<std::mutex> l(c.mu);
    cb = close_locked(c, reason, graceful);
  }
  if (cb) cb();
}

std::string chunk_of(std::string_view data, bool chunked) {
  if (!chunked) return std::string(data);
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  std::string out(size);
  out.append(data);
  out += "\r\n";
  return out;
}

}  // namespace

EventStream::~EventStream() {
  close();
}

bool EventStream::write(std::string_view data) {
  std::function<void()> cb;
  bool ok = false;
  {
    std::lock_guard<std::mutex> l(core_->mu);
    if (core_->closed) return false;
    if (data.empty()) return true;  // an empty chunk would end the body
    if (hung_up_locked(*core_)) {
      cb = close_locked(*core_, "peer gone", false);
    } else {
      core_->pending += chunk_of(data, core_->chunked);
      if (!flush_locked(*core_))
        cb = close_locked(*core_, "write failed", false);
      else if (core_->pending.size() > core_->max_pending)
        cb = close_locked(*core_, "client too slow", false);
    }
    ok = !core_->closed;
  }
  if (cb) cb();
  return ok;
}

void EventStream::close() {
  close_core(*core_, "closed", true);
}

bool EventStream::alive() {
  std::function<void()> cb;
  bool ok = false;
  {
    std::lock_guard<std::mutex> l(core_->mu);
    if (core_->closed) return false;
    if (hung_up_locked(*core_))
      cb = close_locked(*core_, "peer gone", false);
    else if (!flush_locked(*core_))
      cb = close_locked(*core_, "write failed", false);
    ok = !core_->closed;
  }
  if (cb) cb();
  return ok;
}

void EventStream::on_close(std::function<void()> f) {
  {
    std::lock_guard<std::mutex> l(core_->mu);
    if (!core_->closed) {
      core_->on_close = std::move(f);
      return;
    }
  }
  if (f) f();
}

const std::string& EventStream::request_id() const {
  return core_->request_id;
}

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

P::Http::Cookie to_pistache(const Cookie& c) {
  P::Http::Cookie ck(c.name, c.value);
  ck.path = c.path;
  if (c.max_age) ck.maxAge = *c.max_age;
  ck.httpOnly = c.http_only;
  ck.secure = c.secure;
  if (!c.same_site.empty()) ck.ext["SameSite"] = c.same_site;
  return ck;
}

// Counts the request in the metrics; returns the seconds since it arrived.
// Metrics are recorded before the response goes out: a client that reads
// /metrics right after its answer must find its request counted.
double count_request(Responder::State& st, int status) {
  double secs = static_cast<double>(timeutil::now_unix_us() - st.start_us) / 1e6;
  if (st.registry) {
    st.registry
        ->counter("jb_http_requests_total", "HTTP requests answered",
                  {{"server", st.server_name},
                   {"route", st.route},
                   {"method", st.method},
                   {"status", std::to_string(status)}})
        .inc();
    st.registry
        ->histogram("jb_http_request_duration_seconds", "HTTP request latency",
                    {{"server", st.server_name}, {"route", st.route}})
        .observe(secs);
  }
  return secs;
}

void access_log(const Responder::State& st, int status, double secs, bool stream) {
  if (!st.access_log) return;
  log::RequestScope scope(st.request_id);
  log::Fields f{{"method", st.method}, {"route", st.route},
                {"status", status},    {"ms", static_cast<int64_t>(secs * 1000)},
                {"peer", st.peer_ip},  {"client", st.client_ip}};
  if (stream) f.emplace_back("stream", true);
  log::info("http", f);
}

// The headers every answer carries, then the response's own; a default the
// response sets itself (Cache-Control for a cacheable asset, a page's own
// Content-Security-Policy) is replaced by the response's value.
std::vector<std::pair<std::string, std::string>> answer_headers(const Responder::State& st,
                                                                const Response& r) {
  auto set_by_response = [&r](std::string_view name) {
    return std::any_of(r.headers.begin(), r.headers.end(),
                       [name](const auto& h) { return text::iequals(h.first, name); });
  };
  std::vector<std::pair<std::string, std::string>> h;
  if (!r.content_type.empty() && r.status != 204) h.emplace_back("Content-Type", r.content_type);
  h.emplace_back("X-Request-Id", st.request_id);
  auto add_default = [&](const std::string& k, const std::string& v) {
    if (!set_by_response(k)) h.emplace_back(k, v);
  };
  add_default("Cache-Control", "no-store");
  add_default("X-Content-Type-Options", "nosniff");
  if (st.default_headers)
    for (const auto& [k, v] : *st.default_headers) add_default(k, v);
  if (st.https && !st.hsts.empty()) add_default("Strict-Transport-Security", st.hsts);
  h.insert(h.end(), r.headers.begin(), r.headers.end());
  return h;
}

void write_response(Responder::State& st, Response r) {
  if (st.done.exchange(true)) return;
  auto& w = *st.writer;
  double secs = count_request(st, r.status);
  try {
    for (const auto& [k, v] : answer_headers(st, r)) add_header(w, k, v);
    for (const auto& c : r.cookies) w.cookies().add(to_pistache(c));
    w.send(static_cast<P::Http::Code>(r.status), r.status == 204 ? std::string() : r.body);
  } catch (const std::exception& e) {
    log::debug("response not delivered", {{"error", e.what()}});
  }
  access_log(st, r.status, secs, false);
}

// The head of a streamed response, written by us (see EventStream).
std::string stream_head(const Responder::State& st, const Response& r, bool chunked) {
  auto clean = [](std::string v) {
    std::erase_if(v, [](char c) { return c == '\r' || c == '\n'; });
    return v;
  };
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " +
                    P::Http::codeString(static_cast<P::Http::Code>(r.status)) + "\r\n";
  for (const auto& [k, v] : answer_headers(st, r)) out += clean(k) + ": " + clean(v) + "\r\n";
  for (const auto& c : r.cookies) {
    std::ostringstream os;
    os << to_pistache(c);
    out += "Set-Cookie: " + clean(os.str()) + "\r\n";
  }
  if (chunked) out += "Transfer-Encoding: chunked\r\n";
  out += "Connection: close\r\n\r\n";
  return out;
}

}  // namespace

Responder::~Responder() {
  if (s_ && !s_->done.load())
    write_response(
        *s_, Response::problem(make_problem(500, errc::internal, "The request was not answered.")));
}

void Responder::send(Response r) {
  if (s_) write_response(*s_, std::move(r));
}

Result<std::shared_ptr<EventStream>> Responder::stream(Response head) {
  if (!s_ || s_->done.load())
    return Error(errc::already_answered, "This request was answered already.", 500);
  State& st = *s_;
  if (!st.stream_core)
    return Error(errc::stream_unavailable, "This response cannot be streamed; retry shortly.", 503);
  if (st.done.exchange(true))
    return Error(errc::already_answered, "This request was answered already.", 500);
  std::shared_ptr<Core> core = std::move(st.stream_core);
  double secs = count_request(st, head.status);
  std::string first = stream_head(st, head, core->chunked);
  if (!head.body.empty()) first += chunk_of(head.body, core->chunked);
  std::function<void()> cb;
  bool ok = false;
  {
    std::lock_guard<std::mutex> l(core->mu);
    if (!core->closed) {
      core->started = true;
      core->request_id = st.request_id;
      core->route = st.route;
      core->peer_ip = st.peer_ip;
      core->client_ip = st.client_ip;
      core->start_us = timeutil::now_unix_us();
      core->access_log = st.access_log;
      if (auto r = core->registry.lock()) {
        r->open.fetch_add(1);
        if (r->open_gauge) r->open_gauge->add(1);
      }
      core->pending = std::move(first);
      if (!flush_locked(*core)) cb = close_locked(*core, "write failed", false);
      ok = !core->closed;
    }
  }
  access_log(st, head.status, secs, true);
  if (cb) cb();
  if (!ok) return Error(errc::peer_gone, "The client left before the stream started.");
  return std::make_shared<EventStream>(std::move(core));
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
  bool stream = false;    // deferred, and may answer with Responder::stream()
};

struct Server::Impl {
  ServerOptions opts;
  metrics::Registry& registry;
  std::vector<RouteEntry> routes;
  std::unique_ptr<ThreadPool> pool;
  std::atomic<bool> running{false};
  // Shared with the Pistache handlers, which report disconnections.
  std::shared_ptr<StreamRegistry> streams = std::make_shared<StreamRegistry>();
  std::shared_ptr<const std::vector<std::pair<std::string, std::string>>> default_headers =
      std::make_shared<const std::vector<std::pair<std::string, std::string>>>(
          opts.default_headers);
  // Last, so it is destroyed first: Endpoint::shutdown() only signals the
  // reactor threads; destroying the endpoint joins them, and until then they
  // may still dispatch.
  std::unique_ptr<P::Http::Endpoint> endpoint;

  Impl(ServerOptions o, metrics::Registry& r) : opts(std::move(o)), registry(r) {
    streams->open_gauge = &registry.gauge("jb_http_open_streams", "Streamed responses open now",
                                          {{"server", opts.name}});
  }

  void dispatch(const P::Http::Request& preq, P::Http::ResponseWriter writer);
  // Reactor thread: the stream's socket, duplicated before the handler runs.
  void prepare_stream(const P::Http::Request& preq, Responder::State& st);
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
  PHandler(Server::Impl* impl, std::shared_ptr<StreamRegistry> streams)
      : impl_(impl), streams_(std::move(streams)) {}
  void onRequest(const P::Http::Request& req, P::Http::ResponseWriter writer) override {
    impl_->dispatch(req, std::move(writer));
  }
  // Pistache saw the connection close: a stream on it ends at once.
  void onDisconnection(const std::shared_ptr<P::Tcp::Peer>& peer) override {
    if (auto c = streams_->find(peer->getID())) close_core(*c, "peer gone", false);
    P::Http::Handler::onDisconnection(peer);
  }

 private:
  Server::Impl* impl_;
  std::shared_ptr<StreamRegistry> streams_;
};

}  // namespace

namespace {
bool match_segments(const std::vector<std::string>& ps, const std::vector<std::string>& xs,
                    std::map<std::string, std::string>& params) {
  // A last pattern segment "{name*}" takes the rest of the path (one segment or more,
  // each decoded, joined with '/').
  bool tail =
      !ps.empty() && ps.back().size() > 3 && ps.back().front() == '{' && ps.back().ends_with("*}");
  if (tail ? xs.size() < ps.size() : ps.size() != xs.size()) return false;
  std::map<std::string, std::string> out;
  size_t fixed = tail ? ps.size() - 1 : ps.size();
  for (size_t i = 0; i < fixed; ++i) {
    const auto& p = ps[i];
    if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
      out[p.substr(1, p.size() - 2)] = text::url_decode(xs[i]);
    } else if (p != xs[i]) {
      return false;
    }
  }
  if (tail) {
    std::string rest;
    for (size_t i = fixed; i < xs.size(); ++i) {
      if (i > fixed) rest += '/';
      rest += text::url_decode(xs[i]);
    }
    out[ps.back().substr(1, ps.back().size() - 3)] = std::move(rest);
  }
  params = std::move(out);
  return true;
}
}  // namespace

bool Server::match(const std::string& pattern, const std::string& path,
                   std::map<std::string, std::string>& params) {
  return match_segments(text::split(pattern, '/'), text::split(path, '/'), params);
}

void Server::Impl::prepare_stream(const P::Http::Request& preq, Responder::State& st) {
  try {
    auto peer = st.writer->peer();  // alive: we are on its reactor thread, inside onRequest
    int fd = ::fcntl(peer->fd(), F_DUPFD_CLOEXEC, 0);
    if (fd < 0) {
      log::warn("cannot duplicate a stream's socket",
                {{"error", std::string(std::strerror(errno))}});
      return;
    }
    // An idle connection is subject to Pistache's keep-alive timeout, which only
    // drops Pistache's own descriptor; a busy one would get a 408 written into
    // the stream after the header timeout.
    peer->setIdle(true);
    st.stream_core = std::make_shared<EventStream::Core>(fd, peer->getID(),
                                                         preq.version() != P::Http::Version::Http10,
                                                         opts.stream_max_pending_bytes, streams);
    std::lock_guard<std::mutex> l(streams->mu);
    streams->by_peer[peer->getID()] = st.stream_core;
  } catch (const std::exception& e) {
    log::debug("stream not prepared", {{"error", e.what()}});
  }
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
  for (const auto& [name, raw] : preq.headers().rawList())
    req->headers.emplace_back(raw.name(), raw.value());
  for (const auto& c : preq.cookies()) req->cookies[c.name] = c.value;
  for (auto it = preq.query().parameters_begin(); it != preq.query().parameters_end(); ++it)
    req->query.emplace_back(text::form_decode(it->first), text::form_decode(it->second));
  req->request_id = sane_request_id(req->header("X-Request-Id"));
  {
    std::vector<std::string> forwarded_for, forwarded_proto;
    for (const auto& [name, value] : req->headers) {
      if (text::iequals(name, "X-Forwarded-For")) forwarded_for.push_back(value);
      if (text::iequals(name, "X-Forwarded-Proto")) forwarded_proto.push_back(value);
    }
    net::ClientAddress client =
        net::resolve_client(req->peer_ip, forwarded_for, forwarded_proto, opts.trusted_proxies);
    req->client_ip = client.ip;
    req->https = client.https;
  }

  st->method = req->method;
  st->request_id = req->request_id;
  st->peer_ip = req->peer_ip;
  st->client_ip = req->client_ip;
  st->https = req->https || opts.always_https;
  st->hsts = opts.hsts;
  st->default_headers = default_headers;
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
      responder.send(Response::problem(
          make_problem(404, errc::not_found, "There is no resource at " + req->path + ".")));
    } else {
      std::string allow;
      for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
      Response r = Response::problem(
          make_problem(405, errc::method_not_allowed,
                       req->method + " is not allowed on " + req->path + "; use " + allow + "."));
      r.headers.emplace_back("Allow", allow);
      responder.send(std::move(r));
    }
    return;
  }
  st->route = found->pattern;
  if (req->body.size() > opts.max_body_bytes) {
    responder.send(Response::problem(make_problem(
        413, errc::body_too_large,
        "The request body is " + std::to_string(req->body.size()) + " bytes; the limit is " +
            std::to_string(opts.max_body_bytes) + " bytes.")));
    return;
  }
  if (found->stream) prepare_stream(preq, *st);
  if (found->async && found->deferred) {
    AsyncHandler ah = found->async;
    auto moved = std::make_shared<Responder>(std::move(responder));
    if (!pool->submit([ah, req, moved]() mutable {
          log::RequestScope scope(req->request_id);
          ah(*req, std::move(*moved));
        })) {
      moved->send(Response::problem(
          make_problem(503, errc::overloaded, "The server is busy; retry shortly.")));
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
      resp.send(
          Response::problem(make_problem(500, errc::internal, "An internal error occurred.")));
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
    moved->send(Response::problem(
        make_problem(503, errc::overloaded, "The server is busy; retry shortly.")));
  }
}

Server::Server(ServerOptions opts, metrics::Registry& registry)
    : impl_(std::make_unique<Impl>(std::move(opts), registry)) {}

Server::~Server() {
  stop();
}

void Server::route(const std::string& method, const std::string& pattern, Handler h, Exec exec) {
  impl_->routes.push_back(
      RouteEntry{method, pattern, text::split(pattern, '/'), std::move(h), nullptr, exec, nullptr});
}

void Server::route_async(const std::string& method, const std::string& pattern, AsyncHandler h) {
  impl_->routes.push_back(RouteEntry{method, pattern, text::split(pattern, '/'), nullptr,
                                     std::move(h), Exec::inline_, nullptr});
}

void Server::route_deferred(const std::string& method, const std::string& pattern, AsyncHandler h) {
  RouteEntry e{method,     pattern, text::split(pattern, '/'), nullptr, std::move(h),
               Exec::pool, nullptr};
  e.deferred = true;
  impl_->routes.push_back(std::move(e));
}

void Server::route_stream(const std::string& method, const std::string& pattern, AsyncHandler h) {
  RouteEntry e{method,     pattern, text::split(pattern, '/'), nullptr, std::move(h),
               Exec::pool, nullptr};
  e.deferred = true;
  e.stream = true;
  impl_->routes.push_back(std::move(e));
}

void Server::route_fast(const std::string& method, const std::string& pattern, FastPath fast,
                        Handler h) {
  impl_->routes.push_back(RouteEntry{method, pattern, text::split(pattern, '/'), std::move(h),
                                     nullptr, Exec::pool, std::move(fast)});
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
    m.endpoint->setHandler(P::Http::make_handler<PHandler>(&m, m.streams));
    m.endpoint->serveThreaded();
  } catch (const std::exception& e) {
    m.endpoint.reset();
    return Error(errc::http_bind, "Cannot listen on " + m.opts.host + ":" +
                                      std::to_string(m.opts.port) + ": " + e.what() + ".");
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
  for (auto& c : m.streams->all()) close_core(*c, "server stopping", true);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let reactors flush replies
  if (m.endpoint) m.endpoint->shutdown();
}

size_t Server::open_streams() const {
  return static_cast<size_t>(impl_->streams->open.load());
}

}  // namespace jb::http
