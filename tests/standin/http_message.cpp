// http_message.cpp — see http_message.h.
#include "tests/standin/http_message.h"

#include <ctime>

#include "common/core/text.h"

namespace jb::standin {

std::optional<std::string_view> HttpRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (text::iequals(k, name)) return std::string_view(v);
  return std::nullopt;
}

bool HttpRequest::keep_alive() const {
  auto conn = header("Connection");
  bool has_close = false, has_keep = false;
  if (conn) {
    for (const auto& tok : text::split(*conn, ',')) {
      auto t = text::trim(tok);
      if (text::iequals(t, "close")) has_close = true;
      if (text::iequals(t, "keep-alive")) has_keep = true;
    }
  }
  if (has_close) return false;
  if (version_minor == 0) return has_keep;
  return true;
}

QueryParams::QueryParams(std::string_view raw) {
  size_t start = 0;
  while (start <= raw.size()) {
    size_t amp = raw.find('&', start);
    if (amp == std::string_view::npos) amp = raw.size();
    std::string_view part = raw.substr(start, amp - start);
    if (!part.empty()) {
      size_t eq = part.find('=');
      std::string_view k = eq == std::string_view::npos ? part : part.substr(0, eq);
      std::string_view v = eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
      if (!k.empty()) items_.emplace_back(text::form_decode(k), text::form_decode(v));
    }
    start = amp + 1;
  }
}

bool QueryParams::has(std::string_view name) const {
  for (const auto& [k, v] : items_)
    if (text::iequals(k, name)) return true;
  return false;
}

std::optional<std::string> QueryParams::get(std::string_view name) const {
  for (const auto& [k, v] : items_)
    if (text::iequals(k, name)) return v;
  return std::nullopt;
}

std::vector<std::string> QueryParams::all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : items_)
    if (text::iequals(k, name)) out.push_back(v);
  return out;
}

void split_target(std::string_view target, std::string& path, std::string& query) {
  size_t hash = target.find('#');
  if (hash != std::string_view::npos) target = target.substr(0, hash);
  size_t q = target.find('?');
  if (q == std::string_view::npos) {
    path = std::string(target);
    query.clear();
  } else {
    path = std::string(target.substr(0, q));
    query = std::string(target.substr(q + 1));
  }
}

std::vector<std::string> path_segments(std::string_view raw_path) {
  std::vector<std::string> out;
  for (auto& seg : text::split(raw_path, '/', true)) out.push_back(text::url_decode(seg));
  return out;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

namespace {

std::string http_date() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

}  // namespace

std::string serialize_response(const HttpResponse& r, bool close, bool head_request) {
  std::string out;
  out.reserve(r.body.size() + 256);
  out += "HTTP/1.1 ";
  out += std::to_string(r.status);
  out += ' ';
  out += reason_phrase(r.status);
  out += "\r\n";
  if (close) out += "Connection: close\r\n";
  out += "Date: " + http_date() + "\r\n";
  out += "Server: Kestrel\r\n";
  bool no_body = (r.status >= 100 && r.status < 200) || r.status == 204 || r.status == 304;
  if (!r.content_type.empty() && !no_body) out += "Content-Type: " + r.content_type + "\r\n";
  if (!no_body) out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  for (const auto& [k, v] : r.headers) out += k + ": " + v + "\r\n";
  out += "\r\n";
  if (!no_body && !head_request) out += r.body;
  return out;
}

}  // namespace jb::standin
