// vault_rpc.cpp — see vault_rpc.h.
#include "auth-service/vault/vault_rpc.h"

#include "common/core/json.h"
#include "common/core/log.h"
#include "common/core/result.h"
#include "common/net/rpc.h"

namespace jb::auth {

Result<std::string> VaultRpc::dispatch(const std::string& method, const std::string& payload) {
  if (method == "ping") return std::string("{\"service\":\"vault\"}");
  if (method == "credentials") return credentials(payload);
  if (method == "notify_channel" && channels_ != nullptr) return notify_channel(payload);
  if (method == "message_channel" && messages_ != nullptr) return message_channel(payload);
  return Error(errc::unknown_method, "The vault has no method '" + method + "'.", 400);
}

Result<std::string> VaultRpc::credentials(const std::string& payload) {
  auto d = json::parse(payload);
  if (!d.ok()) return d.error();
  std::string id = json::get_string(*d, "connection_id");
  auto c = store_.get(id);
  if (!c.ok()) return c.error();
  if (!c->has_value()) return Error(errc::not_found, "No connection with id '" + id + "'.", 404);
  const Connection& conn = **c;
  if (conn.token_sealed.empty() || conn.status == "pending" || conn.status == "expired")
    return Error(errc::connection_not_active,
                 "Connection '" + id + "' is " + conn.status + "; its owner must reconnect it.",
                 409);
  auto token = vault_.open(conn.id, conn.token_sealed);
  if (!token.ok()) return token.error();
  log::debug("vault: credentials handed out", {{"connection_id", id}});
  json::Writer w;
  w.begin_object()
      .kv("connection_id", conn.id)
      .kv("owner", conn.owner)
      .kv("server_url", conn.server_url)
      .kv("server_id", conn.server_id)
      .kv("user_id", conn.jf_user_id)
      .kv("device_id", conn.device_id)
      .kv("method", conn.method)
      .kv("status", conn.status)
      .kv("token", *token)
      .end_object();
  return w.str();
}

Result<std::string> VaultRpc::notify_channel(const std::string& payload) {
  auto d = json::parse(payload);
  if (!d.ok()) return d.error();
  const std::string user_id = json::get_string(*d, "user_id");
  const std::string channel_id = json::get_string(*d, "channel_id");
  auto t = channels_->target(user_id, channel_id);
  if (!t.ok()) return t.error();
  if (!t->has_value()) return Error(errc::channel_not_found, "No such notification channel.", 404);
  if ((*t)->type == "email") {
    // Always the address confirmed now, never one stored with the channel.
    std::optional<EmailAddress> a;
    if (emails_ != nullptr) {
      auto got = emails_->get(user_id);
      if (!got.ok()) return got.error();
      a = *got;
    }
    if (!a || !a->confirmed || a->address.empty()) {
      log::info("vault: email channel has no confirmed address to deliver to",
                {{"user_id", user_id}, {"channel_id", channel_id}});
      return Error(errc::channel_not_found,
                   "The notification channel's owner has no confirmed email address.", 404);
    }
    (*t)->url = "mailto:" + a->address;
    (*t)->secret.clear();
  }
  json::Writer w;
  w.begin_object()
      .kv("type", (*t)->type)
      .kv("url", (*t)->url)
      .kv("secret", (*t)->secret)
      .end_object();
  return w.str();
}

Result<std::string> VaultRpc::message_channel(const std::string& payload) {
  auto d = json::parse(payload);
  if (!d.ok()) return d.error();
  const std::string type = json::get_string(*d, "type");
  auto t = messages_->target(type);
  if (!t.ok()) return t.error();
  if (!t->has_value())
    return Error(errc::channel_not_found, "No such message channel, or it is disabled.", 404);
  json::Writer w;
  w.begin_object()
      .kv("type", (*t)->type)
      .kv("url", (*t)->url)
      .kv("secret", (*t)->secret)
      .end_object();
  return w.str();
}

}  // namespace jb::auth
