// home_account.cpp — see home_account.h.
#include "auth-service/connections/home_account.h"

#include "common/jellyfin/errors.h"

namespace jb::auth {

std::string home_account_lost_reason(const Error& e) {
  return e.code == jf::errc::token_rejected ? "home_token_rejected" : "";
}

std::string home_account_lost_reason(const Result<jf::User>& me) {
  if (!me.ok()) {
    if (me.error().code == jf::errc::not_found) return "home_user_deleted";  // only /Users/Me
    return home_account_lost_reason(me.error());
  }
  if (me->is_disabled) return "home_user_disabled";
  return "";
}

}  // namespace jb::auth
