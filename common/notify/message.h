// message.h — account messages (issue 14, Messages): what auth-service and the
// sync workers ask to be sent to a user (or to an explicit address, such as an
// invite sent by email), by kind. A message is enqueued as one "msg.send" work
// item on the work queue's urgent lane; the worker renders the kind's template
// (admins edit them) with the variables and delivers it on the channels that
// reach the recipient, with the queue's retries and dead letters.
//
// Kinds: invite welcome confirmation reset expiry_reminder expiry_changed
//        expired disabled enabled deleted announcement, and
//        contact_code   the code confirming a Telegram/Matrix contact (my account)
//        invite_used    to the admins an invite names: someone signed up with it
//        invite_expired to the admins an invite names: its time is over
//
// Exactly-once enqueueing: a message with a `dedupe` id is enqueued at most
// once per id (SET NX of jb:msg:dedupe:<id>, kept 30 days, and the XADD in one
// Lua script), so a step that is redone after a crash does not send twice.
//
// Thread-safety: pure functions over values; enqueue() uses the caller's connection.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/core/result.h"
#include "common/redis/client.h"

namespace jb::msg {

const std::vector<std::string>& kinds();
bool is_kind(std::string_view kind);

struct Message {
  std::string kind;       // one of kinds()
  std::string user_id;    // the Jellyfin user it is for ("" = none: `to` says where)
  std::string user_name;  // as known ("" when not)
  std::string to;         // "" = the user's confirmed contacts; "mailto:<address>" = that address
  std::vector<std::pair<std::string, std::string>> vars;  // template variables
  std::string dedupe;  // "" = none; else enqueued at most once per id
};

std::string to_json(const Message& m);
Result<Message> message_from_json(std::string_view text);

// Enqueues a "msg.send" item (fields: type, message = to_json(m)): the entry
// id, or "" when `dedupe` says it was enqueued before. invalid_request for an
// unknown kind or a message with neither a user nor an address.
Result<std::string> enqueue(RedisConnection& c, const Message& m);

}  // namespace jb::msg
