// invite_notice.cpp — see invite_notice.h.
#include "common/accounts/invite_notice.h"

#include "common/core/log.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/notify/message.h"

namespace jb::accounts {

namespace {

struct InviteFacts {
  bool exists = false;
  std::string label, uses;
  int64_t expires_ms = 0;
  std::vector<std::string> notify;
};

Result<InviteFacts> facts(RedisPool& redis, const std::string& id) {
  auto r = redis.command({"HMGET", "jb:invite:" + id, "label", "expires", "uses", "notify"});
  if (!r.ok()) return r.error();
  InviteFacts f;
  if (!r->is_array() || r->elements.size() != 4 || r->elements[1].is_nil()) return f;
  f.exists = true;
  f.label = r->elements[0].str;
  if (!text::parse_int64(r->elements[1].str, f.expires_ms)) f.expires_ms = 0;
  f.uses = r->elements[2].str.empty() ? "0" : r->elements[2].str;
  f.notify = split_notify(r->elements[3].str);
  return f;
}

Status send_all(RedisPool& redis, const std::vector<msg::Message>& all) {
  auto c = redis.acquire();
  for (const auto& m : all)
    if (auto r = msg::enqueue(*c, m); !r.ok()) return r.error();
  return Status::Ok();
}

}  // namespace

std::string join_notify(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ",") + id;
  return out;
}

std::vector<std::string> split_notify(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& part : text::split(text, ','))
    if (!part.empty()) out.emplace_back(part);
  return out;
}

Status notify_invite_used(RedisPool& redis, const std::string& invite_id,
                          const std::string& new_user_id, const std::string& new_user_name) {
  auto f = facts(redis, invite_id);
  if (!f.ok()) return f.error();
  std::vector<msg::Message> all;
  for (const auto& admin : f->notify)
    all.push_back({"invite_used",
                   admin,
                   "",
                   "",
                   {{"invite_label", f->label}, {"new_user_name", new_user_name}},
                   "invite_used:" + invite_id + ":" + new_user_id + ":" + admin});
  return send_all(redis, all);
}

Result<bool> notify_invite_expired(RedisPool& redis, const std::string& invite_id, int64_t now_ms) {
  auto f = facts(redis, invite_id);
  if (!f.ok()) return f.error();
  if (!f->exists || f->expires_ms <= 0 || f->notify.empty()) return true;
  if (f->expires_ms > now_ms) return false;
  std::vector<msg::Message> all;
  for (const auto& admin : f->notify)
    all.push_back(
        {"invite_expired",
         admin,
         "",
         "",
         {{"invite_label", f->label},
          {"uses", f->uses},
          {"expires_at", timeutil::format_rfc3339(f->expires_ms * 1000)}},
         "invite_expired:" + invite_id + ":" + std::to_string(f->expires_ms) + ":" + admin});
  if (auto s = send_all(redis, all); !s.ok()) return s.error();
  return true;
}

}  // namespace jb::accounts
