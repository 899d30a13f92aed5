// rpc.cpp — see rpc.h.
#include "common/net/rpc.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <zmq_addon.hpp>

#include "common/core/json.h"
#include "common/core/log.h"
#include "common/core/random.h"
#include "common/core/result.h"
#include "common/core/time.h"

namespace jb {

namespace {
constexpr char kProto[] = "JB1";

std::string error_payload(const Error& e) {
  json::Writer w;
  w.begin_object().kv("code", e.code).kv("message", e.message).kv("status", e.http_status);
  if (e.retry_after_s >= 0) w.kv("retry_after", e.retry_after_s);
  w.end_object();
  return w.str();
}

Error error_from_payload(const std::string& payload, const std::string& peer) {
  auto d = json::parse(payload);
  if (!d.ok() || !d->IsObject())
    return Error(errc::rpc_protocol, peer + " sent an unreadable error reply.", 502);
  Error e(json::get_string(*d, "code", "rpc_remote"), json::get_string(*d, "message"),
          static_cast<int>(json::get_int(*d, "status", 0)));
  e.retry_after_s = static_cast<int>(json::get_int(*d, "retry_after", -1));
  return e;
}

std::string frame_str(const zmq::message_t& m) {
  return std::string(m.data<char>(), m.size());
}
}  // namespace

CurveKeyPair curve_keypair() {
  char pub[41] = {0}, sec[41] = {0};
  zmq_curve_keypair(pub, sec);
  return {pub, sec};
}

std::string curve_public_from_secret(const std::string& secret_z85) {
  if (secret_z85.size() != 40) return "";
  char pub[41] = {0};
  if (zmq_curve_public(pub, secret_z85.c_str()) != 0) return "";
  return pub;
}

// ---------------------------------------------------------------- server

struct RpcServer::Impl {
  zmq::context_t& ctx;
  RpcServerOptions opts;
  RpcHandler handler;
  std::atomic<uint64_t>* served;

  std::unique_ptr<zmq::socket_t> router;
  std::unique_ptr<zmq::socket_t> pull;
  std::string inproc;

  struct Task {
    std::vector<std::string> envelope;  // routing frames incl. the empty delimiter
    std::string id, method, payload;
  };
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Task> queue;
  size_t in_flight = 0;  // queued + running
  bool workers_exit = false;

  std::atomic<bool> stopping{false};
  std::atomic<int64_t> drain_deadline_ms{0};
  std::thread io;
  std::vector<std::thread> workers;

  Impl(zmq::context_t& c, RpcServerOptions o, RpcHandler h, std::atomic<uint64_t>* s)
      : ctx(c), opts(std::move(o)), handler(std::move(h)), served(s) {}

  void send_reply(zmq::socket_t& out, const std::vector<std::string>& env, const std::string& id,
                  const char* status, const std::string& payload) {
    std::vector<zmq::const_buffer> frames;
    for (const auto& e : env) frames.emplace_back(zmq::buffer(e));
    frames.emplace_back(zmq::str_buffer(kProto));
    frames.emplace_back(zmq::buffer(id));
    frames.emplace_back(zmq::buffer(std::string_view(status)));
    frames.emplace_back(zmq::buffer(payload));
    try {
      zmq::send_multipart(out, frames, zmq::send_flags::dontwait);
    } catch (const zmq::error_t& e) {
      log::warn("rpc reply not sent", {{"server", opts.name}, {"error", e.what()}});
    }
  }

  void worker_loop() {
    zmq::socket_t push(ctx, zmq::socket_type::push);
    push.set(zmq::sockopt::linger, 1000);
    push.set(zmq::sockopt::maxmsgsize, opts.max_msg_bytes);
    push.connect(inproc);
    for (;;) {
      Task t;
      {
        std::unique_lock<std::mutex> l(mu);
        cv.wait(l, [&] { return workers_exit || !queue.empty(); });
        if (queue.empty()) break;  // exit requested and nothing left
        t = std::move(queue.front());
        queue.pop_front();
      }
      Result<std::string> r = Error(errc::internal, "handler threw", 500);
      try {
        r = handler(t.method, t.payload);
      } catch (const std::exception& e) {
        log::error("rpc handler threw",
                   {{"server", opts.name}, {"method", t.method}, {"error", e.what()}});
        r = Error(errc::internal, "The " + opts.name + " handler for '" + t.method + "' failed.",
                  500);
      }
      // Counted before the reply leaves: a caller that has its answer must see it counted.
      served->fetch_add(1);
      if (r.ok())
        send_reply(push, t.envelope, t.id, "ok", r.value());
      else
        send_reply(push, t.envelope, t.id, "err", error_payload(r.error()));
      {
        std::lock_guard<std::mutex> l(mu);
        --in_flight;
      }
    }
    push.close();
  }

  void handle_request(std::vector<zmq::message_t>& parts) {
    size_t delim = 0;
    while (delim < parts.size() && parts[delim].size() != 0) ++delim;
    if (delim == 0 || delim >= parts.size()) return;  // no envelope: cannot answer, drop
    std::vector<std::string> env;
    for (size_t i = 0; i <= delim; ++i) env.push_back(frame_str(parts[i]));
    size_t body = delim + 1;
    if (parts.size() != body + 4 || frame_str(parts[body]) != kProto) {
      std::string id = parts.size() > body + 1 ? frame_str(parts[body + 1]) : "";
      send_reply(
          *router, env, id, "err",
          error_payload(Error(errc::rpc_protocol, "Malformed request to " + opts.name + ".", 400)));
      return;
    }
    Task t{std::move(env), frame_str(parts[body + 1]), frame_str(parts[body + 2]),
           frame_str(parts[body + 3])};
    {
      std::lock_guard<std::mutex> l(mu);
      if (queue.size() >= opts.max_queue) {
        send_reply(*router, t.envelope, t.id, "err",
                   error_payload(
                       Error(errc::overloaded, opts.name + " is overloaded; retry shortly.", 503)));
        return;
      }
      queue.push_back(std::move(t));
      ++in_flight;
    }
    cv.notify_one();
  }

  // Moves one finished reply from the workers' PULL socket to the ROUTER;
  // false when none is waiting. A reply to a peer that is gone is dropped
  // (ROUTER cannot route it; the client has timed out or retried).
  bool forward_reply() {
    std::vector<zmq::message_t> parts;
    if (!zmq::recv_multipart(*pull, std::back_inserter(parts), zmq::recv_flags::dontwait))
      return false;
    std::vector<zmq::const_buffer> out;
    for (auto& p : parts) out.emplace_back(p.data(), p.size());
    try {
      zmq::send_multipart(*router, out, zmq::send_flags::dontwait);
    } catch (const zmq::error_t&) {
    }
    return true;
  }

  void io_loop() {
    for (;;) {
      bool stop = stopping.load();
      if (stop) {
        std::lock_guard<std::mutex> l(mu);
        if (in_flight == 0 || timeutil::monotonic_ms() > drain_deadline_ms.load()) break;
      }
      zmq::pollitem_t items[] = {{pull->handle(), 0, ZMQ_POLLIN, 0},
                                 {router->handle(), 0, ZMQ_POLLIN, 0}};
      // While stopping, only replies are read: new requests stay unread.
      try {
        zmq::poll(items, stop ? 1 : 2, std::chrono::milliseconds(50));
      } catch (const zmq::error_t& e) {
        if (e.num() == ETERM) break;
        continue;
      }
      if (items[0].revents & ZMQ_POLLIN)
        for (int n = 0; n < 256; ++n)
          if (!forward_reply()) break;
      if (!stop && (items[1].revents & ZMQ_POLLIN)) {
        for (int n = 0; n < 256; ++n) {
          std::vector<zmq::message_t> parts;
          if (!zmq::recv_multipart(*router, std::back_inserter(parts), zmq::recv_flags::dontwait))
            break;
          handle_request(parts);
        }
      }
    }
    {
      std::lock_guard<std::mutex> l(mu);
      workers_exit = true;
      queue.clear();  // not started within the drain window: the client will retry
    }
    cv.notify_all();
    for (auto& w : workers) w.join();
    // Forward any replies the workers produced while exiting.
    while (forward_reply()) continue;
    router->set(zmq::sockopt::linger, 500);
    router->close();
    pull->close();
  }
};

RpcServer::RpcServer(zmq::context_t& ctx, RpcServerOptions opts, RpcHandler handler)
    : impl_(std::make_unique<Impl>(ctx, std::move(opts), std::move(handler), &served_)) {}

RpcServer::~RpcServer() {
  stop(0);
}

Status RpcServer::start() {
  Impl& m = *impl_;
  try {
    m.router = std::make_unique<zmq::socket_t>(m.ctx, zmq::socket_type::router);
    m.router->set(zmq::sockopt::linger, 0);
    m.router->set(zmq::sockopt::sndhwm, 10000);
    m.router->set(zmq::sockopt::rcvhwm, 10000);
    m.router->set(zmq::sockopt::maxmsgsize, m.opts.max_msg_bytes);
    if (m.opts.curve) {
      m.router->set(zmq::sockopt::curve_server, 1);
      m.router->set(zmq::sockopt::curve_secretkey, m.opts.curve->secret_z85);
      m.router->set(zmq::sockopt::zap_domain, m.opts.zap_domain);
    }
    m.router->bind(m.opts.bind);
    endpoint_ = m.router->get(zmq::sockopt::last_endpoint);
    m.inproc = "inproc://jb-rpc-replies-" + rnd::hex(8);
    m.pull = std::make_unique<zmq::socket_t>(m.ctx, zmq::socket_type::pull);
    m.pull->set(zmq::sockopt::linger, 0);
    m.pull->set(zmq::sockopt::maxmsgsize, m.opts.max_msg_bytes);
    m.pull->bind(m.inproc);
  } catch (const zmq::error_t& e) {
    return Error(errc::rpc_bind,
                 "Cannot bind " + m.opts.name + " on " + m.opts.bind + ": " + e.what() + ".");
  }
  for (int i = 0; i < std::max(1, m.opts.threads); ++i)
    m.workers.emplace_back([&m] { m.worker_loop(); });
  m.io = std::thread([&m] { m.io_loop(); });
  return Status::Ok();
}

void RpcServer::stop(int drain_ms) {
  Impl& m = *impl_;
  if (!m.io.joinable()) return;
  m.drain_deadline_ms = timeutil::monotonic_ms() + drain_ms;
  m.stopping = true;
  m.io.join();
}

// ---------------------------------------------------------------- client

RpcClient::RpcClient(zmq::context_t& ctx, RpcClientOptions opts)
    : ctx_(ctx), opts_(std::move(opts)), client_tag_(rnd::hex(6)) {
  if (opts_.attempts < 1) opts_.attempts = 1;
  reset_socket();
}

RpcClient::~RpcClient() {
  if (sock_) sock_->close();
}

void RpcClient::reset_socket() {
  if (sock_) sock_->close();
  sock_ = std::make_unique<zmq::socket_t>(ctx_, zmq::socket_type::dealer);
  sock_->set(zmq::sockopt::linger, 0);
  sock_->set(zmq::sockopt::maxmsgsize, opts_.max_msg_bytes);
  // ZMQ_IMMEDIATE stays off: with it, libzmq terminates the socket's pipe when
  // the connection drops (socket_base_t::hiccuped) and discards a reply that
  // arrived just before the server closed, which is exactly what a server
  // draining its last requests on stop does. A request queued before the
  // connection exists is sent once it does, or dropped with the socket on timeout.
  sock_->set(zmq::sockopt::reconnect_ivl, 100);
  sock_->set(zmq::sockopt::reconnect_ivl_max, 2000);
  if (opts_.curve) {
    sock_->set(zmq::sockopt::curve_serverkey, opts_.server_public_z85);
    sock_->set(zmq::sockopt::curve_publickey, opts_.curve->public_z85);
    sock_->set(zmq::sockopt::curve_secretkey, opts_.curve->secret_z85);
  }
  sock_->connect(opts_.endpoint);
}

Result<std::string> RpcClient::call(const std::string& method, const std::string& payload,
                                    int timeout_ms, int attempts) {
  if (timeout_ms <= 0) timeout_ms = opts_.timeout_ms;
  if (attempts <= 0) attempts = opts_.attempts;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    std::string id = client_tag_ + "-" + std::to_string(next_id_++);
    int64_t deadline = timeutil::monotonic_ms() + timeout_ms;
    bool sent = false;
    try {
      // Send, waiting while the queue to the server is full (its high-water mark).
      while (!sent) {
        std::vector<zmq::const_buffer> frames = {zmq::str_buffer(""), zmq::str_buffer(kProto),
                                                 zmq::buffer(id), zmq::buffer(method),
                                                 zmq::buffer(payload)};
        if (zmq::send_multipart(*sock_, frames, zmq::send_flags::dontwait)) {
          sent = true;
          break;
        }
        int64_t left = deadline - timeutil::monotonic_ms();
        if (left <= 0) break;
        zmq::pollitem_t it[] = {{sock_->handle(), 0, ZMQ_POLLOUT, 0}};
        zmq::poll(it, 1, std::chrono::milliseconds(std::min<int64_t>(left, 50)));
      }
      while (sent) {
        int64_t left = deadline - timeutil::monotonic_ms();
        if (left <= 0) break;
        zmq::pollitem_t it[] = {{sock_->handle(), 0, ZMQ_POLLIN, 0}};
        zmq::poll(it, 1, std::chrono::milliseconds(left));
        if (!(it[0].revents & ZMQ_POLLIN)) continue;
        std::vector<zmq::message_t> parts;
        if (!zmq::recv_multipart(*sock_, std::back_inserter(parts), zmq::recv_flags::dontwait))
          continue;
        if (parts.size() != 5 || parts[0].size() != 0 || frame_str(parts[1]) != kProto)
          return Error(errc::rpc_protocol, opts_.peer_name + " sent a malformed reply.", 502);
        if (frame_str(parts[2]) != id) continue;  // a late reply to an earlier attempt
        std::string status = frame_str(parts[3]);
        if (status == "ok") return frame_str(parts[4]);
        return error_from_payload(frame_str(parts[4]), opts_.peer_name);
      }
    } catch (const zmq::error_t& e) {
      if (e.num() == ETERM) return Error(errc::rpc_shutdown, "The process is shutting down.", 503);
    }
    reset_socket();  // drop anything queued for a peer that did not answer
  }
  return Error(errc::rpc_timeout,
               opts_.peer_name + " did not answer '" + method + "' within " +
                   std::to_string(timeout_ms) + " ms (" + std::to_string(attempts) + " attempts).",
               503);
}

}  // namespace jb
