// routes_users.cpp — user administration (API-NOTES §4): GET /Users,
// /Users/Public, /Users/{id}; POST /Users/New, /Users/{id}/Policy,
// /Users/Password (+ legacy /Users/{id}/Password), /Users/Configuration (+ legacy
// /Users/{id}/Configuration); DELETE /Users/{id};
// forgot-password PIN flow.
#include <algorithm>

#include "common/core/text.h"
#include "tests/standin/password.h"
#include "tests/standin/policy.h"
#include "tests/standin/routes.h"

namespace jb::standin {

namespace {

// Decodes one UTF-8 code point at s[i]; returns 0 and advances by 1 on error.
uint32_t next_cp(std::string_view s, size_t& i) {
  auto u = reinterpret_cast<const unsigned char*>(s.data());
  unsigned char c = u[i];
  size_t len = c < 0x80             ? 1
               : (c & 0xE0) == 0xC0 ? 2
               : (c & 0xF0) == 0xE0 ? 3
               : (c & 0xF8) == 0xF0 ? 4
                                    : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0;
  }
  uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (u[i + k] & 0x3F);
  i += len;
  return cp;
}

// UserManager's rule ^(?!\s)[\w\ \-'._@+]+(?<!\s)$. \w is approximated by
// ASCII word characters plus letters of the main alphabetic scripts; symbols,
// punctuation and emoji are rejected.
bool valid_username(std::string_view name) {
  if (name.empty() || name.front() == ' ' || name.back() == ' ') return false;
  size_t i = 0;
  while (i < name.size()) {
    uint32_t cp = next_cp(name, i);
    if (cp == 0) return false;
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')) continue;
    if (cp == '_' || cp == ' ' || cp == '-' || cp == '\'' || cp == '.' || cp == '@' || cp == '+')
      continue;
    bool letter = (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||  // Latin
                  (cp >= 0x370 && cp <= 0x3FF) ||                             // Greek
                  (cp >= 0x400 && cp <= 0x52F) ||                             // Cyrillic
                  (cp >= 0x590 && cp <= 0x6FF) ||                             // Hebrew, Arabic
                  (cp >= 0x900 && cp <= 0xDFF) ||                             // Indic
                  (cp >= 0x3040 && cp <= 0x30FF) ||                           // Kana
                  (cp >= 0x4E00 && cp <= 0x9FFF) ||                           // CJK
                  (cp >= 0xAC00 && cp <= 0xD7AF);                             // Hangul
    if (!letter) return false;
  }
  return true;
}

void write_users(json::Writer& w, std::vector<const User*> users, const ServerInfo& srv) {
  std::stable_sort(users.begin(), users.end(), [](const User* a, const User* b) {
    return text::to_lower(a->name) < text::to_lower(b->name);
  });
  w.begin_array();
  for (const User* u : users) write_user(w, *u, srv);
  w.end_array();
}

HttpResponse list_users(Ctx& c) {
  auto hidden = query_bool(c, "isHidden");
  if (!hidden) return from_error(hidden.error());
  auto disabled = query_bool(c, "isDisabled");
  if (!disabled) return from_error(disabled.error());
  return c.app.store.read([&](const State& s) {
    std::vector<const User*> users;
    for (const auto& u : s.cat.users) {
      if (*hidden && u.policy.is_hidden != **hidden) continue;
      if (*disabled && u.policy.is_disabled != **disabled) continue;
      users.push_back(&u);
    }
    json::Writer w;
    write_users(w, users, c.app.server);
    return json_response(w.str());
  });
}

HttpResponse public_users(Ctx& c) {
  return c.app.store.read([&](const State& s) {
    std::vector<const User*> users;
    for (const auto& u : s.cat.users)
      if (!u.policy.is_hidden && !u.policy.is_disabled) users.push_back(&u);
    json::Writer w;
    write_users(w, users, c.app.server);
    return json_response(w.str());
  });
}

HttpResponse get_user(Ctx& c) {
  auto id = route_guid(c, "userId");
  if (!id) return from_error(id.error());
  return c.app.store.read([&](const State& s) {
    const User* u = s.user(*id);
    if (!u) return message_response(404, "User not found");
    json::Writer w;
    write_user(w, *u, c.app.server);
    return json_response(w.str());
  });
}

HttpResponse new_user(Ctx& c) {
  auto body = json_body(c);
  if (!body) return from_error(body.error());
  const json::Value* name = json::member_ci(*body, "Name");
  if (!name || name->IsNull() || (name->IsString() && name->GetStringLength() == 0))
    return validation_response("Name", "The Name field is required.");
  if (!name->IsString())
    return validation_response("$.Name", "The JSON value could not be converted to System.String.");
  const json::Value* pw = json::member_ci(*body, "Password");
  if (pw && !pw->IsNull() && !pw->IsString())
    return validation_response("$.Password",
                               "The JSON value could not be converted to System.String.");
  std::string n(name->GetString(), name->GetStringLength());
  if (!valid_username(n)) return middleware_error(400);
  std::string hash;
  if (pw && pw->IsString() && pw->GetStringLength() > 0) {
    auto h = c.app.hash_password(std::string_view(pw->GetString(), pw->GetStringLength()));
    if (!h) return middleware_error(500);
    hash = *h;
  }
  const int64_t now = c.app.clock.now_us();
  return c.app.store.write([&](State& s) {
    for (const auto& u : s.cat.users)
      if (text::iequals(u.name, n) || u.name == n) return middleware_error(400);
    User u;
    u.id = random_guid();
    u.name = n;
    u.password_hash = hash;
    u.date_created = now;
    s.cat.users.push_back(std::move(u));
    json::Writer w;
    write_user(w, s.cat.users.back(), c.app.server);
    return json_response(w.str());
  });
}

HttpResponse update_policy(Ctx& c) {
  auto id = route_guid(c, "userId");
  if (!id) return from_error(id.error());
  auto body = json_body(c);
  if (!body) return from_error(body.error());
  PolicyReadOptions opts;
  auto policy = read_policy(*body, opts);
  if (!policy) {
    const std::string& m = policy.error().message;
    std::string field =
        m.find("AuthenticationProviderId") != std::string::npos  ? "AuthenticationProviderId"
        : m.find("PasswordResetProviderId") != std::string::npos ? "PasswordResetProviderId"
                                                                 : "$";
    return validation_response(field, m);
  }
  return c.app.store.write([&](State& s) -> HttpResponse {
    User* u = s.user(*id);
    if (!u) return message_response(404, "User not found");
    const bool was_admin = u->policy.is_administrator;
    if (!policy->is_administrator && was_admin) {
      int admins = 0;
      for (const auto& x : s.cat.users) admins += x.policy.is_administrator ? 1 : 0;
      if (admins == 1)
        return message_response(
            403, "There must be at least one user in the system with administrative access.");
    }
    if (policy->is_disabled && was_admin)
      return message_response(403, "Administrators cannot be disabled.");
    if (policy->is_disabled && !u->policy.is_disabled) {
      int enabled = 0;
      for (const auto& x : s.cat.users) enabled += x.policy.is_disabled ? 0 : 1;
      if (enabled == 1)
        return message_response(403, "There must be at least one enabled user in the system.");
      s.revoke_user_tokens(u->id, c.caller.token);
    }
    u->policy = std::move(*policy);
    return no_content();
  });
}

HttpResponse change_password(Ctx& c, std::optional<Guid> requested) {
  auto body = json_body(c);
  if (!body) return from_error(body.error());
  auto str = [&](const char* k) -> Result<std::optional<std::string>> {
    const json::Value* v = json::member_ci(*body, k);
    if (!v || v->IsNull()) return std::optional<std::string>();
    if (!v->IsString())
      return err_validation(std::string("$.") + k,
                            "The JSON value could not be converted to System.String.");
    return std::optional<std::string>(std::string(v->GetString(), v->GetStringLength()));
  };
  auto current = str("CurrentPw");
  if (!current) return from_error(current.error());
  auto next = str("NewPw");
  if (!next) return from_error(next.error());
  bool reset = false;
  if (const json::Value* v = json::member_ci(*body, "ResetPassword"); v && !v->IsNull()) {
    if (!v->IsBool())
      return validation_response("$.ResetPassword",
                                 "The JSON value could not be converted to System.Boolean.");
    reset = v->GetBool();
  }
  const Guid target = requested && !requested->empty() ? *requested : c.caller.user_id;

  // RequestHelpers.AssertCanUpdateUser(User, userId, restrictUserPreferences: true).
  struct Snap {
    bool exists = false, is_admin_target = false, pref_access = true;
    std::string hash;
  } snap;
  c.app.store.read([&](const State& s) {
    if (const User* u = s.user(target)) {
      snap.exists = true;
      snap.is_admin_target = u->policy.is_administrator;
      snap.pref_access = u->policy.enable_user_preference_access;
      snap.hash = u->password_hash;
    }
  });
  if (target != c.caller.user_id && !c.caller.is_admin)
    return message_response(403, "User is not allowed to update the password.");
  if (!c.caller.is_admin && snap.exists && !snap.pref_access)
    return message_response(403, "User is not allowed to update the password.");
  if (target.empty()) return middleware_error(400);
  if (!snap.exists) return message_response(404, "User not found");

  std::string new_hash;
  if (reset) {
    if (snap.is_admin_target) return middleware_error(400);
  } else {
    const bool verify = !c.caller.is_admin || (requested && *requested == c.caller.user_id);
    if (verify) {
      const std::string given = current->value_or("");
      bool ok = snap.hash.empty() ? given.empty() : verify_password(given, snap.hash);
      if (!ok) return message_response(403, "Invalid user or password entered.");
    }
    const std::string pw = next->value_or("");
    if (pw.empty() && snap.is_admin_target) return middleware_error(400);
    if (!pw.empty()) {
      auto h = c.app.hash_password(pw);
      if (!h) return middleware_error(500);
      new_hash = *h;
    }
  }
  return c.app.store.write([&](State& s) -> HttpResponse {
    User* u = s.user(target);
    if (!u) return message_response(404, "User not found");
    u->password_hash = new_hash;
    if (!reset) s.revoke_user_tokens(u->id, c.caller.token);
    return no_content();
  });
}

HttpResponse password_query(Ctx& c) {
  auto uid = query_guid(c, "userId");
  if (!uid) return from_error(uid.error());
  return change_password(c, *uid);
}

HttpResponse password_legacy(Ctx& c) {
  auto uid = route_guid(c, "userId");
  if (!uid) return from_error(uid.error());
  return change_password(c, *uid);
}

// POST /Users/Configuration?userId= (and the legacy /Users/{userId}/Configuration):
// RequestHelpers.AssertCanUpdateUser — the user itself or an administrator; the
// whole UserConfiguration is replaced (API-NOTES §4).
HttpResponse update_configuration(Ctx& c, std::optional<Guid> requested) {
  auto body = json_body(c);
  if (!body) return from_error(body.error());
  if (!body->IsObject())
    return validation_response("$", "The JSON value could not be converted to UserConfiguration.");
  const Guid target = requested && !requested->empty() ? *requested : c.caller.user_id;
  if (target != c.caller.user_id && !c.caller.is_admin)
    return message_response(403, "User is not allowed to update the configuration.");
  if (target.empty()) return middleware_error(400);
  std::string config = json::stringify(*body);
  return c.app.store.write([&](State& s) -> HttpResponse {
    User* u = s.user(target);
    if (!u) return message_response(404, "User not found");
    u->configuration = std::move(config);
    return no_content();
  });
}

HttpResponse configuration_query(Ctx& c) {
  auto uid = query_guid(c, "userId");
  if (!uid) return from_error(uid.error());
  return update_configuration(c, *uid);
}

HttpResponse configuration_legacy(Ctx& c) {
  auto uid = route_guid(c, "userId");
  if (!uid) return from_error(uid.error());
  return update_configuration(c, *uid);
}

HttpResponse delete_user(Ctx& c) {
  auto id = route_guid(c, "userId");
  if (!id) return from_error(id.error());
  return c.app.store.write([&](State& s) -> HttpResponse {
    User* u = s.user(*id);
    if (!u) return message_response(404, "User not found");
    s.revoke_user_tokens(u->id, "");  // before the checks, as Jellyfin does
    if (s.cat.users.size() == 1) return middleware_error(500);
    if (u->policy.is_administrator) {
      int admins = 0;
      for (const auto& x : s.cat.users) admins += x.policy.is_administrator ? 1 : 0;
      if (admins == 1) return middleware_error(400);
    }
    std::erase_if(s.playing, [&](const PlayingSession& p) { return p.user_id == *id; });
    std::erase_if(s.cat.users, [&](const User& x) { return x.id == *id; });
    return no_content();
  });
}

HttpResponse forgot_password(Ctx& c) {
  auto body = json_body(c);
  if (!body) return from_error(body.error());
  const json::Value* name = json::member_ci(*body, "EnteredUsername");
  if (!name || name->IsNull() || (name->IsString() && name->GetStringLength() == 0))
    return validation_response("EnteredUsername", "The EnteredUsername field is required.");
  if (!name->IsString())
    return validation_response("$.EnteredUsername",
                               "The JSON value could not be converted to System.String.");
  std::string n(name->GetString(), name->GetStringLength());
  const int64_t now = c.app.clock.now_us();
  const int64_t expires = now + 30 * 60 * 1'000'000LL;
  std::string file = "/var/lib/jellyfin/passwordreset" + random_hex(8) + ".json";
  const bool local = is_local_peer(c.req.peer);
  c.app.store.write([&](State& s) {
    User* u = s.user_by_name(n);
    if (!u || !local) return;
    std::string raw = random_hex(4, true);
    std::string pin =
        raw.substr(0, 2) + "-" + raw.substr(2, 2) + "-" + raw.substr(4, 2) + "-" + raw.substr(6, 2);
    s.pins.push_back(ResetPin{pin, u->id, expires, file});
  });
  json::Writer w;
  w.begin_object();
  w.kv("Action", "PinCode");
  w.kv("PinFile", file);
  w.kv("PinExpirationDate", date_str(expires));
  w.end_object();
  return json_response(w.str());
}

std::string strip_dashes(std::string_view s) {
  std::string out;
  for (char ch : s)
    if (ch != '-') out.push_back(ch);
  return text::to_lower(out);
}

HttpResponse redeem_pin(Ctx& c) {
  auto body = json_body(c);
  if (!body) return from_error(body.error());
  const json::Value* pin = json::member_ci(*body, "Pin");
  if (!pin || pin->IsNull() || (pin->IsString() && pin->GetStringLength() == 0))
    return validation_response("Pin", "The Pin field is required.");
  if (!pin->IsString())
    return validation_response("$.Pin", "The JSON value could not be converted to System.String.");
  std::string given(pin->GetString(), pin->GetStringLength());
  auto hash = c.app.hash_password(given);
  if (!hash) return middleware_error(500);
  const int64_t now = c.app.clock.now_us();
  return c.app.store.write([&](State& s) -> HttpResponse {
    std::vector<std::string> reset;
    std::erase_if(s.pins, [&](const ResetPin& p) {
      if (p.expires < now) return true;
      if (strip_dashes(p.pin) != strip_dashes(given)) return false;
      if (User* u = s.user(p.user_id)) {
        u->password_hash = *hash;
        reset.push_back(u->name);
      }
      return true;
    });
    if (reset.empty()) return middleware_error(404);
    json::Writer w;
    w.begin_object();
    w.kv("Success", true);
    w.key("UsersReset").begin_array();
    for (const auto& n : reset) w.value(n);
    w.end_array();
    w.end_object();
    return json_response(w.str());
  });
}

}  // namespace

void add_user_routes(Router& r) {
  r.add("GET", "/Users", Access::kAuthenticated, list_users);
  r.add("GET", "/Users/Public", Access::kAnonymous, public_users);
  r.add("GET", "/Users/{userId}", Access::kAuthenticated, get_user);
  r.add("POST", "/Users/New", Access::kElevated, new_user);
  r.add("POST", "/Users/{userId}/Policy", Access::kElevated, update_policy);
  r.add("POST", "/Users/Password", Access::kAuthenticated, password_query);
  r.add("POST", "/Users/{userId}/Password", Access::kAuthenticated, password_legacy);
  r.add("POST", "/Users/Configuration", Access::kAuthenticated, configuration_query);
  r.add("POST", "/Users/{userId}/Configuration", Access::kAuthenticated, configuration_legacy);
  r.add("DELETE", "/Users/{userId}", Access::kElevated, delete_user);
  r.add("POST", "/Users/ForgotPassword", Access::kAnonymous, forgot_password);
  r.add("POST", "/Users/ForgotPassword/Pin", Access::kAnonymous, redeem_pin);
}

}  // namespace jb::standin
