// subscriber.cpp — see subscriber.h.
#include "common/redis/subscriber.h"

#include <hiredis/hiredis.h>
#include <poll.h>
#include <sys/time.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/core/log.h"

namespace jb {

RedisSubscriber::RedisSubscriber(RedisOptions opts, std::string channel, OnMessage on_message,
                                 std::function<void()> on_reconnect)
    : opts_(std::move(opts)),
      channel_(std::move(channel)),
      on_message_(std::move(on_message)),
      on_reconnect_(std::move(on_reconnect)) {}

RedisSubscriber::~RedisSubscriber() {
  stop();
}

void RedisSubscriber::start() {
  thread_ = std::thread([this] { loop(); });
}

void RedisSubscriber::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void RedisSubscriber::loop() {
  int backoff = opts_.min_backoff_ms;
  while (!stop_.load()) {
    timeval ctv{opts_.connect_timeout_ms / 1000, (opts_.connect_timeout_ms % 1000) * 1000};
    redisContext* c = opts_.unix_socket.empty()
                          ? redisConnectWithTimeout(opts_.host.c_str(), opts_.port, ctv)
                          : redisConnectUnixWithTimeout(opts_.unix_socket.c_str(), ctv);
    bool ok = c && !c->err;
    auto simple = [&](std::initializer_list<const char*> argv) {
      std::vector<const char*> a(argv);
      std::vector<size_t> l;
      for (const char* x : a) l.push_back(std::strlen(x));
      auto* r = static_cast<redisReply*>(
          redisCommandArgv(c, static_cast<int>(a.size()), a.data(), l.data()));
      bool good = r && r->type != REDIS_REPLY_ERROR;
      if (r) freeReplyObject(r);
      return good;
    };
    if (ok && !opts_.password.empty()) ok = simple({"AUTH", opts_.password.c_str()});
    if (ok) ok = simple({"SUBSCRIBE", channel_.c_str()});
    if (!ok) {
      if (c) redisFree(c);
      std::this_thread::sleep_for(std::chrono::milliseconds(backoff));
      backoff = std::min(backoff * 2, opts_.max_backoff_ms);
      continue;
    }
    backoff = opts_.min_backoff_ms;
    if (on_reconnect_) on_reconnect_();
    // poll() the socket with a short timeout so stop() is noticed, and let
    // hiredis parse only what has arrived (a read timeout on a blocking
    // hiredis context would kill the connection).
    bool alive = true;
    while (alive && !stop_.load()) {
      for (;;) {  // everything already buffered
        void* raw = nullptr;
        if (redisGetReplyFromReader(c, &raw) != REDIS_OK) {
          alive = false;
          break;
        }
        if (raw == nullptr) break;
        auto* r = static_cast<redisReply*>(raw);
        if (r->type == REDIS_REPLY_ARRAY && r->elements == 3 &&
            r->element[0]->type == REDIS_REPLY_STRING &&
            std::string(r->element[0]->str, r->element[0]->len) == "message") {
          on_message_(std::string(r->element[1]->str, r->element[1]->len),
                      std::string(r->element[2]->str, r->element[2]->len));
        }
        freeReplyObject(r);
      }
      if (!alive) break;
      pollfd pfd{c->fd, POLLIN, 0};
      int n = ::poll(&pfd, 1, 200);
      if (n < 0 && errno != EINTR) alive = false;
      if (n > 0 && redisBufferRead(c) != REDIS_OK) alive = false;
    }
    if (!alive && !stop_.load())
      log::warn("redis subscription lost; reconnecting", {{"channel", channel_}});
    redisFree(c);
  }
}

}  // namespace jb
