// redis_server.cpp — see redis_server.h.
#include "tests/support/redis_server.h"

#include <signal.h>

#include <array>
#include <cstdio>
#include <random>

#include "tests/support/eventually.h"

namespace jb::testing {

namespace {

// A port outside Linux's ephemeral range (32768–60999), where the ports of
// outgoing connections come from.
int candidate_port() {
  static std::mt19937 rng(std::random_device{}());
  return std::uniform_int_distribution<int>(20000, 32000)(rng);
}

}  // namespace

RedisServer::RedisServer(std::string password) : password_(std::move(password)) {
  // redis-server binds the port itself; when it is taken it exits at once and
  // another port is tried (no "free port" that someone could take meanwhile).
  for (int attempt = 0; attempt < 20 && !ok_; ++attempt) {
    port_ = candidate_port();
    ok_ = start();
  }
}

RedisServer::~RedisServer() {
  stop();
}

bool RedisServer::start() {
  std::vector<std::string> argv{"/usr/bin/redis-server",
                                "--port",
                                std::to_string(port_),
                                "--bind",
                                "127.0.0.1",
                                "--dir",
                                dir_.path(),
                                "--appendonly",
                                "yes",
                                "--appendfsync",
                                "everysec",
                                "--save",
                                "",
                                "--daemonize",
                                "no",
                                "--loglevel",
                                "warning"};
  if (!password_.empty()) {
    argv.push_back("--requirepass");
    argv.push_back(password_);
  }
  proc_ = std::make_unique<Process>(argv, std::map<std::string, std::string>{}, "redis");
  if (!proc_->start()) return false;
  bool up =
      eventually([&] { return !proc_->running() || cli("PING").find("PONG") != std::string::npos; },
                 10000, 25);
  return up && proc_->running();
}

bool RedisServer::stop() {
  if (!proc_) return true;
  proc_->signal(SIGTERM);
  auto st = proc_->wait(10000);
  proc_.reset();
  return st.has_value();
}

std::string RedisServer::cli(const std::string& args) {
  std::string auth = password_.empty() ? "" : " --no-auth-warning -a " + password_;
  std::string cmd =
      "/usr/bin/redis-cli -p " + std::to_string(port_) + auth + " " + args + " 2>/dev/null";
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), f)) > 0) out.append(buf.data(), n);
  pclose(f);
  return out;
}

}  // namespace jb::testing
