// redis_server.cpp — see redis_server.h.
#include "tests/support/redis_server.h"

#include <signal.h>

#include <array>
#include <cstdio>
#include <thread>

namespace jb::testing {

RedisServer::RedisServer(std::string password)
    : password_(std::move(password)), port_(free_port()) {
  ok_ = start();
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
  for (int i = 0; i < 200; ++i) {
    if (cli("PING").find("PONG") != std::string::npos) return true;
    if (!proc_->running()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return false;
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
