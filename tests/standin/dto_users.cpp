// dto_users.cpp — UserDto, SessionInfoDto, AuthenticationResult and
// QuickConnectResult (see dto.h).
#include "common/core/time.h"
#include "tests/standin/dto.h"
#include "tests/standin/policy.h"

namespace jb::standin {

void write_user_configuration(json::Writer& w) {
  // UserConfiguration defaults of a new Jellyfin user.
  w.begin_object();
  w.kv("PlayDefaultAudioTrack", true);
  w.kv("SubtitleLanguagePreference", "");
  w.kv("DisplayMissingEpisodes", false);
  w.key("GroupedFolders").begin_array().end_array();
  w.kv("SubtitleMode", "Default");
  w.kv("DisplayCollectionsView", false);
  w.kv("EnableLocalPassword", false);
  w.key("OrderedViews").begin_array().end_array();
  w.key("LatestItemsExcludes").begin_array().end_array();
  w.key("MyMediaExcludes").begin_array().end_array();
  w.kv("HidePlayedInLatest", true);
  w.kv("RememberAudioSelections", true);
  w.kv("RememberSubtitleSelections", true);
  w.kv("EnableNextEpisodeAutoPlay", true);
  w.kv("CastReceiverId", "F007D354");
  w.end_object();
}

void write_user(json::Writer& w, const User& u, const ServerInfo& srv) {
  w.begin_object();
  w.kv("Name", u.name);
  w.kv("ServerId", srv.id);
  w.kv("Id", u.id.str());
  w.kv("HasPassword", !u.password_hash.empty());
  w.kv("HasConfiguredPassword", !u.password_hash.empty());
  w.kv("HasConfiguredEasyPassword", false);
  w.kv("EnableAutoLogin", false);
  if (u.last_login != kNoDate) w.kv("LastLoginDate", date_str(u.last_login));
  if (u.last_activity != kNoDate) w.kv("LastActivityDate", date_str(u.last_activity));
  w.key("Configuration");
  if (u.configuration.empty())
    write_user_configuration(w);
  else
    w.raw(u.configuration);
  w.key("Policy");
  write_policy(w, u.policy);
  w.end_object();
}

SessionView session_of(const Device& d, const User& u) {
  SessionView v;
  v.id = d.session_id;
  v.user_id = u.id;
  v.user_name = u.name;
  v.client = d.app_name;
  v.device_name = d.device_name;
  v.device_id = d.device_id;
  v.app_version = d.app_version;
  v.last_activity = d.date_last_activity;
  return v;
}

void write_session(json::Writer& w, const State& s, const SessionView& v, const ServerInfo& srv) {
  const PlayingSession* p = v.playing;
  w.begin_object();
  w.key("PlayState").begin_object();
  if (p) w.kv("PositionTicks", p->position_ticks);
  w.kv("CanSeek", p != nullptr);
  w.kv("IsPaused", p != nullptr && p->paused);
  w.kv("IsMuted", false);
  if (p) {
    w.kv("MediaSourceId", s.cat.items[p->item].id.str());
    w.kv("PlayMethod", "DirectPlay");
  }
  w.kv("RepeatMode", "RepeatNone");
  w.kv("PlaybackOrder", "Default");
  w.end_object();
  w.key("AdditionalUsers").begin_array().end_array();
  w.key("Capabilities").begin_object();
  w.key("PlayableMediaTypes").begin_array().end_array();
  w.key("SupportedCommands").begin_array().end_array();
  w.kv("SupportsMediaControl", false);
  w.kv("SupportsPersistentIdentifier", true);
  w.end_object();
  w.kv("RemoteEndPoint", "127.0.0.1");
  w.key("PlayableMediaTypes").begin_array();
  if (p) w.value("Video");
  w.end_array();
  w.kv("Id", v.id.str());
  w.kv("UserId", v.user_id.str());
  w.kv("UserName", v.user_name);
  w.kv("Client", v.client);
  w.kv("LastActivityDate",
       date_str(v.last_activity == kNoDate ? timeutil::kDotnetMinUnixUs : v.last_activity));
  w.kv("LastPlaybackCheckIn", date_str(p ? p->started : timeutil::kDotnetMinUnixUs));
  w.kv("DeviceName", v.device_name);
  if (p) {
    w.key("NowPlayingItem");
    DtoOptions o;
    o.enable_user_data = false;
    write_item(w, s, p->item, o, nullptr, srv);
  }
  w.kv("DeviceId", v.device_id);
  w.kv("ApplicationVersion", v.app_version);
  w.kv("IsActive", true);
  w.kv("SupportsMediaControl", false);
  w.kv("SupportsRemoteControl", false);
  w.key("NowPlayingQueue").begin_array().end_array();
  w.key("NowPlayingQueueFullItems").begin_array().end_array();
  w.kv("HasCustomDeviceName", false);
  w.kv("ServerId", srv.id);
  w.key("SupportedCommands").begin_array().end_array();
  w.end_object();
}

std::string authentication_result_json(const State& s, const User& u, const Device& d,
                                       const ServerInfo& srv) {
  json::Writer w;
  w.begin_object();
  w.key("User");
  write_user(w, u, srv);
  w.key("SessionInfo");
  write_session(w, s, session_of(d, u), srv);
  w.kv("AccessToken", d.token);
  w.kv("ServerId", srv.id);
  w.end_object();
  return w.str();
}

void write_quick_connect_result(json::Writer& w, const QcRequest& r) {
  w.begin_object();
  w.kv("Authenticated", r.authenticated);
  w.kv("Secret", r.secret);
  w.kv("Code", r.code);
  w.kv("DeviceId", r.device_id);
  w.kv("DeviceName", r.device_name);
  w.kv("AppName", r.app_name);
  w.kv("AppVersion", r.app_version);
  w.kv("DateAdded", date_str(r.date_added));
  w.end_object();
}

}  // namespace jb::standin
