// http_server.h — the stand-in's HTTP/1.1 server: Pistache's TCP layer
// (epoll reactors, accept, write queues) with our own request parsing
// (http_parser.h). Each complete request goes to a worker pool; the
// application's handler returns a Reply that says how to answer:
//   * kRespond: send the response, no earlier than arrival + delay (the
//     Scheduler holds delayed responses, so latency never blocks a thread);
//   * kDrop: close the connection without any response;
//   * kHang: answer nothing and close the connection after hang_us.
// One request per connection is in flight at a time (pipelined requests wait
// their turn, so answers stay in order). An optional tracker sees each parsed
// request and returns a token the server holds until the answer is handed to
// the connection (or the connection dropped): in_flight.h counts
// requests in flight that way. Keep-alive is the HTTP/1.1 default;
// "Connection: close" or HTTP/1.0 without keep-alive closes after the answer.
//
// Thread-safety: start()/stop() from one controlling thread; the handler is
// called concurrently from the worker threads and must be thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/core/result.h"
#include "tests/standin/http_message.h"
#include "tests/standin/http_parser.h"

namespace Pistache::Tcp {
class Listener;
}

namespace jb::standin {

struct Reply {
  enum class Kind { kRespond, kDrop, kHang };
  Kind kind = Kind::kRespond;
  HttpResponse response;
  int64_t delay_us = 0;  // kRespond: minimum time between arrival and answer
  int64_t hang_us = 0;   // kHang: how long to hold the request before closing
};

using RequestHandler = std::function<Reply(const HttpRequest&)>;
// Called on a reactor thread for each parsed request (must be quick and
// thread-safe); the token it returns (may be null) is released just before the
// answer is queued for writing or the connection dropped (also after a hang).
using RequestTracker = std::function<std::shared_ptr<void>(const HttpRequest&)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0 = any free port
  int reactor_threads = 2;
  int worker_threads = 4;
  HttpLimits limits;
  RequestTracker tracker;  // optional
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions opts, RequestHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  Status start();
  uint16_t port() const { return port_; }
  // Stops accepting and answering; pending delayed/hung requests are dropped.
  void stop();

  struct Core;

 private:
  std::shared_ptr<Core> core_;
  std::unique_ptr<Pistache::Tcp::Listener> listener_;
  uint16_t port_ = 0;
  bool running_ = false;
};

}  // namespace jb::standin
