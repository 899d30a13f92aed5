// in_flight_test.cpp — the in-flight recorder (in_flight.h) on its own, and
// GET/DELETE /__standin/inflight on a running stand-in: concurrent slow
// requests are all in flight at once (the server serves at least 8 together),
// control requests are never counted, answered/dropped requests leave, and a
// reset starts a new maximum.
#include "tests/standin/in_flight.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>
#include <vector>

#include "tests/standin/testing/standin_fixture.h"
#include "tests/support/eventually.h"

namespace jb::standin::testing {
namespace {

using jb::testing::eventually;

TEST(InFlightRecorder, CountsHoldsAndKeepsTheMaximumUntilReset) {
  InFlight f;
  EXPECT_EQ(f.figures().current, 0);
  EXPECT_EQ(f.figures().max, 0);
  {
    auto one = f.enter();
    auto two = f.enter();
    auto copy = two;  // a copy is the same request
    EXPECT_EQ(f.figures().current, 2);
    two.reset();
    EXPECT_EQ(f.figures().current, 2) << "the copy still holds it";
    copy.reset();
    EXPECT_EQ(f.figures().current, 1);
    f.reset_max();
    EXPECT_EQ(f.figures().max, 1) << "a reset keeps what is in flight now";
  }
  EXPECT_EQ(f.figures().current, 0);
  EXPECT_EQ(f.figures().max, 1);
  f.reset_max();
  EXPECT_EQ(f.figures().max, 0);
}

TEST(InFlightRecorder, ConcurrentHoldersAreAllCounted) {
  InFlight f;
  const int n = 8;
  std::vector<std::promise<void>> entered(n);
  std::promise<void> release;
  std::shared_future<void> go = release.get_future().share();
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      auto hold = f.enter();
      entered[i].set_value();
      go.wait();
    });
  for (auto& e : entered) e.get_future().wait();
  EXPECT_EQ(f.figures().current, n);
  EXPECT_EQ(f.figures().max, n);
  release.set_value();
  for (auto& t : threads) t.join();
  EXPECT_EQ(f.figures().current, 0);
  EXPECT_EQ(f.figures().max, n);
}

class InFlightRoutesTest : public StandinTest {
 protected:
  void SetUp() override {
    StandinOptions o = small_options();
    o.threads = 0;  // the default pool: it must serve the 8 below together
    start(o);
  }
  // "Current/Max" from the control API ("?" when the answer is not one).
  static std::string figures(ApiClient& c) {
    auto r = c.control("GET", "/__standin/inflight");
    if (r.status != 200 || !r.is_json) return "?";
    return std::to_string(r.num("Current")) + "/" + std::to_string(r.num("Max"));
  }
  static int64_t current(ApiClient& c) {
    auto r = c.control("GET", "/__standin/inflight");
    return r.status == 200 && r.is_json ? r.num("Current") : -1;
  }
};

TEST_F(InFlightRoutesTest, SlowConcurrentRequestsAreInFlightTogetherAndResetStartsANewMaximum) {
  auto a = alice();
  EXPECT_EQ(figures(a), "0/1") << "the login was one request";
  ASSERT_EQ(a.control("DELETE", "/__standin/inflight").status, 204);
  EXPECT_EQ(figures(a), "0/0") << "control requests (this one too) are never counted";

  // Long enough for every thread to get its request in; the test waits on what it sees.
  ASSERT_EQ(a.control("POST", "/__standin/latency", R"({"GlobalMs": 3000})").status, 200);
  const int n = 8;
  std::vector<std::thread> threads;
  std::vector<long> status(n, 0);
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      ApiClient c = client("dev-" + std::to_string(i));
      c.token = a.token;
      c.check = false;
      status[i] = c.get("/Items?recursive=true&limit=5").status;
    });
  EXPECT_TRUE(eventually([&] { return current(a) == n; }, 2500, 5))
      << "all " << n << " slow requests in flight at once; now " << current(a);
  EXPECT_EQ(figures(a), std::to_string(n) + "/" + std::to_string(n));
  ASSERT_EQ(a.control("DELETE", "/__standin/inflight").status, 204);
  EXPECT_EQ(figures(a), std::to_string(n) + "/" + std::to_string(n))
      << "the reset keeps the requests still in flight";
  for (auto& t : threads) t.join();
  for (long s : status) EXPECT_EQ(s, 200);
  EXPECT_EQ(figures(a), "0/" + std::to_string(n))
      << "answered requests have left (before their answers were sent); the maximum stays";
  ASSERT_EQ(a.control("DELETE", "/__standin/inflight").status, 204);
  EXPECT_EQ(figures(a), "0/0");
  // POST /__standin/reset starts a new measurement too.
  ASSERT_EQ(a.control("DELETE", "/__standin/latency").status, 204);
  a.get("/Users/Me");
  EXPECT_EQ(figures(a), "0/1");
  ASSERT_EQ(a.control("POST", "/__standin/reset").status, 204);
  EXPECT_EQ(figures(a), "0/0");
}

TEST_F(InFlightRoutesTest, DroppedHungAndUnmatchedRequestsAreCountedAndLeave) {
  auto a = alice();
  ASSERT_EQ(a.control("DELETE", "/__standin/inflight").status, 204);
  a.check = false;
  EXPECT_EQ(a.get("/No/Such/Route").status, 404);
  EXPECT_EQ(figures(a), "0/1");
  // Fresh connections: libcurl retries once when a reused connection closes unanswered.
  ApiClient dropped = client("dropped");
  dropped.token = a.token;
  ASSERT_EQ(a.control("POST", "/__standin/faults", R"({"Kind":"drop","Count":1})").status, 200);
  EXPECT_FALSE(dropped.get("/Users/Me").transport_error.empty()) << "dropped";
  EXPECT_EQ(figures(a), "0/1");
  ApiClient hung = client("hung");
  hung.token = a.token;
  ASSERT_EQ(
      a.control("POST", "/__standin/faults", R"({"Kind":"hang","HangMs":100,"Count":1})").status,
      200);
  EXPECT_FALSE(hung.get("/Users/Me").transport_error.empty()) << "hung, then closed";
  EXPECT_EQ(figures(a), "0/1") << "one at a time, each left";
}

TEST_F(InFlightRoutesTest, OnlyGetAndDelete) {
  auto a = client();
  EXPECT_EQ(a.control("POST", "/__standin/inflight").status, 405);
}

}  // namespace
}  // namespace jb::standin::testing
