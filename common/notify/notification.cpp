// notification.cpp — see notification.h.
#include "common/notify/notification.h"

#include <algorithm>

#include "common/core/crypto.h"
#include "common/core/json.h"
#include "common/core/time.h"

namespace jb::notify {

namespace {

constexpr size_t kMaxName = 64, kMaxUrl = 2048, kMaxSecret = 512;

bool valid_url(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("https://"))
    rest = url.substr(8);
  else if (url.starts_with("http://"))
    rest = url.substr(7);
  else
    return false;
  if (rest.empty() || rest.front() == '/' || rest.front() == ':') return false;
  // No user info (it would be a secret in clear) and no control or space characters.
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) return false;
  return std::none_of(url.begin(), url.end(),
                      [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; });
}

std::string detail_value(const Notification& n, std::string_view key) {
  for (const auto& [k, v] : n.detail)
    if (k == key) return v;
  return "";
}

std::string who(const Notification& n) {
  return n.user_name.empty() ? n.user_id : n.user_name;
}

}  // namespace

const std::vector<std::string>& event_names() {
  static const std::vector<std::string> names{
      "signin.new_device", "second_factor_failed", "lockout",      "ban",
      "second_factor",     "recovery_code_used",   "app_password", "device_paired",
      "device_authorized"};
  return names;
}

bool is_event(std::string_view name) {
  const auto& all = event_names();
  return std::find(all.begin(), all.end(), name) != all.end();
}

std::vector<std::pair<std::string, std::string>> validate(const ChannelInput& in) {
  std::vector<std::pair<std::string, std::string>> p;
  const bool email = in.type == "email";
  if (in.type != "ntfy" && in.type != "gotify" && in.type != "webhook" && !email)
    p.emplace_back("type", "must be one of ntfy, gotify, webhook, email");
  if (in.name.empty() || in.name.size() > kMaxName)
    p.emplace_back("name", "must be 1 to 64 characters");
  if (email) {
    if (!in.url.empty())
      p.emplace_back("url",
                     "an email channel has no url: it always goes to your confirmed email address");
    if (!in.secret.empty()) p.emplace_back("secret", "an email channel has no token or secret");
  } else if (in.url.size() > kMaxUrl || !valid_url(in.url)) {
    p.emplace_back("url",
                   "must be an http:// or https:// URL without user info, at most 2048 characters");
  }
  if (in.secret.size() > kMaxSecret) p.emplace_back("secret", "must be at most 512 characters");
  if (in.type == "gotify" && in.secret.empty())
    p.emplace_back("token", "a Gotify channel needs its application token");
  for (const auto& e : in.events)
    if (!is_event(e)) p.emplace_back("events", "unknown event '" + e.substr(0, 40) + "'");
  return p;
}

std::string to_json(const Notification& n) {
  json::Writer w;
  w.begin_object()
      .kv("event", n.event)
      .kv("user_id", n.user_id)
      .kv("user_name", n.user_name)
      .kv("ip", n.ip)
      .kv("at", n.at)
      .key("detail")
      .begin_object();
  for (const auto& [k, v] : n.detail) w.kv(k, v);
  w.end_object().end_object();
  return w.str();
}

Result<Notification> notification_from_json(std::string_view text) {
  auto d = json::parse(text);
  if (!d.ok()) return d.error();
  Notification n;
  n.event = json::get_string(*d, "event");
  n.user_id = json::get_string(*d, "user_id");
  n.user_name = json::get_string(*d, "user_name");
  n.ip = json::get_string(*d, "ip");
  n.at = json::get_int(*d, "at");
  if (const json::Value* det = json::member(*d, "detail"); det && det->IsObject())
    for (auto it = det->MemberBegin(); it != det->MemberEnd(); ++it)
      if (it->value.IsString()) n.detail.emplace_back(it->name.GetString(), it->value.GetString());
  if (n.event.empty() || n.user_id.empty())
    return Error(errc::notification_invalid, "a notification needs an event and a user");
  return n;
}

std::string title(const Notification& n) {
  if (n.event == "signin.new_device") return "New sign-in to " + who(n);
  if (n.event == "lockout") return "Sign-ins to " + who(n) + " locked";
  if (n.event == "ban") return "Address banned after failed sign-ins to " + who(n);
  if (n.event == "second_factor_failed")
    return "Right password, wrong second-factor codes for " + who(n);
  if (n.event == "second_factor") return "Second factor changed for " + who(n);
  if (n.event == "recovery_code_used") return "Recovery code used to sign in to " + who(n);
  if (n.event == "app_password") return "New app password for " + who(n);
  if (n.event == "device_paired") return "Device paired with " + who(n);
  if (n.event == "device_authorized") {
    std::string server = detail_value(n, "server_name");
    return "Device signed in to " + (server.empty() ? std::string("a Jellyfin server") : server) +
           " by " + who(n);
  }
  if (n.event == "test") return "Jellybridge test notification";
  return "Jellybridge security event for " + who(n);
}

std::string message(const Notification& n) {
  std::string m = title(n);
  if (!n.ip.empty()) m += " from " + n.ip;
  if (auto d = detail_value(n, "device"); !d.empty()) m += " (" + d + ")";
  if (auto c = detail_value(n, "change"); !c.empty()) m += ": " + c;
  if (auto f = detail_value(n, "failures"); !f.empty()) m += " after " + f + " failed sign-ins";
  if (auto d = detail_value(n, "duration_s"); !d.empty()) m += ", for " + d + " seconds";
  if (auto l = detail_value(n, "recovery_codes_left"); !l.empty())
    m += " (" + l + " recovery codes left)";
  if (n.event == "second_factor_failed")
    m += ": the sign-in was refused after too many wrong codes, so someone may know your "
         "Jellyfin password";
  m += " at " + timeutil::format_rfc3339(n.at * 1000000) + ".";
  if (n.event != "test") m += " If this was not you, change your password.";
  return m;
}

std::string webhook_signature(std::string_view secret, int64_t timestamp, std::string_view body) {
  std::string signed_text = std::to_string(timestamp) + "." + std::string(body);
  return "sha256=" + crypto::hmac_sha256_hex(secret, signed_text);
}

Result<HttpRequest> build_request(const Target& t, const Notification& n,
                                  const std::string& delivery_id, int64_t now) {
  HttpRequest r;
  r.method = "POST";
  const std::string priority = n.event == "test" ? "3" : "4";
  if (t.type == "ntfy") {
    r.url = t.url;
    r.body = message(n);
    r.headers = {{"Content-Type", "text/plain; charset=utf-8"},
                 {"Title", title(n)},
                 {"Priority", priority},
                 {"Tags", n.event == "test" ? "information_source" : "warning,lock"}};
    if (!t.secret.empty()) r.headers.emplace_back("Authorization", "Bearer " + t.secret);
    return r;
  }
  if (t.type == "gotify") {
    std::string base = t.url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    r.url = base + "/message";
    json::Writer w;
    w.begin_object()
        .kv("title", title(n))
        .kv("message", message(n))
        .kv("priority", n.event == "test" ? 3 : 7)
        .end_object();
    r.body = w.str();
    r.headers = {{"Content-Type", "application/json"}, {"X-Gotify-Key", t.secret}};
    return r;
  }
  if (t.type == "webhook") {
    r.url = t.url;
    json::Writer w;
    w.begin_object()
        .kv("event", n.event)
        .key("user")
        .begin_object()
        .kv("id", n.user_id)
        .kv("name", n.user_name)
        .end_object()
        .kv("at", timeutil::format_rfc3339(n.at * 1000000))
        .key("detail")
        .begin_object();
    if (!n.ip.empty()) w.kv("ip", n.ip);
    for (const auto& [k, v] : n.detail) w.kv(k, v);
    w.end_object().end_object();
    r.body = w.str();
    r.headers = {{"Content-Type", "application/json"},
                 {"X-Jellybridge-Delivery", delivery_id},
                 {"X-Jellybridge-Timestamp", std::to_string(now)},
                 {"X-Jellybridge-Signature", webhook_signature(t.secret, now, r.body)}};
    return r;
  }
  return Error(errc::channel_type_unsupported,
               "channel type '" + t.type + "' cannot be delivered by this version");
}

Result<MailMessage> build_mail(const Target& t, const Notification& n) {
  constexpr std::string_view kScheme = "mailto:";
  if (t.type != "email" || !std::string_view(t.url).starts_with(kScheme))
    return Error(errc::smtp_invalid_message, "an email target needs a mailto: address", 400);
  MailMessage m;
  m.to = t.url.substr(kScheme.size());
  if (!valid_mail_addr(m.to))
    return Error(errc::smtp_invalid_message, "the email target's address is not valid", 400);
  m.subject = title(n);
  m.body = message(n) +
           "\n\n-- \n"
           "Jellybridge security notification (event: " +
           n.event +
           ").\n"
           "You receive it at your confirmed email address because you added an email "
           "notification channel. To change or delete your channels, go to your Jellybridge "
           "security settings (notification channels: /api/v1/me/security/channels).\n";
  return m;
}

Outcome classify(long http_status) {
  if (http_status >= 200 && http_status < 300) return Outcome::delivered;
  if (http_status == 408 || http_status == 425 || http_status == 429 || http_status >= 500)
    return Outcome::retry;
  return Outcome::rejected;
}

}  // namespace jb::notify
