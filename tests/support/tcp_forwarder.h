// tcp_forwarder.h — test support: a TCP forwarder on loopback, the way a reverse
// proxy fronts a service. It listens at once (port 0: the kernel picks the port,
// and the socket stays open, so the port is never lent out), and forwards each
// connection to a target port given later. The browser tests need it because a
// passkey is bound to the page's origin, so auth-service must know its public
// URL (JB_PUBLIC_URL) before it starts, while it only learns its own port when
// it binds port 0: the browser opens the forwarder's port instead.
//
// Bytes are copied both ways unchanged, half-closes passed on, so streamed
// answers (server-sent events) and keep-alive behave as without it.
//
// Thread-safety: set_target() and port() from any thread; one accepting thread
// and one thread per connection inside; the destructor closes everything and
// joins them.
#pragma once

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace jb::testing {

class TcpForwarder {
 public:
  TcpForwarder();  // listens on 127.0.0.1, port chosen by the kernel
  ~TcpForwarder();
  TcpForwarder(const TcpForwarder&) = delete;
  TcpForwarder& operator=(const TcpForwarder&) = delete;

  bool ok() const { return port_ > 0; }
  int port() const { return port_; }
  // Where connections go from now on (127.0.0.1:<port>). Until it is set,
  // connections are closed at once.
  void set_target(int port) { target_.store(port); }
  int connections() const { return accepted_.load(); }

 private:
  void accept_loop();
  void pump(int client);

  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};  // a pipe that ends the threads' polls
  int port_ = 0;
  std::atomic<int> target_{0};
  std::atomic<int> accepted_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> pumps_;
};

}  // namespace jb::testing
