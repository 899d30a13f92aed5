// config.cpp — see config.h.
#include "common/core/config.h"

#include <curl/curl.h>

#include <cstdio>
#include <cstdlib>

#include "common/core/text.h"

namespace jb {

std::optional<std::string> Env::get(const std::string& name) const {
  if (process_) {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  }
  auto it = vars_.find(name);
  if (it == vars_.end()) return std::nullopt;
  return it->second;
}

Env Env::from_process() {
  return Env();
}

std::optional<std::string> ConfigReader::raw(const std::string& name) {
  auto v = env_.get(name);
  if (!v) return std::nullopt;
  std::string t(text::trim(*v));
  if (t.empty()) return std::nullopt;  // an empty variable means "use the default"
  return t;
}

namespace {

// A value as a problem shows it: one line (control characters escaped, so a value with a
// line break cannot split the line) and at most 80 bytes, cut between UTF-8 characters.
std::string shown_value(const std::string& value) {
  size_t n = value.size();
  bool cut = n > 80;
  if (cut) {
    n = 80;
    for (int k = 0; k < 3 && n > 0 && (static_cast<unsigned char>(value[n]) & 0xC0) == 0x80; ++k)
      --n;  // value[n] continues a character: end before that character
  }
  static const char* hex = "0123456789abcdef";
  std::string out = "'";
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + (cut ? "…'" : "'");
}

}  // namespace

void ConfigReader::bad(const std::string& name, const std::string& value, const std::string& why,
                       bool secret) {
  std::string shown = secret ? "(value hidden)" : shown_value(value);
  add_problem(name, "config error: " + name + "=" + shown + " " + why);
}

void ConfigReader::add_problem(const std::string& name, const std::string& message) {
  problems_.push_back({name, message, false});
}

void ConfigReader::missing(const std::string& name, const std::string& why) {
  problems_.push_back(
      {name, "config error: " + name + " is required" + (why.empty() ? "" : " (" + why + ")"),
       true});
}

std::vector<std::string> ConfigReader::report() const {
  std::vector<std::string> out;
  for (bool missing : {false, true})
    for (const auto& p : problems_)
      if (p.missing == missing) out.push_back(p.message);
  return out;
}

bool ConfigReader::is_set(const std::string& name) {
  return raw(name).has_value();
}

std::string ConfigReader::str(const std::string& name, const std::string& fallback) {
  return raw(name).value_or(fallback);
}

std::string ConfigReader::secret(const std::string& name, const std::string& fallback) {
  auto v = env_.get(name);
  return v && !v->empty() ? *v : fallback;
}

uint16_t ConfigReader::port(const std::string& name, uint16_t fallback) {
  auto v = raw(name);
  if (!v) return fallback;
  uint64_t p;
  if (!text::parse_uint64(*v, p) || p > 65535) {
    bad(name, *v, "is not a port number (0-65535)");
    return fallback;
  }
  return static_cast<uint16_t>(p);
}

int64_t ConfigReader::integer(const std::string& name, int64_t fallback, int64_t min, int64_t max) {
  auto v = raw(name);
  if (!v) return fallback;
  int64_t x;
  if (!text::parse_int64(*v, x)) {
    bad(name, *v, "is not an integer");
    return fallback;
  }
  if (x < min || x > max) {
    bad(name, *v, "is out of range (" + std::to_string(min) + "-" + std::to_string(max) + ")");
    return fallback;
  }
  return x;
}

bool ConfigReader::boolean(const std::string& name, bool fallback) {
  auto v = raw(name);
  if (!v) return fallback;
  std::string l = text::to_lower(*v);
  if (l == "1" || l == "true" || l == "yes" || l == "on") return true;
  if (l == "0" || l == "false" || l == "no" || l == "off") return false;
  bad(name, *v, "is not a boolean (true/false, 1/0, yes/no, on/off)");
  return fallback;
}

namespace {
// Splits with libcurl's URL API; returns false when it is not a URL.
bool parse_url(const std::string& s, std::string& scheme, std::string& host, bool any_scheme) {
  CURLU* u = curl_url();
  unsigned flags = any_scheme ? CURLU_NON_SUPPORT_SCHEME : 0;
  bool ok = curl_url_set(u, CURLUPART_URL, s.c_str(), flags) == CURLUE_OK;
  char* sc = nullptr;
  char* h = nullptr;
  if (ok) ok = curl_url_get(u, CURLUPART_SCHEME, &sc, 0) == CURLUE_OK;
  if (ok) ok = curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK;
  if (ok) {
    scheme = sc;
    host = h;
  }
  curl_free(sc);
  curl_free(h);
  curl_url_cleanup(u);
  return ok && !host.empty();
}
}  // namespace

std::string ConfigReader::http_url(const std::string& name, const std::string& fallback,
                                   bool allow_empty) {
  auto v = raw(name);
  if (!v) {
    if (!allow_empty && fallback.empty()) missing(name, "");
    return fallback;
  }
  std::string scheme, host;
  // Require an explicit scheme: "jellyfin:8096" must not silently become http://.
  bool has_scheme = text::istarts_with(*v, "http://") || text::istarts_with(*v, "https://");
  if (!has_scheme || !parse_url(*v, scheme, host, false)) {
    bad(name, *v, "is not a valid http:// or https:// URL");
    return fallback;
  }
  return *v;
}

std::string ConfigReader::redis_url(const std::string& name, const std::string& fallback) {
  auto v = raw(name);
  if (!v) return fallback;
  std::string scheme, host;
  bool secret_inside = v->find('@') != std::string::npos;
  if (!text::istarts_with(*v, "redis://") || !parse_url(*v, scheme, host, true)) {
    bad(name, *v, "is not a valid redis://[:password@]host[:port][/db] URL", secret_inside);
    return fallback;
  }
  return *v;
}

std::string ConfigReader::zmq_endpoint(const std::string& name, const std::string& fallback) {
  auto v = raw(name);
  if (!v) return fallback;
  const std::string& e = *v;
  bool ok = false;
  if (text::istarts_with(e, "tcp://")) {
    auto colon = e.rfind(':');
    std::string port = colon == std::string::npos ? "" : e.substr(colon + 1);
    uint64_t p;
    ok = colon > 6 && (port == "*" || (text::parse_uint64(port, p) && p > 0 && p < 65536));
  } else if (text::istarts_with(e, "ipc://") || text::istarts_with(e, "inproc://")) {
    ok = e.size() > e.find("://") + 3;
  }
  if (!ok) {
    bad(name, e, "is not a ZeroMQ endpoint (tcp://host:port, ipc://path or inproc://name)");
    return fallback;
  }
  return e;
}

std::string ConfigReader::one_of(const std::string& name, const std::string& fallback,
                                 const std::vector<std::string>& allowed) {
  auto v = raw(name);
  if (!v) return fallback;
  for (const auto& a : allowed)
    if (a == *v) return *v;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  bad(name, *v, "is not one of: " + list);
  return fallback;
}

std::vector<std::string> ConfigReader::list(const std::string& name,
                                            const std::vector<std::string>& fallback) {
  auto v = raw(name);
  if (!v) return fallback;
  std::vector<std::string> out;
  for (auto& part : text::split(*v, ',')) {
    std::string t(text::trim(part));
    if (!t.empty()) out.push_back(t);
  }
  return out;
}

void ConfigReader::exit_on_error() const {
  if (problems_.empty()) return;
  for (const auto& line : report()) std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
  std::exit(2);
}

}  // namespace jb
