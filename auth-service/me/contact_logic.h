// contact_logic.h — the pure rules of a user's own contact details (issue 14,
// "my account"): which kinds there are, what a valid id of each kind looks
// like, the address a confirmation is sent to, and how a confirmation code is
// kept (only a SHA-256 bound to the user and the kind is stored).
//
//   telegram  a Telegram chat id: an integer (a group's is negative), at most
//             int64; given as a JSON string or number
//   matrix    a Matrix room id "!opaque:server". Aliases ("#name:server") are
//             refused: an alias can be re-pointed at another room after it
//             was confirmed, so only the room id itself is kept.
//
// Thread-safety: pure functions over values.
#pragma once

#include <string>
#include <string_view>

namespace jb::me {

// "telegram" or "matrix": the kinds confirmed here ("email" has its own flow:
// security/email_handlers.h).
bool is_contact_kind(std::string_view kind);
// The JSON field a kind's id is given and shown as: "chat_id" or "room_id".
const char* id_field(std::string_view kind);
// "" when `id` is a valid id of `kind`, else what is wrong (for a 400).
std::string invalid_contact_id(std::string_view kind, std::string_view id);
// The message address for a confirmation: "telegram:<chat id>" / "matrix:<room id>".
std::string contact_address(std::string_view kind, std::string_view id);
// What is stored of a code: SHA-256 hex of "<user id>\n<kind>\n<code>" (the
// pending id it confirms is kept beside it, in the same record).
std::string code_hash(std::string_view user_id, std::string_view kind, std::string_view code);
// A well-formed code: exactly 6 ASCII digits.
bool plausible_code(std::string_view code);

}  // namespace jb::me
