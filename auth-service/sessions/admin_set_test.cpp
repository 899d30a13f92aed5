// admin_set_test.cpp — who is a suite administrator (sessions/admin_set.h).
#include "auth-service/sessions/admin_set.h"

#include <gtest/gtest.h>

namespace jb::auth {
namespace {

jf::User user(std::string id, std::string name, bool admin) {
  jf::User u;
  u.id = std::move(id);
  u.name = std::move(name);
  u.is_admin = admin;
  return u;
}

TEST(AdminSet, ParsesLists) {
  EXPECT_EQ(parse_user_list(" demo, ,Alice ,"), (std::vector<std::string>{"demo", "Alice"}));
  EXPECT_TRUE(parse_user_list("").empty());
}

TEST(AdminSet, JellyfinAdminsByDefault) {
  AdminSet none;
  EXPECT_TRUE(suite_admin(none, user("a1", "admin", true)));
  EXPECT_FALSE(suite_admin(none, user("d1", "demo", false)));
}

TEST(AdminSet, WidenedByNameOrId) {
  AdminSet s{{"DEMO", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"}, {}};
  EXPECT_TRUE(suite_admin(s, user("d1", "demo", false)));
  EXPECT_TRUE(suite_admin(s, user("0F1E2D3C4B5A69788796A5B4C3D2E1F0", "bob", false)));
  EXPECT_FALSE(suite_admin(s, user("c1", "carol", false)));
}

TEST(AdminSet, NarrowedAndExcludeWins) {
  AdminSet s{{"demo"}, {"admin", "demo"}};
  EXPECT_FALSE(suite_admin(s, user("a1", "Admin", true)));
  EXPECT_FALSE(suite_admin(s, user("d1", "demo", false)));
  EXPECT_TRUE(suite_admin(s, user("o1", "other-admin", true)));
}

}  // namespace
}  // namespace jb::auth
