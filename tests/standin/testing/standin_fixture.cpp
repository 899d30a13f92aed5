// standin_fixture.cpp — see standin_fixture.h.
#include "tests/standin/testing/standin_fixture.h"

#include <cstdlib>

#include "tests/standin/options.h"

namespace jb::standin::testing {

std::string source_dir() {
  const char* s = std::getenv("JB_SOURCE_DIR");
  return s && *s ? s : JB_STANDIN_PROJECT_DIR;
}

std::string small_seed_path() {
  return source_dir() + "/tests/standin/fixtures/small.json";
}

StandinOptions small_options() {
  StandinOptions o;
  o.port = 0;
  o.seed_path = small_seed_path();
  o.app.pbkdf2_iterations = kCheapPbkdf2Iterations;
  o.threads = 4;
  return o;
}

void StandinTest::start(const StandinOptions& opts) {
  if (server_) server_->stop();
  server_.reset();
  auto s = Standin::create(opts);
  ASSERT_TRUE(s.ok()) << s.error().message;
  server_ = std::move(*s);
  auto st = server_->start();
  ASSERT_TRUE(st.ok()) << st.error().message;
}

ApiClient StandinTest::client(const std::string& device_id) {
  ApiClient c(server_->base_url(), server_->root_url());
  c.device_id = device_id;
  return c;
}

ApiClient StandinTest::as(const std::string& user, const std::string& password,
                          const std::string& device_id) {
  ApiClient c = client(device_id);
  std::string tok = c.login(user, password);
  EXPECT_FALSE(tok.empty()) << "login as " << user << " failed";
  return c;
}

ApiClient StandinTest::api_key_client() {
  ApiClient c = client("api-key-device");
  c.send_authorization = false;
  c.extra_headers.emplace_back("Authorization",
                               std::string("MediaBrowser Token=\"") + small::kApiKey + "\"");
  return c;
}

}  // namespace jb::standin::testing
