// user_admin.h — the Jellyfin calls that administer users (API-NOTES §3, §4),
// made with an administrator's token or an API key: create a user, read its
// full UserDto (Policy and Configuration as Jellyfin sent them), replace its
// policy or configuration, set its password, delete it, and ask whether the
// credential may administer at all.
//
// Policies are replaced wholesale by Jellyfin (no merge), so policy_for_user()
// builds the body from a profile's policy and the target user's own provider
// ids (both are required fields).
//
// Thread-safety: the functions use the caller's Client (not thread-safe, one per
// thread); merge_policy() is pure.
#pragma once

#include <string>

#include "common/core/json.h"
#include "common/core/result.h"
#include "common/jellyfin/client.h"

namespace jb::jf {

// POST /Users/New {Name, Password}: the created UserDto. A name Jellyfin refuses
// (invalid or taken, case-insensitively) is jellyfin_bad_request (400).
Result<json::Document> create_user(Client& c, const std::string& name, const std::string& password);
// GET /Users/{id}: the whole UserDto.
Result<json::Document> user_dto(Client& c, const std::string& user_id);
// POST /Users/{id}/Policy with a complete UserPolicy object.
Status set_user_policy(Client& c, const std::string& user_id, const std::string& policy_json);
// POST /Users/Configuration?userId= with a complete UserConfiguration object.
Status set_user_configuration(Client& c, const std::string& user_id,
                              const std::string& config_json);
// POST /Users/Password?userId= {NewPw}: as an administrator for another user, no
// current password is needed; Jellyfin revokes the user's other tokens.
Status set_user_password(Client& c, const std::string& user_id, const std::string& new_password);
// DELETE /Users/{id}.
Status delete_user(Client& c, const std::string& user_id);
// GET /Auth/Keys (RequiresElevation): true when the credential administers the
// server, false when Jellyfin answers 403; other failures as errors.
Result<bool> can_administer(Client& c);

// Pure: `profile_policy` (a UserPolicy object) with the provider ids
// (AuthenticationProviderId, PasswordResetProviderId) taken from `user_policy`
// when it has them, and IsDisabled false. Error when profile_policy is not an object.
Result<std::string> policy_for_user(const json::Value& profile_policy,
                                    const json::Value& user_policy);
// Pure: `policy` (a UserPolicy object) with IsDisabled set to `disabled`, as JSON.
std::string policy_with_disabled(const json::Value& policy, bool disabled);

}  // namespace jb::jf
