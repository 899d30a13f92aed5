// channel_store.cpp — see channel_store.h.
#include "auth-service/notify/channel_store.h"

#include "common/core/json.h"
#include "common/core/random.h"
#include "common/core/time.h"

namespace jb::auth {

namespace {

std::string aad(const std::string& user_id, const std::string& id) {
  return user_id + ":" + id;
}

NotifyChannel from_json(const std::string& user_id, const json::Value& v) {
  NotifyChannel c;
  c.id = json::get_string(v, "id");
  c.user_id = user_id;
  c.type = json::get_string(v, "type");
  c.name = json::get_string(v, "name");
  c.url = json::get_string(v, "url");
  c.created_ms = json::get_int(v, "created_at");
  c.has_secret = !json::get_string(v, "secret_sealed").empty();
  if (const json::Value* e = json::member(v, "events"); e && e->IsArray())
    for (const auto& x : e->GetArray())
      if (x.IsString()) c.events.emplace_back(x.GetString());
  return c;
}

std::string routes_value(const std::vector<std::string>& events) {
  if (events.empty()) return "*";
  std::string v = ",";
  for (const auto& e : events) v += e + ",";
  return v;
}

}  // namespace

std::string ChannelStore::channels_key(const std::string& user_id) {
  return "jb:notify:channels:" + user_id;
}
std::string ChannelStore::routes_key(const std::string& user_id) {
  return "jb:notify:routes:" + user_id;
}

Result<std::vector<NotifyChannel>> ChannelStore::list(const std::string& user_id) {
  auto r = redis_.command({"HVALS", channels_key(user_id)});
  if (!r.ok()) return r.error();
  std::vector<NotifyChannel> out;
  for (const auto& e : r->elements) {
    auto d = json::parse(e.str);
    if (d.ok()) out.push_back(from_json(user_id, *d));
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.created_ms < b.created_ms; });
  return out;
}

Result<std::optional<std::string>> ChannelStore::raw(const std::string& user_id,
                                                     const std::string& id) {
  auto r = redis_.command({"HGET", channels_key(user_id), id});
  if (!r.ok()) return r.error();
  if (r->is_nil()) return std::optional<std::string>{};
  return std::optional<std::string>{r->str};
}

Result<std::optional<NotifyChannel>> ChannelStore::get(const std::string& user_id,
                                                       const std::string& id) {
  auto s = raw(user_id, id);
  if (!s.ok()) return s.error();
  if (!s->has_value()) return std::optional<NotifyChannel>{};
  auto d = json::parse(**s);
  if (!d.ok()) return d.error();
  return std::optional<NotifyChannel>{from_json(user_id, *d)};
}

Result<NotifyChannel> ChannelStore::create(const std::string& user_id,
                                           const notify::ChannelInput& in) {
  auto n = redis_.command({"HLEN", channels_key(user_id)});
  if (!n.ok()) return n.error();
  if (max_ > 0 && n->integer >= max_)
    return Error(
        errc::channel_limit,
        "You have " + std::to_string(max_) + " notification channels already; delete one first.",
        409);
  NotifyChannel c{
      rnd::id128(),      user_id, in.type, in.name, in.url, in.events, timeutil::now_unix_ms(),
      !in.secret.empty()};
  std::string sealed;
  if (!in.secret.empty()) {
    auto s = vault_.seal(aad(user_id, c.id), in.secret);
    if (!s.ok()) return s.error();
    sealed = *s;
  }
  json::Writer w;
  w.begin_object()
      .kv("id", c.id)
      .kv("type", c.type)
      .kv("name", c.name)
      .kv("url", c.url)
      .kv("created_at", c.created_ms)
      .kv("secret_sealed", sealed)
      .key("events")
      .begin_array();
  for (const auto& e : c.events) w.value(e);
  w.end_array().end_object();
  auto r = redis_.pipeline({{"MULTI"},
                            {"HSET", channels_key(user_id), c.id, w.str()},
                            {"HSET", routes_key(user_id), c.id, routes_value(c.events)},
                            {"EXEC"}});
  if (!r.ok()) return r.error();
  for (const auto& x : *r)
    if (x.is_error()) return Error(errc::internal, "storing a notification channel: " + x.str);
  return c;
}

Result<bool> ChannelStore::remove(const std::string& user_id, const std::string& id) {
  auto r = redis_.pipeline({{"MULTI"},
                            {"HDEL", channels_key(user_id), id},
                            {"HDEL", routes_key(user_id), id},
                            {"EXEC"}});
  if (!r.ok()) return r.error();
  const RedisReply& exec = r->back();
  return exec.is_array() && !exec.elements.empty() && exec.elements[0].integer == 1;
}

Result<std::optional<notify::Target>> ChannelStore::target(const std::string& user_id,
                                                           const std::string& id) {
  auto s = raw(user_id, id);
  if (!s.ok()) return s.error();
  if (!s->has_value()) return std::optional<notify::Target>{};
  auto d = json::parse(**s);
  if (!d.ok()) return d.error();
  notify::Target t{json::get_string(*d, "type"), json::get_string(*d, "url"), ""};
  std::string sealed = json::get_string(*d, "secret_sealed");
  if (!sealed.empty()) {
    auto opened = vault_.open(aad(user_id, id), sealed);
    if (!opened.ok()) return opened.error();
    t.secret = *opened;
  }
  return std::optional<notify::Target>{t};
}

Result<int> ChannelStore::reseal() {
  int n = 0;
  std::string cursor = "0";
  const std::string prefix = channels_key("");
  do {
    auto page = redis_.command({"SCAN", cursor, "MATCH", prefix + "*", "COUNT", "200"});
    if (!page.ok()) return page.error();
    if (!page->is_array() || page->elements.size() < 2) break;
    cursor = page->elements[0].str;
    for (const auto& key : page->elements[1].elements) {
      const std::string user_id = key.str.substr(prefix.size());
      auto all = redis_.command({"HGETALL", key.str});
      if (!all.ok()) return all.error();
      for (size_t i = 0; i + 1 < all->elements.size(); i += 2) {
        const std::string& id = all->elements[i].str;
        auto d = json::parse(all->elements[i + 1].str);
        if (!d.ok()) return d.error();
        std::string sealed = json::get_string(*d, "secret_sealed");
        if (sealed.empty() || !vault_.needs_reseal(sealed)) continue;
        auto plain = vault_.open(aad(user_id, id), sealed);
        if (!plain.ok()) return plain.error();
        auto again = vault_.seal(aad(user_id, id), *plain);
        if (!again.ok()) return again.error();
        (*d)["secret_sealed"].SetString(
            again->c_str(), static_cast<rapidjson::SizeType>(again->size()), d->GetAllocator());
        auto w = redis_.command({"HSET", key.str, id, json::stringify(*d)});
        if (!w.ok()) return w.error();
        ++n;
      }
    }
  } while (cursor != "0");
  return n;
}

}  // namespace jb::auth
