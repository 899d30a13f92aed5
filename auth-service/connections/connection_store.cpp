// connection_store.cpp — see connection_store.h.
#include "auth-service/connections/connection_store.h"

#include <algorithm>

#include "common/core/text.h"
#include "common/redis/capped_set.h"
#include "common/redis/client.h"
#include "common/redis/due_set.h"

namespace jb::auth {

namespace {
std::string key(const std::string& id) {
  return "jb:conn:" + id;
}
std::string owner_set(const std::string& uid) {
  return "jb:user:" + uid + ":conns";
}
const char* kDue = "jb:conn:due";

}  // namespace

std::string ConnectionStore::qc_poll_key(const std::string& id) {
  return key(id) + ":qcpoll";
}

bool ConnectionStore::valid_id(const std::string& id) {
  return id.size() == 32 && text::is_hex(id);
}

Status ConnectionStore::save(const Connection& c, std::vector<RedisArgv> also) {
  std::vector<RedisArgv> cmds{hset_argv(key(c.id), to_fields(c)),
                              {"SADD", owner_set(c.owner), c.id}};
  if (c.next_check_ms > 0)
    cmds.push_back({"ZADD", kDue, std::to_string(c.next_check_ms), c.id});
  else
    cmds.push_back({"ZREM", kDue, c.id});  // nothing left to check
  for (auto& a : also) cmds.push_back(std::move(a));
  auto r = redis_.pipeline(cmds);
  if (!r.ok()) return r.error();
  for (const auto& x : *r)
    if (x.is_error())
      return Error(errc::redis_error, "Could not save the connection: " + x.str, 500);
  return Status::Ok();
}

Result<int64_t> ConnectionStore::count(const std::string& owner) {
  auto r = redis_.command({"SCARD", owner_set(owner)});
  if (!r.ok()) return r.error();
  return r->integer;
}

Result<bool> ConnectionStore::claim_slot(const std::string& owner, const std::string& id,
                                         int64_t cap) {
  return capped_set_add(redis_, owner_set(owner), id, cap);
}

Result<std::optional<Connection>> ConnectionStore::get(const std::string& id) {
  if (!valid_id(id)) return std::optional<Connection>{};
  auto r = redis_.command({"HGETALL", key(id)});
  if (!r.ok()) return r.error();
  if (r->elements.empty()) return std::optional<Connection>{};
  return std::optional<Connection>(from_fields(r->as_map()));
}

Result<std::optional<Connection>> ConnectionStore::get_owned(const std::string& id,
                                                             const std::string& owner) {
  auto c = get(id);
  if (!c.ok() || !c->has_value()) return c;
  if ((*c)->owner != owner) return std::optional<Connection>{};
  return c;
}

Result<std::vector<Connection>> ConnectionStore::list(const std::string& owner) {
  auto ids = redis_.command({"SMEMBERS", owner_set(owner)});
  if (!ids.ok()) return ids.error();
  std::vector<RedisArgv> cmds;
  for (const auto& e : ids->elements) cmds.push_back({"HGETALL", key(e.str)});
  auto r = redis_.pipeline(cmds);
  if (!r.ok()) return r.error();
  std::vector<Connection> out;
  for (const auto& h : *r)
    if (h.is_array() && !h.elements.empty()) out.push_back(from_fields(h.as_map()));
  std::sort(out.begin(), out.end(), [](const Connection& a, const Connection& b) {
    return a.created_ms != b.created_ms ? a.created_ms < b.created_ms : a.id < b.id;
  });
  return out;
}

Status ConnectionStore::remove(const Connection& c) {
  auto r = redis_.pipeline(
      {{"DEL", key(c.id)}, {"SREM", owner_set(c.owner), c.id}, {"ZREM", kDue, c.id}});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Status ConnectionStore::forget_due(const std::string& id) {
  auto r = redis_.command({"ZREM", kDue, id});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<std::vector<std::string>> ConnectionStore::claim_due(int64_t now_ms, int64_t lease_ms,
                                                            int limit) {
  auto lease = redis_.acquire();
  return due::claim_due(*lease, kDue, now_ms, lease_ms, limit);
}

Result<std::vector<std::string>> ConnectionStore::all_ids() {
  std::vector<std::string> ids;
  std::string cursor = "0";
  do {
    auto r = redis_.command({"SCAN", cursor, "MATCH", "jb:conn:*", "COUNT", "500"});
    if (!r.ok()) return r.error();
    cursor = r->elements.at(0).str;
    for (const auto& k : r->elements.at(1).elements) {
      std::string id = k.str.substr(8);
      if (valid_id(id)) ids.push_back(id);
    }
  } while (cursor != "0");
  return ids;
}

}  // namespace jb::auth
