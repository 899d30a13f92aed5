// refusing_port.h — test support: a loopback TCP port where connections are
// refused for as long as the object lives. The socket is bound (so nobody
// else can take the port meanwhile) but never listens, so a connect gets
// ECONNREFUSED at once — unlike "pick a free port and close it", which
// another process may grab before the test uses it.
//
// Thread-safety: one test thread.
#pragma once

namespace jb::testing {

class RefusingPort {
 public:
  RefusingPort();
  ~RefusingPort();
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace jb::testing
