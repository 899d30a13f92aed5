// browser_test.cpp — the web front end in a real browser: runs the browser
// tests (tests/browser/*.test.mjs: node's test runner driving Debian's
// Chromium through playwright-core) against the real suite and two Jellyfin
// stand-ins (tests/support/browser_stack.h).
//
// Nothing here is optional: a missing Chromium, node or node package is a
// failure naming what `make test` installs, never a skip. Screenshots of every
// page and the first-load figures go to <build>/browser-artifacts/.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>

#include "tests/support/browser_stack.h"
#include "tests/support/process.h"

using namespace jb;
using namespace jb::testing;
namespace fs = std::filesystem;

TEST(Browser, TheFrontEndWorksEndToEndInChromium) {
  std::string missing = browser_missing();
  ASSERT_TRUE(missing.empty()) << missing;
  BrowserStack suite;
  ASSERT_TRUE(suite.start()) << suite.error();

  const std::string artifacts = binary_dir() + "/browser-artifacts";
  fs::remove_all(artifacts);
  fs::create_directories(artifacts);
  Process node({"/usr/bin/env", "node", "--test", "--test-concurrency=1", "--test-reporter=spec",
                source_dir() + "/tests/browser/"},
               suite.node_env(artifacts), "browser-tests");
  ASSERT_TRUE(node.start());
  auto rc = node.wait(25 * 60 * 1000);
  for (const auto& l : node.lines()) std::cout << l << "\n";
  ASSERT_TRUE(rc.has_value()) << "the browser tests did not finish within 25 minutes";
  EXPECT_EQ(*rc, 0) << "a browser test failed (its report is above; screenshots in " << artifacts
                    << ")";
  EXPECT_GT(suite.front.connections(), 0) << "the browser never reached the suite";
}
