// contact_logic.cpp — see contact_logic.h.
#include "auth-service/me/contact_logic.h"

#include <cstdint>
#include <limits>

#include "common/core/crypto.h"
#include "common/core/text.h"

namespace jb::me {

namespace {

constexpr size_t kMaxMatrixId = 255;  // the Matrix spec's limit for identifiers

std::string invalid_chat_id(std::string_view id) {
  const std::string_view digits = (!id.empty() && id[0] == '-') ? id.substr(1) : id;
  if (digits.empty() || digits.size() > 19)
    return "must be a Telegram chat id: an integer such as 123456789 or -1001234567890";
  for (char c : digits)
    if (c < '0' || c > '9')
      return "must be a Telegram chat id: an integer such as 123456789 or -1001234567890";
  int64_t v = 0;
  if (!text::parse_int64(std::string(id), v)) return "is out of range for a Telegram chat id";
  if (v == 0) return "must not be 0";
  return "";
}

std::string invalid_room_id(std::string_view id) {
  if (id.empty()) return "must be a Matrix room id such as !abcdef:example.org";
  if (id[0] == '#')
    return "is a room alias: give the room id (!…:server, in the room's settings), "
           "an alias can later point at another room";
  if (id[0] != '!') return "must be a Matrix room id such as !abcdef:example.org";
  if (id.size() > kMaxMatrixId) return "is longer than 255 characters";
  for (char c : id)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return "must not contain spaces or control characters";
  const size_t colon = id.find(':');
  if (colon == std::string_view::npos || colon == 1 || colon + 1 == id.size())
    return "must be !opaque:server (a room id has a server name after the colon)";
  return "";
}

}  // namespace

bool is_contact_kind(std::string_view kind) {
  return kind == "telegram" || kind == "matrix";
}

const char* id_field(std::string_view kind) {
  return kind == "telegram" ? "chat_id" : "room_id";
}

std::string invalid_contact_id(std::string_view kind, std::string_view id) {
  if (kind == "telegram") return invalid_chat_id(id);
  if (kind == "matrix") return invalid_room_id(id);
  return "is not a contact kind";
}

std::string contact_address(std::string_view kind, std::string_view id) {
  return std::string(kind) + ":" + std::string(id);
}

std::string code_hash(std::string_view user_id, std::string_view kind, std::string_view code) {
  std::string s;
  s.append(user_id).append("\n").append(kind).append("\n").append(code);
  return crypto::sha256_hex(s);
}

bool plausible_code(std::string_view code) {
  if (code.size() != 6) return false;
  for (char c : code)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace jb::me
