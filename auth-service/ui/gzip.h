// gzip.h — gzip (RFC 1952) compression of a whole buffer with zlib, for the web
// front end's files, compressed once at start-up and served to browsers that
// accept it.
//
// Thread-safety: a pure function; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "common/core/result.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* gzip_failed = "gzip_failed";  // zlib refused to compress (out of memory)
}  // namespace jb::errc

namespace jb::ui {

// `data` gzip-compressed at the best level.
Result<std::string> gzip(std::string_view data);

}  // namespace jb::ui
