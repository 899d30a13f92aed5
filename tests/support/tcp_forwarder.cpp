// tcp_forwarder.cpp — see tcp_forwarder.h.
#include "tests/support/tcp_forwarder.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace jb::testing {
namespace {

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  return a;
}

}  // namespace

TcpForwarder::TcpForwarder() {
  if (::pipe2(wake_, O_CLOEXEC) != 0) return;
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a = loopback(0);
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::listen(listen_fd_, 128) != 0)
    return;
  socklen_t len = sizeof a;
  if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) return;
  port_ = ntohs(a.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

TcpForwarder::~TcpForwarder() {
  if (wake_[1] >= 0) {
    char c = 0;
    if (::write(wake_[1], &c, 1) < 0) {
      // Nothing to do: the threads then end when their peers close.
    }
  }
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<std::thread> pumps;
  {
    std::lock_guard<std::mutex> l(mu_);
    pumps.swap(pumps_);
  }
  for (auto& t : pumps) t.join();
  for (int fd : {listen_fd_, wake_[0], wake_[1]})
    if (fd >= 0) ::close(fd);
}

void TcpForwarder::accept_loop() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) continue;
    if (fds[1].revents != 0) return;
    int c = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) continue;
    accepted_.fetch_add(1);
    std::lock_guard<std::mutex> l(mu_);
    pumps_.emplace_back([this, c] { pump(c); });
  }
}

void TcpForwarder::pump(int client) {
  int target = target_.load();
  int server = target > 0 ? ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0) : -1;
  sockaddr_in a = loopback(target);
  if (server < 0 || ::connect(server, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    if (server >= 0) ::close(server);
    ::close(client);
    return;
  }
  // open[i]: fds[i] may still send; a side that ended has its write half passed on.
  int ends[2] = {client, server};
  bool open[2] = {true, true};
  char buf[16384];
  while (open[0] || open[1]) {
    pollfd fds[3] = {{open[0] ? client : -1, POLLIN, 0},
                     {open[1] ? server : -1, POLLIN, 0},
                     {wake_[0], POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0) continue;
    if (fds[2].revents != 0) break;
    for (int i = 0; i < 2; ++i) {
      if (!open[i] || fds[i].revents == 0) continue;
      ssize_t n = ::recv(ends[i], buf, sizeof buf, 0);
      bool sent = n > 0;
      for (ssize_t off = 0; sent && off < n;) {
        ssize_t w = ::send(ends[1 - i], buf + off, static_cast<size_t>(n - off), MSG_NOSIGNAL);
        if (w <= 0) sent = false;
        off += w > 0 ? w : 0;
      }
      if (!sent) {
        open[i] = false;
        ::shutdown(ends[1 - i], SHUT_WR);
        if (n < 0 || (n > 0 && !sent)) open[0] = open[1] = false;  // reset: end both ways
      }
    }
  }
  ::close(client);
  ::close(server);
}

}  // namespace jb::testing
