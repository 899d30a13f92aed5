// rpc.h — request/reply between services over ZeroMQ: DEALER client → ROUTER
// server. Never a REQ socket, so a lost reply cannot wedge a client.
//
// Wire format (multipart), after the ROUTER's routing-id frame:
//   request: ""  "JB1"  <request-id>  <method>  <payload>
//   reply:   ""  "JB1"  <request-id>  "ok"|"err"  <payload>
// An "err" payload is JSON {"code","message","status"} (a jb::Error).
//
// RpcServer: one I/O thread owns the ROUTER socket and hands requests to a
// fixed pool of handler threads (each with its own inproc PUSH socket to send
// the reply back to the I/O thread). When the pool's queue is full the server
// answers "overloaded" at once instead of queueing without bound. stop()
// stops reading new requests, waits (bounded) for in-flight ones, sends their
// replies, and closes.
//
// RpcClient: per-call timeout and bounded retries. A reply whose request id
// is not the one outstanding (a late answer to an earlier attempt) is dropped.
// After a timeout the socket is closed and re-created (linger 0), so nothing
// stale is queued to a dead peer. After the last attempt: Error "rpc_timeout".
//
// Security: when CurveKeys are given the server is a CURVE server and a ZAP
// handler (zap.h) decides which client public keys may connect; the client
// must know the server's public key. A client that is not allowed never
// completes the handshake and its calls time out: it gets nothing. Every
// socket sets ZMQ_MAXMSGSIZE (max_msg_bytes): a peer that sends a larger
// frame is disconnected by libzmq before the frame is buffered, the message
// is dropped, and the server keeps serving everyone else (the client's call
// times out). Servers bind where configured; the services default to loopback.
//
// Thread-safety: RpcServer methods may be called from any one owning thread;
// the handler is called concurrently from the pool threads and must be
// thread-safe. RpcClient is NOT thread-safe: one per thread (ZeroMQ sockets
// must not be shared). One zmq::context_t per process, shared by all.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "common/core/result.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* rpc_bind = "rpc_bind";              // bind failed
constexpr const char* rpc_protocol = "rpc_protocol";      // malformed message
constexpr const char* rpc_shutdown = "rpc_shutdown";      // client shutting down
constexpr const char* rpc_timeout = "rpc_timeout";        // no answer in time
constexpr const char* unknown_method = "unknown_method";  // no such RPC method
}  // namespace jb::errc

namespace jb {

// The largest RPC frame a socket accepts unless configured (JB_ZMQ_MAX_MSG_BYTES):
// 16 MiB, about 3x the biggest legitimate reply (a 20000-key lookup with
// duplicate copies, or a 50000-item list page, is a few MB).
inline constexpr int64_t kDefaultRpcMaxMsgBytes = int64_t{16} << 20;

struct CurveKeyPair {
  std::string public_z85;  // 40 chars
  std::string secret_z85;  // 40 chars
};
// A fresh CURVE key pair (zmq_curve_keypair).
CurveKeyPair curve_keypair();
// Derives the public key from a secret key (zmq_curve_public); "" when invalid.
std::string curve_public_from_secret(const std::string& secret_z85);

using RpcHandler =
    std::function<Result<std::string>(const std::string& method, const std::string& payload)>;

struct RpcServerOptions {
  std::string bind;  // e.g. tcp://0.0.0.0:5556 or tcp://127.0.0.1:* (ephemeral)
  int threads = 4;   // handler threads
  size_t max_queue = 1024;
  std::string name = "rpc";           // for logs and metrics
  std::optional<CurveKeyPair> curve;  // server key pair: enables CURVE
  std::string zap_domain = "jellybridge";
  int64_t max_msg_bytes = kDefaultRpcMaxMsgBytes;  // ZMQ_MAXMSGSIZE of inbound frames
};

class RpcServer {
 public:
  RpcServer(zmq::context_t& ctx, RpcServerOptions opts, RpcHandler handler);
  ~RpcServer();
  RpcServer(const RpcServer&) = delete;
  RpcServer& operator=(const RpcServer&) = delete;

  // Binds and starts the threads. Errors: "rpc_bind".
  Status start();
  // The bound endpoint with the real port (after start()).
  const std::string& endpoint() const { return endpoint_; }
  // Stops accepting, finishes in-flight requests (up to drain_ms), closes.
  void stop(int drain_ms = 3000);
  // Requests whose handler has returned; counted before the reply is sent, so a client
  // that holds an answer always sees its request counted here.
  uint64_t served() const { return served_.load(); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string endpoint_;
  std::atomic<uint64_t> served_{0};
};

struct RpcClientOptions {
  std::string endpoint;                            // tcp://library-service:5556
  int timeout_ms = 2000;                           // per attempt
  int attempts = 3;                                // total attempts (>= 1)
  std::string peer_name = "peer";                  // named in error messages ("library-service")
  std::optional<CurveKeyPair> curve;               // this client's key pair
  std::string server_public_z85;                   // required with curve
  int64_t max_msg_bytes = kDefaultRpcMaxMsgBytes;  // ZMQ_MAXMSGSIZE of replies
};

class RpcClient {
 public:
  RpcClient(zmq::context_t& ctx, RpcClientOptions opts);
  ~RpcClient();
  RpcClient(const RpcClient&) = delete;
  RpcClient& operator=(const RpcClient&) = delete;

  // Calls method; timeout_ms/attempts <= 0 use the options. Errors:
  // "rpc_timeout", "rpc_protocol", or the Error the server's handler returned.
  Result<std::string> call(const std::string& method, const std::string& payload,
                           int timeout_ms = 0, int attempts = 0);

 private:
  void reset_socket();
  zmq::context_t& ctx_;
  RpcClientOptions opts_;
  std::unique_ptr<zmq::socket_t> sock_;
  uint64_t next_id_ = 1;
  std::string client_tag_;
};

}  // namespace jb
