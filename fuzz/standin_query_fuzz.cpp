// standin_query_fuzz.cpp — the Jellyfin stand-in's reading of a request
// target (tests/standin/http_message.h): split_target, QueryParams (repeated
// keys kept, names case-insensitive, values form-decoded) and path_segments.
//
// Input: a request target, e.g. `/Items?userId=…&Fields=Genres&fields=Path&x=a+b%20c`.
// Asserts:
//  * split_target: path + "?" + query is the target up to any '#';
//  * QueryParams: at most one item per '&'-separated part, no empty names;
//    has/get/all agree (get is the first of all, names matched
//    case-insensitively); the items, percent-encoded again, parse back to the
//    same items;
//  * path_segments: no empty segment; re-encoded and joined with '/', the
//    segments parse back to themselves.
//
// Thread-safety: a fuzz entry point; one call at a time.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/text.h"
#include "fuzz/fuzz_check.h"
#include "tests/standin/http_message.h"

namespace {

using jb::fuzz::show;
namespace sd = jb::standin;

void check_query(std::string_view raw) {
  sd::QueryParams q(raw);
  const auto& items = q.items();
  FUZZ_CHECK(items.size() <= static_cast<size_t>(std::count(raw.begin(), raw.end(), '&')) + 1,
             "more items than parts in " + show(raw));
  for (size_t i = 0; i < items.size(); ++i) {
    const auto& [k, v] = items[i];
    FUZZ_CHECK(!k.empty(), "empty name in " + show(raw));
    if (i >= 32) continue;  // the lookups below are linear: keep a long query cheap
    auto all = q.all(k);
    auto first = q.get(k);
    FUZZ_CHECK(q.has(k) && !all.empty() && first && *first == all.front(),
               "has/get/all disagree on " + show(k) + " in " + show(raw));
    size_t same = 0;
    for (const auto& [k2, v2] : items) same += jb::text::iequals(k, k2) ? 1 : 0;
    FUZZ_CHECK(all.size() == same, "all() misses values of " + show(k) + " in " + show(raw));
    FUZZ_CHECK(std::find(all.begin(), all.end(), v) != all.end(), "value lost for " + show(k));
  }
  std::string again;
  for (const auto& [k, v] : items)
    again += (again.empty() ? "" : "&") + jb::text::url_encode(k) + "=" + jb::text::url_encode(v);
  sd::QueryParams back(again);
  FUZZ_CHECK(back.items() == items, show(raw) + " re-encoded as " + show(again) + " differs");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);

  std::string path, query;
  sd::split_target(in, path, query);
  std::string_view no_fragment = in.substr(0, in.find('#'));
  bool has_query = no_fragment.find('?') != std::string_view::npos;
  FUZZ_CHECK(path + (has_query ? "?" + query : "") == no_fragment,
             "split_target of " + show(in) + ": " + show(path) + " " + show(query));

  check_query(query);
  check_query(in);

  auto segments = sd::path_segments(path);
  std::string joined;
  for (const auto& s : segments) {
    FUZZ_CHECK(!s.empty(), "empty segment in " + show(path));
    joined += "/" + jb::text::url_encode(s);
  }
  FUZZ_CHECK(sd::path_segments(joined) == segments,
             "segments of " + show(path) + " re-encoded as " + show(joined) + " differ");
  return 0;
}
