// user_admin.cpp — see user_admin.h.
#include "common/jellyfin/user_admin.h"

#include "common/core/text.h"

namespace jb::jf {

namespace {

Result<json::Document> dto(const Result<HttpResponse>& r, const std::string& base,
                           const char* what) {
  if (!r.ok()) return r.error();
  auto d = json::parse(r->body);
  if (!d.ok() || !d->IsObject() || !json::member(*d, "Id"))
    return Error(errc::not_jellyfin,
                 std::string("The answer of ") + base + " to " + what + " is not a user.", 502);
  return d;
}

Status done(const Result<HttpResponse>& r) {
  if (!r.ok()) return r.error();
  return Status::Ok();
}

}  // namespace

Result<json::Document> create_user(Client& c, const std::string& name,
                                   const std::string& password) {
  json::Writer w;
  w.begin_object().kv("Name", name).kv("Password", password).end_object();
  return dto(c.request("POST", "/Users/New", w.str()), c.base_url(), "POST /Users/New");
}

Result<json::Document> user_dto(Client& c, const std::string& user_id) {
  return dto(c.request("GET", "/Users/" + text::url_encode(user_id)), c.base_url(),
             "GET /Users/{id}");
}

Status set_user_policy(Client& c, const std::string& user_id, const std::string& policy_json) {
  return done(c.request("POST", "/Users/" + text::url_encode(user_id) + "/Policy", policy_json));
}

Status set_user_configuration(Client& c, const std::string& user_id,
                              const std::string& config_json) {
  return done(
      c.request("POST", "/Users/Configuration?userId=" + text::url_encode(user_id), config_json));
}

Status set_user_password(Client& c, const std::string& user_id, const std::string& new_password) {
  json::Writer w;
  w.begin_object().kv("NewPw", new_password).kv("ResetPassword", false).end_object();
  return done(c.request("POST", "/Users/Password?userId=" + text::url_encode(user_id), w.str()));
}

Status delete_user(Client& c, const std::string& user_id) {
  return done(c.request("DELETE", "/Users/" + text::url_encode(user_id)));
}

Result<bool> can_administer(Client& c) {
  auto r = c.request("GET", "/Auth/Keys");
  if (r.ok()) return true;
  if (r.error().code == errc::forbidden) return false;
  return r.error();
}

Result<std::string> policy_for_user(const json::Value& profile_policy,
                                    const json::Value& user_policy) {
  if (!profile_policy.IsObject())
    return Error(errc::not_jellyfin, "A user policy must be a JSON object.", 500);
  json::Document out;
  out.CopyFrom(profile_policy, out.GetAllocator());
  auto& a = out.GetAllocator();
  for (const char* k : {"AuthenticationProviderId", "PasswordResetProviderId"}) {
    const json::Value* theirs = user_policy.IsObject() ? json::member(user_policy, k) : nullptr;
    if (!theirs || !theirs->IsString()) continue;
    json::Value v(theirs->GetString(), theirs->GetStringLength(), a);
    if (out.HasMember(k))
      out[k] = v;
    else
      out.AddMember(json::Value(k, a), v, a);
  }
  if (out.HasMember("IsDisabled"))
    out["IsDisabled"].SetBool(false);
  else
    out.AddMember("IsDisabled", false, a);
  return json::stringify(out);
}

std::string policy_with_disabled(const json::Value& policy, bool disabled) {
  json::Document out;
  out.CopyFrom(policy, out.GetAllocator());
  if (!out.IsObject()) out.SetObject();
  if (out.HasMember("IsDisabled"))
    out["IsDisabled"].SetBool(disabled);
  else
    out.AddMember("IsDisabled", disabled, out.GetAllocator());
  return json::stringify(out);
}

}  // namespace jb::jf
