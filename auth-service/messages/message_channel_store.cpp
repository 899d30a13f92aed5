// message_channel_store.cpp — see message_channel_store.h.
#include "auth-service/messages/message_channel_store.h"

#include "common/core/json.h"
#include "common/core/time.h"

namespace jb::auth {

namespace {

std::string aad(const std::string& type) {
  return "msg-channel:" + type;
}

MessageChannel from_json(const json::Value& v) {
  MessageChannel c;
  c.type = json::get_string(v, "type");
  c.url = json::get_string(v, "url");
  c.enabled = json::get_bool(v, "enabled", true);
  c.has_secret = !json::get_string(v, "secret_sealed").empty();
  c.updated_ms = json::get_int(v, "updated_at");
  if (const json::Value* k = json::member(v, "kinds"); k && k->IsArray())
    for (const auto& x : k->GetArray())
      if (x.IsString()) c.kinds.emplace_back(x.GetString());
  return c;
}

}  // namespace

Result<std::vector<MessageChannel>> MessageChannelStore::list() {
  std::vector<MessageChannel> out;
  for (const auto& type : msg::channel_types()) {
    auto c = get(type);
    if (!c.ok()) return c.error();
    if (*c) out.push_back(**c);
  }
  return out;
}

Result<std::optional<MessageChannel>> MessageChannelStore::get(const std::string& type) {
  auto r = redis_.command({"HGET", kMessageChannelsKey, type});
  if (!r.ok()) return r.error();
  if (r->is_nil()) return std::optional<MessageChannel>{};
  auto d = json::parse(r->str);
  if (!d.ok()) return d.error();
  return std::optional<MessageChannel>{from_json(*d)};
}

Result<MessageChannel> MessageChannelStore::put(const msg::ChannelSettings& s) {
  std::string sealed;
  if (!s.secret.empty()) {
    auto v = vault_.seal(aad(s.type), s.secret);
    if (!v.ok()) return v.error();
    sealed = *v;
  } else {
    auto old = redis_.command({"HGET", kMessageChannelsKey, s.type});
    if (!old.ok()) return old.error();
    if (!old->is_nil()) {
      auto d = json::parse(old->str);
      if (d.ok()) sealed = json::get_string(*d, "secret_sealed");
    }
  }
  MessageChannel c{s.type, s.url, s.enabled, s.kinds, !sealed.empty(), timeutil::now_unix_ms()};
  json::Writer w;
  w.begin_object()
      .kv("type", c.type)
      .kv("enabled", c.enabled)
      .kv("url", c.url)
      .kv("secret_sealed", sealed)
      .kv("updated_at", c.updated_ms)
      .key("kinds")
      .begin_array();
  for (const auto& k : c.kinds) w.value(k);
  w.end_array().end_object();
  auto r = redis_.command({"HSET", kMessageChannelsKey, c.type, w.str()});
  if (!r.ok()) return r.error();
  return c;
}

Result<bool> MessageChannelStore::remove(const std::string& type) {
  auto r = redis_.command({"HDEL", kMessageChannelsKey, type});
  if (!r.ok()) return r.error();
  return r->integer == 1;
}

Result<std::optional<notify::Target>> MessageChannelStore::target(const std::string& type) {
  auto r = redis_.command({"HGET", kMessageChannelsKey, type});
  if (!r.ok()) return r.error();
  if (r->is_nil()) return std::optional<notify::Target>{};
  auto d = json::parse(r->str);
  if (!d.ok()) return d.error();
  if (!json::get_bool(*d, "enabled", true)) return std::optional<notify::Target>{};
  notify::Target t{type, json::get_string(*d, "url"), ""};
  const std::string sealed = json::get_string(*d, "secret_sealed");
  if (!sealed.empty()) {
    auto opened = vault_.open(aad(type), sealed);
    if (!opened.ok()) return opened.error();
    t.secret = *opened;
  }
  return std::optional<notify::Target>{t};
}

}  // namespace jb::auth
