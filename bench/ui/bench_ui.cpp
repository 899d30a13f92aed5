// bench_ui.cpp — the web front end's first load over loopback: starts the
// suite as the browser tests do (tests/support/browser_stack.h: real services,
// two Jellyfin stand-ins, http://localhost in front), then runs
// bench/ui/first_load.mjs in Debian's Chromium, which prints the figures:
// bytes transferred (compressed, as on the wire) and requests of a first load
// of the dashboard with an empty cache, and the time until its data is on
// screen. Targets: < 200 KB and < 15 requests. Flags: --runs N (default 5).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "tests/support/browser_stack.h"
#include "tests/support/process.h"

using namespace jb::testing;

int main(int argc, char** argv) {
  int runs = 5;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == "--runs") runs = std::atoi(argv[i + 1]);
  if (std::string missing = browser_missing(); !missing.empty()) {
    std::cerr << "bench_ui: " << missing << "\n";
    return 1;
  }
  BrowserStack suite;
  if (!suite.start()) {
    std::cerr << "bench_ui: the suite did not start: " << suite.error() << "\n";
    return 1;
  }
  TempDir artifacts;
  auto env = suite.node_env(artifacts.path());
  env["JB_BENCH_RUNS"] = std::to_string(runs);
  Process node({"/usr/bin/env", "node", source_dir() + "/bench/ui/first_load.mjs"}, env,
               "bench-ui");
  if (!node.start()) return 1;
  auto rc = node.wait(10 * 60 * 1000);
  for (const auto& l : node.lines())
    if (l.rfind("ui.", 0) == 0 || rc != 0) std::cout << l << "\n";
  std::cout << std::flush;
  return rc == 0 ? 0 : 1;
}
