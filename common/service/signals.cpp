// signals.cpp — see signals.h.
#include "common/service/signals.h"

#include <pthread.h>
#include <signal.h>

namespace jb {

namespace {
sigset_t shutdown_set() {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGTERM);
  sigaddset(&s, SIGINT);
  sigaddset(&s, SIGHUP);
  return s;
}
}  // namespace

void block_shutdown_signals() {
  sigset_t s = shutdown_set();
  pthread_sigmask(SIG_BLOCK, &s, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a peer closing a socket must never kill a service
}

int wait_for_shutdown_signal() {
  sigset_t s = shutdown_set();
  int sig = 0;
  while (sigwait(&s, &sig) != 0) {
  }
  return sig;
}

const char* signal_name(int sig) {
  switch (sig) {
    case SIGTERM:
      return "SIGTERM";
    case SIGINT:
      return "SIGINT";
    case SIGHUP:
      return "SIGHUP";
    default:
      return "signal";
  }
}

}  // namespace jb
