// message.cpp — see message.h.
#include "common/notify/message.h"

#include <algorithm>

#include "common/core/json.h"
#include "common/redis/keys.h"
#include "common/redis/script.h"

namespace jb::msg {

namespace {

constexpr int64_t kDedupeKeepS = 30LL * 24 * 60 * 60;

// KEYS[1] dedupe key ("" = none), KEYS[2] stream; ARGV[1] message JSON, ARGV[2] keep (s)
// → the entry id, or "" when the dedupe key existed.
const RedisScript kEnqueue(R"lua(
if KEYS[1] ~= '' then
  if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[2]) then return '' end
end
return redis.call('XADD', KEYS[2], '*', 'type', 'msg.send', 'message', ARGV[1])
)lua");

}  // namespace

const std::vector<std::string>& kinds() {
  static const std::vector<std::string> k{
      "invite",         "welcome",      "confirmation", "reset",         "expiry_reminder",
      "expiry_changed", "expired",      "disabled",     "enabled",       "deleted",
      "announcement",   "contact_code", "invite_used",  "invite_expired"};
  return k;
}

bool is_kind(std::string_view kind) {
  const auto& k = kinds();
  return std::find(k.begin(), k.end(), kind) != k.end();
}

std::string to_json(const Message& m) {
  json::Writer w;
  w.begin_object()
      .kv("kind", m.kind)
      .kv("user_id", m.user_id)
      .kv("user_name", m.user_name)
      .kv("to", m.to)
      .kv("dedupe", m.dedupe)
      .key("vars")
      .begin_object();
  for (const auto& [k, v] : m.vars) w.kv(k, v);
  w.end_object().end_object();
  return w.str();
}

Result<Message> message_from_json(std::string_view text) {
  auto d = json::parse(text);
  if (!d.ok()) return d.error();
  Message m;
  m.kind = json::get_string(*d, "kind");
  m.user_id = json::get_string(*d, "user_id");
  m.user_name = json::get_string(*d, "user_name");
  m.to = json::get_string(*d, "to");
  m.dedupe = json::get_string(*d, "dedupe");
  if (const json::Value* v = json::member(*d, "vars"); v && v->IsObject())
    for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it)
      if (it->value.IsString()) m.vars.emplace_back(it->name.GetString(), it->value.GetString());
  if (!is_kind(m.kind)) return Error(errc::invalid_request, "unknown message kind: " + m.kind);
  if (m.user_id.empty() && m.to.empty())
    return Error(errc::invalid_request, "a message needs a user or an address");
  return m;
}

Result<std::string> enqueue(RedisConnection& c, const Message& m) {
  if (!is_kind(m.kind)) return Error(errc::invalid_request, "unknown message kind: " + m.kind);
  if (m.user_id.empty() && m.to.empty())
    return Error(errc::invalid_request, "a message needs a user or an address");
  auto r = kEnqueue.run(
      c,
      {m.dedupe.empty() ? std::string() : "jb:msg:dedupe:" + m.dedupe, keys::work_urgent_stream()},
      {to_json(m), std::to_string(kDedupeKeepS)});
  if (!r.ok()) return r.error();
  return r->str;
}

}  // namespace jb::msg
