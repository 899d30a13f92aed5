// standin_fixture.h — GoogleTest fixture that runs an in-process stand-in on
// port 0 (cheap PBKDF2) over the fixtures/small.json seed, plus the ids of
// that seed's users, libraries and items, and helpers to get logged-in
// clients.
//
// Thread-safety: one fixture per test; the server itself is thread-safe.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/standin/standin.h"
#include "tests/standin/testing/api_client.h"

namespace jb::standin::testing {

// Ids from fixtures/small.json.
namespace small {
inline constexpr const char* kServerId = "5e7a1d2c3b4a49f8a1b2c3d4e5f60718";
inline constexpr const char* kAdmin = "a0000000000040008000000000000001";
inline constexpr const char* kAlice = "a0000000000040008000000000000002";  // Movies + Shows only
inline constexpr const char* kBob =
    "a0000000000040008000000000000003";  // EnableUserPreferenceAccess=false
inline constexpr const char* kCarol = "a0000000000040008000000000000004";  // MaxActiveSessions=1
inline constexpr const char* kDave = "a0000000000040008000000000000005";   // disabled
inline constexpr const char* kEve = "a0000000000040008000000000000006";    // hidden, no password
inline constexpr const char* kApiKey = "f1e2d3c4b5a697887766554433221100";
inline constexpr const char* kMoviesLib = "b0000000000040008000000000000001";
inline constexpr const char* kMovies4kLib = "b0000000000040008000000000000002";
inline constexpr const char* kShowsLib = "b0000000000040008000000000000003";
inline constexpr const char* kKidsLib = "b0000000000040008000000000000004";
inline constexpr const char* kMoviesFolder = "c0000000000040008000000000000001";
inline constexpr const char* kMatrix = "d0000000000040008000000000000001";
inline constexpr const char* kInception = "d0000000000040008000000000000002";
inline constexpr const char* kArrival = "d0000000000040008000000000000003";
inline constexpr const char* kNoIds = "d0000000000040008000000000000004";
inline constexpr const char* kJunkIds = "d0000000000040008000000000000005";
inline constexpr const char* kZeta = "d0000000000040008000000000000006";
inline constexpr const char* kMatrix4k = "d0000000000040008000000000000011";
inline constexpr const char* kPaddington = "d0000000000040008000000000000021";
inline constexpr const char* kBreakingBad = "e0000000000040008000000000000001";
inline constexpr const char* kBbSeason1 = "e1000000000040008000000000000001";
inline constexpr const char* kBbSeason2 = "e1000000000040008000000000000002";
inline constexpr const char* kPilot = "e2000000000040008000000000000001";
inline constexpr const char* kBbS1E2 = "e2000000000040008000000000000002";
inline constexpr const char* kBbMulti = "e2000000000040008000000000000004";
inline constexpr const char* kChernobyl = "e0000000000040008000000000000002";
// Recursive item counts (movies + series + seasons + episodes).
inline constexpr int kAllItems = 20;
inline constexpr int kAliceItems = 18;
}  // namespace small

std::string source_dir();
std::string small_seed_path();
StandinOptions small_options();

class StandinTest : public ::testing::Test {
 protected:
  void SetUp() override { start(small_options()); }
  void TearDown() override {
    if (server_) server_->stop();
  }
  // (Re)starts the server with other options.
  void start(const StandinOptions& opts);

  ApiClient client(const std::string& device_id = "test-device-1");
  // A client logged in as user (fails the test when the login fails).
  ApiClient as(const std::string& user, const std::string& password,
               const std::string& device_id = "test-device-1");
  ApiClient admin() { return as("admin", "admin-password", "admin-device"); }
  ApiClient alice() { return as("alice", "alice-password", "alice-device"); }
  ApiClient api_key_client();

  std::unique_ptr<Standin> server_;
};

}  // namespace jb::standin::testing
