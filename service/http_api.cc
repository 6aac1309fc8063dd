#include "service/http_api.h"

#include <httplib.h>
#include <openssl/crypto.h>

#include <nlohmann/json.hpp>

#include "db/service_jobs.h"
#include "grader/learner_json.h"
#include "grader/learner_name.h"
#include "grader/record.h"
#include "grader/report.h"
#include "service/intake.h"

namespace service {
namespace {

// Enough handlers for large group commits: a handler waits for its commit (about an fsync).
constexpr int kThreads = 64;
constexpr const char* kRetryAfterSeconds = "5";

void Json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void JsonError(httplib::Response& res, int status, const std::string& message) {
  Json(res, status, {{"error", message}});
}

bool BearerOk(const httplib::Request& req, const std::string& token) {
  const std::string header = req.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  if (header.size() != prefix.size() + token.size() || header.rfind(prefix, 0) != 0) return false;
  return CRYPTO_memcmp(header.data() + prefix.size(), token.data(), token.size()) == 0;
}

}  // namespace

HttpApi::HttpApi(ApiDependencies deps) : deps_(std::move(deps)) {
  for (const grader::ProblemSpec& p : *deps_.problems) {
    by_id_[p.id] = &p;
    problem_ids_.insert(p.id);
  }
}

HttpApi::~HttpApi() { Stop(); }

base::StatusOr<int> HttpApi::Start(const std::string& host, int port) {
  server_ = std::make_unique<httplib::Server>();
  server_->new_task_queue = [] { return new httplib::ThreadPool(kThreads); };
  // Without it, Nagle's algorithm holds the response body until the client's delayed ACK
  // (about 40 ms per request on loopback).
  server_->set_tcp_nodelay(true);
  server_->set_payload_max_length(static_cast<size_t>(deps_.config->max_body_bytes));
  Route();
  int bound = port;
  if (port == 0) {
    bound = server_->bind_to_any_port(host);
    if (bound < 0) return base::Status::Unavailable("cannot listen on " + host + ":0");
  } else if (!server_->bind_to_port(host, port)) {
    return base::Status::Unavailable("cannot listen on " + host + ":" + std::to_string(port));
  }
  if (deps_.public_url.empty()) {
    const std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    deps_.public_url = "http://" + shown + ":" + std::to_string(bound);
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return bound;
}

void HttpApi::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string HttpApi::DependenciesProblem() {
  {
    std::lock_guard<std::mutex> lock(reader_mutex_);
    if (base::Status s = db::CheckWritable(*deps_.reader); !s.ok()) return s.message();
    auto counts = db::CountByStatus(*deps_.reader);
    if (!counts.ok()) return counts.status().message();
    if (counts->at("queued") >= deps_.config->max_queue) return "queue is full";
  }
  if (refusing_.load()) return "shutting down";
  return deps_.workers_problem ? deps_.workers_problem() : "";
}

void HttpApi::Route() {
  httplib::Server& s = *server_;
  // Every error answer is JSON, including httplib's own (413, 404 of an unknown path).
  s.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        const std::string message = res.status == 413   ? "body: larger than max_body_bytes"
                                    : res.status == 404 ? "not found"
                                                        : "HTTP " + std::to_string(res.status);
        JsonError(res, res.status, message);
        return httplib::Server::HandlerResponse::Handled;
      }));
  s.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    deps_.metrics->CountRequest(RouteLabel(req.method, req.path), res.status);
  });

  s.Post("/v1/submissions", [this](const httplib::Request& req, httplib::Response& res) {
    const IntakeRequest request{req.get_header_value("Content-Type"),
                                req.get_header_value("webhook-id"),
                                req.get_header_value("webhook-timestamp"),
                                req.get_header_value("webhook-signature"), req.body};
    ParsedIntake parsed = ParseIntake(*deps_.config, request, std::chrono::system_clock::now());
    if (parsed.error) return JsonError(res, parsed.error->http_status, parsed.error->message);
    const std::string status_base = deps_.public_url + "/v1/submissions/";
    auto duplicate = [&](int64_t id) {
      Json(res, 200,
           {{"submission_id", id},
            {"status_url", status_base + std::to_string(id)},
            {"duplicate", true}});
    };
    if (auto invalid = CheckJobContent(*deps_.config, problem_ids_, parsed.job)) {
      // A repeated id is answered as a duplicate before its content is judged.
      std::lock_guard<std::mutex> lock(reader_mutex_);
      auto existing = db::FindJobByWebhookId(*deps_.reader, parsed.job.webhook_id);
      if (existing.ok() && *existing) return duplicate(**existing);
      return JsonError(res, invalid->http_status, invalid->message);
    }
    if (refusing_.load()) {
      res.set_header("Retry-After", kRetryAfterSeconds);
      return JsonError(res, 503, "shutting down");
    }
    auto result = deps_.committer->Enqueue(std::move(parsed.job));
    if (!result.ok()) {
      res.set_header("Retry-After", kRetryAfterSeconds);
      const bool stopping = result.status().code() == base::StatusCode::kUnavailable;
      return JsonError(res, stopping ? 503 : 500, result.status().message());
    }
    switch (result->kind) {
      case db::EnqueueResult::Kind::kDuplicate:
        return duplicate(result->job_id);
      case db::EnqueueResult::Kind::kFull:
        res.set_header("Retry-After", kRetryAfterSeconds);
        return JsonError(res, 503, "queue is full");
      case db::EnqueueResult::Kind::kQueued:
        return Json(res, 202,
                    {{"submission_id", result->job_id},
                     {"status_url", status_base + std::to_string(result->job_id)}});
    }
  });

  s.Get(R"(/v1/submissions/(\d{1,18}))", [this](const httplib::Request& req,
                                                httplib::Response& res) {
    if (!BearerOk(req, deps_.config->api_token)) return JsonError(res, 401, "bad bearer token");
    const int64_t id = std::stoll(req.matches[1]);
    std::lock_guard<std::mutex> lock(reader_mutex_);
    auto job = db::GetJob(*deps_.reader, id);
    if (!job.ok()) return JsonError(res, 500, job.status().message());
    if (!*job) return JsonError(res, 404, "no submission " + std::to_string(id));
    nlohmann::json body = {{"submission_id", id}, {"status", (*job)->status}, {"result", nullptr}};
    if (!(*job)->error.empty()) body["error"] = (*job)->error;
    const auto problem = by_id_.find((*job)->request.problem_id);
    if ((*job)->submission_id && problem != by_id_.end()) {
      auto record = deps_.reader->GetSubmission(*(*job)->submission_id);
      if (!record.ok()) return JsonError(res, 500, record.status().message());
      body["result"] = grader::ResultJson(
          *problem->second, {*(*job)->submission_id, record->learner}, grader::FromRecord(*record));
    }
    Json(res, 200, body);
  });

  auto learner_route = [this](bool recommendations) {
    return [this, recommendations](const httplib::Request& req, httplib::Response& res) {
      if (!BearerOk(req, deps_.config->api_token)) return JsonError(res, 401, "bad bearer token");
      const std::string learner = req.matches[1];
      if (base::Status v = grader::ValidateLearnerName(learner); !v.ok()) {
        return JsonError(res, 404, v.message());
      }
      std::lock_guard<std::mutex> lock(reader_mutex_);
      if (recommendations) {
        auto found = deps_.queries->RecommendFor(*deps_.problems, learner, 3);
        if (!found.ok()) return JsonError(res, 500, found.status().message());
        return Json(res, 200, grader::RecommendationsJson(learner, *found));
      }
      auto history = deps_.queries->History(learner);
      if (!history.ok()) return JsonError(res, 500, history.status().message());
      if (history->submissions.empty()) {
        return JsonError(res, 404, "learner \"" + learner + "\" has no submissions");
      }
      const auto& skills = deps_.queries->skills();
      Json(res, 200,
           grader::LearnerJson(learner, *history, skills.ok() ? *skills : grader::SkillCatalog()));
    };
  };
  s.Get(R"(/v1/learners/([^/]+)/recommendations)", learner_route(true));
  s.Get(R"(/v1/learners/([^/]+))", learner_route(false));

  s.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  s.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    const std::string problem = DependenciesProblem();
    if (problem.empty()) return Json(res, 200, {{"ready", true}});
    Json(res, 503, {{"ready", false}, {"reason", problem}});
  });
  s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(reader_mutex_);
    res.set_content(deps_.metrics->Render(*deps_.reader), "text/plain; version=0.0.4");
  });
  s.Get("/.well-known/jwks.json", [this](const httplib::Request&, httplib::Response& res) {
    const std::string body = deps_.jwks ? deps_.jwks() : "";
    if (body.empty()) return JsonError(res, 404, "no JWKS configured");
    res.set_content(body, "application/json");
  });
}

}  // namespace service
