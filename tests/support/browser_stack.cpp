// browser_stack.cpp — see browser_stack.h.
#include "tests/support/browser_stack.h"

#include <cstdlib>
#include <filesystem>

#include "tests/support/process.h"

namespace jb::testing {

std::string chromium_path() {
  const char* env = std::getenv("JB_CHROMIUM");
  return env != nullptr && *env != 0 ? env : "/usr/bin/chromium";
}

std::string browser_missing() {
  namespace fs = std::filesystem;
  if (!fs::exists(chromium_path()))
    return chromium_path() +
           " is missing: `make test` installs Debian's chromium (scripts/deps.sh).";
  if (!fs::exists(source_dir() + "/tests/browser/node_modules/playwright-core/package.json"))
    return "the browser tests' node packages are missing: `make test` installs them "
           "(scripts/browser-deps.sh: npm ci in tests/browser).";
  return "";
}

bool BrowserStack::start() {
  auto fail = [this](const std::string& why) {
    error_ = why;
    return false;
  };
  if (!front.ok()) return fail("the forwarder could not listen");
  if (!home.ok() || !second.ok()) return fail("a Jellyfin stand-in did not start");
  if (!stack.redis.ok()) return fail("redis-server did not start");
  if (!stack.start_library({{"JB_INDEX_TICK_MS", "100"}})) return fail("library-service");
  if (!stack.start_auth({{"JB_JELLYFIN_URL", home.url()},
                         {"JB_PUBLIC_URL", ui_url()},
                         {"JB_QUICKCONNECT_POLL_MS", "200"}}))
    return fail("auth-service did not start");
  front.set_target(stack.http_port);
  if (stack.start_worker("w1", {{"JB_SCHEDULE_TICK_MS", "200"}}) == nullptr)
    return fail("sync-worker did not start");
  return true;
}

std::string BrowserStack::ui_url() const {
  return "http://localhost:" + std::to_string(front.port());
}

std::map<std::string, std::string> BrowserStack::node_env(const std::string& artifacts_dir) const {
  return {{"JB_UI_URL", ui_url() + "/"},
          {"JB_STANDIN_URL", home.url()},
          {"JB_STANDIN_B_URL", second.url()},
          {"JB_ARTIFACTS_DIR", artifacts_dir},
          {"JB_CHROMIUM", chromium_path()}};
}

}  // namespace jb::testing
