// signup.cpp — see signup.h.
#include "auth-service/accounts/signup.h"

#include "auth-service/accounts/display_prefs.h"
#include "auth-service/accounts/user_name.h"
#include "common/accounts/invite_notice.h"
#include "common/core/log.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/jellyfin/user_admin.h"
#include "common/notify/message.h"

namespace jb::accounts {

namespace {

const char* kOrphans = "jb:signup:orphans";
const char* kPending = "jb:signup:pending";

std::string journal(const std::string& invite, const std::string& name, int64_t deadline,
                    const std::string& uid) {
  return invite + "\t" + name + "\t" + std::to_string(deadline) + "\t" + uid;
}

}  // namespace

std::variant<SignUpResult, SignUpFailure> SignUpService::sign_up(const SignUpRequest& req,
                                                                 int64_t now_ms) {
  auto found = invites_.find_by_code(req.code);
  if (!found.ok()) return SignUpFailure{found.error(), "invite", ""};
  if (!*found)
    return SignUpFailure{
        Error(errc::invite_unknown, "No invite has this code; check the link you were sent.", 404),
        "invite", ""};
  const Invite invite = std::move(**found);
  auto hold = invites_.reserve(invite.id, now_ms);
  if (!hold.ok()) return SignUpFailure{hold.error(), "invite", invite.id};

  // From here on, a failure gives the use back (and a confirmation it took).
  std::optional<OneTimeLink> contact;
  auto give_back = [&](Error e, const char* step) -> SignUpFailure {
    log::best_effort(invites_.release(invite.id, *hold), "invite hold release");
    if (contact && contacts_ != nullptr)
      log::best_effort(contacts_->put_back(req.contact_token, *contact), "contact put back");
    log::best_effort(redis_.command({"HDEL", kPending, *hold}), "sign-up journal");
    return SignUpFailure{std::move(e), step, invite.id};
  };

  if (invite.spec.human_check) {
    if (human_ == nullptr)
      return give_back(Error(errc::unavailable, "The human check is not available.", 503),
                       "human_check");
    if (req.human_check.empty())
      return give_back(Error(errc::human_check_failed,
                             "This invite needs the human check: solve a challenge from "
                             "POST /api/v1/signup/challenge and send its answer as human_check.",
                             400),
                       "human_check");
    if (auto ok = human_->redeem(req.human_check, now_ms / 1000); !ok.ok())
      return give_back(ok.error(), "human_check");
  }
  if (auto ok = check_user_name(req.user_name); !ok.ok()) return give_back(ok.error(), "user_name");
  if (auto pw = check_password(req.password, rules_, req.user_name); !pw.ok())
    return give_back(pw.error(), "password");
  if (invite.spec.require_email || !req.contact_token.empty()) {
    if (contacts_ == nullptr || emails_ == nullptr)
      return give_back(Error(errc::unavailable,
                             "Email addresses cannot be confirmed here (no mail server).", 503),
                       "contact");
    if (req.contact_token.empty())
      return give_back(Error(errc::contact_required,
                             "This invite needs a confirmed email address: ask for a link with "
                             "POST /api/v1/signup/contact and sign up from it.",
                             400),
                       "contact");
    auto c = contacts_->take(req.contact_token, clock_ ? clock_() : now_ms);
    if (!c.ok()) return give_back(c.error(), "contact");
    contact = std::move(*c);
    if (contact->subject != invite.id)
      return give_back(
          Error(errc::contact_token_invalid, "This address was confirmed for another invite.", 400),
          "contact");
  }

  std::optional<Profile> profile;
  if (!invite.spec.profile_id.empty()) {
    auto p = profiles_.get(invite.spec.profile_id);
    if (!p.ok()) return give_back(p.error(), "profile");
    if (!*p)
      return give_back(Error(errc::invite_profile_missing,
                             "This invite's permission profile was deleted; ask the person who "
                             "invited you for a new invite.",
                             409),
                       "profile");
    profile = std::move(**p);
  } else {
    auto p = profiles_.get_default();
    if (!p.ok()) return give_back(p.error(), "profile");
    if (*p) profile = std::move(**p);
  }
  json::Document profile_policy;
  if (profile) {
    auto d = json::parse(profile->policy);
    if (!d.ok() || !d->IsObject())
      return give_back(Error(errc::internal, "The profile's policy is not readable.", 500),
                       "profile");
    profile_policy = std::move(*d);
  }

  auto client = admin_.client();
  if (!client.ok()) return give_back(client.error(), "create");
  // The journal: a sign-up that dies from here on (a crash, a kill) is found
  // and undone by recover() once its hold has lapsed.
  const int64_t deadline = now_ms + invites_.hold_ms();
  if (auto j = redis_.command(
          {"HSET", kPending, *hold, journal(invite.id, req.user_name, deadline, "")});
      !j.ok())
    return give_back(j.error(), "create");
  SignUpResult out;
  out.invite_id = invite.id;
  out.profile_id = profile ? profile->id : std::string();
  const uint64_t before = client->requests();
  auto made = jf::create_user(*client, req.user_name, req.password);
  if (!made.ok()) {
    Error e = made.error();
    if (e.code == jf::errc::bad_request)  // the name passed our rules: Jellyfin has it already
      e = Error(errc::user_name_taken, "The user name '" + req.user_name + "' is taken.", 409);
    return give_back(e, "create");
  }
  out.user_id = json::get_string(*made, "Id");
  out.user_name = json::get_string(*made, "Name", req.user_name);
  log::best_effort(redis_.command({"HSET", kPending, *hold,
                                   journal(invite.id, req.user_name, deadline, out.user_id)}),
                   "sign-up journal");

  // From here on, a failure deletes the new user too.
  auto undo = [&](Error e, const char* step) -> SignUpFailure {
    if (auto gone = jf::delete_user(*client, out.user_id); !gone.ok()) {
      log::error("a half-made account could not be deleted",
                 {{"user_id", out.user_id}, {"error", gone.error().message}});
      log::best_effort(redis_.command({"SADD", kOrphans, out.user_id + "\t" + out.user_name}),
                       "orphan record");
    }
    return give_back(std::move(e), step);
  };

  if (profile) {
    const json::Value* theirs = json::member(*made, "Policy");
    json::Value none(rapidjson::kObjectType);
    auto policy = jf::policy_for_user(profile_policy, theirs ? *theirs : none);
    if (!policy.ok()) return undo(policy.error(), "profile");
    if (auto s = jf::set_user_policy(*client, out.user_id, *policy); !s.ok())
      return undo(s.error(), "profile");
    if (!profile->configuration.empty())
      if (auto s = jf::set_user_configuration(*client, out.user_id, profile->configuration);
          !s.ok())
        return undo(s.error(), "profile");
    if (!profile->display_preferences.empty())
      if (auto s = set_display_preferences(*client, out.user_id, profile->display_preferences);
          !s.ok())
        return undo(s.error(), "profile");
  }
  out.jellyfin_requests = static_cast<int>(client->requests() - before);

  // Past its hold the use may be someone else's, and recover() may act on it: undo.
  if (timeutil::now_unix_ms() > deadline)
    return undo(Error(errc::unavailable, "The sign-up took too long; please try again.", 503),
                "commit");
  if (auto s = invites_.commit(invite.id, *hold, {out.user_id, out.user_name, now_ms}, now_ms);
      !s.ok())
    return undo(s.error(), "commit");
  if (invite.spec.account_days > 0) out.expires_ms = now_ms + invite.spec.account_days * 86400000;
  std::vector<RedisArgv> record{{"HSET", account_record_key(out.user_id), "invite", invite.id,
                                 "created", std::to_string(now_ms), "expires",
                                 std::to_string(out.expires_ms), "name", out.user_name}};
  if (out.expires_ms > 0) record.push_back({"ZADD", kExpiryDueKey, kDueNow, out.user_id});
  record.push_back({"HDEL", kPending, *hold});
  if (contact) {
    log::best_effort(emails_->set_confirmed(out.user_id, contact->detail), "confirmed address");
    // A welcome to the confirmed address (once per account; the worker delivers it).
    msg::Message welcome{"welcome",
                         out.user_id,
                         out.user_name,
                         "",
                         {{"invite_label", invite.spec.label}},
                         "welcome:" + out.user_id};
    auto lease = redis_.acquire();
    log::best_effort(msg::enqueue(*lease, welcome), "welcome message");
  }
  if (auto r = redis_.pipeline(record); !r.ok())
    log::warn("the new account's record was not written",
              {{"user_id", out.user_id}, {"error", r.error().message}});
  if (!invite.spec.notify.empty())
    log::best_effort(notify_invite_used(redis_, invite.id, out.user_id, out.user_name),
                     "telling the invite's admins");
  return out;
}

Result<int> SignUpService::recover(int64_t now_ms) {
  auto all = redis_.command({"HGETALL", kPending});
  if (!all.ok()) return all.error();
  int undone = 0;
  std::optional<jf::Client> client;
  std::optional<std::vector<jf::User>> users;
  for (const auto& [hold, entry] : all->as_map()) {
    auto f = text::split(entry, '\t', false);
    int64_t deadline = 0;
    if (f.size() != 4 || !text::parse_int64(f[2], deadline)) {
      log::best_effort(redis_.command({"HDEL", kPending, hold}), "sign-up journal");
      continue;
    }
    // Alive sign-ups undo themselves past the deadline; wait one more hold to be sure.
    if (now_ms < deadline + invites_.hold_ms()) continue;
    if (!client) {
      auto c = admin_.client();
      if (!c.ok()) return c.error();
      client.emplace(std::move(*c));
    }
    std::string uid = f[3];
    if (uid.empty()) {  // died around POST /Users/New: the name tells, if never used
      if (!users) {
        auto u = client->users();
        if (!u.ok()) return u.error();
        users = std::move(*u);
      }
      auto key = user_name_key(f[1]);
      for (const auto& u : *users)
        if (auto k = user_name_key(u.name); key.ok() && k.ok() && *k == *key) uid = u.id;
      if (!uid.empty()) {
        auto dto = jf::user_dto(*client, uid);
        if (!dto.ok() || json::member(*dto, "LastLoginDate")) uid.clear();  // someone's account
      }
    }
    if (!uid.empty()) {
      auto gone = jf::delete_user(*client, uid);
      if (!gone.ok() && gone.error().code != jf::errc::not_found) {
        log::warn("a sign-up cut short could not be undone yet",
                  {{"user_id", uid}, {"error", gone.error().message}});
        continue;
      }
    }
    log::best_effort(invites_.release(f[0], hold), "invite hold release");
    log::best_effort(redis_.command({"HDEL", kPending, hold}), "sign-up journal");
    log::warn("a sign-up cut short was undone", {{"user_name", f[1]}, {"user_id", uid}});
    ++undone;
  }
  return undone;
}

}  // namespace jb::accounts
