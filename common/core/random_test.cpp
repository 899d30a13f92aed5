// Unit tests for random.h.
#include "common/core/random.h"

#include <gtest/gtest.h>

#include <set>

#include "common/core/text.h"

TEST(Random, ShapesAndUniqueness) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(jb::rnd::id128());
  EXPECT_EQ(seen.size(), 1000u);
  std::string id = jb::rnd::id128();
  EXPECT_EQ(id.size(), 32u);
  EXPECT_TRUE(jb::text::is_hex(id));
  EXPECT_EQ(jb::rnd::b64url(32).size(), 43u);
  EXPECT_EQ(jb::rnd::b64url(32).find_first_of("+/="), std::string::npos);
  for (int i = 0; i < 1000; ++i) EXPECT_LT(jb::rnd::uniform(7), 7u);
}
