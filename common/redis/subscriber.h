// subscriber.h — a Redis Pub/Sub subscription on its own connection and
// thread, with reconnect and backoff. Used for cross-instance cache
// invalidation (e.g. a session revoked on one auth-service instance is dropped
// from every instance's cache at once). Because messages published while the
// subscriber was disconnected are lost, `on_reconnect` is called after every
// (re)subscription so the owner can drop whatever it cached.
//
// Thread-safety: start()/stop() from the owning thread; callbacks run on the
// subscriber thread.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "common/redis/client.h"

namespace jb {

class RedisSubscriber {
 public:
  using OnMessage = std::function<void(const std::string& channel, const std::string& message)>;
  RedisSubscriber(RedisOptions opts, std::string channel, OnMessage on_message,
                  std::function<void()> on_reconnect);
  ~RedisSubscriber();
  void start();
  void stop();

 private:
  void loop();
  RedisOptions opts_;
  std::string channel_;
  OnMessage on_message_;
  std::function<void()> on_reconnect_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
};

}  // namespace jb
