// main.cpp — the jellyfin-standin process: parses the command line, builds
// and starts the Standin, prints "LISTENING <port>" and waits for SIGTERM or
// SIGINT, then stops (saving the --state-file a last time) and exits 0, or 1
// when that final save failed.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <iostream>

#include "tests/standin/generator.h"
#include "tests/standin/options.h"
#include "tests/standin/seed.h"
#include "tests/standin/standin.h"
#include "tests/standin/state_file.h"

namespace {

// Stop signals: blocked before any thread starts (so worker and reactor
// threads never see them), unblocked in the main thread only once serving;
// the handler just writes a byte to a pipe (async-signal-safe) that main()
// waits on. A stray thread that did not inherit the mask is harmless too.
int g_stop_pipe[2] = {-1, -1};

void on_stop_signal(int) {
  char b = 1;
  ssize_t n = write(g_stop_pipe[1], &b, 1);
  (void)n;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace jb::standin;
  if (pipe2(g_stop_pipe, O_CLOEXEC) != 0) return 1;
  fcntl(g_stop_pipe[1], F_SETFL, O_NONBLOCK);  // a signal storm must not block the handler
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto cli = parse_cli(std::vector<std::string>(argv + 1, argv + argc));
  if (!cli) {
    std::cerr << "jellyfin-standin: " << cli.error().message << "\n";
    return 2;
  }
  if (cli->help) {
    std::cout << usage();
    return 0;
  }
  if (cli->dump_seed) {
    if (!cli->standin.state_file.empty()) {
      auto saved = read_state_file(cli->standin.state_file);
      if (!saved) {
        std::cerr << "jellyfin-standin: " << saved.error().message << "\n";
        return 1;
      }
      if (*saved) {
        std::cout << dump_seed((*saved)->cat) << "\n";
        return 0;
      }
    }
    auto cat = catalog_factory(cli->standin)();
    if (!cat) {
      std::cerr << "jellyfin-standin: " << cat.error().message << "\n";
      return 1;
    }
    std::cout << dump_seed(*cat) << "\n";
    return 0;
  }
  auto standin = Standin::create(cli->standin);
  if (!standin) {
    std::cerr << "jellyfin-standin: " << standin.error().message << "\n";
    return 1;
  }
  jb::Status st = (*standin)->start();
  if (!st.ok()) {
    std::cerr << "jellyfin-standin: " << st.error().message << "\n";
    return 1;
  }
  if (cli->standin.demo) {
    std::cerr << "Demo users: " << kDemoUser << " / " << kDemoPassword << " (non-admin), "
              << kAdminUser << " / " << kAdminPassword << " (admin)\n";
  }
  std::cerr << "Jellyfin stand-in " << (*standin)->app().server.name << " ("
            << (*standin)->app().server.id << ") at " << (*standin)->base_url() << "\n";
  if (!cli->standin.state_file.empty())
    std::cerr << "State file " << cli->standin.state_file
              << ((*standin)->state_loaded() ? " loaded" : " created from the seed")
              << "; changes are saved to it\n";
  std::printf("LISTENING %u\n", static_cast<unsigned>((*standin)->port()));
  std::fflush(stdout);

  pthread_sigmask(SIG_UNBLOCK, &stop_signals, nullptr);
  char b = 0;
  while (read(g_stop_pipe[0], &b, 1) < 0 && errno == EINTR) {
  }
  (*standin)->stop();
  jb::Status saved = (*standin)->save_status();
  if (!saved.ok()) {
    std::cerr << "jellyfin-standin: the last save failed: " << saved.error().message << "\n";
    return 1;
  }
  return 0;
}
