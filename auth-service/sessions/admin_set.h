// admin_set.h — who is a suite administrator (issue 14, "admins narrowed or
// widened by a setting"). By default the home Jellyfin server's administrators
// are; JB_ADMIN_USERS adds Jellyfin users who are not (names or ids), and
// JB_ADMIN_EXCLUDE removes Jellyfin administrators (names or ids; it wins over
// JB_ADMIN_USERS). Names compare ignoring case, ids ignoring case and dashes.
// It is applied where a sign-in learns the Jellyfin user (the home sign-in:
// password, Quick Connect, passkey), so sessions and everything built from
// them (the admin guard, audit views, the second-factor policy) agree; a
// change takes effect at the user's next sign-in.
//
// Thread-safety: immutable values and pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/jellyfin/client.h"

namespace jb::auth {

struct AdminSet {
  std::vector<std::string> extra;    // JB_ADMIN_USERS
  std::vector<std::string> exclude;  // JB_ADMIN_EXCLUDE
};

// "a, b,,c" → {"a","b","c"} (trimmed, empty entries dropped).
std::vector<std::string> parse_user_list(std::string_view text);
// Whether `user` (as Jellyfin answered it) is a suite administrator.
bool suite_admin(const AdminSet& set, const jf::User& user);

}  // namespace jb::auth
