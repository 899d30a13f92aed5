// state_file.cpp — see state_file.h.
#include "tests/standin/state_file.h"

#include <rapidjson/error/en.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "common/core/json.h"
#include "common/core/time.h"
#include "tests/standin/atomic_file.h"
#include "tests/standin/seed.h"

namespace jb::standin {

namespace {

Error invalid(const std::string& label, const std::string& what) {
  return Error("invalid_state_file", label + ": " + what, 400);
}

void write_date(json::Writer& w, const char* key, int64_t t) {
  if (t != kNoDate) w.kv(key, timeutil::format_jellyfin(t));
}

void write_device(json::Writer& w, const Device& d) {
  w.begin_object();
  w.kv("AccessToken", d.token);
  w.kv("UserId", d.user_id.str());
  w.kv("DeviceId", d.device_id);
  w.kv("DeviceName", d.device_name);
  w.kv("AppName", d.app_name);
  w.kv("AppVersion", d.app_version);
  write_date(w, "DateCreated", d.date_created);
  write_date(w, "DateLastActivity", d.date_last_activity);
  w.kv("SessionId", d.session_id.str());
  w.end_object();
}

// One Devices[] element; `where` is "Devices[i]".
Result<Device> read_device(const json::Value& v, const std::string& label, const std::string& where,
                           const Catalog& cat) {
  auto bad = [&](const std::string& what) { return invalid(label, where + ": " + what); };
  if (!v.IsObject()) return bad("must be an object");
  static const char* const kKeys[] = {"AccessToken", "UserId",           "DeviceId",
                                      "DeviceName",  "AppName",          "AppVersion",
                                      "DateCreated", "DateLastActivity", "SessionId"};
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string_view k(m->name.GetString(), m->name.GetStringLength());
    if (std::none_of(std::begin(kKeys), std::end(kKeys), [&](const char* a) { return k == a; }))
      return bad("unknown property '" + std::string(k) + "'");
  }
  Device d;
  struct Str {
    const char* key;
    std::string* out;
  };
  for (Str s : {Str{"AccessToken", &d.token}, Str{"DeviceId", &d.device_id},
                Str{"DeviceName", &d.device_name}, Str{"AppName", &d.app_name},
                Str{"AppVersion", &d.app_version}}) {
    const json::Value* x = json::member(v, s.key);
    if (!x || x->IsNull()) continue;
    if (!x->IsString()) return bad(std::string("'") + s.key + "' must be a string");
    s.out->assign(x->GetString(), x->GetStringLength());
  }
  if (d.token.empty()) return bad("'AccessToken' is required");
  auto guid = [&](const char* key) -> std::optional<Guid> {
    const json::Value* x = json::member(v, key);
    if (!x || !x->IsString()) return std::nullopt;
    return parse_guid(std::string_view(x->GetString(), x->GetStringLength()));
  };
  auto user_id = guid("UserId");
  if (!user_id) return bad("'UserId' must be a GUID");
  d.user_id = *user_id;
  if (json::member(v, "SessionId")) {
    auto session_id = guid("SessionId");
    if (!session_id) return bad("'SessionId' must be a GUID");
    d.session_id = *session_id;
  } else {
    d.session_id = random_guid();
  }
  if (std::none_of(cat.users.begin(), cat.users.end(),
                   [&](const User& u) { return u.id == d.user_id; }))
    return bad("no user with the id " + d.user_id.str());
  for (auto [key, out] : {std::pair<const char*, int64_t*>{"DateCreated", &d.date_created},
                          {"DateLastActivity", &d.date_last_activity}}) {
    const json::Value* x = json::member(v, key);
    if (!x || x->IsNull()) continue;
    std::optional<int64_t> t;
    if (x->IsString())
      t = timeutil::parse_iso8601(std::string_view(x->GetString(), x->GetStringLength()));
    if (!t) return bad(std::string("'") + key + "' is not a valid date");
    *out = *t;
  }
  return d;
}

}  // namespace

PersistedState persisted_part(const State& s) {
  PersistedState p;
  p.cat = s.cat;
  p.source = s.source;
  p.devices.reserve(s.tokens.size());
  for (const auto& [token, d] : s.tokens) p.devices.push_back(d);
  return p;
}

std::string serialize_state(const PersistedState& p) {
  std::vector<const Device*> devices;
  for (const auto& d : p.devices) devices.push_back(&d);
  std::sort(devices.begin(), devices.end(), [](const Device* a, const Device* b) {
    return std::tie(a->date_created, a->token) < std::tie(b->date_created, b->token);
  });
  json::Writer w;
  w.begin_object();
  w.kv("StateVersion", kStateVersion);
  w.kv("Source", p.source);
  write_seed_members(w, p.cat);
  w.key("Devices").begin_array();
  for (const Device* d : devices) write_device(w, *d);
  w.end_array();
  w.end_object();
  return w.str() + "\n";
}

Result<PersistedState> parse_state(std::string_view text, const std::string& label) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return invalid(label, "the file is empty");
  json::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (doc.HasParseError())
    return invalid(label, "not valid JSON (truncated or corrupt?) at byte " +
                              std::to_string(doc.GetErrorOffset()) + " of " +
                              std::to_string(text.size()) + ": " +
                              rapidjson::GetParseError_En(doc.GetParseError()));
  const json::Value& root = doc;
  if (!root.IsObject()) return invalid(label, "must be a JSON object");
  const json::Value* version = json::member(root, "StateVersion");
  if (!version)
    return invalid(label,
                   "no 'StateVersion' property, so this is not a state file (a seed file goes to "
                   "--seed)");
  if (!version->IsInt()) return invalid(label, "'StateVersion' must be an integer");
  if (version->GetInt() != kStateVersion)
    return invalid(label, "'StateVersion' " + std::to_string(version->GetInt()) +
                              " is not supported (this stand-in reads version " +
                              std::to_string(kStateVersion) + ")");
  PersistedState p;
  if (const json::Value* src = json::member(root, "Source"); src && !src->IsNull()) {
    if (!src->IsString()) return invalid(label, "'Source' must be a string");
    p.source.assign(src->GetString(), src->GetStringLength());
  }
  SeedReadOptions so;
  so.label = label;
  so.exact = true;
  so.extra_root_keys = {"StateVersion", "Source", "Devices"};
  auto cat = parse_seed_value(root, so);
  if (!cat) return Error("invalid_state_file", cat.error().message, 400);
  p.cat = std::move(*cat);
  if (const json::Value* devs = json::member(root, "Devices"); devs && !devs->IsNull()) {
    if (!devs->IsArray()) return invalid(label, "Devices: must be an array");
    std::set<std::string> tokens;
    for (rapidjson::SizeType i = 0; i < devs->Size(); ++i) {
      std::string where = "Devices[" + std::to_string(i) + "]";
      auto d = read_device((*devs)[i], label, where, p.cat);
      if (!d) return d.error();
      if (!tokens.insert(d->token).second)
        return invalid(label, where + ": duplicate 'AccessToken'");
      p.devices.push_back(std::move(*d));
    }
  }
  return p;
}

State restore_state(PersistedState p) {
  State s(std::move(p.cat));
  s.source = std::move(p.source);
  for (auto& d : p.devices) {
    std::string token = d.token;
    s.tokens.emplace(std::move(token), std::move(d));
  }
  return s;
}

Result<std::optional<PersistedState>> read_state_file(const std::string& path) {
  const std::string label = "State file " + path;
  auto text = read_file_if_exists(path);
  if (!text) return invalid(label, text.error().message);
  if (!*text) return std::optional<PersistedState>();
  auto p = parse_state(**text, label);
  if (!p) return p.error();
  return std::optional<PersistedState>(std::move(*p));
}

}  // namespace jb::standin
