// qr_svg.h — WIP (issue 12): a QR code as a small SVG (libqrencode), for the
// otpauth:// URI an authenticator app scans. Black modules on white with a
// four-module quiet zone, one path, scalable (viewBox), no script.
//
// Thread-safety: pure (libqrencode's encoder is reentrant).
#pragma once

#include <string>
#include <string_view>

#include "common/core/result.h"

namespace jb::qr {

Result<std::string> svg(std::string_view text);

}  // namespace jb::qr
