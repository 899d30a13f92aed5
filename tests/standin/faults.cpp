// faults.cpp — see faults.h.
#include "tests/standin/faults.h"

#include "common/core/text.h"

namespace jb::standin {

bool Scope::matches(std::string_view m, std::string_view path, std::string_view route_key) const {
  if (!method.empty() && !text::iequals(method, m)) return false;
  if (!prefix.empty() && !text::istarts_with(path, prefix)) return false;
  if (!route.empty()) {
    if (text::iequals(route, route_key)) return true;
    // A template without method matches the route part of the key.
    auto sp = route_key.find(' ');
    if (sp == std::string_view::npos || !text::iequals(route, route_key.substr(sp + 1)))
      return false;
  }
  return true;
}

const char* fault_kind_name(FaultKind k) {
  switch (k) {
    case FaultKind::kError500:
      return "error500";
    case FaultKind::kUnavailable503:
      return "unavailable";
    case FaultKind::kHang:
      return "hang";
    case FaultKind::kDrop:
      return "drop";
    case FaultKind::kBadRequest400:
      return "badrequest";
  }
  return "error500";
}

std::optional<FaultKind> parse_fault_kind(std::string_view s) {
  if (text::iequals(s, "error500") || text::iequals(s, "500") || text::iequals(s, "error"))
    return FaultKind::kError500;
  if (text::iequals(s, "unavailable") || text::iequals(s, "503")) return FaultKind::kUnavailable503;
  if (text::iequals(s, "hang")) return FaultKind::kHang;
  if (text::iequals(s, "drop")) return FaultKind::kDrop;
  if (text::iequals(s, "badrequest") || text::iequals(s, "400")) return FaultKind::kBadRequest400;
  return std::nullopt;
}

void Faults::count(const std::string& route_key) {
  std::lock_guard lock(mu_);
  ++counts_[route_key];
  ++total_;
}

std::map<std::string, uint64_t> Faults::counters(uint64_t& total) const {
  std::lock_guard lock(mu_);
  total = total_;
  return counts_;
}

void Faults::reset_counters() {
  std::lock_guard lock(mu_);
  counts_.clear();
  total_ = 0;
}

void Faults::set_global_latency(int64_t ms) {
  std::lock_guard lock(mu_);
  global_ms_ = ms;
}

int Faults::add_latency(Scope scope, int64_t ms) {
  std::lock_guard lock(mu_);
  latency_.push_back(LatencyRule{next_id_, std::move(scope), ms});
  return next_id_++;
}

void Faults::clear_latency() {
  std::lock_guard lock(mu_);
  latency_.clear();
  global_ms_ = default_global_ms_;
}

int64_t Faults::latency_ms(std::string_view method, std::string_view path,
                           std::string_view route_key) const {
  std::lock_guard lock(mu_);
  int64_t ms = global_ms_;
  for (const auto& r : latency_)
    if (r.scope.matches(method, path, route_key)) ms += r.ms;
  return ms;
}

int64_t Faults::global_latency_ms() const {
  std::lock_guard lock(mu_);
  return global_ms_;
}

std::vector<LatencyRule> Faults::latency_rules() const {
  std::lock_guard lock(mu_);
  return latency_;
}

int Faults::add_fault(FaultSpec spec) {
  std::lock_guard lock(mu_);
  Rule r;
  r.state.id = next_id_++;
  r.state.spec = std::move(spec);
  r.rng.seed(r.state.spec.seed ? *r.state.spec.seed : std::random_device{}());
  faults_.push_back(std::move(r));
  return faults_.back().state.id;
}

bool Faults::remove_fault(int id) {
  std::lock_guard lock(mu_);
  return std::erase_if(faults_, [&](const Rule& r) { return r.state.id == id; }) > 0;
}

void Faults::clear_faults() {
  std::lock_guard lock(mu_);
  faults_.clear();
}

FaultDecision Faults::decide(std::string_view method, std::string_view path,
                             std::string_view route_key) {
  std::lock_guard lock(mu_);
  FaultDecision d;
  for (auto& r : faults_) {
    FaultState& st = r.state;
    if (st.spec.count >= 0 && st.fired >= static_cast<uint64_t>(st.spec.count)) continue;
    if (!st.spec.scope.matches(method, path, route_key)) continue;
    ++st.matched;
    if (st.spec.rate < 1.0) {
      double x = static_cast<double>(r.rng() >> 11) * 0x1.0p-53;
      if (x >= st.spec.rate) continue;
    }
    ++st.fired;
    d.kind = st.spec.kind;
    d.retry_after_s = st.spec.retry_after_s;
    d.hang_ms = st.spec.hang_ms;
    d.rule_id = st.id;
    return d;
  }
  return d;
}

std::vector<FaultState> Faults::faults() const {
  std::lock_guard lock(mu_);
  std::vector<FaultState> out;
  for (const auto& r : faults_) out.push_back(r.state);
  return out;
}

void Faults::set_starting(bool on, int retry_after_s) {
  std::lock_guard lock(mu_);
  starting_ = on;
  starting_retry_after_ = retry_after_s;
}

bool Faults::starting(int& retry_after_s) const {
  std::lock_guard lock(mu_);
  retry_after_s = starting_retry_after_;
  return starting_;
}

void Faults::reset() {
  std::lock_guard lock(mu_);
  counts_.clear();
  total_ = 0;
  latency_.clear();
  global_ms_ = default_global_ms_;
  faults_.clear();
  starting_ = false;
  starting_retry_after_ = -1;
}

}  // namespace jb::standin
