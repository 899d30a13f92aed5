// scoped_env.h — sets a variable in the test process's environment, which every
// service process the test then starts inherits (SyncEnv passes its extra
// variables to the workers only), and restores the old value on destruction.
//
// Thread-safety: setenv/unsetenv are not thread-safe; construct and destroy on
// the test's main thread while no other thread reads the environment.
#pragma once

#include <stdlib.h>

#include <optional>
#include <string>

namespace jb::testing {

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace jb::testing
