// http_server.cpp — see http_server.h.
#include "tests/standin/http_server.h"

#include <pistache/async.h>
#include <pistache/listener.h>
#include <pistache/peer.h>
#include <pistache/tcp.h>
#include <sys/socket.h>

#include <atomic>
#include <csignal>
#include <mutex>

#include "tests/standin/executor.h"

namespace jb::standin {

namespace {

constexpr const char* kConnKey = "jb.standin.conn";

// Per-connection state. `mu` orders everything that touches the socket from
// non-reactor threads against onDisconnection (which runs before Pistache
// closes the fd), so a send or shutdown never targets a closed descriptor.
struct Connection {
  std::mutex mu;
  std::weak_ptr<Pistache::Tcp::Peer> peer;
  std::string buf;
  std::string addr;
  bool busy = false;     // a request is being handled
  bool closing = false;  // no more requests will be read
  bool closed = false;   // Pistache reported the disconnection
  bool sent_continue = false;
  size_t need = 0;  // do not re-parse before the buffer holds this many bytes
};

}  // namespace

struct HttpServer::Core : std::enable_shared_from_this<HttpServer::Core> {
  HttpServerOptions opts;
  RequestHandler handler;
  WorkerPool pool;
  Scheduler scheduler;
  std::atomic<bool> stopping{false};

  Core(HttpServerOptions o, RequestHandler h)
      : opts(std::move(o)), handler(std::move(h)), pool(opts.worker_threads) {}

  // Both with c.mu held.
  void send_locked(Connection& c, std::string bytes, bool close_after) {
    if (c.closed) return;
    auto peer = c.peer.lock();
    if (!peer) return;
    std::weak_ptr<Pistache::Tcp::Peer> weak = peer;
    const size_t n = bytes.size();
    auto promise = peer->send(Pistache::RawBuffer(std::move(bytes), n));
    if (close_after) {
      c.closing = true;
      promise.then(
          [weak](ssize_t) {
            if (auto p = weak.lock()) ::shutdown(p->fd(), SHUT_RDWR);
          },
          Pistache::Async::IgnoreException);
    }
  }

  void drop_locked(Connection& c) {
    c.closing = true;
    if (c.closed) return;
    if (auto peer = c.peer.lock()) ::shutdown(peer->fd(), SHUT_RDWR);
  }

  // Parses and dispatches the next buffered request (c.mu held).
  void pump(const std::shared_ptr<Connection>& c) {
    if (c->busy || c->closing || c->closed || stopping.load()) return;
    if (c->buf.size() < c->need) return;
    HttpRequest req;
    ParseOutcome o = parse_request(c->buf, opts.limits, req);
    if (o.kind == ParseOutcome::kIncomplete) {
      c->need = o.need;
      if (o.expect_continue && !c->sent_continue) {
        c->sent_continue = true;
        send_locked(*c, "HTTP/1.1 100 Continue\r\n\r\n", false);
      }
      return;
    }
    if (o.kind == ParseOutcome::kError) {
      HttpResponse r;
      r.status = o.error_status;
      c->buf.clear();
      send_locked(*c, serialize_response(r, true, false), true);
      return;
    }
    c->buf.erase(0, o.consumed);
    c->need = 0;
    c->sent_continue = false;
    c->busy = true;
    req.peer = c->addr;
    req.arrival_us = steady_us();
    std::shared_ptr<void> token = opts.tracker ? opts.tracker(req) : nullptr;
    auto self = shared_from_this();
    pool.post([self, c, req = std::move(req), token = std::move(token)]() mutable {
      self->handle(c, std::move(req), std::move(token));
    });
  }

  // `token` (the tracker's) is released just before the answer is queued or
  // the connection dropped, so a client that sees the outcome sees it released.
  void handle(const std::shared_ptr<Connection>& c, HttpRequest req, std::shared_ptr<void> token) {
    Reply r;
    try {
      r = handler(req);
    } catch (...) {
      r = Reply{};
      r.response.status = 500;
      r.response.content_type = "text/plain";
      r.response.body = "Error processing request.";
    }
    const bool keep = req.keep_alive();
    const bool head = req.method == "HEAD";
    auto self = shared_from_this();
    switch (r.kind) {
      case Reply::Kind::kDrop: {
        std::lock_guard lock(c->mu);
        token.reset();
        drop_locked(*c);
        return;
      }
      case Reply::Kind::kHang:
        scheduler.at(steady_us() + r.hang_us, [self, c, token = std::move(token)]() mutable {
          std::lock_guard lock(c->mu);
          token.reset();
          self->drop_locked(*c);
        });
        return;
      case Reply::Kind::kRespond:
        break;
    }
    std::string bytes = serialize_response(r.response, !keep, head);
    int64_t due = req.arrival_us + r.delay_us;
    auto finish = [self, c, keep, bytes = std::move(bytes), token = std::move(token)]() mutable {
      std::lock_guard lock(c->mu);
      token.reset();  // just before: once the client has the answer, it has left
      self->send_locked(*c, std::move(bytes), !keep);
      c->busy = false;
      self->pump(c);
    };
    if (due > steady_us() + 100)
      scheduler.at(due, std::move(finish));
    else
      finish();
  }
};

namespace {

class ConnHandler : public Pistache::Tcp::Handler {
 public:
  PROTOTYPE_OF(Pistache::Tcp::Handler, ConnHandler)

  explicit ConnHandler(std::shared_ptr<HttpServer::Core> core) : core_(std::move(core)) {}

  void onConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override {
    auto c = std::make_shared<Connection>();
    c->peer = peer;
    c->addr = peer->address().host();
    peer->putData(kConnKey, c);
  }

  void onDisconnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override {
    auto c = std::static_pointer_cast<Connection>(peer->tryGetData(kConnKey));
    if (!c) return;
    std::lock_guard lock(c->mu);
    c->closed = true;
    c->buf.clear();
  }

  void onInput(const char* data, size_t len,
               const std::shared_ptr<Pistache::Tcp::Peer>& peer) override {
    auto c = std::static_pointer_cast<Connection>(peer->tryGetData(kConnKey));
    if (!c) return;
    std::lock_guard lock(c->mu);
    if (c->closing || c->closed) return;
    // Bound what a connection may buffer while a request is in flight.
    const auto& l = core_->opts.limits;
    if (c->buf.size() + len > l.max_request_line + l.max_header_bytes + l.max_body_bytes + 4096) {
      HttpResponse r;
      r.status = 413;
      c->buf.clear();
      core_->send_locked(*c, serialize_response(r, true, false), true);
      return;
    }
    c->buf.append(data, len);
    core_->pump(c);
  }

 private:
  std::shared_ptr<HttpServer::Core> core_;
};

}  // namespace

HttpServer::HttpServer(HttpServerOptions opts, RequestHandler handler)
    : core_(std::make_shared<Core>(std::move(opts), std::move(handler))) {}

HttpServer::~HttpServer() {
  stop();
}

Status HttpServer::start() {
  // Writing to a socket the client closed must not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    Pistache::Address addr(core_->opts.host, Pistache::Port(core_->opts.port));
    listener_ = std::make_unique<Pistache::Tcp::Listener>(addr);
    listener_->init(static_cast<size_t>(std::max(1, core_->opts.reactor_threads)),
                    Pistache::Flags<Pistache::Tcp::Options>(Pistache::Tcp::Options::ReuseAddr |
                                                            Pistache::Tcp::Options::NoDelay));
    listener_->setHandler(std::make_shared<ConnHandler>(core_));
    listener_->bind();
    port_ = static_cast<uint16_t>(listener_->getPort());
    listener_->runThreaded();
    running_ = true;
  } catch (const std::exception& e) {
    listener_.reset();
    return Error("listen_failed", std::string("Cannot listen on ") + core_->opts.host + ":" +
                                      std::to_string(core_->opts.port) + ": " + e.what());
  }
  return Status::Ok();
}

void HttpServer::stop() {
  if (core_->stopping.exchange(true)) return;
  core_->scheduler.stop();
  core_->pool.stop();
  if (listener_) {
    try {
      listener_->shutdown();
    } catch (...) {
    }
    listener_.reset();
  }
  running_ = false;
}

}  // namespace jb::standin
