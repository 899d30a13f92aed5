// app.cpp — see app.h.
#include "tests/standin/app.h"

#include "tests/standin/password.h"

namespace jb::standin {

App::App(AppSettings settings, CatalogFactory factory, std::string source)
    : faults(settings.latency_ms),
      legacy_auth(settings.legacy_auth),
      quick_connect(settings.quick_connect),
      settings(std::move(settings)),
      factory_(std::move(factory)),
      source_(std::move(source)) {}

Result<std::string> App::hash_password(std::string_view password) const {
  return jb::standin::hash_password(password, settings.pbkdf2_iterations);
}

Result<State> App::build_state() {
  auto cat = factory_();
  if (!cat) return cat.error();
  Catalog c = std::move(*cat);
  Status st = prepare(c);
  if (!st.ok()) return st.error();
  State s(std::move(c));
  s.source = source_;
  return s;
}

Status App::prepare(Catalog& c) {
  if (!settings.server_name.empty()) c.server_name = settings.server_name;
  if (!settings.server_id.empty()) {
    auto g = parse_guid(settings.server_id);
    if (!g) return Error("invalid_argument", "--server-id is not a GUID.");
    c.server_id = *g;
  }
  for (auto& u : c.users) {
    if (u.password_plain.empty()) continue;
    std::lock_guard lock(hash_cache_mu_);
    auto it = hash_cache_.find(u.password_plain);
    if (it == hash_cache_.end()) {
      auto h = hash_password(u.password_plain);
      if (!h) return h.error();
      it = hash_cache_.emplace(u.password_plain, *h).first;
    }
    u.password_hash = it->second;
    u.password_plain.clear();
  }
  return Status::Ok();
}

void App::install(State s) {
  server.id = s.cat.server_id.str();
  server.name = s.cat.server_name;
  server.version = settings.version;
  store.replace(std::move(s));
}

Status App::load() {
  auto s = build_state();
  if (!s) return s.error();
  install(std::move(*s));
  return Status::Ok();
}

Status App::load_saved(State saved) {
  Status st = prepare(saved.cat);
  if (!st.ok()) return st;
  install(std::move(saved));
  return Status::Ok();
}

Status App::reset() {
  auto s = build_state();
  if (!s) return s.error();
  store.replace(std::move(*s));
  faults.reset();
  requests.clear();
  in_flight.reset_max();
  clock.set_offset_us(0);
  legacy_auth = settings.legacy_auth;
  quick_connect = settings.quick_connect;
  return Status::Ok();
}

void App::set_local_address(const std::string& host, int p) {
  port = p;
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  server.local_address = "http://" + h + ":" + std::to_string(p) + settings.base_path;
}

}  // namespace jb::standin
