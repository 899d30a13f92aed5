// dispatch.h — the request pipeline in front of the route handlers:
//   1. /__standin/... → the control router (no auth, counters or faults);
//   2. the base path (--base-path) is required and stripped;
//   3. the route is matched (case-insensitive; 404 empty / 405 + Allow);
//   4. the request is counted under its route key (and logged with its
//      arrival time, status and User-Agent: request_log.h);
//   5. "starting" mode answers 503 text/html except for /System/Ping;
//   6. an injected fault may answer 500/503/400, hang or drop;
//   7. the caller is resolved and the route's policy enforced (401/403,
//      empty bodies);
//   8. the handler runs; any exception becomes 500 "Error processing
//      request." (Jellyfin's ExceptionMiddleware);
//   9. the answer is delayed by the configured latency.
//
// Thread-safety: handle() is called concurrently from worker threads; the
// routers are immutable after construction.
#pragma once

#include "tests/standin/app.h"
#include "tests/standin/http_server.h"
#include "tests/standin/router.h"

namespace jb::standin {

class Dispatcher {
 public:
  explicit Dispatcher(App& app);
  Reply handle(const HttpRequest& req);
  // Whether the request is for the test-control API (/__standin/…, with or
  // without the base path); those are not counted, logged, delayed or faulted.
  bool is_control(const HttpRequest& req) const;
  const Router& jellyfin_routes() const { return routes_; }

 private:
  // The path below the base path when it is a control path (step 1).
  bool control_path(std::vector<std::string>& segs) const;
  Reply handle_unsafe(const HttpRequest& req, LoggedRequest& logged);
  App& app_;
  Router routes_;
  Router control_;
  std::vector<std::string> base_segments_;
};

}  // namespace jb::standin
