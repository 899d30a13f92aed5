// notify_step.cpp — see notify_step.h.
#include "sync-worker/notify_step.h"

#include "common/core/log.h"
#include "common/core/time.h"
#include "common/notify/notification.h"
#include "sync-worker/sync_context.h"

namespace jb::worker {

namespace {

// Errors that will not go away by trying again.
bool permanent(const Error& e) {
  return e.code == errc::outbound_refused || e.code == errc::invalid_url;
}

// Delivers `n` to an email target (Target.url = "mailto:<address>").
Status send_mail(const NotifyDeps& deps, const notify::Target& target,
                 const notify::Notification& n, const log::Fields& where) {
  if (deps.smtp == nullptr || !deps.smtp->options().enabled()) {
    log::warn("notification not delivered: email is not configured in this worker (JB_SMTP_URL)",
              where);
    return Error(errc::notify_email_unavailable,
                 "an email notification needs JB_SMTP_URL in sync-worker");
  }
  auto mail = notify::build_mail(target, n);
  log::Fields f = where;
  f.push_back({"to", masked_mail_addr(mail.ok() ? mail->to : "")});
  if (!mail.ok()) {
    f.push_back({"error", mail.error().code});
    log::warn("notification not delivered: no email could be made", f);
    return mail.error();
  }
  auto sent = deps.smtp->send(*mail);
  if (sent.ok()) {
    log::info("notification delivered", f);
    return Status::Ok();
  }
  f.push_back({"error", sent.error().code});
  log::info("notification not delivered", f);
  // The client's messages name the mail server, never the password; not the address either.
  if (sent.error().code == errc::smtp_invalid_message)
    return Error(errc::smtp_invalid_message, "the email was refused before sending");
  return Error(errc::retry, "mail server: " + sent.error().code);
}

}  // namespace

Status notify_step(const NotifyDeps& deps, const workq::Item& item, const WorkControl& ctl) {
  const std::string channel = item.field("channel");
  auto n = notify::notification_from_json(item.field("notification"));
  if (!n.ok()) return n.error();
  if (n->user_id != item.field("user") || channel.empty())
    return Error(errc::notification_invalid, "a notify.send item needs its user and channel");
  if (auto s = ctl.check(); !s.ok()) return s;
  auto target = deps.vault->notify_channel(n->user_id, channel);
  if (!target.ok()) {
    if (target.error().code == errc::channel_not_found) {
      log::info(
          "notification dropped: its channel was deleted (or, for email, has no "
          "confirmed address)",
          {{"channel", channel}});
      return Status::Ok();
    }
    return Error(errc::retry, "the vault: " + target.error().message);
  }
  const log::Fields where{{"channel", channel},
                          {"channel_type", target->type},
                          {"event", n->event},
                          {"entry", item.id}};
  if (target->type == "email") {
    if (auto s = ctl.check(); !s.ok()) return s;
    return send_mail(deps, *target, *n, where);
  }
  auto req = notify::build_request(*target, *n, item.id, timeutil::now_unix_s());
  if (!req.ok()) return req.error();
  req->before_send = [&ctl] { return ctl.check(); };
  HttpClient client(deps.http);
  auto res = client.send(*req);
  if (!res.ok()) {
    if (res.error().code == errc::lease_lost || res.error().code == errc::interrupted)
      return res.error();
    log::Fields f = where;
    f.push_back({"error", res.error().code});
    log::info("notification not delivered", f);
    // The client's message names the URL (its query may hold a token): the code only.
    const std::string why = "notification receiver: " + res.error().code;
    return Error(permanent(res.error()) ? res.error().code : errc::retry, why);
  }
  switch (notify::classify(res->status)) {
    case notify::Outcome::delivered:
      log::info("notification delivered", where);
      return Status::Ok();
    case notify::Outcome::retry:
      return Error(errc::retry, "notification receiver answered " + std::to_string(res->status));
    case notify::Outcome::rejected:
      break;
  }
  return Error(errc::notification_rejected,
               "notification receiver refused it with HTTP " + std::to_string(res->status));
}

}  // namespace jb::worker
