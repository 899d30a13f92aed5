// second_factor_env.h — what the second-factor end-to-end tests share: codes
// from Debian's oathtool (a real authenticator app), an API client, and two
// auth-service replicas on one Redis with the Jellyfin stand-in as the home
// server.
//
// Thread-safety: test helpers for one thread.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>

#include "common/core/json.h"
#include "common/net/http_client.h"
#include "tests/support/answers.h"
#include "tests/support/api_client.h"
#include "tests/support/oathtool.h"
#include "tests/support/services.h"
#include "tests/support/stack.h"
#include "tests/support/standin.h"

namespace jb::testing {

// A code of the same length that is certainly not `code`.
inline std::string other_than(const std::string& code) {
  std::string s = code;
  s[0] = s[0] == '9' ? '0' : static_cast<char>(s[0] + 1);
  return s;
}

// A 6-digit code that is none of the app's codes near `t` (so it is certainly wrong).
inline std::string never_valid(const std::string& secret, int64_t t) {
  std::set<std::string> near;
  for (int d = -2; d <= 3; ++d) near.insert(oathtool(secret, t + 30 * d));
  for (int n = 0;; ++n) {
    std::string c = std::to_string(100000 + n);
    if (!near.count(c)) return c;
  }
}

using Client = ApiClient;

struct Env {
  Stack stack;
  Standin home;
  std::unique_ptr<Process> second;
  std::string base_a, base_b;

  using Vars = std::map<std::string, std::string>;
  explicit Env(Vars extra) {
    EXPECT_TRUE(stack.redis.ok());
    EXPECT_TRUE(home.ok());
    extra["JB_JELLYFIN_URL"] = home.url();
    EXPECT_TRUE(stack.start_auth(extra));
    base_a = stack.api("");
    auto env = stack.auth_replica_env("second");
    for (auto& [k, v] : extra) env[k] = v;
    json::Document ready;
    second = start_service("auth-service", env, &ready);
    EXPECT_TRUE(second);
    base_b = "http://127.0.0.1:" + std::to_string(json::get_int(ready, "http_port"));
  }

  // POST /api/v1/auth/login as demo at `base`: the answer's body.
  json::Document login(const std::string& base, int* status = nullptr,
                       std::string* cookie = nullptr) {
    Client c{base, ""};
    auto r =
        c.call("POST", "/api/v1/auth/login", R"({"username":"demo","password":"demo-password"})");
    EXPECT_TRUE(r.ok());
    if (status) *status = r.ok() ? static_cast<int>(r->status) : -1;
    if (cookie && r.ok()) *cookie = r->header("Set-Cookie");
    return body_of(r);
  }
};

inline std::string code_body(const std::string& code) {
  return R"({"code":")" + code + R"("})";
}
inline std::string answer_body(const std::string& method, const std::string& code) {
  return R"({"method":")" + method + R"(","code":")" + code + R"("})";
}

}  // namespace jb::testing
