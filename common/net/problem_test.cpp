// Unit tests for problem.h.
#include "common/net/problem.h"

#include <gtest/gtest.h>

#include "common/core/json.h"

using namespace jb;

TEST(Problem, SerialisesRfc9457Members) {
  Problem p = make_problem(404, "not_found", "No connection with id 'x' exists.");
  auto d = json::parse(problem_json(p));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(json::get_string(*d, "type"), "urn:jellybridge:problem:not_found");
  EXPECT_EQ(json::get_string(*d, "title"), "Not found");
  EXPECT_EQ(json::get_int(*d, "status"), 404);
  EXPECT_EQ(json::get_string(*d, "detail"), "No connection with id 'x' exists.");
  EXPECT_EQ(json::member(*d, "invalid_params"), nullptr);
}

TEST(Problem, FromErrorKeepsStatusAndRetryAfter) {
  Error e("jellyfin_starting", "The Jellyfin server is starting; try again in 30 seconds.", 503);
  e.retry_after_s = 30;
  Problem p = problem_from_error(e);
  EXPECT_EQ(p.status, 503);
  auto d = json::parse(problem_json(p));
  EXPECT_EQ(json::get_int(*d, "retry_after"), 30);
  EXPECT_EQ(json::get_string(*d, "title"), "Service Unavailable");
  Problem q = problem_from_error(Error("boom", "x"));
  EXPECT_EQ(q.status, 500);
}

TEST(Problem, InvalidParamsListed) {
  Problem p = make_problem(400, "invalid_request", "bad");
  p.invalid_params = {{"username", "is required"}};
  auto d = json::parse(problem_json(p));
  const auto* ip = json::member(*d, "invalid_params");
  ASSERT_NE(ip, nullptr);
  ASSERT_TRUE(ip->IsArray());
  EXPECT_EQ(json::get_string((*ip)[0], "name"), "username");
}
