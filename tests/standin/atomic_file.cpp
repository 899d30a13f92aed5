// atomic_file.cpp — see atomic_file.h.
#include "tests/standin/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace jb::standin {

namespace {

std::string reason(int err) {
  return std::strerror(err);
}

// Closes a descriptor on scope exit unless released.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string folder_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Result<std::optional<std::string>> read_file_if_exists(const std::string& path) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return Error("io", "cannot open it: " + reason(errno));
  }
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return Error("io", "cannot stat it: " + reason(errno));
  if (!S_ISREG(st.st_mode)) return Error("io", "it is not a regular file");
  std::string out;
  out.reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error("io", "cannot read it: " + reason(errno));
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return std::optional<std::string>(std::move(out));
}

Status write_file_atomic(const std::string& path, std::string_view content, mode_t mode) {
  auto fail = [&](const char* step, int err) {
    return Error("io", "Cannot write " + path + ": " + reason(err) + " (" + step + ")");
  };
  std::string tmp = path + ".tmp-XXXXXX";
  Fd f{::mkostemp(tmp.data(), O_CLOEXEC)};
  if (f.fd < 0) return fail("creating a temporary file in its folder", errno);
  auto abandon = [&](const char* step) {
    int err = errno;
    ::unlink(tmp.c_str());
    return fail(step, err);
  };
  if (::fchmod(f.fd, mode) != 0) return abandon("fchmod");
  const char* p = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(f.fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return abandon("write");
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(f.fd) != 0) return abandon("fsync");
  int fd = f.fd;
  f.fd = -1;
  if (::close(fd) != 0) return abandon("close");
  if (::rename(tmp.c_str(), path.c_str()) != 0) return abandon("rename");
  // The rename itself is durable once the folder is synced.
  Fd dir{::open(folder_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (dir.fd >= 0 && ::fsync(dir.fd) != 0 && errno != EINVAL)
    return fail("fsync of the folder", errno);
  return Status::Ok();
}

}  // namespace jb::standin
