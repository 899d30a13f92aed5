// errors.cpp — see errors.h.
#include "common/jellyfin/errors.h"

namespace jb::jf {

bool is_transient(const Error& e) {
  return e.code == errc::timeout || e.code == errc::server_error || e.code == errc::starting ||
         e.code == errc::rate_limited || e.code == errc::connection_refused ||
         e.code == errc::unreachable;
}

bool is_unreachable(const Error& e) {
  return is_transient(e) || e.code == errc::dns || e.code == errc::tls ||
         e.code == errc::not_jellyfin || e.code == errc::outbound_refused;
}

}  // namespace jb::jf
