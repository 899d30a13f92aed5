// admin_set.cpp — see admin_set.h.
#include "auth-service/sessions/admin_set.h"

#include "common/core/text.h"

namespace jb::auth {

namespace {

std::string plain_id(std::string_view id) {
  std::string out;
  for (char c : id)
    if (c != '-') out += c;
  return text::to_lower(out);
}

bool listed(const std::vector<std::string>& list, const jf::User& u) {
  for (const auto& entry : list) {
    if (text::to_lower(entry) == text::to_lower(u.name)) return true;
    if (!u.id.empty() && plain_id(entry) == plain_id(u.id)) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> parse_user_list(std::string_view text_in) {
  std::vector<std::string> out;
  for (const auto& part : text::split(text_in, ',')) {
    std::string t(text::trim(part));
    if (!t.empty()) out.push_back(std::move(t));
  }
  return out;
}

bool suite_admin(const AdminSet& set, const jf::User& user) {
  if (listed(set.exclude, user)) return false;
  return user.is_admin || listed(set.extra, user);
}

}  // namespace jb::auth
