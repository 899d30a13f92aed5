// http_message.h — the HTTP/1.1 request and response values the stand-in's
// server layer hands to the application, plus pure helpers: query-string
// parsing that keeps repeated keys (Jellyfin accepts `Fields=A&Fields=B`),
// case-insensitive lookups (ASP.NET Core matches names case-insensitively),
// reason phrases and response serialisation (no Content-Length on 204/304,
// like Kestrel).
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jb::standin {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;     // as sent (methods are case-sensitive in HTTP)
  std::string target;     // raw request-target
  std::string path;       // raw (still percent-encoded) path part of target
  std::string query;      // raw query string without '?'
  int version_minor = 1;  // HTTP/1.x
  HeaderList headers;     // in arrival order
  std::string body;
  std::string peer;        // remote address, for logs and RemoteEndPoint
  int64_t arrival_us = 0;  // steady_us() when the request was complete

  // First value of a header (case-insensitive name), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const;
  bool keep_alive() const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;  // empty = no Content-Type header
  std::string body;
  HeaderList headers;  // extra headers (e.g. Retry-After)
};

// Query string with repeated keys preserved; names are matched
// case-insensitively and values are form-decoded ('+' → space).
class QueryParams {
 public:
  QueryParams() = default;
  explicit QueryParams(std::string_view raw);

  bool has(std::string_view name) const;
  // First value for the name (ASP.NET binds scalars from the first value).
  std::optional<std::string> get(std::string_view name) const;
  // Every value for the name, in order.
  std::vector<std::string> all(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;  // decoded
};

// Splits "/a/b?x=1" into raw path and raw query.
void split_target(std::string_view target, std::string& path, std::string& query);
// Splits a raw path into percent-decoded segments (empty segments dropped).
std::vector<std::string> path_segments(std::string_view raw_path);

const char* reason_phrase(int status);
// Serialises status line, headers and body. Adds Date, Server, Content-Type
// and Content-Length (except 1xx/204/304), and "Connection: close" when
// close is true. A HEAD response keeps Content-Length but drops the body.
std::string serialize_response(const HttpResponse& r, bool close, bool head_request);

}  // namespace jb::standin
