// run_revisions.cpp — see run_revisions.h.
#include "auth-service/sync_api/run_revisions.h"

#include "common/redis/client.h"
#include "common/redis/script.h"
#include "common/sync/model.h"
#include "common/sync/store.h"

namespace jb::auth {

namespace {

constexpr const char* kCounter = "jb:runs:revision";
constexpr int64_t kRevisionTtlMs = 30LL * 86400 * 1000;

// KEYS: the run hash, its revision hash, the global counter. ARGV: the TTL of
// the revision hash. Returns {revision, {field, value, …}} or {0}.
const RedisScript kRevision(R"lua(
local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then return {0} end
local kv = {}
for i = 1, #fields, 2 do kv[#kv + 1] = fields[i] .. '\0' .. fields[i + 1] end
table.sort(kv)
local fp = redis.sha1hex(table.concat(kv, '\0'))
local cur = redis.call('HMGET', KEYS[2], 'rev', 'fp')
local rev = cur[1]
if (not rev) or cur[2] ~= fp then
  rev = redis.call('INCR', KEYS[3])
  redis.call('HSET', KEYS[2], 'rev', rev, 'fp', fp)
  redis.call('PEXPIRE', KEYS[2], ARGV[1])
end
return {tonumber(rev), fields}
)lua");

}  // namespace

Result<RunSnapshot> RunRevisions::current(const std::string& run_id) {
  std::string key = sync::run_key(run_id);
  auto lease = redis_.acquire();
  auto r = kRevision.run(*lease, {key, key + ":rev", kCounter}, {std::to_string(kRevisionTtlMs)});
  if (!r.ok()) return r.error();
  if (r->is_error())
    return Error(errc::redis_error, "The run's revision could not be read: " + r->str, 503);
  RunSnapshot out;
  if (!r->is_array() || r->elements.empty() || !r->elements[0].is_integer() ||
      r->elements[0].integer <= 0)
    return out;
  if (r->elements.size() < 2)
    return Error(errc::redis_error, "The run's revision script answered oddly.", 503);
  sync::RunRecord run{r->elements[1].as_map()};
  out.revision = static_cast<uint64_t>(r->elements[0].integer);
  out.json = sync::run_to_json(run);
  out.state = run.state();
  out.owner = run.owner();
  return out;
}

}  // namespace jb::auth
