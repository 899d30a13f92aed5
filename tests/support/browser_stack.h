// browser_stack.h — test support: the suite as a browser meets it, for the
// browser tests (tests/e2e/browser_test.cpp) and the front end's benchmark
// (bench/ui): two Jellyfin stand-ins (the home server and a second one, both
// with the demo users), redis-server, library-service, auth-service and one
// sync-worker, with the browser's address in front — a TcpForwarder on
// http://localhost:<port>, which auth-service is told is its public URL
// (JB_PUBLIC_URL) before it starts, as passkeys need — and the node scripts'
// environment (node_env()). Also: what a browser run needs on this machine
// (Debian's Chromium, tests/browser's node packages), checked with a sentence
// naming what installs each.
//
// Thread-safety: one thread.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "tests/support/stack.h"
#include "tests/support/standin.h"
#include "tests/support/tcp_forwarder.h"

namespace jb::testing {

// Debian's Chromium (JB_CHROMIUM overrides /usr/bin/chromium).
std::string chromium_path();
// Why a browser run cannot start here ("" when it can).
std::string browser_missing();

class BrowserStack {
 public:
  TcpForwarder front;
  Standin home, second;
  Stack stack;

  // Starts every service; false (with the reason in error()) when one does not start.
  bool start();
  const std::string& error() const { return error_; }
  // http://localhost:<front port> (no trailing slash).
  std::string ui_url() const;
  // JB_UI_URL, JB_STANDIN_URL, JB_STANDIN_B_URL, JB_CHROMIUM and JB_ARTIFACTS_DIR.
  std::map<std::string, std::string> node_env(const std::string& artifacts_dir) const;

 private:
  std::string error_;
};

}  // namespace jb::testing
