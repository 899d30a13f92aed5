// contact_handlers.cpp — see contact_handlers.h.
#include "auth-service/me/contact_handlers.h"

#include "auth-service/api/io.h"
#include "auth-service/me/contact_logic.h"
#include "common/core/json.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/notify/message.h"

namespace jb::me {

namespace {

using auth::AuditEvent;
using auth::fail;
using auth::ok_json;

int64_t now(const ContactDeps& d) {
  return d.now_ms ? d.now_ms() : timeutil::now_unix_ms();
}

AuditEvent event(std::string type, const http::Request& r, const auth::SessionUser& u,
                 std::string outcome, std::vector<std::pair<std::string, std::string>> detail) {
  return AuditEvent{std::move(type),  u.id, u.name, "", r.client_ip, std::move(outcome),
                    std::move(detail)};
}

void write_state(json::Writer& w, const char* kind, const ContactState& s) {
  w.key(kind);
  if (s.confirmed.empty() && s.pending.empty()) {
    w.null();
    return;
  }
  const char* field = id_field(kind);
  w.begin_object();
  if (!s.confirmed.empty()) {
    w.kv(field, s.confirmed).kv("confirmed", true);
    if (!s.pending.empty() && s.pending != s.confirmed)
      w.kv(std::string("pending_") + field, s.pending);
  } else {
    w.kv(field, s.pending).kv("confirmed", false);
  }
  w.end_object();
}

// The kind in the path: "" when it is one confirmed here, else the answer.
std::optional<http::Response> bad_kind(const std::string& kind) {
  if (is_contact_kind(kind)) return std::nullopt;
  if (kind == "email")
    return fail(Error(errc::invalid_request,
                      "The email address has its own confirmation flow: PUT "
                      "/api/v1/me/security/email {address}, then the emailed link; DELETE "
                      "/api/v1/me/security/email removes it.",
                      400));
  return auth::not_found("There is no contact kind '" + kind + "' (telegram, matrix, email).");
}

// {chat_id} for telegram (a string or an integer), {room_id} for matrix.
Result<std::string> parse_id_body(const http::Request& r, const std::string& kind,
                                  auth::BodyProblem* problem) {
  auto body = auth::read_json_body(r);
  if (!body.ok()) {
    *problem = auth::body_problem(body.error());
    return Error(errc::invalid_request, "", 400);
  }
  const char* field = id_field(kind);
  json::Fields f(*body);
  std::string id;
  if (body->IsObject() && body->HasMember(field) && (*body)[field].IsInt64()) {
    id = std::to_string((*body)[field].GetInt64());
  } else {
    auto s = f.string(field, true, 300);
    if (s) id = std::string(text::trim(*s));
  }
  if (f.ok())
    if (std::string why = invalid_contact_id(kind, id); !why.empty()) f.add_problem(field, why);
  f.reject_unknown({field});
  if (!f.ok()) {
    *problem = auth::body_problem(f);
    return Error(errc::invalid_request, "", 400);
  }
  return id;
}

http::Response get_contacts(ContactDeps& d, const auth::SessionUser& u) {
  std::optional<auth::EmailAddress> email;
  if (d.emails != nullptr) {
    auto e = d.emails->get(u.id);
    if (!e.ok()) return fail(e.error());
    email = *e;
  }
  auto c = d.contacts->get(u.id, now(d));
  if (!c.ok()) return fail(c.error());
  return ok_json(contacts_json(email, *c));
}

http::Response put_contact(ContactDeps& d, http::Request& r, const auth::SessionUser& u) {
  const std::string kind = r.param("kind");
  if (auto no = bad_kind(kind)) return *no;
  auth::BodyProblem problem;
  auto id = parse_id_body(r, kind, &problem);
  if (!id.ok()) return auth::answer(problem);
  const std::string to = contact_address(kind, *id);
  if (d.guard != nullptr) {
    auto refused = d.guard->admit_email(r.client_ip, "contact:" + u.id, to);
    if (!refused.ok()) return fail(refused.error());
    if (*refused) {
      auth::audit_best_effort(d.audit, event("me.contact_set", r, u, "fail",
                                             {{"kind", kind}, {"reason", (*refused)->reason}}));
      return fail((*refused)->error);
    }
  }
  const int64_t t = now(d);
  auto code = d.contacts->set_pending(u.id, kind, *id, t);
  if (!code.ok()) return fail(code.error());
  const std::string expires_at =
      timeutil::format_rfc3339((t + ContactStore::kCodeLifetimeMs) * 1000);
  msg::Message m;
  m.kind = "contact_code";
  m.user_id = u.id;
  m.user_name = u.name;
  m.to = to;
  m.vars = {{"code", *code}, {"channel", kind}, {"expires_at", expires_at}};
  {
    auto lease = d.redis->acquire();
    auto q = msg::enqueue(*lease, m);
    if (!q.ok()) return fail(q.error());
  }
  auth::audit_best_effort(d.audit, event("me.contact_set", r, u, "ok", {{"kind", kind}}));
  json::Writer w;
  w.begin_object()
      .key(kind)
      .begin_object()
      .kv(id_field(kind), *id)
      .kv("confirmed", false)
      .end_object()
      .kv("confirmation_sent", true)
      .kv("expires_at", expires_at)
      .end_object();
  return ok_json(w.str(), 202);
}

http::Response confirm_contact(ContactDeps& d, http::Request& r, const auth::SessionUser& u) {
  const std::string kind = r.param("kind");
  if (auto no = bad_kind(kind)) return *no;
  auto body = auth::read_json_body(r);
  if (!body.ok()) return auth::answer(auth::body_problem(body.error()));
  json::Fields f(*body);
  auto code = f.string("code", true, 64);
  if (code && !plausible_code(*code)) f.add_problem("code", "must be the 6 digits sent to you");
  f.reject_unknown({"code"});
  if (!f.ok()) return auth::answer(auth::body_problem(f));
  auto id = d.contacts->confirm(u.id, kind, *code, now(d));
  if (!id.ok()) {
    auth::audit_best_effort(d.audit, event("me.contact_confirmed", r, u, "fail",
                                           {{"kind", kind}, {"reason", id.error().code}}));
    return fail(id.error());
  }
  auth::audit_best_effort(d.audit, event("me.contact_confirmed", r, u, "ok", {{"kind", kind}}));
  json::Writer w;
  w.begin_object()
      .key(kind)
      .begin_object()
      .kv(id_field(kind), *id)
      .kv("confirmed", true)
      .end_object()
      .end_object();
  return ok_json(w.str());
}

http::Response delete_contact(ContactDeps& d, http::Request& r, const auth::SessionUser& u) {
  const std::string kind = r.param("kind");
  if (auto no = bad_kind(kind)) return *no;
  auto gone = d.contacts->remove(u.id, kind);
  if (!gone.ok()) return fail(gone.error());
  if (*gone)
    auth::audit_best_effort(d.audit, event("me.contact_removed", r, u, "ok", {{"kind", kind}}));
  return http::Response::no_content();
}

}  // namespace

std::string contacts_json(const std::optional<auth::EmailAddress>& email, const Contacts& c) {
  json::Writer w;
  w.begin_object().key("email");
  if (email)
    w.begin_object().kv("address", email->address).kv("confirmed", email->confirmed).end_object();
  else
    w.null();
  write_state(w, "telegram", c.telegram);
  write_state(w, "matrix", c.matrix);
  w.end_object();
  return w.str();
}

void register_contact_routes(http::Server& server, ContactDeps& deps) {
  ContactDeps& d = deps;
  server.route("GET", "/api/v1/me/contacts",
               auth::require_session(*d.auth, [&d](http::Request&, auth::AuthContext& ctx) {
                 return get_contacts(d, ctx.session.user);
               }));
  server.route("PUT", "/api/v1/me/contacts/{kind}",
               auth::require_session(*d.auth, [&d](http::Request& r, auth::AuthContext& ctx) {
                 return put_contact(d, r, ctx.session.user);
               }));
  server.route("POST", "/api/v1/me/contacts/{kind}/confirm",
               auth::require_session(*d.auth, [&d](http::Request& r, auth::AuthContext& ctx) {
                 return confirm_contact(d, r, ctx.session.user);
               }));
  server.route("DELETE", "/api/v1/me/contacts/{kind}",
               auth::require_session(*d.auth, [&d](http::Request& r, auth::AuthContext& ctx) {
                 return delete_contact(d, r, ctx.session.user);
               }));
}

}  // namespace jb::me
