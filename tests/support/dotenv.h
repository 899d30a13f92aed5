// dotenv.h — test support: reads a `.env` file the way Docker Compose v2 does
// (compose-go's dotenv parser, written here from its documented rules), so a
// test can prove that what scripts/compose-env.sh writes reaches the
// containers unchanged. Debian ships only Compose v1, which reads values
// literally and so cannot catch what v2 would mangle.
//
// Compose v2's rules, as implemented:
//   • blank lines and lines starting with `#` are skipped; `export ` before a
//     name is ignored; the name ([A-Za-z0-9_.]) ends at `=` or `:`;
//   • 'single-quoted' values are literal (no escapes, no expansion);
//   • "double-quoted" values turn \n and \r into line breaks, drop the
//     backslash before other characters, then expand variables;
//   • unquoted values end at the line end, are cut at the first `#` (an
//     inline comment, wherever it is), trimmed on the right, then expanded;
//   • expansion replaces $NAME and ${NAME} (also ${NAME:-default}) with the
//     value defined earlier in the file, else from `lookup`, else "".
//
// Thread-safety: pure functions.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "common/core/result.h"

namespace jb::testing {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

Result<std::map<std::string, std::string>> parse_dotenv_v2(const std::string& text,
                                                           const EnvLookup& lookup = nullptr);

}  // namespace jb::testing
