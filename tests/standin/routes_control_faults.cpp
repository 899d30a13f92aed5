// routes_control_faults.cpp — test-control routes that shape how the server
// answers: latency, faults, starting mode, counters, requests in flight, clock,
// runtime switches, Quick Connect approval and password-reset PINs
// (docs/standin.md).
#include <algorithm>

#include "common/core/text.h"
#include "tests/standin/control_helpers.h"
#include "tests/standin/quickconnect.h"
#include "tests/standin/routes.h"

namespace jb::standin {

namespace {

using namespace control;

HttpResponse get_latency(Ctx& c) {
  json::Writer w;
  w.begin_object();
  w.kv("GlobalMs", c.app.faults.global_latency_ms());
  w.key("Rules").begin_array();
  for (const auto& r : c.app.faults.latency_rules()) {
    w.begin_object().kv("Id", r.id).kv("Ms", r.ms);
    write_scope(w, r.scope);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return json_response(w.str());
}

HttpResponse set_latency(Ctx& c) {
  auto b = control_body(c);
  if (!b) return control_error(400, b.error().message);
  const json::Value& v = *b;
  if (auto g = json::opt_int(v, "GlobalMs")) {
    if (*g < 0 || *g > 600000) return control_error(400, "\"GlobalMs\" must be in [0, 600000].");
    c.app.faults.set_global_latency(*g);
  }
  int id = 0;
  if (auto ms = json::opt_int(v, "Ms")) {
    if (*ms < 0 || *ms > 600000) return control_error(400, "\"Ms\" must be in [0, 600000].");
    id = c.app.faults.add_latency(scope_of(v), *ms);
  }
  json::Writer w;
  w.begin_object().kv("Id", id).kv("GlobalMs", c.app.faults.global_latency_ms()).end_object();
  return json_response(w.str());
}

HttpResponse clear_latency(Ctx& c) {
  c.app.faults.clear_latency();
  return no_content();
}

HttpResponse add_fault(Ctx& c) {
  auto b = control_body(c);
  if (!b) return control_error(400, b.error().message);
  const json::Value& v = *b;
  auto kind = parse_fault_kind(json::get_string(v, "Kind"));
  if (!kind)
    return control_error(400, "\"Kind\" must be error500, unavailable, hang, drop or badrequest.");
  FaultSpec f;
  f.kind = *kind;
  f.scope = scope_of(v);
  f.count = json::get_int(v, "Count", -1);
  if (const json::Value* r = json::member(v, "Rate")) {
    if (!r->IsNumber() || r->GetDouble() < 0 || r->GetDouble() > 1)
      return control_error(400, "\"Rate\" must be in [0, 1].");
    f.rate = r->GetDouble();
  }
  if (auto seed = json::opt_int(v, "Seed")) f.seed = static_cast<uint64_t>(*seed);
  f.retry_after_s = static_cast<int>(json::get_int(v, "RetryAfterSeconds", -1));
  if (auto hs = json::opt_int(v, "HangSeconds")) f.hang_ms = *hs * 1000;
  if (auto hm = json::opt_int(v, "HangMs")) f.hang_ms = *hm;
  if (f.hang_ms < 0 || f.hang_ms > 3'600'000)
    return control_error(400, "The hang must last 0–3600 s.");
  int id = c.app.faults.add_fault(f);
  json::Writer w;
  w.begin_object().kv("Id", id).end_object();
  return json_response(w.str());
}

HttpResponse list_faults(Ctx& c) {
  json::Writer w;
  w.begin_array();
  for (const auto& f : c.app.faults.faults()) {
    w.begin_object().kv("Id", f.id).kv("Kind", fault_kind_name(f.spec.kind));
    write_scope(w, f.spec.scope);
    w.kv("Count", f.spec.count).kv("Rate", f.spec.rate);
    w.kv("Matched", f.matched).kv("Fired", f.fired);
    if (f.spec.count >= 0)
      w.kv("Remaining", std::max<int64_t>(0, f.spec.count - static_cast<int64_t>(f.fired)));
    w.end_object();
  }
  w.end_array();
  return json_response(w.str());
}

HttpResponse clear_faults(Ctx& c) {
  c.app.faults.clear_faults();
  return no_content();
}

HttpResponse remove_fault(Ctx& c) {
  int64_t id = 0;
  if (!text::parse_int64(c.path_param("id"), id))
    return control_error(400, "The fault id is not a number.");
  if (!c.app.faults.remove_fault(static_cast<int>(id))) return control_error(404, "No such fault.");
  return no_content();
}

HttpResponse starting(Ctx& c) {
  auto b = control_body(c);
  if (!b) return control_error(400, b.error().message);
  c.app.faults.set_starting(json::get_bool(*b, "Enabled", true),
                            static_cast<int>(json::get_int(*b, "RetryAfterSeconds", -1)));
  return no_content();
}

HttpResponse counters(Ctx& c) {
  uint64_t total = 0;
  auto m = c.app.faults.counters(total);
  json::Writer w;
  w.begin_object().kv("Total", total);
  w.key("Routes").begin_object();
  for (const auto& [k, n] : m) w.kv(k, n);
  w.end_object().end_object();
  return json_response(w.str());
}

HttpResponse reset_counters(Ctx& c) {
  c.app.faults.reset_counters();
  return no_content();
}

// GET /__standin/inflight: Jellyfin requests being handled now and the most at
// once since the start or the last reset (in_flight.h).
HttpResponse in_flight(Ctx& c) {
  const InFlight::Figures f = c.app.in_flight.figures();
  json::Writer w;
  w.begin_object().kv("Current", f.current).kv("Max", f.max).end_object();
  return json_response(w.str());
}

// DELETE /__standin/inflight: a new measurement (the maximum becomes the current count).
HttpResponse reset_in_flight(Ctx& c) {
  c.app.in_flight.reset_max();
  return no_content();
}

// GET /__standin/requests?after=<seq>&limit=<n>: what reached the server.
HttpResponse requests(Ctx& c) {
  uint64_t after = 0;
  int64_t limit = 10000;
  if (auto a = c.query.get("after")) {
    int64_t v = 0;
    if (!text::parse_int64(*a, v) || v < 0)
      return control_error(400, "\"after\" must be a sequence number.");
    after = static_cast<uint64_t>(v);
  }
  if (auto l = c.query.get("limit")) {
    if (!text::parse_int64(*l, limit) || limit < 1 || limit > 100000)
      return control_error(400, "\"limit\" must be in [1, 100000].");
  }
  auto entries = c.app.requests.since(after, static_cast<size_t>(limit));
  json::Writer w;
  w.begin_object();
  w.key("Requests").begin_array();
  for (const auto& e : entries) {
    w.begin_object()
        .kv("Seq", static_cast<int64_t>(e.seq))
        .kv("TimeMs", e.time_ms)
        .kv("Method", e.method)
        .kv("Route", e.route)
        .kv("Path", e.path)
        .kv("Status", e.status)
        .kv("UserAgent", e.user_agent)
        .kv("DelayMs", e.delay_ms)
        .end_object();
  }
  w.end_array();
  w.kv("Last", static_cast<int64_t>(c.app.requests.last_seq()));
  w.end_object();
  return json_response(w.str());
}

HttpResponse clear_requests(Ctx& c) {
  c.app.requests.clear();
  return no_content();
}

HttpResponse clock_json(Ctx& c) {
  json::Writer w;
  w.begin_object();
  w.kv("OffsetSeconds", static_cast<double>(c.app.clock.offset_us()) / 1e6);
  w.kv("Now", date_str(c.app.clock.now_us()));
  w.end_object();
  return json_response(w.str());
}

HttpResponse set_clock(Ctx& c) {
  auto b = control_body(c);
  if (!b) return control_error(400, b.error().message);
  if (const json::Value* o = json::member(*b, "OffsetSeconds"); o && o->IsNumber())
    c.app.clock.set_offset_us(static_cast<int64_t>(o->GetDouble() * 1e6));
  if (const json::Value* a = json::member(*b, "AdvanceSeconds"); a && a->IsNumber())
    c.app.clock.advance_us(static_cast<int64_t>(a->GetDouble() * 1e6));
  return clock_json(c);
}

HttpResponse config_json(Ctx& c) {
  json::Writer w;
  w.begin_object()
      .kv("QuickConnect", c.app.quick_connect.load())
      .kv("LegacyAuth", c.app.legacy_auth.load())
      .end_object();
  return json_response(w.str());
}

HttpResponse set_config(Ctx& c) {
  auto b = control_body(c);
  if (!b) return control_error(400, b.error().message);
  if (auto q = json::opt_bool(*b, "QuickConnect")) c.app.quick_connect = *q;
  if (auto l = json::opt_bool(*b, "LegacyAuth")) c.app.legacy_auth = *l;
  return config_json(c);
}

HttpResponse approve_code(Ctx& c) {
  auto b = control_body(c);
  if (!b) return control_error(400, b.error().message);
  auto code = json::opt_string(*b, "Code");
  if (!code) return control_error(400, "Give the \"Code\" to approve.");
  const int64_t now = c.app.clock.now_us();
  return c.app.store.write([&](State& s) -> HttpResponse {
    const User* u = find_user(s, *b);
    if (!u) return control_error(404, "Give an existing \"User\" (name) or \"UserId\".");
    Status st = authorize(s, *code, u->id, now, c.app.server);
    if (!st.ok())
      return control_error(st.error().http_status == 404 ? 404 : 400, st.error().message);
    json::Writer w;
    w.begin_object().kv("Authorized", true).end_object();
    return json_response(w.str());
  });
}

HttpResponse pins(Ctx& c) {
  return c.app.store.read([&](const State& s) {
    json::Writer w;
    w.begin_array();
    for (const auto& p : s.pins) {
      const User* u = s.user(p.user_id);
      w.begin_object().kv("Pin", p.pin).kv("UserId", p.user_id.str());
      if (u) w.kv("UserName", u->name);
      w.kv("Expires", date_str(p.expires)).kv("File", p.file).end_object();
    }
    w.end_array();
    return json_response(w.str());
  });
}

}  // namespace

void add_control_fault_routes(Router& r) {
  const Access a = Access::kAnonymous;
  r.add("GET", "/__standin/latency", a, get_latency);
  r.add("POST", "/__standin/latency", a, set_latency);
  r.add("DELETE", "/__standin/latency", a, clear_latency);
  r.add("GET", "/__standin/faults", a, list_faults);
  r.add("POST", "/__standin/faults", a, add_fault);
  r.add("DELETE", "/__standin/faults", a, clear_faults);
  r.add("DELETE", "/__standin/faults/{id}", a, remove_fault);
  r.add("POST", "/__standin/starting", a, starting);
  r.add("GET", "/__standin/counters", a, counters);
  r.add("DELETE", "/__standin/counters", a, reset_counters);
  r.add("GET", "/__standin/inflight", a, in_flight);
  r.add("DELETE", "/__standin/inflight", a, reset_in_flight);
  r.add("GET", "/__standin/requests", a, requests);
  r.add("DELETE", "/__standin/requests", a, clear_requests);
  r.add("GET", "/__standin/clock", a, clock_json);
  r.add("POST", "/__standin/clock", a, set_clock);
  r.add("GET", "/__standin/config", a, config_json);
  r.add("POST", "/__standin/config", a, set_config);
  r.add("POST", "/__standin/quickconnect/approve", a, approve_code);
  r.add("GET", "/__standin/pins", a, pins);
}

}  // namespace jb::standin
