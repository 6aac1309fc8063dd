#include "service/job_outbox.h"

#include <openssl/rand.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <random>

namespace service {
namespace {

std::string Comment(const db::FinishedSubmission& done) {
  if (done.status == "compile_error") return "compile error";
  if (done.status == "internal_error") return "not graded: internal error";
  char text[96];
  std::snprintf(text, sizeof(text), "%g of %g points", done.score, done.max_score);
  return text;
}

}  // namespace

std::string NewDeliveryId() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    // OpenSSL's generator failing is rare; the OS's device still gives unique ids.
    std::random_device device;
    for (unsigned char& b : bytes) b = static_cast<unsigned char>(device());
  }
  static const char* kHex = "0123456789abcdef";
  std::string id = "msg_";
  for (unsigned char b : bytes) {
    id += kHex[b >> 4];
    id += kHex[b & 15];
  }
  return id;
}

int64_t UnixMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string IsoTimestampWithOffset() {
  const int64_t ms = UnixMillis();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%03d+00:00", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(ms % 1000));
  return text;
}

std::vector<db::OutboxRow> OutboxRowsFor(const db::JobRecord& job,
                                         const db::FinishedSubmission& done,
                                         const std::string& public_url) {
  std::vector<db::OutboxRow> rows;
  if (job.request.callback_url) {
    const nlohmann::json body = {
        {"type", "submission.graded"},
        {"submission_id", job.id},
        {"problem", job.request.problem_id},
        {"learner", job.request.learner},
        {"status", done.status},
        {"score", done.score},
        {"max_score", done.max_score},
        {"result_url", public_url + "/v1/submissions/" + std::to_string(job.id)}};
    db::OutboxRow row;
    row.kind = "callback";
    row.target = *job.request.callback_url;
    row.payload = body.dump();
    row.delivery_id = NewDeliveryId();
    rows.push_back(std::move(row));
  }
  if (job.request.lti) {
    // Validated at intake: an object with string platform, lineitem and user_id.
    const nlohmann::json lti = nlohmann::json::parse(*job.request.lti, nullptr, false);
    if (lti.is_object()) {
      const nlohmann::json score = {{"userId", lti.value("user_id", "")},
                                    {"scoreGiven", done.score},
                                    {"scoreMaximum", done.max_score},
                                    {"activityProgress", "Completed"},
                                    {"gradingProgress", "FullyGraded"},
                                    {"timestamp", IsoTimestampWithOffset()},
                                    {"comment", Comment(done)}};
      db::OutboxRow row;
      row.kind = "lti_score";
      row.target = lti.value("lineitem", "");
      row.platform = lti.value("platform", std::string());
      row.payload = score.dump();
      row.delivery_id = NewDeliveryId();
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

}  // namespace service
