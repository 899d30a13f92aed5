// library_client.cpp — see library_client.h.
#include "sync-worker/library_client.h"

#include "common/core/json.h"
#include "common/core/time.h"
#include "common/net/rpc.h"

namespace jb::worker {

namespace {
constexpr size_t kMaxKeysPerCall = 20000;

std::string request(const std::string& conn, const char* list_name,
                    const std::vector<std::string>& values, size_t from, size_t to) {
  json::Writer w;
  w.begin_object().kv("connection_id", conn).key(list_name).begin_array();
  for (size_t i = from; i < to; ++i) w.value(values[i]);
  w.end_array().end_object();
  return w.str();
}
}  // namespace

Result<std::string> LibraryClient::call(const std::string& method, const std::string& payload) {
  return rpc_.call(method, payload);
}

Result<IndexInfo> LibraryClient::index_status(const std::string& conn) {
  json::Writer w;
  w.begin_object().kv("connection_id", conn).end_object();
  auto r = call("index_status", w.str());
  if (!r.ok()) return r.error();
  auto d = json::parse(*r);
  if (!d.ok())
    return Error(errc::rpc_protocol, "library-service sent an unreadable index status.", 502);
  IndexInfo info;
  info.state = json::get_string(*d, "state");
  info.version = json::get_int(*d, "version");
  if (auto t = timeutil::parse_iso8601(json::get_string(*d, "last_build")))
    info.last_build_ms = *t / 1000;
  info.last_error = json::get_string(*d, "last_error");
  if (const auto* libs = json::member(*d, "libraries"); libs && libs->IsArray())
    for (const auto& l : libs->GetArray()) info.libraries.push_back(json::get_string(l, "id"));
  return info;
}

Status LibraryClient::index_refresh(const std::string& conn, bool full) {
  json::Writer w;
  w.begin_object().kv("connection_id", conn).kv("full", full).end_object();
  auto r = call("index_refresh", w.str());
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<std::map<std::string, std::vector<ItemRef>>> LibraryClient::lookup(
    const std::string& conn, const std::vector<std::string>& keys) {
  std::map<std::string, std::vector<ItemRef>> out;
  for (size_t from = 0; from < keys.size(); from += kMaxKeysPerCall) {
    auto r = call("lookup",
                  request(conn, "keys", keys, from, std::min(keys.size(), from + kMaxKeysPerCall)));
    if (!r.ok()) return r.error();
    auto d = json::parse(*r);
    if (!d.ok())
      return Error(errc::rpc_protocol, "library-service sent an unreadable lookup answer.", 502);
    const auto* res = json::member(*d, "results");
    if (!res || !res->IsObject()) continue;
    for (auto it = res->MemberBegin(); it != res->MemberEnd(); ++it) {
      auto& refs = out[std::string(it->name.GetString(), it->name.GetStringLength())];
      if (!it->value.IsArray()) continue;
      for (const auto& ref : it->value.GetArray())
        refs.push_back({json::get_string(ref, "id"), json::get_string(ref, "library_id")});
    }
  }
  return out;
}

Result<std::map<std::string, std::vector<std::string>>> LibraryClient::series_keys(
    const std::string& conn, const std::vector<std::string>& ids) {
  std::map<std::string, std::vector<std::string>> out;
  for (size_t from = 0; from < ids.size(); from += kMaxKeysPerCall) {
    auto r = call("series_keys", request(conn, "series_ids", ids, from,
                                         std::min(ids.size(), from + kMaxKeysPerCall)));
    if (!r.ok()) return r.error();
    auto d = json::parse(*r);
    if (!d.ok())
      return Error(errc::rpc_protocol, "library-service sent an unreadable series_keys answer.",
                   502);
    const auto* series = json::member(*d, "series");
    if (!series || !series->IsObject()) continue;
    for (auto it = series->MemberBegin(); it != series->MemberEnd(); ++it) {
      auto& keys = out[std::string(it->name.GetString(), it->name.GetStringLength())];
      if (!it->value.IsArray()) continue;
      for (const auto& k : it->value.GetArray())
        if (k.IsString()) keys.emplace_back(k.GetString(), k.GetStringLength());
    }
  }
  return out;
}

}  // namespace jb::worker
