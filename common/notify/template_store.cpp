// template_store.cpp — see template_store.h.
#include "common/notify/template_store.h"

#include "common/core/json.h"
#include "common/core/log.h"

namespace jb::msg {

Result<std::optional<StoredTemplate>> saved_template(RedisPool& redis, const std::string& kind) {
  auto r = redis.command({"HGET", kTemplatesKey, kind});
  if (!r.ok()) return r.error();
  if (r->is_nil()) return std::optional<StoredTemplate>{};
  auto d = json::parse(r->str);
  if (!d.ok()) return d.error();
  StoredTemplate s{{json::get_string(*d, "subject"), json::get_string(*d, "body")},
                   true,
                   json::get_int(*d, "updated_at")};
  return std::optional<StoredTemplate>{s};
}

StoredTemplate effective_template(RedisPool& redis, const std::string& kind) {
  auto s = saved_template(redis, kind);
  if (s.ok() && s->has_value()) return **s;
  if (!s.ok())
    log::warn("message template unreadable: using the default",
              {{"kind", kind}, {"error", s.error().code}});
  return StoredTemplate{default_template(kind), false, 0};
}

Status save_template(RedisPool& redis, const std::string& kind, const Template& t, int64_t now_ms) {
  json::Writer w;
  w.begin_object()
      .kv("subject", t.subject)
      .kv("body", t.body)
      .kv("updated_at", now_ms)
      .end_object();
  auto r = redis.command({"HSET", kTemplatesKey, kind, w.str()});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<bool> reset_template(RedisPool& redis, const std::string& kind) {
  auto r = redis.command({"HDEL", kTemplatesKey, kind});
  if (!r.ok()) return r.error();
  return r->integer == 1;
}

}  // namespace jb::msg
