// metrics.cpp — see metrics.h.
#include "common/core/metrics.h"

#include <cmath>
#include <cstdio>

namespace jb::metrics {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::observe(double v) {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  if (v > 0) sum_micros_.fetch_add(static_cast<uint64_t>(v * 1e6), std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::cumulative() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  uint64_t acc = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    acc += buckets_[i].load(std::memory_order_relaxed);
    out[i] = acc;
  }
  return out;
}

double Histogram::sum() const {
  return static_cast<double>(sum_micros_.load()) / 1e6;
}
uint64_t Histogram::count() const {
  return count_.load();
}

std::vector<double> latency_buckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::string escape_label(const std::string& v) {
  std::string o;
  for (char c : v) {
    if (c == '\\')
      o += "\\\\";
    else if (c == '"')
      o += "\\\"";
    else if (c == '\n')
      o += "\\n";
    else
      o += c;
  }
  return o;
}

std::string format_labels(const Labels& labels) {
  if (labels.empty()) return "";
  std::string s = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) s += ",";
    s += labels[i].first + "=\"" + escape_label(labels[i].second) + "\"";
  }
  return s + "}";
}

Registry::Family& Registry::family(const std::string& name, const std::string& type,
                                   const std::string& help) {
  auto& f = families_[name];
  if (f.type.empty()) {
    f.type = type;
    f.help = help;
  }
  return f;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard<std::mutex> l(mu_);
  auto& slot = family(name, "counter", help).counters[format_labels(labels)];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard<std::mutex> l(mu_);
  auto& slot = family(name, "gauge", help).gauges[format_labels(labels)];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

void Registry::gauge_fn(const std::string& name, const std::string& help,
                        std::function<double()> fn, const Labels& labels) {
  std::lock_guard<std::mutex> l(mu_);
  family(name, "gauge", help).fns[format_labels(labels)] = std::move(fn);
}

Histogram& Registry::histogram(const std::string& name, const std::string& help,
                               const Labels& labels, std::vector<double> bounds) {
  std::lock_guard<std::mutex> l(mu_);
  auto& slot = family(name, "histogram", help).histograms[format_labels(labels)];
  if (!slot) slot = std::make_unique<Histogram>(std::move(bounds));
  return *slot;
}

namespace {
std::string num(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char b[64];
  std::snprintf(b, sizeof b, "%.17g", v);
  return b;
}
// Inserts an extra label into a "{...}" label string.
std::string with_label(const std::string& labels, const std::string& extra) {
  if (labels.empty()) return "{" + extra + "}";
  return labels.substr(0, labels.size() - 1) + "," + extra + "}";
}
}  // namespace

std::string Registry::render() const {
  std::string out;
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + " " + f.help + "\n# TYPE " + name + " " + f.type + "\n";
    for (const auto& [lab, c] : f.counters)
      out += name + lab + " " + std::to_string(c->value()) + "\n";
    for (const auto& [lab, g] : f.gauges)
      out += name + lab + " " + std::to_string(g->value()) + "\n";
    for (const auto& [lab, fn] : f.fns) {
      double v = 0;
      try {
        v = fn();
      } catch (...) {
        v = NAN;
      }
      out += name + lab + " " + num(v) + "\n";
    }
    for (const auto& [lab, h] : f.histograms) {
      auto cum = h->cumulative();
      for (size_t i = 0; i < h->bounds().size(); ++i)
        out += name + "_bucket" + with_label(lab, "le=\"" + num(h->bounds()[i]) + "\"") + " " +
               std::to_string(cum[i]) + "\n";
      out += name + "_bucket" + with_label(lab, "le=\"+Inf\"") + " " + std::to_string(cum.back()) +
             "\n";
      out += name + "_sum" + lab + " " + num(h->sum()) + "\n";
      out += name + "_count" + lab + " " + std::to_string(h->count()) + "\n";
    }
  }
  return out;
}

Registry& global() {
  static Registry r;
  return r;
}

}  // namespace jb::metrics
