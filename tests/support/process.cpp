// process.cpp — see process.h.
#include "tests/support/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace jb::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/jbtest-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  char* p = mkdtemp(buf.data());
  path_ = p ? p : "";
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

std::string binary_dir() {
  const char* d = std::getenv("JB_BINARY_DIR");
  return d && *d ? d : JB_BINARY_DIR_DEFAULT;
}

std::string source_dir() {
  const char* d = std::getenv("JB_SOURCE_DIR");
  return d && *d ? d : JB_SOURCE_DIR_DEFAULT;
}

Process::Process(std::vector<std::string> argv, std::map<std::string, std::string> env,
                 std::string name)
    : argv_(std::move(argv)), env_(std::move(env)), name_(std::move(name)) {
  if (name_.empty() && !argv_.empty()) name_ = std::filesystem::path(argv_[0]).filename().string();
  echo_ = std::getenv("JB_TEST_ECHO") != nullptr;
}

Process::~Process() {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    wait(5000);
  }
  if (out_thread_.joinable()) out_thread_.join();
  if (err_thread_.joinable()) err_thread_.join();
}

bool Process::start() {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) return false;
  // Everything the child needs is prepared before fork(): after fork() in a
  // multi-threaded parent only async-signal-safe calls are allowed.
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) {
    std::string kv(*e);
    std::string key = kv.substr(0, kv.find('='));
    if (env_.count(key) == 0) envs.push_back(kv);
  }
  for (const auto& [k, v] : env_) envs.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : envs) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<char*> args;
  for (auto& a : argv_) args.push_back(a.data());
  args.push_back(nullptr);
  static const char kExecFailed[] = "exec failed\n";
  bool own_group = own_group_;
  pid_ = fork();
  if (pid_ < 0) return false;
  if (pid_ == 0) {
    if (own_group) setpgid(0, 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    execve(args[0], args.data(), envp.data());
    (void)!write(2, kExecFailed, sizeof kExecFailed - 1);
    _exit(127);
  }
  if (own_group) setpgid(pid_, pid_);  // also here: no race with an early signal_group()
  close(out[1]);
  close(err[1]);
  out_thread_ = std::thread([this, fd = out[0]] { reader(fd); });
  err_thread_ = std::thread([this, fd = err[0]] { reader(fd); });
  return true;
}

void Process::reader(int fd) {
  std::string partial;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    partial.append(buf, static_cast<size_t>(n));
    size_t pos;
    while ((pos = partial.find('\n')) != std::string::npos) {
      std::string line = partial.substr(0, pos);
      partial.erase(0, pos + 1);
      if (echo_) std::fprintf(stderr, "[%s] %s\n", name_.c_str(), line.c_str());
      {
        std::lock_guard<std::mutex> l(mu_);
        lines_.push_back(std::move(line));
      }
      cv_.notify_all();
    }
  }
  close(fd);
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!partial.empty()) lines_.push_back(partial);
    --open_pipes_;
  }
  cv_.notify_all();
}

bool Process::running() {
  if (pid_ <= 0 || status_) return false;
  int st;
  pid_t r = waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return false;
  }
  return true;
}

std::optional<std::string> Process::wait_for_line(
    const std::function<bool(const std::string&)>& pred, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  size_t checked = 0;
  std::unique_lock<std::mutex> l(mu_);
  for (;;) {
    for (; checked < lines_.size(); ++checked)
      if (pred(lines_[checked])) return lines_[checked];
    if (cv_.wait_until(l, deadline) == std::cv_status::timeout) {
      for (; checked < lines_.size(); ++checked)
        if (pred(lines_[checked])) return lines_[checked];
      return std::nullopt;
    }
  }
}

std::vector<std::string> Process::lines() {
  std::lock_guard<std::mutex> l(mu_);
  return lines_;
}

void Process::signal(int sig) {
  if (pid_ > 0 && !status_) ::kill(pid_, sig);
}

void Process::signal_group(int sig) {
  if (pid_ > 0 && !status_) ::kill(-pid_, sig);
}

std::optional<int> Process::wait(int timeout_ms) {
  if (status_) return status_;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!running()) {
      // The child is gone, but its last output may still be in the pipes: wait
      // (briefly — a grandchild could hold them open) until both readers hit
      // the end, so lines() is complete when wait() returns.
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait_for(l, std::chrono::seconds(5), [&] { return open_pipes_ == 0; });
      return status_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return std::nullopt;
}

}  // namespace jb::testing
