// context.h — one request as a route handler sees it (Ctx), and the binding
// helpers that turn query/route/body values into typed values the way
// ASP.NET Core model binding does (invalid scalars → 400 validation problem,
// empty values → absent, Guid.Parse forms, ISO dates, bodies only as JSON).
//
// Thread-safety: a Ctx belongs to one request on one worker thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/core/json.h"
#include "common/core/result.h"
#include "tests/standin/app.h"
#include "tests/standin/caller.h"
#include "tests/standin/router.h"

namespace jb::standin {

struct Ctx {
  App& app;
  const HttpRequest& req;
  const QueryParams& query;
  const Route& route;
  const PathParams& params;
  Caller caller;

  std::string path_param(std::string_view name) const;
};

Result<std::optional<Guid>> query_guid(const QueryParams& q, std::string_view name);
Result<std::optional<bool>> query_bool(const QueryParams& q, std::string_view name);
Result<std::optional<int32_t>> query_int(const QueryParams& q, std::string_view name);
// ISO 8601 (any offset, converted to UTC); allow_compact adds yyyyMMddHHmmss.
Result<std::optional<int64_t>> query_date(const QueryParams& q, std::string_view name,
                                          bool allow_compact);
inline Result<std::optional<Guid>> query_guid(const Ctx& c, std::string_view n) {
  return query_guid(c.query, n);
}
inline Result<std::optional<bool>> query_bool(const Ctx& c, std::string_view n) {
  return query_bool(c.query, n);
}
inline Result<std::optional<int32_t>> query_int(const Ctx& c, std::string_view n) {
  return query_int(c.query, n);
}
inline Result<std::optional<int64_t>> query_date(const Ctx& c, std::string_view n, bool compact) {
  return query_date(c.query, n, compact);
}
// Route GUID; an unparsable value is a 400 validation problem.
Result<Guid> route_guid(const Ctx& c, std::string_view name);
// [FromBody, Required] JSON: 415 for a non-JSON content type, 400 for an
// empty or malformed body.
Result<json::Document> json_body(const Ctx& c);

// RequestHelpers.GetUserId: the requested user (403 when a non-admin asks for
// another user) or the caller's own id (empty for an API key).
Result<Guid> effective_user_id(const Ctx& c, std::optional<Guid> requested);
// Jellyfin's "in the local network" test for the TCP peer (loopback and
// private ranges; the stand-in has no LAN configuration).
bool is_local_peer(std::string_view ip);

// UserManager.GetUserById: empty id → 400 (ArgumentException); unknown → 404
// in the given style.
Status check_user_exists(const State& s, const Guid& id, const Error& not_found);

}  // namespace jb::standin
