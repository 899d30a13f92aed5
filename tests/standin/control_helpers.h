// control_helpers.h — shared pieces of the test-control handlers
// (routes_control_*.cpp): the {"Error": "..."} answer, optional JSON bodies,
// user/item/scope lookups from control bodies.
//
// Thread-safety: pure functions; lookups need the Store's lock held.
#pragma once

#include <string_view>

#include "common/core/json.h"
#include "common/core/result.h"
#include "tests/standin/context.h"
#include "tests/standin/faults.h"

namespace jb::standin::control {

HttpResponse control_error(int status, std::string_view msg);
// Control bodies are optional: an empty body is an empty object.
Result<json::Document> control_body(const Ctx& c);
// "User" (name, case-insensitive) or "UserId" (GUID).
const User* find_user(const State& s, const json::Value& b);
// Alive item index by the GUID in member `key`, or kNone.
uint32_t find_item_in(const State& s, const json::Value& b, const char* key);
// "Method", "Prefix", "Route" members.
Scope scope_of(const json::Value& b);
void write_scope(json::Writer& w, const Scope& sc);

}  // namespace jb::standin::control
