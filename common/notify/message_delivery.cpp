// message_delivery.cpp — see message_delivery.h.
#include "common/notify/message_delivery.h"

#include <algorithm>
#include <map>

#include "common/core/json.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/notify/message.h"

namespace jb::msg {

namespace {

bool http_url(std::string_view u) {
  return (u.starts_with("https://") && u.size() > 8) || (u.starts_with("http://") && u.size() > 7);
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; });
}

std::string trim_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

std::string with_subject(const Delivery& d) {
  return d.content.subject.empty() ? d.content.text : d.content.subject + "\n\n" + d.content.text;
}

std::string html_escape(std::string_view s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      default:
        o += c;
    }
  }
  return o;
}

}  // namespace

const std::vector<std::string>& channel_types() {
  static const std::vector<std::string> t{"email", "discord", "telegram", "matrix", "webhook"};
  return t;
}

bool is_channel_type(std::string_view type) {
  const auto& t = channel_types();
  return std::find(t.begin(), t.end(), type) != t.end();
}

std::vector<std::pair<std::string, std::string>> validate_channel(const ChannelSettings& s,
                                                                  bool has_secret) {
  std::vector<std::pair<std::string, std::string>> p;
  if (!is_channel_type(s.type)) {
    p.emplace_back("type", "must be one of email, discord, telegram, matrix, webhook");
    return p;
  }
  const bool need_secret = s.type != "email" && !has_secret;
  if (s.secret.size() > 2048) p.emplace_back("secret", "must be at most 2048 bytes");
  if (s.type == "discord") {
    if (s.secret.empty() && need_secret)
      p.emplace_back("webhook_url", "is required (the Discord channel's webhook URL)");
    else if (!s.secret.empty() && (!http_url(s.secret) || has_control(s.secret)))
      p.emplace_back("webhook_url", "must be an http(s) URL");
  } else if (s.type != "email") {
    const char* url_field = s.type == "telegram" ? "api_url"
                            : s.type == "matrix" ? "homeserver_url"
                                                 : "url";
    if (s.type != "telegram" || !s.url.empty()) {
      if (s.url.empty())
        p.emplace_back(url_field, "is required");
      else if (!http_url(s.url) || has_control(s.url) || s.url.size() > 2048)
        p.emplace_back(url_field, "must be an http(s) URL");
    }
    const char* secret_field = s.type == "telegram" ? "bot_token"
                               : s.type == "matrix" ? "access_token"
                                                    : "secret";
    if (s.secret.empty() && need_secret)
      p.emplace_back(secret_field, "is required");
    else if (has_control(s.secret))
      p.emplace_back(secret_field, "must not contain spaces or control characters");
  }
  for (const auto& k : s.kinds)
    if (!is_kind(k)) p.emplace_back("kinds", "unknown message kind: " + k);
  return p;
}

std::string webhook_event(std::string_view kind) {
  static const std::map<std::string, std::string, std::less<>> m{
      {"welcome", "user.created"},
      {"deleted", "user.deleted"},
      {"disabled", "user.disabled"},
      {"enabled", "user.enabled"},
      {"expired", "user.expired"},
      {"expiry_changed", "user.expiry_changed"},
      {"expiry_reminder", "user.expiry_reminder"},
      {"invite", "invite.sent"},
      {"reset", "user.reset_requested"},
      {"announcement", "announcement"},
      {"invite_used", "invite.used"},
      {"invite_expired", "invite.expired"}};
  auto it = m.find(kind);
  return it == m.end() ? "" : it->second;
}

std::string truncate_chars(std::string_view text, size_t max_chars) {
  size_t chars = 0, i = 0, cut = std::string_view::npos;
  while (i < text.size()) {
    if (chars == max_chars - 1 && cut == std::string_view::npos) cut = i;
    ++chars;
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
    if (chars > max_chars) return std::string(text.substr(0, cut)) + "\xE2\x80\xA6";
  }
  return std::string(text);
}

Result<HttpRequest> build_message_request(const notify::Target& t, const Delivery& d,
                                          int64_t now_unix_s) {
  HttpRequest r;
  r.headers = {{"Content-Type", "application/json"}};
  if (t.type == "discord") {
    r.method = "POST";
    r.url = t.secret.empty() ? t.url : t.secret;
    json::Writer w;
    w.begin_object().kv("content", truncate_chars(with_subject(d), 2000)).end_object();
    r.body = w.str();
    return r;
  }
  if (t.type == "telegram") {
    if (d.to.empty()) return Error(errc::invalid_request, "a Telegram message needs a chat id");
    r.method = "POST";
    r.url = trim_slash(t.url.empty() ? kTelegramApi : t.url) + "/bot" + t.secret + "/sendMessage";
    json::Writer w;
    w.begin_object()
        .kv("chat_id", d.to)
        .kv("text", truncate_chars(with_subject(d), 4096))
        .end_object();
    r.body = w.str();
    return r;
  }
  if (t.type == "matrix") {
    if (d.to.empty()) return Error(errc::invalid_request, "a Matrix message needs a room id");
    r.method = "PUT";
    r.url = trim_slash(t.url) + "/_matrix/client/v3/rooms/" + text::url_encode(d.to) +
            "/send/m.room.message/" + text::url_encode(d.id);
    r.headers.emplace_back("Authorization", "Bearer " + t.secret);
    json::Writer w;
    w.begin_object()
        .kv("msgtype", "m.text")
        .kv("body", with_subject(d))
        .kv("format", "org.matrix.custom.html")
        .kv("formatted_body",
            "<p><strong>" + html_escape(d.content.subject) + "</strong></p>\n" + d.content.html)
        .end_object();
    r.body = w.str();
    return r;
  }
  if (t.type == "webhook") {
    r.method = "POST";
    r.url = t.url;
    json::Writer w;
    w.begin_object()
        .kv("event", webhook_event(d.kind))
        .kv("kind", d.kind)
        .kv("delivery", d.id)
        .key("user")
        .begin_object()
        .kv("id", d.user_id)
        .kv("name", d.user_name)
        .end_object()
        .kv("at", timeutil::format_rfc3339(now_unix_s * 1000000))
        .kv("subject", d.content.subject);
    // A reset message's text holds a one-time link that sets the password: not for webhooks.
    if (d.kind != "reset") w.kv("text", d.content.text).kv("html", d.content.html);
    w.end_object();
    r.body = w.str();
    r.headers.emplace_back("X-Jellybridge-Delivery", d.id);
    r.headers.emplace_back("X-Jellybridge-Timestamp", std::to_string(now_unix_s));
    r.headers.emplace_back("X-Jellybridge-Signature",
                           notify::webhook_signature(t.secret, now_unix_s, r.body));
    return r;
  }
  return Error(errc::channel_type_unsupported,
               "message channel type '" + t.type + "' is not delivered over HTTP");
}

Result<MailMessage> build_message_mail(const Delivery& d) {
  if (!valid_mail_addr(d.to))
    return Error(errc::smtp_invalid_message, "the message's address is not valid", 400);
  MailMessage m;
  m.to = d.to;
  m.subject = d.content.subject;
  m.body = d.content.text;
  m.html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" +
           html_escape(d.content.subject) + "</title></head>\n<body>\n" + d.content.html +
           "</body></html>\n";
  return m;
}

}  // namespace jb::msg
