// library_bodies.cpp — see library_bodies.h.
#include "auth-service/libraries/library_bodies.h"

namespace jb::auth {

BodyResult<WhitelistBody> parse_whitelist_body(const http::Request& r) {
  auto body = read_json_body(r);
  if (!body.ok()) return body_problem(body.error());
  json::Fields f(*body);
  const auto* ids = f.array("library_ids", true);
  f.reject_unknown({"library_ids"});
  if (ids) {
    if (ids->Size() > 255) f.add_problem("library_ids", "has more than 255 entries");
    for (const auto& v : ids->GetArray())
      if (!v.IsString() || v.GetStringLength() == 0 || v.GetStringLength() > 64) {
        f.add_problem("library_ids", "must contain only library id strings");
        break;
      }
  }
  if (!f.ok()) return body_problem(f);
  WhitelistBody out;
  for (const auto& v : ids->GetArray())
    out.library_ids.emplace_back(v.GetString(), v.GetStringLength());
  return out;
}

BodyResult<IndexRefreshBody> parse_index_refresh_body(const http::Request& r) {
  auto body = read_json_body(r, true);
  if (!body.ok()) return body_problem(body.error());
  json::Fields f(*body);
  bool full = f.boolean("full", false).value_or(false);
  f.reject_unknown({"full"});
  if (!f.ok()) return body_problem(f);
  return IndexRefreshBody{full};
}

}  // namespace jb::auth
