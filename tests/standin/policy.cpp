// policy.cpp — see policy.h.
#include "tests/standin/policy.h"

#include <cmath>

#include "common/core/text.h"

namespace jb::standin {

namespace {

enum class Kind { kBool, kInt, kNullableInt, kStringArray, kObjectArray, kSyncPlay, kTyped };

struct Prop {
  const char* name;
  Kind kind;
  const char* default_json;  // nullptr = null (omitted)
};

// UserPolicy properties in openapi-stable.json order. kTyped ones live in
// Policy's typed members; the others are kept as raw JSON.
const Prop kProps[] = {
    {"IsAdministrator", Kind::kTyped, nullptr},
    {"IsHidden", Kind::kTyped, nullptr},
    {"EnableCollectionManagement", Kind::kBool, "false"},
    {"EnableSubtitleManagement", Kind::kBool, "false"},
    {"EnableLyricManagement", Kind::kBool, "false"},
    {"IsDisabled", Kind::kTyped, nullptr},
    {"MaxParentalRating", Kind::kNullableInt, nullptr},
    {"MaxParentalSubRating", Kind::kNullableInt, nullptr},
    {"BlockedTags", Kind::kStringArray, "[]"},
    {"AllowedTags", Kind::kStringArray, "[]"},
    {"EnableUserPreferenceAccess", Kind::kTyped, nullptr},
    {"AccessSchedules", Kind::kObjectArray, "[]"},
    {"BlockUnratedItems", Kind::kStringArray, "[]"},
    {"EnableRemoteControlOfOtherUsers", Kind::kBool, "false"},
    {"EnableSharedDeviceControl", Kind::kBool, "true"},
    {"EnableRemoteAccess", Kind::kTyped, nullptr},
    {"EnableLiveTvManagement", Kind::kBool, "false"},
    {"EnableLiveTvAccess", Kind::kBool, "true"},
    {"EnableMediaPlayback", Kind::kBool, "true"},
    {"EnableAudioPlaybackTranscoding", Kind::kBool, "true"},
    {"EnableVideoPlaybackTranscoding", Kind::kBool, "true"},
    {"EnablePlaybackRemuxing", Kind::kBool, "true"},
    {"ForceRemoteSourceTranscoding", Kind::kBool, "false"},
    {"EnableContentDeletion", Kind::kBool, "false"},
    {"EnableContentDeletionFromFolders", Kind::kStringArray, "[]"},
    {"EnableContentDownloading", Kind::kBool, "true"},
    {"EnableSyncTranscoding", Kind::kBool, "true"},
    {"EnableMediaConversion", Kind::kBool, "true"},
    {"EnabledDevices", Kind::kTyped, nullptr},
    {"EnableAllDevices", Kind::kTyped, nullptr},
    {"EnabledChannels", Kind::kStringArray, "[]"},
    {"EnableAllChannels", Kind::kBool, "true"},
    {"EnabledFolders", Kind::kTyped, nullptr},
    {"EnableAllFolders", Kind::kTyped, nullptr},
    {"InvalidLoginAttemptCount", Kind::kTyped, nullptr},
    {"LoginAttemptsBeforeLockout", Kind::kTyped, nullptr},
    {"MaxActiveSessions", Kind::kTyped, nullptr},
    {"EnablePublicSharing", Kind::kBool, "true"},
    {"BlockedMediaFolders", Kind::kStringArray, "[]"},
    {"BlockedChannels", Kind::kStringArray, "[]"},
    {"RemoteClientBitrateLimit", Kind::kInt, "0"},
    {"AuthenticationProviderId", Kind::kTyped, nullptr},
    {"PasswordResetProviderId", Kind::kTyped, nullptr},
    {"SyncPlayAccess", Kind::kSyncPlay, "\"CreateAndJoinGroups\""},
};

Error invalid(std::string_view prop, std::string_view why) {
  return Error("validation", "The JSON value for '" + std::string(prop) + "' " + std::string(why),
               400);
}

// Reads an int32 (AllowReadingFromString); nullopt + error on mismatch.
std::optional<int32_t> as_int(const json::Value& v) {
  if (v.IsInt()) return v.GetInt();
  if (v.IsString()) {
    int64_t n = 0;
    if (text::parse_int64(std::string_view(v.GetString(), v.GetStringLength()), n) &&
        n >= INT32_MIN && n <= INT32_MAX)
      return static_cast<int32_t>(n);
  }
  return std::nullopt;
}

}  // namespace

void write_policy(json::Writer& w, const Policy& p) {
  w.begin_object();
  for (const Prop& prop : kProps) {
    std::string_view n = prop.name;
    if (prop.kind != Kind::kTyped) {
      auto it = p.other.find(prop.name);
      if (it != p.other.end()) {
        if (it->second != "null") w.key(n).raw(it->second);
      } else if (prop.default_json) {
        w.key(n).raw(prop.default_json);
      }
      continue;
    }
    if (n == "IsAdministrator")
      w.kv(n, p.is_administrator);
    else if (n == "IsHidden")
      w.kv(n, p.is_hidden);
    else if (n == "IsDisabled")
      w.kv(n, p.is_disabled);
    else if (n == "EnableUserPreferenceAccess")
      w.kv(n, p.enable_user_preference_access);
    else if (n == "EnableRemoteAccess")
      w.kv(n, p.enable_remote_access);
    else if (n == "EnableAllDevices")
      w.kv(n, p.enable_all_devices);
    else if (n == "EnableAllFolders")
      w.kv(n, p.enable_all_folders);
    else if (n == "InvalidLoginAttemptCount")
      w.kv(n, p.invalid_login_attempt_count);
    else if (n == "LoginAttemptsBeforeLockout")
      w.kv(n, p.login_attempts_before_lockout);
    else if (n == "MaxActiveSessions")
      w.kv(n, p.max_active_sessions);
    else if (n == "AuthenticationProviderId")
      w.kv(n, p.authentication_provider_id);
    else if (n == "PasswordResetProviderId")
      w.kv(n, p.password_reset_provider_id);
    else if (n == "EnabledDevices") {
      w.key(n).begin_array();
      for (const auto& d : p.enabled_devices) w.value(d);
      w.end_array();
    } else if (n == "EnabledFolders") {
      w.key(n).begin_array();
      for (const auto& g : p.enabled_folders) w.value(g.str());
      w.end_array();
    }
  }
  w.end_object();
}

Result<Policy> read_policy(const json::Value& obj, const PolicyReadOptions& opts) {
  if (!obj.IsObject()) return invalid("(body)", "must be a JSON object.");
  Policy p;
  auto find = [&](const char* name) -> const json::Value* {
    return opts.case_insensitive ? json::member_ci(obj, name) : json::member(obj, name);
  };
  auto read_bool = [&](const char* name, bool& out) -> std::optional<Error> {
    const json::Value* v = find(name);
    if (!v) return std::nullopt;
    if (!v->IsBool()) return invalid(name, "could not be converted to System.Boolean.");
    out = v->GetBool();
    return std::nullopt;
  };
  auto read_int = [&](const char* name, int32_t& out) -> std::optional<Error> {
    const json::Value* v = find(name);
    if (!v) return std::nullopt;
    auto n = as_int(*v);
    if (!n) return invalid(name, "could not be converted to System.Int32.");
    out = *n;
    return std::nullopt;
  };
  auto read_string = [&](const char* name, std::string& out) -> std::optional<Error> {
    const json::Value* v = find(name);
    if (!v || v->IsNull()) {
      out.clear();
      return std::nullopt;
    }
    if (!v->IsString()) return invalid(name, "could not be converted to System.String.");
    out.assign(v->GetString(), v->GetStringLength());
    return std::nullopt;
  };

  for (const char* b : {"IsAdministrator", "IsHidden", "IsDisabled", "EnableUserPreferenceAccess",
                        "EnableRemoteAccess", "EnableAllDevices", "EnableAllFolders"}) {
    bool* target = nullptr;
    std::string_view n = b;
    if (n == "IsAdministrator")
      target = &p.is_administrator;
    else if (n == "IsHidden")
      target = &p.is_hidden;
    else if (n == "IsDisabled")
      target = &p.is_disabled;
    else if (n == "EnableUserPreferenceAccess")
      target = &p.enable_user_preference_access;
    else if (n == "EnableRemoteAccess")
      target = &p.enable_remote_access;
    else if (n == "EnableAllDevices")
      target = &p.enable_all_devices;
    else
      target = &p.enable_all_folders;
    if (auto e = read_bool(b, *target)) return *e;
  }
  if (auto e = read_int("InvalidLoginAttemptCount", p.invalid_login_attempt_count)) return *e;
  if (auto e = read_int("LoginAttemptsBeforeLockout", p.login_attempts_before_lockout)) return *e;
  if (auto e = read_int("MaxActiveSessions", p.max_active_sessions)) return *e;

  if (auto e = read_string("AuthenticationProviderId", p.authentication_provider_id)) return *e;
  if (auto e = read_string("PasswordResetProviderId", p.password_reset_provider_id)) return *e;
  if (opts.require_provider_ids) {
    if (p.authentication_provider_id.empty())
      return Error("validation", "The AuthenticationProviderId field is required.", 400);
    if (p.password_reset_provider_id.empty())
      return Error("validation", "The PasswordResetProviderId field is required.", 400);
  } else {
    Policy defaults;
    if (p.authentication_provider_id.empty())
      p.authentication_provider_id = defaults.authentication_provider_id;
    if (p.password_reset_provider_id.empty())
      p.password_reset_provider_id = defaults.password_reset_provider_id;
  }

  if (const json::Value* v = find("EnabledDevices"); v && !v->IsNull()) {
    if (!v->IsArray())
      return invalid("EnabledDevices", "could not be converted to System.String[].");
    for (const auto& e : v->GetArray()) {
      if (!e.IsString())
        return invalid("EnabledDevices", "could not be converted to System.String[].");
      p.enabled_devices.emplace_back(e.GetString(), e.GetStringLength());
    }
  }
  if (const json::Value* v = find("EnabledFolders"); v && !v->IsNull()) {
    if (!v->IsArray()) return invalid("EnabledFolders", "could not be converted to System.Guid[].");
    for (const auto& e : v->GetArray()) {
      if (!e.IsString())
        return invalid("EnabledFolders", "could not be converted to System.Guid[].");
      std::string_view s(e.GetString(), e.GetStringLength());
      auto g = opts.resolve_folder ? opts.resolve_folder(s) : parse_guid(s);
      if (!g) return invalid("EnabledFolders", "could not be converted to System.Guid[].");
      p.enabled_folders.push_back(*g);
    }
  }

  for (const Prop& prop : kProps) {
    if (prop.kind == Kind::kTyped) continue;
    const json::Value* v = find(prop.name);
    if (!v) continue;
    std::string raw;
    switch (prop.kind) {
      case Kind::kBool:
        if (!v->IsBool()) return invalid(prop.name, "could not be converted to System.Boolean.");
        raw = v->GetBool() ? "true" : "false";
        break;
      case Kind::kInt: {
        auto n = as_int(*v);
        if (!n) return invalid(prop.name, "could not be converted to System.Int32.");
        raw = std::to_string(*n);
        break;
      }
      case Kind::kNullableInt: {
        if (v->IsNull()) {
          raw = "null";
          break;
        }
        auto n = as_int(*v);
        if (!n)
          return invalid(prop.name, "could not be converted to System.Nullable`1[System.Int32].");
        raw = std::to_string(*n);
        break;
      }
      case Kind::kStringArray:
        if (v->IsNull()) {
          raw = "null";
          break;
        }
        if (!v->IsArray()) return invalid(prop.name, "could not be converted to an array.");
        for (const auto& e : v->GetArray())
          if (!e.IsString())
            return invalid(prop.name, "could not be converted to an array of strings.");
        raw = json::stringify(*v);
        break;
      case Kind::kObjectArray:
        if (v->IsNull()) {
          raw = "null";
          break;
        }
        if (!v->IsArray()) return invalid(prop.name, "could not be converted to an array.");
        for (const auto& e : v->GetArray())
          if (!e.IsObject())
            return invalid(prop.name, "could not be converted to an array of objects.");
        raw = json::stringify(*v);
        break;
      case Kind::kSyncPlay: {
        if (!v->IsString())
          return invalid(prop.name, "could not be converted to SyncPlayUserAccessType.");
        std::string_view s(v->GetString(), v->GetStringLength());
        const char* names[] = {"CreateAndJoinGroups", "JoinGroups", "None"};
        const char* match = nullptr;
        for (const char* n : names)
          if (text::iequals(s, n)) match = n;
        if (!match) return invalid(prop.name, "could not be converted to SyncPlayUserAccessType.");
        raw = std::string("\"") + match + "\"";
        break;
      }
      case Kind::kTyped:
        break;
    }
    p.other[prop.name] = raw;
  }
  return p;
}

}  // namespace jb::standin
