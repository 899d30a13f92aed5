// bulk_handlers.h — bulk actions on users (issue 14), for suite administrators
// (anyone else: 403 admin_only, audited as admin.denied):
//   POST /api/v1/admin/bulk        {action, users: [ids] (1–1000, distinct), profile_id?
//                                  (apply_profile), extend_days? (extend_expiry, 1–36500),
//                                  subject?/message? (announce; Markdown, message ≤ 10 kB)}
//                                  → 202 the job (state queued) with Location; audited as
//                                  admin.bulk {action, count, job_id}
//   GET  /api/v1/admin/bulk        the recent jobs (newest first, without items)
//   GET  /api/v1/admin/bulk/{id}   a job: state queued|running|done, counters
//                                  total/ok/failed/skipped, items {user_id, name, outcome, reason}
//   GET  /api/v1/admin/bulk/{id}/events  server-sent events of the job, the way run events
//                                  are sent (sync_api/event_hub.h, a hub of its own): "state"
//                                  then "progress" events carrying the job without items,
//                                  their id the number of users with an outcome + 1, and
//                                  "end" {"state":"done"}
// The job is stored and carried out by the sync workers (common/accounts/bulk_job.h,
// sync-worker/bulk_step.h); a worker's "bulk" event {id} (event_intake.h) says that a
// job changed, and the hub re-reads it from Redis.
// An unknown profile for apply_profile is 404 not_found; bad bodies 400 invalid_request
// naming each bad field.
//
// Thread-safety: handlers run concurrently; every dependency is thread-safe.
#pragma once

#include <string>

#include "auth-service/accounts/profile_store.h"
#include "auth-service/api/io.h"
#include "auth-service/audit/audit_log.h"
#include "auth-service/sessions/authenticator.h"
#include "auth-service/sync_api/event_hub.h"
#include "common/accounts/bulk_job.h"
#include "common/net/http_server.h"

namespace jb::accounts {

struct BulkDeps {
  auth::Authenticator* auth = nullptr;
  ProfileStore* profiles = nullptr;
  BulkJobs* jobs = nullptr;
  auth::AuditLog* audit = nullptr;
  auth::RunEventHub* events = nullptr;  // the bulk jobs' hub (null: no event streams)
};

// Pure: the request body of POST /api/v1/admin/bulk (created_by is not set).
auth::BodyResult<BulkSpec> parse_bulk_body(const http::Request& r);
// Pure: a job as the API shows it (items only when it has them).
std::string bulk_job_json(const BulkJob& j, bool with_items);

// A job as its event stream's hub reads it (revision = users with an outcome + 1,
// which only grows; revision 0 = no such job).
Result<auth::RunSnapshot> bulk_snapshot(BulkJobs& jobs, const std::string& id);

void register_bulk_routes(http::Server& server, BulkDeps& deps);

}  // namespace jb::accounts
