// profile_store.cpp — see profile_store.h.
#include "auth-service/accounts/profile_store.h"

#include "common/core/random.h"
#include "common/core/text.h"

namespace jb::accounts {

namespace {

std::string key(const std::string& id) {
  return "jb:profile:" + id;
}
const char* kIndex = "jb:profiles";
const char* kDefault = "jb:profile:default";

std::string libraries_json(const std::map<std::string, std::string>& libs) {
  json::Writer w;
  w.begin_object();
  for (const auto& [id, name] : libs) w.kv(id, name);
  w.end_object();
  return w.str();
}

std::map<std::string, std::string> parse_libraries(const std::string& s) {
  std::map<std::string, std::string> out;
  auto d = json::parse(s);
  if (!d.ok() || !d->IsObject()) return out;
  for (auto it = d->MemberBegin(); it != d->MemberEnd(); ++it)
    if (it->value.IsString()) out[it->name.GetString()] = it->value.GetString();
  return out;
}

Profile from_map(const std::string& id, std::map<std::string, std::string> m) {
  Profile p;
  p.id = id;
  p.name = m["name"];
  p.policy = m["policy"];
  p.configuration = m["configuration"];
  p.display_preferences = m["display_preferences"];
  p.source_id = m["source_id"];
  p.source_name = m["source_name"];
  p.libraries = parse_libraries(m["libraries"]);
  int64_t created = 0;
  if (text::parse_int64(m["created"], created)) p.created_ms = created;
  p.created_by = m["created_by"];
  return p;
}

}  // namespace

void profile_summary(json::Writer& w, const Profile& p) {
  auto d = json::parse(p.policy);
  json::Document empty(rapidjson::kObjectType);
  const json::Value& pol = d.ok() && d->IsObject() ? static_cast<const json::Value&>(*d) : empty;
  w.begin_object();
  w.kv("administrator", json::get_bool(pol, "IsAdministrator"));
  const bool all = json::get_bool(pol, "EnableAllFolders", true);
  w.kv("all_libraries", all);
  w.key("libraries").begin_array();
  if (!all) {
    if (const json::Value* f = json::member(pol, "EnabledFolders"); f && f->IsArray())
      for (const auto& v : f->GetArray()) {
        if (!v.IsString()) continue;
        auto it = p.libraries.find(v.GetString());
        w.value(it == p.libraries.end() ? std::string(v.GetString()) : it->second);
      }
  }
  w.end_array();
  w.kv("remote_access", json::get_bool(pol, "EnableRemoteAccess", true));
  w.kv("max_sessions", json::get_int(pol, "MaxActiveSessions", 0));
  w.kv("bitrate_limit", json::get_int(pol, "RemoteClientBitrateLimit", 0));
  w.kv("downloads", json::get_bool(pol, "EnableContentDownloading", true));
  w.kv("deletion", json::get_bool(pol, "EnableContentDeletion", false));
  w.kv("hidden", json::get_bool(pol, "IsHidden", true));
  if (auto r = json::opt_int(pol, "MaxParentalRating"))
    w.kv("parental_rating", *r);
  else
    w.kv_null("parental_rating");
  w.kv("display_preferences", !p.display_preferences.empty());
  w.end_object();
}

Result<std::string> ProfileStore::default_id() {
  auto r = redis_.command({"GET", kDefault});
  if (!r.ok()) return r.error();
  return r->is_string() ? r->str : std::string();
}

Result<Profile> ProfileStore::create(Profile p, int64_t now_ms) {
  p.id = rnd::hex(8);
  p.created_ms = now_ms;
  RedisArgv hset{"HSET",          key(p.id),
                 "name",          p.name,
                 "policy",        p.policy,
                 "configuration", p.configuration,
                 "source_id",     p.source_id,
                 "source_name",   p.source_name,
                 "libraries",     libraries_json(p.libraries),
                 "created",       std::to_string(now_ms),
                 "created_by",    p.created_by};
  if (!p.display_preferences.empty()) {
    hset.push_back("display_preferences");
    hset.push_back(p.display_preferences);
  }
  auto r = redis_.pipeline({std::move(hset),
                            {"ZADD", kIndex, std::to_string(now_ms), p.id},
                            {"SET", kDefault, p.id, "NX"}});
  if (!r.ok()) return r.error();
  p.is_default = !(*r)[2].is_nil() && !(*r)[2].is_error();
  if (!p.is_default) {
    auto d = default_id();
    if (d.ok()) p.is_default = *d == p.id;
  }
  return p;
}

Result<std::optional<Profile>> ProfileStore::get(const std::string& id) {
  if (id.empty() || id.size() > 64) return std::optional<Profile>{};
  auto r = redis_.pipeline({{"HGETALL", key(id)}, {"GET", kDefault}});
  if (!r.ok()) return r.error();
  auto m = (*r)[0].as_map();
  if (m.empty()) return std::optional<Profile>{};
  Profile p = from_map(id, std::move(m));
  p.is_default = (*r)[1].is_string() && (*r)[1].str == id;
  return std::optional<Profile>(std::move(p));
}

Result<std::optional<Profile>> ProfileStore::get_default() {
  auto d = default_id();
  if (!d.ok()) return d.error();
  if (d->empty()) return std::optional<Profile>{};
  return get(*d);
}

Result<std::vector<Profile>> ProfileStore::list() {
  std::vector<Profile> out;
  auto ids = redis_.command({"ZRANGE", kIndex, "0", "-1"});
  if (!ids.ok()) return ids.error();
  auto d = default_id();
  if (!d.ok()) return d.error();
  std::vector<RedisArgv> cmds;
  for (const auto& e : ids->elements) cmds.push_back({"HGETALL", key(e.str)});
  if (cmds.empty()) return out;
  auto r = redis_.pipeline(cmds);
  if (!r.ok()) return r.error();
  for (size_t i = 0; i < r->size(); ++i) {
    auto m = (*r)[i].as_map();
    if (m.empty()) continue;
    Profile p = from_map(ids->elements[i].str, std::move(m));
    p.is_default = p.id == *d;
    out.push_back(std::move(p));
  }
  return out;
}

Status ProfileStore::rename(const std::string& id, const std::string& name) {
  auto r = redis_.command({"HSET", key(id), "name", name});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Status ProfileStore::make_default(const std::string& id) {
  auto r = redis_.command({"SET", kDefault, id});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<bool> ProfileStore::remove(const std::string& id) {
  auto d = default_id();
  if (!d.ok()) return d.error();
  std::vector<RedisArgv> cmds{{"DEL", key(id)}, {"ZREM", kIndex, id}};
  if (*d == id) cmds.push_back({"DEL", kDefault});
  auto r = redis_.pipeline(cmds);
  if (!r.ok()) return r.error();
  return (*r)[0].integer > 0;
}

}  // namespace jb::accounts
