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
// Streamed responses (server-sent events): a route registered with
// route_stream() may answer with Responder::stream() instead of send(). The
// head goes out at once, without Content-Length, and the body follows in
// chunks written from any thread through the returned EventStream; see
// EventStream below for how it is written (and why not with Pistache's own
// ResponseStream).
//
// Thread-safety: register routes before start(). Handlers run concurrently on
// pool threads. A Responder may be used from any thread, once. An EventStream
// is thread-safe.
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

#include "common/core/metrics.h"
#include "common/core/result.h"
#include "common/net/cidr.h"
#include "common/net/problem.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* body_too_large = "body_too_large";                  // 413
constexpr const char* method_not_allowed = "method_not_allowed";          // 405
constexpr const char* unsupported_media_type = "unsupported_media_type";  // 415
constexpr const char* peer_gone = "peer_gone";                            // the client went away
constexpr const char* already_answered = "already_answered";  // a response was already sent
constexpr const char* stream_unavailable =
    "stream_unavailable";                       // 503: a streamed answer could not start
constexpr const char* http_bind = "http_bind";  // the listening port could not be bound
}  // namespace jb::errc

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
  std::string peer_ip;    // the TCP peer
  std::string client_ip;  // the client: peer_ip, or read from X-Forwarded-For when peer_ip is a
                          // trusted proxy (ServerOptions::trusted_proxies, client_address.h)
  bool https = false;     // X-Forwarded-Proto: https from a trusted proxy
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
  static Response text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  static Response no_content();
  static Response problem(const Problem& p);
  static Response error(const Error& e, int fallback_status = 500);
};

// A streamed response body (server-sent events and the like), started by
// Responder::stream(). write() sends one chunk of the chunked transfer coding
// (for an HTTP/1.0 client: plain bytes, the end of the body being the end of
// the connection); close() sends the last chunk and closes the connection.
//
// How it is written: Pistache 0.0.5's ResponseStream::flush() drains the
// transport's single-consumer write queue and reads the reactor's peer map on
// the calling thread, which is unsafe off the reactor thread, and a streamed
// response never marks its connection idle, so Pistache's header timeout
// (60 s) would inject a 408 into the stream and close it. So the server
// duplicates the connection's socket (on the reactor thread, for
// route_stream() routes only), marks the connection idle, and a stream writes
// its own head and chunks to that duplicate with non-blocking send(): no
// thread waits on a stream, and a closed Pistache fd number being reused by a
// new connection can never receive our bytes. Pistache's keep-alive timeout
// (300 s for an idle connection) then only closes Pistache's descriptor; the
// stream goes on. Plain TCP only (Pistache's TLS is not used here), and a
// client must not send another request on a streamed connection.
//
// Writes never block. What the socket does not take at once waits in a buffer
// (at most ServerOptions::stream_max_pending_bytes; beyond that the client is
// too slow and the stream is closed) and goes out first on the next write()
// or alive().
//
// The stream closes itself when the peer has gone: Pistache's reactor reports
// the disconnection (at once, while Pistache still watches the connection), a
// write fails, or the socket shows a hang-up when written or checked with
// alive(). Then write() returns false and the on_close callback runs, once. Server::stop() closes every open stream. Dropping the
// last handle closes the stream.
//
// Thread-safety: every method may be called from any thread. The on_close
// callback runs on whichever thread noticed the end (a reactor thread, a
// writer, the stopping thread) with no lock of the stream held; keep it short
// and non-blocking.
class EventStream {
 public:
  struct Core;  // implementation detail
  explicit EventStream(std::shared_ptr<Core> core) : core_(std::move(core)) {}
  ~EventStream();
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  // Sends `data` (an empty string sends nothing). False once the stream is
  // closed: the bytes were not accepted.
  bool write(std::string_view data);
  // Ends the body and closes the connection. Idempotent.
  void close();
  // False once the stream is closed; checks the socket now (without blocking)
  // for a peer that hung up, and sends buffered bytes.
  bool alive();
  // `f` runs once when the stream closes for any reason (at once when it is
  // already closed). Replaces an earlier callback.
  void on_close(std::function<void()> f);
  const std::string& request_id() const;

 private:
  std::shared_ptr<Core> core_;
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
  // Answers with a streamed response instead of send(): the status, content
  // type, headers and cookies of `head` (with the X-Request-Id, Cache-Control
  // and nosniff headers every answer gets, and Connection: close, since the
  // end of the stream closes the connection) go out now, and head.body, when
  // not empty, as the first chunk. The request is counted in the metrics and
  // the access log now; the stream's end is logged too.
  // Errors: "stream_unavailable" (503: not a route_stream() route, or no file
  // descriptor was left; the Responder can still send()), "already_answered",
  // "peer_gone" (the client left before the stream started; nothing is sent).
  Result<std::shared_ptr<EventStream>> stream(Response head);

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
  size_t stream_max_pending_bytes =
      1u << 20;  // an EventStream's unsent bytes before it is dropped as too slow
  // Peers whose X-Forwarded-For / X-Forwarded-Proto are believed (client_address.h).
  net::CidrSet trusted_proxies;
  // Headers every answer carries (after Cache-Control: no-store and
  // X-Content-Type-Options: nosniff) unless the response sets the same name itself:
  // a service's security headers (Content-Security-Policy, Referrer-Policy, …).
  std::vector<std::pair<std::string, std::string>> default_headers;
  // Strict-Transport-Security value ("" = never sent), sent on answers to requests that
  // came over TLS: X-Forwarded-Proto: https from a trusted proxy, or always_https.
  std::string hsts;
  bool always_https = false;  // the service is only reached over TLS (an https public URL)
};

enum class Exec { pool, inline_ };

class Server {
 public:
  Server(ServerOptions opts, metrics::Registry& registry);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void route(const std::string& method, const std::string& pattern, Handler h,
             Exec exec = Exec::pool);
  void route_async(const std::string& method, const std::string& pattern, AsyncHandler h);
  // Runs on the pool and answers later through the Responder (long polls).
  void route_deferred(const std::string& method, const std::string& pattern, AsyncHandler h);
  // Like route_deferred(), and the handler may answer with
  // Responder::stream() (server-sent events): the connection's socket is
  // duplicated for it on the reactor thread before the handler runs.
  void route_stream(const std::string& method, const std::string& pattern, AsyncHandler h);
  // `fast` is tried inline first; when it declines, `h` runs on the pool.
  void route_fast(const std::string& method, const std::string& pattern, FastPath fast, Handler h);

  Status start();
  uint16_t port() const;
  // (method, pattern) of every registered route, in registration order.
  std::vector<std::pair<std::string, std::string>> routes() const;
  // Drains the pool, closes every open EventStream, then shuts the reactors down.
  void stop();
  // EventStreams open now.
  size_t open_streams() const;

  // Pattern matching, exposed for tests: "/a/{id}/b" vs "/a/42/b" → {id: 42}; a last
  // segment "{rest*}" takes one segment or more: "/f/{p*}" vs "/f/a/b.js" → {p: "a/b.js"}.
  static bool match(const std::string& pattern, const std::string& path,
                    std::map<std::string, std::string>& params);

  struct Impl;  // implementation detail (public only for the Pistache adapter)

 private:
  std::unique_ptr<Impl> impl_;
};

// Bearer token from "Authorization: Bearer <t>", or "".
std::string bearer_token(const Request& r);

}  // namespace jb::http
