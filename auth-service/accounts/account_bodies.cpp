// account_bodies.cpp — see account_bodies.h.
#include "auth-service/accounts/account_bodies.h"

#include <algorithm>

#include "common/accounts/bulk_job.h"
#include "common/accounts/invite_notice.h"
#include "common/core/time.h"
#include "common/net/smtp_client.h"

namespace jb::accounts {

using auth::body_problem;
using auth::read_json_body;

namespace {

// A nullable integer member: absent → nullopt (unchanged), null → -1 (none).
std::optional<int64_t> nullable_int(json::Fields& f, const json::Value& body, const char* name,
                                    int64_t min, int64_t max) {
  const json::Value* v = json::member(body, name);
  if (!v) return std::nullopt;
  if (v->IsNull()) return -1;
  return f.integer(name, false, min, max);
}

}  // namespace

auth::BodyResult<InviteSpec> parse_invite_body(const http::Request& r,
                                               const std::optional<InviteSpec>& base,
                                               int64_t now_ms) {
  auto body = read_json_body(r, base.has_value());
  if (!body.ok()) return body_problem(body.error());
  json::Fields f(*body);
  InviteSpec s = base.value_or(InviteSpec{});
  f.reject_unknown({"label", "expires_at", "max_uses", "profile_id", "account_days", "human_check",
                    "require_email", "notify"});
  if (auto v = f.string("label", false, kMaxLabel)) s.label = *v;
  if (const json::Value* v = json::member(*body, "expires_at")) {
    if (v->IsNull()) {
      s.expires_ms = 0;
    } else if (auto t = f.string("expires_at", false, 64)) {
      auto us = timeutil::parse_iso8601(*t);
      if (!us)
        f.add_problem("expires_at", "must be an RFC 3339 time such as 2027-01-31T18:00:00Z");
      else if (*us / 1000 <= now_ms)
        f.add_problem("expires_at", "must be in the future");
      else
        s.expires_ms = *us / 1000;
    }
  }
  if (auto v = nullable_int(f, *body, "max_uses", 1, kMaxInviteUses)) s.max_uses = *v;
  if (const json::Value* v = json::member(*body, "profile_id")) {
    if (v->IsNull())
      s.profile_id.clear();
    else if (auto p = f.string("profile_id", false, 64))
      s.profile_id = *p;
  }
  if (auto v = nullable_int(f, *body, "account_days", 1, 36500)) s.account_days = *v < 0 ? 0 : *v;
  if (auto v = f.boolean("human_check", false)) s.human_check = *v;
  if (auto v = f.boolean("require_email", false)) s.require_email = *v;
  if (const json::Value* v = f.array("notify", false)) {
    std::vector<std::string> ids;
    for (const auto& id : v->GetArray()) {
      if (!id.IsString() || !is_jellyfin_id(id.GetString())) {
        f.add_problem("notify", "must hold Jellyfin user ids (32 hexadecimal digits)");
        break;
      }
      if (std::find(ids.begin(), ids.end(), id.GetString()) == ids.end())
        ids.emplace_back(id.GetString());
    }
    if (ids.size() > kMaxInviteNotify)
      f.add_problem("notify", "may name at most " + std::to_string(kMaxInviteNotify) + " users");
    s.notify = std::move(ids);
  }
  if (!f.ok()) return body_problem(f);
  return s;
}

auth::BodyResult<ProfileBody> parse_profile_body(const http::Request& r) {
  auto body = read_json_body(r);
  if (!body.ok()) return body_problem(body.error());
  json::Fields f(*body);
  f.reject_unknown({"name", "template_user_id", "configuration", "display_preferences", "default"});
  ProfileBody p;
  auto name = f.string("name", true, kMaxProfileName);
  auto user = f.string("template_user_id", true, 64);
  if (auto v = f.boolean("configuration", false)) p.configuration = *v;
  if (auto v = f.boolean("display_preferences", false)) p.display_preferences = *v;
  if (auto v = f.boolean("default", false)) p.make_default = *v;
  if (name && name->empty()) f.add_problem("name", "must not be empty");
  if (!f.ok()) return body_problem(f);
  p.name = *name;
  p.template_user_id = *user;
  return p;
}

auth::BodyResult<ProfilePatch> parse_profile_patch(const http::Request& r) {
  auto body = read_json_body(r);
  if (!body.ok()) return body_problem(body.error());
  json::Fields f(*body);
  f.reject_unknown({"name", "default"});
  ProfilePatch p;
  p.name = f.string("name", false, kMaxProfileName);
  if (p.name && p.name->empty()) f.add_problem("name", "must not be empty");
  if (auto v = f.boolean("default", false)) {
    if (!*v) f.add_problem("default", "can only be true: make another profile the default");
    p.make_default = *v;
  }
  if (!f.ok()) return body_problem(f);
  return p;
}

auth::BodyResult<std::string> parse_admin_connection_body(const http::Request& r) {
  auto body = read_json_body(r);
  if (!body.ok()) return body_problem(body.error());
  json::Fields f(*body);
  f.reject_unknown({"connection_id"});
  auto id = f.string("connection_id", true, 64);
  if (!f.ok()) return body_problem(f);
  return *id;
}

auth::BodyResult<SignUpBody> parse_signup_body(const http::Request& r) {
  auto body = read_json_body(r);
  if (!body.ok()) return body_problem(body.error());
  json::Fields f(*body);
  f.reject_unknown({"code", "user_name", "password", "human_check", "contact_token"});
  auto code = f.string("code", true, 64);
  auto name = f.string("user_name", true, kMaxUserName);
  auto password = f.string("password", true, kMaxPassword);
  auto human = f.string("human_check", false, kMaxHumanCheck);
  auto contact = f.string("contact_token", false, 64);
  if (!f.ok()) return body_problem(f);
  return SignUpBody{*code, *name, *password, human.value_or(""), contact.value_or("")};
}

auth::BodyResult<ContactBody> parse_contact_body(const http::Request& r) {
  auto body = read_json_body(r);
  if (!body.ok()) return body_problem(body.error());
  json::Fields f(*body);
  f.reject_unknown({"code", "email"});
  auto code = f.string("code", true, 64);
  auto email = f.string("email", true, 254);
  if (email && !valid_mail_addr(*email))
    f.add_problem("email", "must be an address like name@example.org");
  if (!f.ok()) return body_problem(f);
  return ContactBody{*code, *email};
}

}  // namespace jb::accounts
