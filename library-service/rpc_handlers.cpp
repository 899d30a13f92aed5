// rpc_handlers.cpp — see rpc_handlers.h.
#include "library-service/rpc_handlers.h"

#include "common/core/json.h"
#include "common/core/log.h"
#include "common/core/result.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/net/rpc.h"

namespace jb::library {

namespace {

Result<std::string> connection_id(const json::Value& p) {
  std::string id = json::get_string(p, "connection_id");
  if (id.size() != 32 || !text::is_hex(id))
    return Error(errc::invalid_request, "'connection_id' must be a 32-hex connection id.", 400);
  return id;
}

std::vector<std::string> strings(const json::Value& p, const char* name, size_t max) {
  std::vector<std::string> out;
  const auto* a = json::member(p, name);
  if (!a || !a->IsArray()) return out;
  for (const auto& v : a->GetArray()) {
    if (out.size() >= max) break;
    if (v.IsString()) out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return out;
}

}  // namespace

Result<std::string> RpcHandlers::dispatch(const std::string& method, const std::string& payload) {
  if (method == "ping") return ping();
  auto d = json::parse(payload.empty() ? "{}" : payload);
  if (!d.ok()) return d.error();
  if (!d->IsObject())
    return Error(errc::invalid_request, "The RPC payload must be a JSON object.", 400);
  if (!libs_ || !index_ || !sched_ || !access_)
    return Error(errc::unavailable, "library-service is not fully configured.", 503);
  if (method == "libraries") return libraries(*d);
  if (method == "whitelist_get") return whitelist_get(*d);
  if (method == "whitelist_put") return whitelist_put(*d);
  if (method == "index_status") return index_status(*d);
  if (method == "index_refresh") return index_refresh(*d);
  if (method == "lookup") return lookup(*d);
  if (method == "series_keys") return series_keys(*d);
  if (method == "list") return list(*d);
  if (method == "unmatched") return unmatched(*d);
  return Error(errc::unknown_method, "library-service has no method '" + method + "'.", 400);
}

Result<std::string> RpcHandlers::ping() {
  bool redis_ok = redis_.command({"PING"}).ok();
  json::Writer w;
  w.begin_object()
      .kv("service", "library-service")
      .kv("redis", redis_ok ? "ok" : "error")
      .end_object();
  return w.str();
}

Result<LibraryList> RpcHandlers::known_libraries(const std::string& conn, bool refresh) {
  if (!refresh) {
    auto c = libs_->cached(conn);
    if (!c.ok()) return c.error();
    if (c->has_value()) return **c;
  }
  auto a = access_->open(conn);
  if (!a.ok()) return a.error();
  auto before = libs_->cached(conn);
  auto l = sched_->load_libraries(conn, **a);
  if (!l.ok()) return l.error();
  // A new connection's first "Load Libraries" starts its index.
  if (before.ok() && !before->has_value())
    log::best_effort(sched_->request(conn, true), "asking for a first index build");
  return l;
}

Result<std::string> RpcHandlers::libraries(const json::Value& p) {
  auto conn = connection_id(p);
  if (!conn.ok()) return conn.error();
  auto known = known_libraries(*conn, json::get_bool(p, "refresh"));
  if (!known.ok()) return known.error();
  auto wl = libs_->whitelist(*conn);
  if (!wl.ok()) return wl.error();
  auto m = index_->meta(*conn);
  json::Writer w;
  w.begin_object().key("libraries").begin_array();
  for (const auto& l : known->libraries) {
    bool listed = std::find(wl->begin(), wl->end(), l.id) != wl->end();
    w.begin_object().kv("id", l.id).kv("name", l.name).kv("type", l.type);
    // Two counts, two meanings: what Jellyfin reports as the library's
    // top-level entries, and what our index holds for it (with episodes).
    if (l.child_count)
      w.kv("child_count", *l.child_count);
    else
      w.kv_null("child_count");
    if (m.ok() && m->library_items.count(l.id))
      w.kv("indexed_items", m->library_items.at(l.id));
    else
      w.kv_null("indexed_items");
    w.kv("whitelisted", wl->empty() ? syncable_type(l.type) : listed).end_object();
  }
  w.end_array()
      .kv("whitelist_all", wl->empty())
      .kv("fetched_at", timeutil::format_rfc3339(known->fetched_ms * 1000));
  w.end_object();
  return w.str();
}

std::string RpcHandlers::whitelist_json(const std::vector<std::string>& wl,
                                        const LibraryList& known) {
  json::Writer w;
  w.begin_object().key("library_ids").begin_array();
  for (const auto& id : wl) w.value(id);
  w.end_array().kv("all", wl.empty());
  w.kv("meaning", wl.empty() ? "The whitelist is empty: every film and series library counts."
                             : "Only the listed libraries count.");
  w.key("libraries").begin_array();
  for (const auto& e : Libraries::describe(wl, known))
    w.begin_object()
        .kv("id", e.id)
        .kv("name", e.name)
        .kv("status", e.present ? "present" : "missing")
        .end_object();
  w.end_array().end_object();
  return w.str();
}

Result<std::string> RpcHandlers::whitelist_get(const json::Value& p) {
  auto conn = connection_id(p);
  if (!conn.ok()) return conn.error();
  auto known = known_libraries(*conn, false);
  if (!known.ok()) return known.error();
  auto wl = libs_->whitelist(*conn);
  if (!wl.ok()) return wl.error();
  return whitelist_json(*wl, *known);
}

Result<std::string> RpcHandlers::whitelist_put(const json::Value& p) {
  auto conn = connection_id(p);
  if (!conn.ok()) return conn.error();
  const auto* ids = json::member(p, "library_ids");
  if (!ids || !ids->IsArray())
    return Error(errc::invalid_request, "'library_ids' must be an array of library ids.", 400);
  std::vector<std::string> list;
  for (const auto& v : ids->GetArray()) {
    if (!v.IsString())
      return Error(errc::invalid_request, "'library_ids' must contain only strings.", 400);
    list.emplace_back(v.GetString(), v.GetStringLength());
  }
  if (list.size() > 255)
    return Error(errc::invalid_request, "A whitelist holds at most 255 libraries.", 400);
  auto known = known_libraries(*conn, false);
  if (!known.ok()) return known.error();
  // Ids not in the cached list may be new libraries: reload once before refusing.
  bool all_known = std::all_of(list.begin(), list.end(), [&](const std::string& id) {
    return std::any_of(known->libraries.begin(), known->libraries.end(),
                       [&](const auto& l) { return l.id == id; });
  });
  if (!all_known) {
    auto fresh = known_libraries(*conn, true);
    if (fresh.ok()) known = std::move(fresh);
  }
  if (auto s = libs_->set_whitelist(*conn, list, *known); !s.ok()) return s.error();
  log::best_effort(sched_->request(*conn, true),
                   "asking for an index rebuild after a whitelist change");
  {
    json::Writer ev;
    ev.begin_object().kv("connection_id", *conn).key("library_ids").begin_array();
    for (const auto& id : list) ev.value(id);
    ev.end_array().end_object();
    sched_->publish("library.whitelist", ev.str());
  }
  auto wl = libs_->whitelist(*conn);
  if (!wl.ok()) return wl.error();
  return whitelist_json(*wl, *known);
}

Result<std::string> RpcHandlers::index_status(const json::Value& p) {
  auto conn = connection_id(p);
  if (!conn.ok()) return conn.error();
  auto m = index_->meta(*conn);
  if (!m.ok()) return m.error();
  json::Writer w;
  w.begin_object().kv("state", m->state).kv("version", m->version);
  w.key("counts")
      .begin_object()
      .kv("movies", m->movies)
      .kv("series", m->series)
      .kv("episodes", m->episodes)
      .end_object();
  w.kv("unmatched", m->unmatched);
  if (m->last_build_ms)
    w.kv("last_build", timeutil::format_rfc3339(m->last_build_ms * 1000));
  else
    w.kv_null("last_build");
  if (m->last_full_ms)
    w.kv("last_full_build", timeutil::format_rfc3339(m->last_full_ms * 1000));
  else
    w.kv_null("last_full_build");
  w.kv("last_duration_ms", m->last_duration_ms)
      .kv("last_kind", m->last_kind)
      .kv("jellyfin_requests", m->requests);
  if (!m->last_error.empty()) w.kv("last_error", m->last_error);
  w.key("libraries").begin_array();
  for (const auto& l : m->libraries) {
    auto it = m->library_items.find(l);
    w.begin_object()
        .kv("id", l)
        .kv("items", it == m->library_items.end() ? int64_t{0} : it->second)
        .end_object();
  }
  w.end_array().end_object();
  return w.str();
}

Result<std::string> RpcHandlers::index_refresh(const json::Value& p) {
  auto conn = connection_id(p);
  if (!conn.ok()) return conn.error();
  if (auto s = sched_->request(*conn, json::get_bool(p, "full")); !s.ok()) return s.error();
  return std::string("{\"scheduled\":true}");
}

Result<std::string> RpcHandlers::lookup(const json::Value& p) {
  auto conn = connection_id(p);
  if (!conn.ok()) return conn.error();
  auto keys = strings(p, "keys", 20000);
  auto r = index_->lookup(*conn, keys);
  if (!r.ok()) return r.error();
  json::Writer w;
  w.begin_object().key("results").begin_object();
  for (const auto& [key, refs] : *r) {
    w.key(key).begin_array();
    for (const auto& ref : refs)
      w.begin_object().kv("id", ref.item_id).kv("library_id", ref.library_id).end_object();
    w.end_array();
  }
  w.end_object().end_object();
  return w.str();
}

Result<std::string> RpcHandlers::series_keys(const json::Value& p) {
  auto conn = connection_id(p);
  if (!conn.ok()) return conn.error();
  auto r = index_->series_keys(*conn, strings(p, "series_ids", 20000));
  if (!r.ok()) return r.error();
  json::Writer w;
  w.begin_object().key("series").begin_object();
  for (const auto& [id, keys] : *r) {
    w.key(id).begin_array();
    for (const auto& k : keys) w.value(k);
    w.end_array();
  }
  w.end_object().end_object();
  return w.str();
}

Result<std::string> RpcHandlers::list(const json::Value& p) {
  auto conn = connection_id(p);
  if (!conn.ok()) return conn.error();
  int cursor = static_cast<int>(json::get_int(p, "cursor", 0));
  int limit = static_cast<int>(std::clamp<int64_t>(json::get_int(p, "limit", 5000), 1, 50000));
  auto r = index_->list(*conn, json::get_string(p, "library_id"), cursor, limit);
  if (!r.ok()) return r.error();
  json::Writer w;
  w.begin_object().key("items").begin_array();
  for (const auto& [id, type] : r->first)
    w.begin_object()
        .kv("id", id)
        .kv("type", type == 'm'   ? "Movie"
                    : type == 's' ? "Series"
                                  : "Episode")
        .end_object();
  w.end_array();
  if (r->second < 0)
    w.kv_null("next_cursor");
  else
    w.kv("next_cursor", r->second);
  w.end_object();
  return w.str();
}

Result<std::string> RpcHandlers::unmatched(const json::Value& p) {
  auto conn = connection_id(p);
  if (!conn.ok()) return conn.error();
  int64_t start = std::max<int64_t>(0, json::get_int(p, "start", 0));
  int64_t count = std::clamp<int64_t>(json::get_int(p, "count", 100), 1, 1000);
  auto r = index_->unmatched(*conn, start, count);
  if (!r.ok()) return r.error();
  auto m = index_->meta(*conn);
  json::Writer w;
  w.begin_object().key("items").begin_array();
  for (const auto& e : *r) {
    auto parts = text::split(e, '\t', false);
    if (parts.size() < 4) continue;
    w.begin_object()
        .kv("id", parts[0])
        .kv("type", parts[1])
        .kv("reason", parts[2])
        .kv("name", parts[3])
        .end_object();
  }
  w.end_array().kv("total", m.ok() ? m->unmatched : 0).end_object();
  return w.str();
}

}  // namespace jb::library
