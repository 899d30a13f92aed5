// Unit tests for metrics.h: exposition format.
#include "common/core/metrics.h"

#include <gtest/gtest.h>

using namespace jb::metrics;

TEST(Metrics, RendersCountersGaugesAndHistograms) {
  Registry r;
  r.counter("jb_x_total", "X things", {{"kind", "a\"b"}}).inc(3);
  r.gauge("jb_g", "A gauge").set(-2);
  r.gauge_fn("jb_f", "A computed gauge", [] { return 1.5; });
  auto& h = r.histogram("jb_lat_seconds", "Latency", {}, {0.1, 1});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  std::string s = r.render();
  EXPECT_NE(s.find("# TYPE jb_x_total counter\njb_x_total{kind=\"a\\\"b\"} 3\n"), std::string::npos)
      << s;
  EXPECT_NE(s.find("jb_g -2\n"), std::string::npos);
  EXPECT_NE(s.find("jb_f 1.5\n"), std::string::npos);
  EXPECT_NE(s.find("jb_lat_seconds_bucket{le=\"0.10000000000000001\"} 1\n"), std::string::npos)
      << s;
  EXPECT_NE(s.find("jb_lat_seconds_bucket{le=\"1\"} 2\n"), std::string::npos);
  EXPECT_NE(s.find("jb_lat_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(s.find("jb_lat_seconds_count 3\n"), std::string::npos);
}

TEST(Metrics, SameNameAndLabelsIsTheSameCounter) {
  Registry r;
  r.counter("c", "h", {{"a", "1"}}).inc();
  r.counter("c", "h", {{"a", "1"}}).inc();
  EXPECT_EQ(r.counter("c", "h", {{"a", "1"}}).value(), 2u);
  EXPECT_EQ(r.counter("c", "h", {{"a", "2"}}).value(), 0u);
}
