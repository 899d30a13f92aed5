// netns.cpp — see netns.h.
#include "tests/support/netns.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace jb::testing {

namespace {

bool write_file(const char* path, const std::string& text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  return ok;
}

Status loopback_up() {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return Error("netns", std::string("socket: ") + std::strerror(errno));
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  int rc = ioctl(s, SIOCGIFFLAGS, &ifr);
  if (rc == 0) {
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
    rc = ioctl(s, SIOCSIFFLAGS, &ifr);
  }
  int err = errno;
  close(s);
  if (rc != 0) return Error("netns", std::string("bringing lo up: ") + std::strerror(err));
  return Status::Ok();
}

}  // namespace

Status enter_private_network() {
  if (unshare(CLONE_NEWNET) != 0) {
    if (errno != EPERM)
      return Error("netns", std::string("unshare(CLONE_NEWNET): ") + std::strerror(errno));
    uid_t uid = getuid();
    gid_t gid = getgid();
    if (unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0)
      return Error("netns", std::string("unshare(CLONE_NEWUSER|CLONE_NEWNET): ") +
                                std::strerror(errno) +
                                " (no root and no unprivileged user namespaces)");
    (void)write_file("/proc/self/setgroups", "deny");
    if (!write_file("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1") ||
        !write_file("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1"))
      return Error("netns", "cannot map our user into the new user namespace");
  }
  return loopback_up();
}

}  // namespace jb::testing
