// invite_send.cpp — see invite_send.h.
#include "auth-service/accounts/invite_send.h"

#include "auth-service/accounts/admin_guard.h"
#include "auth-service/api/io.h"
#include "auth-service/me/contact_logic.h"
#include "common/core/json.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/notify/message.h"

namespace jb::accounts {

namespace {

using auth::AuthContext;
using auth::fail;

http::Response send_invite(AccountDeps& d, http::Request& r, AuthContext& ctx) {
  const std::string id = r.param("id");
  auto body = auth::read_json_body(r);
  if (!body.ok()) return auth::answer(auth::body_problem(body.error()));
  json::Fields f(*body);
  f.reject_unknown({"email", "telegram", "matrix"});
  // Exactly one place to send it: an email address, a Telegram chat or a Matrix room.
  std::string to, shown;
  int given = 0;
  for (const char* k : {"email", "telegram", "matrix"})
    if (json::member(*body, k) != nullptr) ++given;
  if (given != 1) {
    f.add_problem("email", "give exactly one of email, telegram (a chat id) or matrix (a room id)");
  } else if (json::member(*body, "email") != nullptr) {
    auto e = f.string("email", true, 254);
    const std::string address = e ? std::string(text::trim(*e)) : "";
    if (e && !valid_mail_addr(address)) f.add_problem("email", "must be an email address");
    to = "mailto:" + address;
    shown = masked_mail_addr(address);
  } else {
    const char* kind = json::member(*body, "telegram") != nullptr ? "telegram" : "matrix";
    const json::Value& v = *json::member(*body, kind);
    std::string id = v.IsString()  ? std::string(v.GetString())
                     : v.IsInt64() ? std::to_string(v.GetInt64())
                                   : std::string();
    if (const std::string why = me::invalid_contact_id(kind, id); !why.empty())
      f.add_problem(kind, why);
    to = me::contact_address(kind, id);
    shown = to;
  }
  if (!f.ok()) return auth::answer(auth::body_problem(f));
  auto inv = d.invites->get(id);
  if (!inv.ok()) return fail(inv.error());
  if (!*inv) return auth::not_found("invite '" + id + "'");
  const Invite& invite = **inv;
  const std::string why = invite_unusable(invite, timeutil::now_unix_ms());
  if (why == "expired")
    return fail(Error(errc::invite_expired, "This invite has expired: it cannot be sent.", 410));
  if (why == "used_up")
    return fail(
        Error(errc::invite_used_up, "Every use of this invite is taken: it cannot be sent.", 409));
  if (d.public_url.empty() || invite.code.empty())
    return fail(Error(errc::invite_link_unavailable,
                      "The invite has no link to send: JB_PUBLIC_URL is not set or its code "
                      "cannot be opened.",
                      503));
  msg::Message m;
  m.kind = "invite";
  m.to = to;
  m.vars = {{"link", d.public_url + "/#/signup/" + invite.code},
            {"invite_label", invite.spec.label},
            {"expires_at", invite.spec.expires_ms > 0
                               ? timeutil::format_rfc3339(invite.spec.expires_ms * 1000)
                               : std::string()}};
  if (d.redis == nullptr)
    return fail(Error(errc::unavailable, "Messages cannot be sent from here.", 503));
  {
    auto lease = d.redis->acquire();
    auto q = msg::enqueue(*lease, m);
    if (!q.ok()) return fail(q.error());
  }
  auth::audit_best_effort(
      d.audit, admin_event("admin.invite.sent", r, ctx, {{"invite_id", id}, {"to", shown}}));
  json::Writer w;
  w.begin_object().kv("invite_id", id).kv("sent_to", shown).kv("queued", true);
  w.end_object();
  return auth::ok_json(w.str(), 202);
}

}  // namespace

void register_invite_send_route(http::Server& server, AccountDeps& deps) {
  AccountDeps& d = deps;
  server.route("POST", "/api/v1/admin/invites/{id}/send",
               admins_only(*d.auth, d.audit, [&d](http::Request& r, AuthContext& ctx) {
                 return send_invite(d, r, ctx);
               }));
}

}  // namespace jb::accounts
