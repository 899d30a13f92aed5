// item_source.cpp — see item_source.h.
#include "library-service/item_source.h"

#include "common/core/text.h"
#include "common/core/time.h"

namespace jb::library {

std::string items_query(const PageQuery& q, const std::string& user_id) {
  std::string s;
  if (!user_id.empty()) s += "userId=" + text::url_encode(user_id) + "&";
  s += "parentId=" + text::url_encode(q.library_id) +
       "&recursive=true&includeItemTypes=" + text::url_encode(q.types);
  if (!q.ids_only) s += "&fields=ProviderIds";
  s += "&enableUserData=false&enableImages=false&sortBy=SortName&sortOrder=Ascending";
  s += "&startIndex=" + std::to_string(q.start) + "&limit=" + std::to_string(q.limit);
  if (q.min_date_saved_us)
    s += "&minDateLastSaved=" + text::url_encode(timeutil::format_rfc3339(*q.min_date_saved_us));
  return s;
}

}  // namespace jb::library
