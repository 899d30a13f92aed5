// context.cpp — see context.h.
#include "tests/standin/context.h"

#include "common/core/text.h"
#include "common/core/time.h"
#include "tests/standin/responses.h"

namespace jb::standin {

std::string Ctx::path_param(std::string_view name) const {
  for (const auto& [k, v] : params)
    if (text::iequals(k, name)) return v;
  return {};
}

namespace {

std::optional<std::string> scalar(const QueryParams& q, std::string_view name) {
  auto v = q.get(name);
  if (!v || text::trim(*v).empty()) return std::nullopt;
  return std::string(text::trim(*v));
}

Error invalid_value(std::string_view name, std::string_view value) {
  return err_validation(name, "The value '" + std::string(value) + "' is not valid.");
}

}  // namespace

Result<std::optional<Guid>> query_guid(const QueryParams& q, std::string_view name) {
  auto v = scalar(q, name);
  if (!v) return std::optional<Guid>();
  auto g = parse_guid(*v);
  if (!g) return invalid_value(name, *v);
  return std::optional<Guid>(*g);
}

Result<std::optional<bool>> query_bool(const QueryParams& q, std::string_view name) {
  auto v = scalar(q, name);
  if (!v) return std::optional<bool>();
  if (text::iequals(*v, "true")) return std::optional<bool>(true);
  if (text::iequals(*v, "false")) return std::optional<bool>(false);
  return invalid_value(name, *v);
}

Result<std::optional<int32_t>> query_int(const QueryParams& q, std::string_view name) {
  auto v = scalar(q, name);
  if (!v) return std::optional<int32_t>();
  int64_t n = 0;
  if (!text::parse_int64(*v, n) || n < INT32_MIN || n > INT32_MAX) return invalid_value(name, *v);
  return std::optional<int32_t>(static_cast<int32_t>(n));
}

Result<std::optional<int64_t>> query_date(const QueryParams& q, std::string_view name,
                                          bool allow_compact) {
  auto v = scalar(q, name);
  if (!v) return std::optional<int64_t>();
  auto t = timeutil::parse_iso8601(*v, allow_compact);
  if (!t) return invalid_value(name, *v);
  return std::optional<int64_t>(*t);
}

Result<Guid> route_guid(const Ctx& c, std::string_view name) {
  std::string v = c.path_param(name);
  auto g = parse_guid(v);
  if (!g) return invalid_value(name, v);
  return *g;
}

Result<json::Document> json_body(const Ctx& c) {
  auto ct = c.req.header("Content-Type");
  if (ct && !text::trim(*ct).empty()) {
    std::string media = text::to_lower(text::trim(ct->substr(0, ct->find(';'))));
    bool json = media == "application/json" || media == "text/json" ||
                (media.rfind("application/", 0) == 0 && media.size() > 5 &&
                 media.compare(media.size() - 5, 5, "+json") == 0);
    if (!json) return err_problem(415);
  } else if (!c.req.body.empty()) {
    return err_problem(415);
  }
  if (text::trim(c.req.body).empty())
    return err_validation("", "A non-empty request body is required.");
  auto doc = json::parse(c.req.body);
  if (!doc) return err_validation("$", doc.error().message);
  if (!doc->IsObject()) return err_validation("$", "The JSON value could not be converted.");
  return std::move(*doc);
}

Result<Guid> effective_user_id(const Ctx& c, std::optional<Guid> requested) {
  if (!requested || requested->empty()) return c.caller.user_id;
  if (!c.caller.is_admin && *requested != c.caller.user_id) return err_middleware(403, "forbidden");
  return *requested;
}

bool is_local_peer(std::string_view ip) {
  if (ip.empty()) return true;
  if (text::istarts_with(ip, "::ffff:")) ip.remove_prefix(7);
  if (ip.rfind("127.", 0) == 0 || ip == "::1" || ip.rfind("10.", 0) == 0 ||
      ip.rfind("192.168.", 0) == 0 || text::istarts_with(ip, "fe80") ||
      text::istarts_with(ip, "fd") || text::istarts_with(ip, "fc"))
    return true;
  if (ip.rfind("172.", 0) == 0) {  // 172.16.0.0/12
    int64_t second = 0;
    auto rest = ip.substr(4);
    return text::parse_int64(rest.substr(0, rest.find('.')), second) && second >= 16 &&
           second <= 31;
  }
  return false;
}

Status check_user_exists(const State& s, const Guid& id, const Error& not_found) {
  if (id.empty()) return err_middleware(400, "Guid can't be empty");
  if (!s.user(id)) return not_found;
  return Status::Ok();
}

}  // namespace jb::standin
