// template_store.h — where the admins' edited message templates are kept, so
// auth-service (which edits them and renders the reset and confirmation mails)
// and sync-worker (which renders every other message) read the same ones.
//
// Redis key:
//   jb:msg:templates  hash  kind → JSON {subject, body, updated_at (unix ms)}
// A kind without a field uses its default template (templates.h).
//
// Thread-safety: stateless functions over the caller's (thread-safe) pool.
#pragma once

#include <optional>
#include <string>

#include "common/core/result.h"
#include "common/notify/templates.h"
#include "common/redis/client.h"

namespace jb::msg {

inline const char* kTemplatesKey = "jb:msg:templates";

struct StoredTemplate {
  Template t;
  bool custom = false;     // false: the default
  int64_t updated_ms = 0;  // 0 for the default
};

// The template an admin saved for `kind`, or nullopt.
Result<std::optional<StoredTemplate>> saved_template(RedisPool& redis, const std::string& kind);
// The saved template, else the default (also when Redis fails: a message is
// better sent with the default than not at all; the failure is logged).
StoredTemplate effective_template(RedisPool& redis, const std::string& kind);
Status save_template(RedisPool& redis, const std::string& kind, const Template& t, int64_t now_ms);
// True when there was a saved template.
Result<bool> reset_template(RedisPool& redis, const std::string& kind);

}  // namespace jb::msg
