// client.cpp — see client.h.
#include "common/jellyfin/client.h"

#include <curl/curl.h>

#include <algorithm>
#include <thread>

#include "common/core/text.h"
#include "common/core/time.h"
#include "common/net/http_client.h"

namespace jb::jf {

namespace {

Result<json::Document> body_json(const HttpResponse& r, const std::string& base, const char* what) {
  auto d = json::parse(r.body);
  if (!d.ok())
    return Error(errc::not_jellyfin,
                 "The server at " + base + " answered " + what +
                     " with something that is not JSON; it does not look like Jellyfin.",
                 502);
  return d;
}

Result<PublicInfo> parse_public_info(const HttpResponse& r, const std::string& base) {
  auto d = json::parse(r.body);
  if (!d.ok() || !d->IsObject() || json::get_string(*d, "Id").empty() ||
      json::get_string(*d, "Version").empty())
    return Error(errc::not_jellyfin,
                 "The server at " + base +
                     " answered, but it is not a Jellyfin server (no server id and version in "
                     "/System/Info/Public).",
                 502);
  PublicInfo p;
  p.server_id = json::get_string(*d, "Id");
  p.server_name = json::get_string(*d, "ServerName");
  p.version = json::get_string(*d, "Version");
  p.product_name = json::get_string(*d, "ProductName", "Jellyfin Server");
  p.startup_wizard_completed = json::get_bool(*d, "StartupWizardCompleted", true);
  return p;
}

Result<AuthResult> parse_auth(const HttpResponse& r, const std::string& base) {
  auto d = body_json(r, base, "the sign-in");
  if (!d.ok()) return d.error();
  AuthResult a;
  a.access_token = json::get_string(*d, "AccessToken");
  a.server_id = json::get_string(*d, "ServerId");
  if (const auto* u = json::member(*d, "User"); u && u->IsObject()) a.user = parse_user(*u);
  if (a.access_token.empty() || a.user.id.empty())
    return Error(errc::not_jellyfin,
                 "The sign-in answer from " + base + " has no access token or user.", 502);
  return a;
}

Result<QuickConnectState> parse_qc(const HttpResponse& r, const std::string& base) {
  auto d = body_json(r, base, "Quick Connect");
  if (!d.ok()) return d.error();
  QuickConnectState q;
  q.secret = json::get_string(*d, "Secret");
  q.code = json::get_string(*d, "Code");
  q.authenticated = json::get_bool(*d, "Authenticated");
  if (q.secret.empty())
    return Error(errc::not_jellyfin, "The Quick Connect answer from " + base + " has no secret.",
                 502);
  return q;
}

std::vector<Library> parse_libraries(const json::Value& items) {
  std::vector<Library> out;
  if (!items.IsArray()) return out;
  for (const auto& v : items.GetArray()) {
    Library l;
    l.id = json::get_string(v, "Id");
    l.name = json::get_string(v, "Name");
    l.collection_type = json::get_string(v, "CollectionType");
    if (auto n = json::opt_int(v, "ChildCount")) l.child_count = *n;
    if (!l.id.empty()) out.push_back(std::move(l));
  }
  return out;
}

}  // namespace

User parse_user(const json::Value& v) {
  User u;
  u.id = json::get_string(v, "Id");
  u.name = json::get_string(v, "Name");
  if (const auto* p = json::member(v, "Policy"); p && p->IsObject()) {
    u.is_admin = json::get_bool(*p, "IsAdministrator");
    u.is_disabled = json::get_bool(*p, "IsDisabled");
    u.remote_access = json::get_bool(*p, "EnableRemoteAccess", true);
  }
  return u;
}

int parse_retry_after(const std::string& value, int64_t now_unix_s) {
  std::string v(text::trim(value));
  if (v.empty()) return -1;
  int64_t secs;
  if (text::parse_int64(v, secs))
    return secs < 0 ? -1 : static_cast<int>(std::min<int64_t>(secs, 86400));
  time_t t = curl_getdate(v.c_str(), nullptr);  // an HTTP date
  if (t < 0) return -1;
  return static_cast<int>(std::clamp<int64_t>(static_cast<int64_t>(t) - now_unix_s, 0, 86400));
}

Error classify_transport(const Error& e, const std::string& base) {
  if (e.code == jb::errc::connection_refused)
    return Error(errc::connection_refused,
                 "Nothing accepted the connection at " + base +
                     ". Is Jellyfin running, and are the host and port right?",
                 502);
  if (e.code == jb::errc::dns_failure)
    return Error(errc::dns,
                 "The host name of " + base +
                     " could not be resolved. Check the spelling of the server address.",
                 502);
  if (e.code == jb::errc::tls_failure)
    return Error(errc::tls,
                 "The secure (TLS) connection to " + base +
                     " failed; the certificate may be self-signed, expired or for another name. " +
                     e.message,
                 502);
  if (e.code == jb::errc::timeout)
    return Error(errc::timeout, "The Jellyfin server at " + base + " did not answer in time.", 504);
  if (e.code == jb::errc::invalid_url)
    return Error(errc::invalid_server_url, "The server address " + base + " is not a valid URL.",
                 400);
  if (e.code == jb::errc::outbound_refused)
    return Error(errc::outbound_refused, kUnusableServer, 502);
  if (e.code == jb::errc::response_too_large)
    return Error(errc::server_error, "The answer from " + base + " was larger than allowed.", 502);
  return Error(errc::unreachable,
               "The Jellyfin server at " + base + " could not be reached: " + e.message, 502);
}

Error classify_status(const HttpResponse& r, const std::string& base, const std::string& context) {
  int ra = parse_retry_after(r.header("Retry-After"), timeutil::now_unix_s());
  Error e;
  switch (r.status) {
    case 400:
      e = Error(errc::bad_request,
                "The Jellyfin server at " + base + " rejected the request as invalid.", 400);
      break;
    case 401:
      if (context == "quickconnect_authorize") {
        // Jellyfin answers Unauthorized("Quick connect is disabled") when it is off;
        // any other 401 is its authentication refusing the token.
        e = text::to_lower(r.body).find("quick connect is disabled") != std::string::npos
                ? Error(errc::quickconnect_disabled,
                        "Quick Connect is disabled on the Jellyfin server at " + base +
                            ". An administrator can enable it in the Jellyfin dashboard (General "
                            "→ Quick Connect).",
                        409)
                : Error(errc::token_rejected,
                        "The Jellyfin server at " + base +
                            " no longer accepts the stored credentials; sign in to this server "
                            "again.",
                        401);
        break;
      }
      e = context == "signin" ? Error(errc::bad_credentials,
                                      "Jellyfin did not accept that user name and password.", 401)
          : context == "quickconnect"
              ? Error(errc::quickconnect_disabled,
                      "Quick Connect is disabled on the Jellyfin server at " + base +
                          ". An administrator can enable it in the Jellyfin dashboard (General → "
                          "Quick Connect).",
                      409)
              : Error(
                    errc::token_rejected,
                    "The Jellyfin server at " + base +
                        " no longer accepts the stored credentials; sign in to this server again.",
                    401);
      break;
    case 403:
      e = context == "signin"
              ? Error(errc::user_disabled,
                      "Jellyfin refused the sign-in: the account is disabled, has too many active "
                      "sessions, or may not sign in from here.",
                      403)
              : Error(errc::forbidden,
                      "The Jellyfin account is not allowed to do this on " + base + ".", 403);
      break;
    case 404:
      if (context == "quickconnect_authorize") {
        e = Error(errc::quickconnect_code_unknown,
                  "The Jellyfin server at " + base +
                      " has no device waiting with that code: it is mistyped, or it expired "
                      "(codes last 10 minutes). Start Quick Connect on the device again.",
                  404);
        break;
      }
      e = Error(errc::not_found,
                "The Jellyfin server at " + base + " does not know that item or user.", 404);
      break;
    case 429:
      e = Error(
          errc::rate_limited,
          "The Jellyfin server at " + base + " (or a proxy in front of it) asks us to slow down.",
          503);
      break;
    case 503:
      e = Error(errc::starting,
                "The Jellyfin server at " + base + " is starting or temporarily unavailable" +
                    (ra >= 0 ? "; try again in " + std::to_string(ra) + " seconds."
                             : "; try again shortly."),
                503);
      break;
    default:
      if (r.status == 500 && context == "quickconnect_authorize")  // InvalidOperationException
        e = Error(errc::quickconnect_code_used,
                  "That code has already been authorised on the Jellyfin server at " + base +
                      "; the device is signed in, or can start Quick Connect again for a new "
                      "code.",
                  409);
      else if (r.status >= 500)
        e = Error(errc::server_error,
                  "The Jellyfin server at " + base + " failed with HTTP " +
                      std::to_string(r.status) + ".",
                  502);
      else
        e = Error(errc::not_jellyfin,
                  "The server at " + base + " answered HTTP " + std::to_string(r.status) +
                      ", which Jellyfin does not.",
                  502);
  }
  e.retry_after_s = ra;
  return e;
}

Client::Client(HttpClient& http, std::string base_url, ClientIdentity identity, std::string token)
    : http_(http), base_(std::move(base_url)), id_(std::move(identity)), token_(std::move(token)) {
  while (!base_.empty() && base_.back() == '/') base_.pop_back();
}

Result<HttpResponse> Client::once(const std::string& method, const std::string& url,
                                  const std::string& body, std::optional<Error>& stopped) {
  HttpRequest req;
  req.method = method;
  req.url = url;
  req.body = body;
  req.headers = {{"Authorization", authorization_header(id_, token_)},
                 {"Accept", "application/json"}};
  if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
  // The guard is asked once the budget admitted the request and its connection
  // is open, right before it is written (HttpRequest::before_send): nothing that
  // takes time sits between that check and the write.
  bool refused = false;
  if (guard_)
    req.before_send = [this, &refused]() -> Status {
      Status g = guard_();
      refused = !g.ok();
      return g;
    };
  if (gate_) gate_->enter();
  auto r = http_.send(req);
  if (gate_) gate_->leave();
  if (refused) {
    stopped = r.ok() ? Error(jb::errc::interrupted, "stopped before sending") : r.error();
    return *stopped;
  }
  ++requests_;
  return r;
}

Result<HttpResponse> Client::request(const std::string& method, const std::string& path,
                                     const std::string& body, const std::string& context) {
  std::string url = base_ + path;
  int attempts = method == "GET" || retry_.retry_writes ? std::max(1, retry_.attempts) : 1;
  int backoff = retry_.base_ms;
  Error last;
  for (int a = 1; a <= attempts; ++a) {
    std::optional<Error> stopped;
    auto r = once(method, url, body, stopped);
    if (stopped) return *stopped;
    if (r.ok() && r->status >= 200 && r->status < 300) return r;
    last = r.ok() ? classify_status(*r, base_, context) : classify_transport(r.error(), base_);
    if (gate_ && last.retry_after_s > 0) gate_->slow_down(last.retry_after_s * 1000);
    if (a == attempts || !is_transient(last)) break;
    int wait = last.retry_after_s >= 0 ? last.retry_after_s * 1000 : backoff;
    if (wait > retry_.max_wait_ms) break;  // do not hold a worker for long; report instead
    if (sleep_)
      sleep_(wait);
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(wait));
    backoff = std::min(backoff * 2, retry_.max_wait_ms);
  }
  return last;
}

Result<PublicInfo> Client::public_info() {
  auto r = request("GET", "/System/Info/Public");
  if (!r.ok()) {
    // A non-Jellyfin web server answers 404 (or 200 HTML) here.
    if (r.error().code == errc::not_found || r.error().code == errc::token_rejected ||
        r.error().code == errc::bad_request || r.error().code == errc::forbidden)
      return Error(errc::not_jellyfin,
                   "The server at " + base_ +
                       " answered, but it is not a Jellyfin server (no /System/Info/Public).",
                   502);
    return r.error();
  }
  return parse_public_info(*r, base_);
}

Result<PublicInfo> Client::system_info() {
  auto r = request("GET", "/System/Info");
  if (!r.ok()) return r.error();
  return parse_public_info(*r, base_);
}

Result<AuthResult> Client::authenticate_by_name(const std::string& username,
                                                const std::string& password) {
  json::Writer w;
  w.begin_object().kv("Username", username).kv("Pw", password).end_object();
  auto r = request("POST", "/Users/AuthenticateByName", w.str(), "signin");
  if (!r.ok()) return r.error();
  return parse_auth(*r, base_);
}

Result<User> Client::me() {
  auto r = request("GET", "/Users/Me");
  if (!r.ok()) return r.error();
  auto d = body_json(*r, base_, "/Users/Me");
  if (!d.ok()) return d.error();
  User u = parse_user(*d);
  if (u.id.empty())
    return Error(errc::not_jellyfin, "The /Users/Me answer from " + base_ + " has no user id.",
                 502);
  return u;
}

Status Client::logout() {
  auto r = request("POST", "/Sessions/Logout");
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<bool> Client::quick_connect_enabled() {
  auto r = request("GET", "/QuickConnect/Enabled");
  if (!r.ok()) return r.error();
  std::string b(text::trim(r->body));
  if (b == "true") return true;
  if (b == "false") return false;
  return Error(errc::not_jellyfin, "The Quick Connect status from " + base_ + " is not a boolean.",
               502);
}

Result<QuickConnectState> Client::quick_connect_initiate() {
  auto r = request("POST", "/QuickConnect/Initiate", "", "quickconnect");
  if (!r.ok()) return r.error();
  return parse_qc(*r, base_);
}

Result<QuickConnectState> Client::quick_connect_state(const std::string& secret) {
  auto r = request("GET", "/QuickConnect/Connect?secret=" + text::url_encode(secret), "",
                   "quickconnect");
  if (!r.ok()) return r.error();
  return parse_qc(*r, base_);
}

Result<AuthResult> Client::authenticate_with_quick_connect(const std::string& secret) {
  json::Writer w;
  w.begin_object().kv("Secret", secret).end_object();
  auto r = request("POST", "/Users/AuthenticateWithQuickConnect", w.str(), "quickconnect");
  if (!r.ok()) return r.error();
  return parse_auth(*r, base_);
}

Status Client::quick_connect_authorize(const std::string& code, const std::string& user_id) {
  std::string path = "/QuickConnect/Authorize?code=" + text::url_encode(code);
  if (!user_id.empty()) path += "&userId=" + text::url_encode(user_id);
  auto r = request("POST", path, "", "quickconnect_authorize");
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<std::vector<User>> Client::users() {
  auto r = request("GET", "/Users");
  if (!r.ok()) return r.error();
  auto d = body_json(*r, base_, "/Users");
  if (!d.ok()) return d.error();
  if (!d->IsArray())
    return Error(errc::not_jellyfin, "The user list from " + base_ + " is not a list.", 502);
  std::vector<User> out;
  for (const auto& v : d->GetArray())
    if (v.IsObject()) out.push_back(parse_user(v));
  return out;
}

Result<User> Client::user(const std::string& user_id) {
  auto r = request("GET", "/Users/" + text::url_encode(user_id));
  if (!r.ok()) return r.error();
  auto d = body_json(*r, base_, "/Users/{id}");
  if (!d.ok()) return d.error();
  return parse_user(*d);
}

Result<std::vector<Library>> Client::user_views(const std::string& user_id) {
  auto d = get_json("/UserViews?userId=" + text::url_encode(user_id));
  if (!d.ok()) return d.error();
  const auto* items = json::member(*d, "Items");
  if (!items)
    return Error(errc::not_jellyfin, "The library list from " + base_ + " has no Items.", 502);
  return parse_libraries(*items);
}

Result<std::vector<Library>> Client::media_folders() {
  auto d = get_json("/Library/MediaFolders");
  if (!d.ok()) return d.error();
  const auto* items = json::member(*d, "Items");
  if (!items)
    return Error(errc::not_jellyfin, "The library list from " + base_ + " has no Items.", 502);
  return parse_libraries(*items);
}

Result<json::Document> Client::get_json(const std::string& path) {
  auto r = request("GET", path);
  if (!r.ok()) return r.error();
  return body_json(*r, base_, path.substr(0, path.find('?')).c_str());
}

Result<ItemsPage> Client::items(const std::string& query) {
  auto r = request("GET", "/Items?" + query);
  if (!r.ok()) return r.error();
  auto page = parse_items_page(r->body);
  if (page.ok()) {
    std::string date = r->header("Date");
    time_t t = date.empty() ? -1 : curl_getdate(date.c_str(), nullptr);
    if (t > 0) page->server_date_us = static_cast<int64_t>(t) * 1000000;
  }
  return page;
}

namespace {
Result<UserData> user_data_reply(const Result<HttpResponse>& r, const std::string& base) {
  if (!r.ok()) return r.error();
  auto d = json::parse(r->body);
  if (!d.ok() || !d->IsObject())
    return Error(errc::not_jellyfin, "The user-data answer from " + base + " is not JSON.", 502);
  return parse_user_data(*d);
}
}  // namespace

Result<UserData> Client::mark_played(const std::string& item_id, const std::string& user_id,
                                     std::optional<int64_t> date_played_us) {
  std::string q =
      "/UserPlayedItems/" + text::url_encode(item_id) + "?userId=" + text::url_encode(user_id);
  if (date_played_us)
    q += "&datePlayed=" + text::url_encode(timeutil::format_rfc3339(*date_played_us));
  return user_data_reply(request("POST", q), base_);
}

Result<UserData> Client::mark_unplayed(const std::string& item_id, const std::string& user_id) {
  return user_data_reply(request("DELETE", "/UserPlayedItems/" + text::url_encode(item_id) +
                                               "?userId=" + text::url_encode(user_id)),
                         base_);
}

Result<UserData> Client::set_favorite(const std::string& item_id, const std::string& user_id,
                                      bool favorite) {
  return user_data_reply(
      request(favorite ? "POST" : "DELETE", "/UserFavoriteItems/" + text::url_encode(item_id) +
                                                "?userId=" + text::url_encode(user_id)),
      base_);
}

Result<UserData> Client::update_user_data(const std::string& item_id, const std::string& user_id,
                                          const std::string& body_json) {
  return user_data_reply(request("POST",
                                 "/UserItems/" + text::url_encode(item_id) +
                                     "/UserData?userId=" + text::url_encode(user_id),
                                 body_json),
                         base_);
}

}  // namespace jb::jf
