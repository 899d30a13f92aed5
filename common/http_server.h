// http_server.h — our HTTP server on Pistache: routing with path parameters,
// handlers off the reactor threads, problem+json errors, request ids, access
// logs and Prometheus metrics.
//
// Pistache reactor threads only parse requests and dispatch: every handler
// registered with route() runs on a bounded ThreadPool, so a slow Redis,
// ZeroMQ peer or Jellyfin server never stalls a reactor. Handlers that are
// trivially cheap (/healthz) may be registered inline. When the pool is full the
// server answers 503 problem+json at once.
//
// Limits: Pistache's per-connection buffer (maxRequestSize, headers + body) is
// set explicitly to max_request_bytes; a body over max_body_bytes gets 413
// problem+json from us. Unknown path → 404, known path with another method →
// 405 with Allow, all as problem+json.
//
// Thread-safety: register routes before start(). Handlers run concurrently on
// pool threads. A Responder may be used from any thread, once.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/metrics.h"
#include "common/problem.h"
#include "common/result.h"

namespace jb::http {

struct Request {
  std::string method;  // upper case
  std::string path;    // percent-decoded path, without the query
  std::string route;   // the matched pattern ("/api/v1/connections/{id}")
  std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names as sent
  std::map<std::string, std::string> cookies;
  std::map<std::string, std::string> params;  // path parameters
  std::string body;
  std::string peer_ip;  // the TCP peer
  std::string request_id;

  std::string header(std::string_view name) const;  // first match, case-insensitive; "" if absent
  std::optional<std::string> query_param(std::string_view name) const;
  std::string param(const std::string& name) const;
};

struct Cookie {
  std::string name, value;
  std::string path = "/";
  std::optional<int> max_age;  // seconds; 0 deletes
  bool http_only = true;
  bool secure = false;
  std::string same_site = "Strict";
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<Cookie> cookies;  // Set-Cookie

  static Response json(int status, std::string body);
  static Response text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  static Response no_content();
  static Response problem(const Problem& p);
  static Response error(const Error& e, int fallback_status = 500);
};

// Answers one request, from any thread, exactly once. If dropped unanswered it
// sends a 500 problem so no client ever hangs.
class Responder {
 public:
  struct State;
  explicit Responder(std::shared_ptr<State> s) : s_(std::move(s)) {}
  Responder(Responder&&) = default;
  Responder& operator=(Responder&&) = default;
  ~Responder();
  void send(Response r);

 private:
  std::shared_ptr<State> s_;
};

using Handler = std::function<Response(Request&)>;
// Runs on the reactor thread; must not block; answers later through the Responder.
using AsyncHandler = std::function<void(Request&, Responder)>;
// Runs on the reactor thread and must never block (in-memory work only). It
// answers when it can; nullopt hands the request to the pool handler.
using FastPath = std::function<std::optional<Response>(Request&)>;

struct ServerOptions {
  std::string name = "http";
  std::string host = "0.0.0.0";
  uint16_t port = 8080;  // 0 = pick a free port
  int reactor_threads = 2;
  int pool_threads = 8;
  size_t pool_queue = 4096;
  size_t max_request_bytes = 8u << 20;  // Pistache buffer: headers + body
  size_t max_body_bytes = 1u << 20;     // our limit on bodies
  bool access_log = true;
};

enum class Exec { pool, inline_ };

class Server {
 public:
  Server(ServerOptions opts, metrics::Registry& registry);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void route(const std::string& method, const std::string& pattern, Handler h, Exec exec = Exec::pool);
  void route_async(const std::string& method, const std::string& pattern, AsyncHandler h);
  // Runs on the pool and answers later through the Responder (long polls).
  void route_deferred(const std::string& method, const std::string& pattern, AsyncHandler h);
  // `fast` is tried inline first; when it declines, `h` runs on the pool.
  void route_fast(const std::string& method, const std::string& pattern, FastPath fast, Handler h);

  Status start();
  uint16_t port() const;
  // (method, pattern) of every registered route, in registration order.
  std::vector<std::pair<std::string, std::string>> routes() const;
  // Stops accepting and shuts the reactors down, then drains the pool.
  void stop();

  // Pattern matching, exposed for tests: "/a/{id}/b" vs "/a/42/b" → {id: 42}.
  static bool match(const std::string& pattern, const std::string& path,
                    std::map<std::string, std::string>& params);

  struct Impl;  // implementation detail (public only for the Pistache adapter)

 private:
  std::unique_ptr<Impl> impl_;
};

// Bearer token from "Authorization: Bearer <t>", or "".
std::string bearer_token(const Request& r);

}  // namespace jb::http
