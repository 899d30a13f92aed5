// routes.h — registration of the Jellyfin routes the stand-in serves, one
// function per area (each in its own routes_*.cpp), and of the test-control
// routes under /__standin/. Handlers are plain functions of a Ctx; they
// return Jellyfin's answer, never throw on bad input, and take the Store's
// locks only for as long as they read or mutate state.
//
// Thread-safety: registration happens once at start-up; handlers run
// concurrently on worker threads.
#pragma once

#include "tests/standin/context.h"
#include "tests/standin/responses.h"
#include "tests/standin/router.h"

namespace jb::standin {

void add_system_routes(Router& r);  // /System/*
void add_auth_routes(Router& r);    // AuthenticateByName, /Users/Me, logout, /Auth/Keys, /Sessions
void add_quickconnect_routes(Router& r);  // /QuickConnect/*, AuthenticateWithQuickConnect
void add_user_routes(Router& r);          // /Users administration, passwords, forgot password
void add_library_routes(Router& r);       // views, folders, /Items, /Shows/{id}/Episodes
void add_userdata_routes(Router& r);  // played / favorite / user data (current and legacy paths)
void add_control_content_routes(Router& r);  // /__standin/: state, reset, items, user data, playing
void add_control_fault_routes(
    Router& r);  // /__standin/: latency, faults, counters, in flight, clock, switches

// /DisplayPreferences/{id}?userId=&client= (a user's display preferences per client).
void add_display_preference_routes(Router& r);

// Shared by several areas.
std::string items_result_json(const State& s, const std::vector<uint32_t>& page, int total,
                              int start, const DtoOptions& o, const User* user,
                              const ServerInfo& srv);

}  // namespace jb::standin
