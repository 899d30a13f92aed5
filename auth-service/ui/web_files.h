// web_files.h — reads the web front end's folder (auth-service/web/, or
// JB_UI_DIR) into memory once at start-up: every regular file below it, by its
// '/'-separated path relative to the folder. Hidden files (".name") and
// symbolic links are left out; the total is capped so a wrong JB_UI_DIR (say,
// "/") fails at start-up instead of filling memory.
//
// Thread-safety: a function of the file system; call it once, before serving.
#pragma once

#include <cstddef>
#include <map>
#include <string>

#include "auth-service/ui/web_bundle.h"
#include "common/core/result.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* web_files_unreadable =
    "web_files_unreadable";  // the front end's folder is missing, unreadable or too big
}  // namespace jb::errc

namespace jb::ui {

struct WebFilesLimits {
  size_t max_files = 2000;
  size_t max_bytes = 32u << 20;
};

Result<std::map<std::string, std::string>> read_web_files(const std::string& dir,
                                                          WebFilesLimits limits = {});
// read_web_files() then build_web_bundle(): what auth-service serves.
Result<WebBundle> load_web_bundle(const std::string& dir);

}  // namespace jb::ui
