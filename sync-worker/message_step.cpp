// message_step.cpp — see message_step.h.
#include "sync-worker/message_step.h"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "common/core/crypto.h"
#include "common/core/json.h"
#include "common/core/log.h"
#include "common/core/time.h"
#include "common/notify/delivery_queue.h"
#include "common/notify/message.h"
#include "common/notify/template_store.h"
#include "sync-worker/sync_context.h"

namespace jb::worker {

namespace {

struct ChannelConf {
  bool enabled = true;
  std::vector<std::string> kinds;
};

// The admin's channels (non-secret fields of jb:msg:channels).
Result<std::map<std::string, ChannelConf>> channels(RedisPool& redis) {
  auto r = redis.command({"HGETALL", "jb:msg:channels"});
  if (!r.ok()) return r.error();
  std::map<std::string, ChannelConf> out;
  for (size_t i = 0; i + 1 < r->elements.size(); i += 2) {
    auto d = json::parse(r->elements[i + 1].str);
    if (!d.ok()) continue;
    ChannelConf c;
    c.enabled = json::get_bool(*d, "enabled", true);
    if (const json::Value* k = json::member(*d, "kinds"); k && k->IsArray())
      for (const auto& x : k->GetArray())
        if (x.IsString()) c.kinds.emplace_back(x.GetString());
    out[r->elements[i].str] = c;
  }
  return out;
}

std::string masked(const std::string& channel, const std::string& to) {
  if (to.empty()) return "";
  if (channel == "email") return masked_mail_addr(to);
  return to.substr(0, std::min<size_t>(to.size(), 3)) + "***";
}

bool permanent(const Error& e) {
  return e.code == errc::outbound_refused || e.code == errc::invalid_url;
}

Status deliver_mail(const MessageDeps& deps, const msg::Delivery& d, const log::Fields& where) {
  if (deps.smtp == nullptr || !deps.smtp->options().enabled()) {
    log::warn("message not delivered: email is not configured in this worker (JB_SMTP_URL)", where);
    return Error(errc::notify_email_unavailable,
                 "an email message needs JB_SMTP_URL in sync-worker");
  }
  auto mail = msg::build_message_mail(d);
  if (!mail.ok()) return mail.error();
  auto sent = deps.smtp->send(*mail);
  if (sent.ok()) {
    log::info("message delivered", where);
    return Status::Ok();
  }
  log::Fields f = where;
  f.push_back({"error", sent.error().code});
  log::info("message not delivered", f);
  if (sent.error().code == errc::smtp_invalid_message)
    return Error(errc::smtp_invalid_message, "the email was refused before sending");
  return Error(errc::retry, "mail server: " + sent.error().code);
}

}  // namespace

Status message_send_step(const MessageDeps& deps, const workq::Item& item, const WorkControl& ctl) {
  auto m = msg::message_from_json(item.field("message"));
  if (!m.ok()) return m.error();
  msg::Vars vars = m->vars;
  auto has = [&vars](const char* k) {
    return std::any_of(vars.begin(), vars.end(), [k](const auto& kv) { return kv.first == k; });
  };
  if (!has("user_name") && !m->user_name.empty()) vars.emplace_back("user_name", m->user_name);
  const msg::StoredTemplate t = msg::effective_template(*deps.redis, m->kind);
  msg::Delivery d;
  d.kind = m->kind;
  d.user_id = m->user_id;
  d.user_name = m->user_name;
  d.content = msg::render(t.t, vars, deps.server_name);

  auto conf = channels(*deps.redis);
  if (!conf.ok()) return Error(errc::retry, "reading the message channels: " + conf.error().code);
  auto on = [&conf](const std::string& type) {
    auto it = conf->find(type);
    if (it == conf->end()) return type == "email";
    return it->second.enabled;
  };
  std::vector<std::pair<std::string, std::string>> targets;  // channel, to
  if (!m->to.empty()) {
    for (const char* scheme : {"mailto", "telegram", "matrix"}) {
      const std::string prefix = std::string(scheme) + ":";
      if (m->to.rfind(prefix, 0) == 0) {
        const std::string channel = std::string(scheme) == "mailto" ? "email" : scheme;
        if (on(channel)) targets.emplace_back(channel, m->to.substr(prefix.size()));
      }
    }
  } else {
    if (on("email")) {
      auto e = deps.redis->command({"HMGET", "jb:2fa:email:" + m->user_id, "address", "confirmed"});
      if (!e.ok()) return Error(errc::retry, "reading the user's address: " + e.error().code);
      if (e->elements.size() == 2 && e->elements[1].str == "1" && !e->elements[0].str.empty())
        targets.emplace_back("email", e->elements[0].str);
    }
    auto c = deps.redis->command({"HMGET", "jb:contacts:" + m->user_id, "telegram", "matrix"});
    if (!c.ok()) return Error(errc::retry, "reading the user's contacts: " + c.error().code);
    if (c->elements.size() == 2) {
      if (on("telegram") && !c->elements[0].str.empty())
        targets.emplace_back("telegram", c->elements[0].str);
      if (on("matrix") && !c->elements[1].str.empty())
        targets.emplace_back("matrix", c->elements[1].str);
    }
  }
  if (auto it = conf->find("discord"); it != conf->end() && it->second.enabled) {
    const auto& k = it->second.kinds;
    if (k.empty() ? m->kind == "announcement" : std::find(k.begin(), k.end(), m->kind) != k.end())
      targets.emplace_back("discord", "");
  }
  if (on("webhook") && conf->count("webhook") && !msg::webhook_event(m->kind).empty())
    targets.emplace_back("webhook", "");

  for (const auto& [channel, to] : targets) {
    if (auto s = ctl.check(); !s.ok()) return s;
    d.to = to;
    // Discord is one channel for everyone: an announcement sent to every user is
    // posted there once (the same subject and text within the key's 7 days).
    const std::string once =
        channel == "discord" && m->kind == "announcement"
            ? "jb:msg:discord:" + crypto::sha256_hex(d.content.subject + "\n" + d.content.text)
            : "jb:msg:fanout:" + item.id + ":" + channel;
    auto id = msg::enqueue_delivery(*deps.redis, channel, d, once);
    if (!id.ok()) return Error(errc::retry, "enqueueing a delivery: " + id.error().code);
    log::info("message queued for a channel", {{"kind", m->kind},
                                               {"channel_type", channel},
                                               {"to", masked(channel, to)},
                                               {"message_entry", item.id},
                                               {"entry", *id}});
  }
  if (targets.empty())
    log::info("message has no channel to go to",
              {{"kind", m->kind}, {"user_id", m->user_id}, {"entry", item.id}});
  return Status::Ok();
}

namespace {

// One attempt: done, errc::retry (worth another attempt; *retry_after_ms when
// the receiver said how long to wait), or an error that dead-letters.
Status attempt_delivery(const MessageDeps& deps, const workq::Item& item, const WorkControl& ctl,
                        int64_t* retry_after_ms) {
  const std::string channel = item.field("channel");
  msg::Delivery d = msg::delivery_from_item(item);
  if (!msg::is_channel_type(channel) || !msg::is_kind(d.kind))
    return Error(errc::invalid_request, "a msg.deliver item needs its channel and kind");
  const log::Fields where{{"channel_type", channel},
                          {"kind", d.kind},
                          {"to", masked(channel, d.to)},
                          {"entry", item.id},
                          {"attempt", std::to_string(msg::attempt_of(item))}};
  if (auto s = ctl.check(); !s.ok()) return s;
  if (channel == "email") return deliver_mail(deps, d, where);
  auto target = deps.vault->message_channel(channel);
  if (!target.ok()) {
    if (target.error().code == errc::channel_not_found) {
      log::info("message dropped: its channel was removed or disabled", where);
      return Status::Ok();
    }
    return Error(errc::retry, "the vault: " + target.error().code);
  }
  auto req = msg::build_message_request(*target, d, timeutil::now_unix_s());
  if (!req.ok()) return req.error();
  req->before_send = [&ctl] { return ctl.check(); };
  HttpClient client(deps.http);
  auto res = client.send(*req);
  if (!res.ok()) {
    if (res.error().code == errc::lease_lost || res.error().code == errc::interrupted)
      return res.error();
    log::Fields f = where;
    f.push_back({"error", res.error().code});
    log::info("message not delivered", f);
    // The client's message names the URL (a token may be in it): the code only.
    const std::string why = "message receiver: " + res.error().code;
    return Error(permanent(res.error()) ? res.error().code : errc::retry, why);
  }
  switch (notify::classify(res->status)) {
    case notify::Outcome::delivered:
      log::info("message delivered", where);
      return Status::Ok();
    case notify::Outcome::retry: {
      const int64_t after_s = std::atoll(res->header("Retry-After").c_str());
      if (after_s > 0) *retry_after_ms = std::min<int64_t>(after_s, 3600) * 1000;
      return Error(errc::retry, "message receiver answered " + std::to_string(res->status));
    }
    case notify::Outcome::rejected:
      break;
  }
  log::Fields f = where;
  f.push_back({"status", std::to_string(res->status)});
  log::warn("message refused by its receiver", f);
  return Error(errc::message_rejected,
               "message receiver refused it with HTTP " + std::to_string(res->status));
}

}  // namespace

Status message_deliver_step(const MessageDeps& deps, const workq::Item& item,
                            const WorkControl& ctl) {
  int64_t retry_after_ms = 0;
  Status s = attempt_delivery(deps, item, ctl, &retry_after_ms);
  if (s.ok() || s.error().code != errc::retry) return s;
  const int attempt = msg::attempt_of(item);
  const log::Fields where{{"channel_type", item.field("channel")},
                          {"kind", item.field("kind")},
                          {"entry", item.id},
                          {"attempt", std::to_string(attempt)}};
  if (attempt >= deps.max_attempts) {
    log::warn("message given up on", where);
    return Error(errc::message_gave_up,
                 "gave up after " + std::to_string(attempt) + " attempts: " + s.error().message);
  }
  const int64_t delay = msg::retry_delay_ms(attempt, deps.retry_base_ms, retry_after_ms);
  // The next attempt waits in jb:msg:retry; should that fail, the queue's own
  // redelivery (after the lease) retries instead.
  if (auto q = msg::schedule_retry(*deps.redis, item, timeutil::now_unix_ms() + delay); !q.ok())
    return s;
  log::Fields f = where;
  f.push_back({"in_ms", std::to_string(delay)});
  f.push_back({"error", s.error().message});
  log::info("message delivery will be retried", f);
  return Status::Ok();
}

}  // namespace jb::worker
