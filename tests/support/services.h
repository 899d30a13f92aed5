// services.h — test support: launch the real service binaries with a given
// environment and wait for their structured "ready" log line.
//
// Thread-safety: one test thread.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "common/core/json.h"
#include "common/net/http_client.h"
#include "tests/support/process.h"

namespace jb::testing {

// Path of a built binary: "auth-service/auth-service" etc. under binary_dir().
std::string service_binary(const std::string& name);

// Starts the binary and waits (up to timeout_ms) for {"msg":"ready",...} on
// stdout. Returns nullptr (and prints the output) when it did not get ready.
std::unique_ptr<Process> start_service(const std::string& name,
                                       std::map<std::string, std::string> env,
                                       json::Document* ready = nullptr, int timeout_ms = 15000);

// GET url and parse JSON; nullopt-like empty Document on failure.
Result<json::Document> get_json(HttpClient& c, const std::string& url);

}  // namespace jb::testing
