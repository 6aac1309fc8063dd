// The outbox rows a finished job asks for (docs/service.md, "Outbox rows"), written by the
// worker in the job's finishing transaction and delivered by the dispatcher (service/outbox.h):
//   - "callback" when the submission had a callback_url: the exact JSON to POST
//     {"type":"submission.graded","submission_id","problem","learner","status","score",
//      "max_score","result_url"};
//   - "lti_score" when it had "lti": the exact AGS score JSON, target = lti.lineitem,
//     platform = lti.platform.
// Each gets delivery_id "msg_" + 32 random hex characters (the callback's webhook-id, the same
// on every retry). Pure apart from the random ids and the clock; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "db/service_jobs.h"

namespace service {

// `public_url`: the base of result_url (no trailing slash).
std::vector<db::OutboxRow> OutboxRowsFor(const db::JobRecord& job,
                                         const db::FinishedSubmission& done,
                                         const std::string& public_url);

// "msg_" + 32 hex characters from the OS's random source.
std::string NewDeliveryId();
// Now as ISO 8601 with milliseconds and offset: "2026-12-02T16:30:00.123+00:00".
std::string IsoTimestampWithOffset();
int64_t UnixMillis();

}  // namespace service
