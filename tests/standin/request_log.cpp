// request_log.cpp — see request_log.h.
#include "tests/standin/request_log.h"

#include <algorithm>

namespace jb::standin {

void RequestLog::add(LoggedRequest r) {
  std::lock_guard<std::mutex> l(mu_);
  r.seq = next_++;
  ring_.push_back(std::move(r));
  while (ring_.size() > capacity_) ring_.pop_front();
}

std::vector<LoggedRequest> RequestLog::since(uint64_t after, size_t limit) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = std::upper_bound(ring_.begin(), ring_.end(), after,
                             [](uint64_t a, const LoggedRequest& r) { return a < r.seq; });
  std::vector<LoggedRequest> out;
  for (; it != ring_.end() && out.size() < limit; ++it) out.push_back(*it);
  return out;
}

uint64_t RequestLog::last_seq() const {
  std::lock_guard<std::mutex> l(mu_);
  return next_ - 1;
}

void RequestLog::clear() {
  std::lock_guard<std::mutex> l(mu_);
  ring_.clear();
}

}  // namespace jb::standin
