// atomic_file.h — whole-file reads and crash-safe replacement for the
// --state-file: write_file_atomic writes a temporary file next to the target
// (same folder, so rename is atomic), fsyncs it, renames it over the target
// and fsyncs the folder. A reader therefore sees either the old or the new
// file, never a partial one, and a crash leaves at most a stray
// "<name>.tmp-XXXXXX" beside it. The file gets `mode` (0600 by default)
// whatever the umask or the mode of the file it replaces.
//
// Thread-safety: functions are safe from any thread; concurrent writers of
// the same path each produce a complete file (the last rename wins).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "common/core/result.h"

namespace jb::standin {

// The file's bytes, nullopt when it does not exist; errors (code "io") say
// why ("cannot open it: Permission denied", "it is not a regular file"); the
// caller names the file.
Result<std::optional<std::string>> read_file_if_exists(const std::string& path);

// Error code "io", message "Cannot write <path>: <reason> (<step>)".
Status write_file_atomic(const std::string& path, std::string_view content, mode_t mode = 0600);

}  // namespace jb::standin
