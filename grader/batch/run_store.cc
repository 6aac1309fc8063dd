#include "grader/batch/run_store.h"

#include "grader/secret.h"

namespace grader::batch {

std::string RunKey(const ProblemSpec& problem, const std::string& grading_identity,
                   const std::vector<Submission>& submissions, const std::string& regrade) {
  std::string key = "dlgrader batch v2\n" + problem.id + "\n" + std::to_string(problem.version) +
                    "\n" + grading_identity + "\n" + regrade + "\n";
  for (const Submission& s : submissions) {
    key += std::to_string(s.learner.size()) + ":" + s.learner + std::to_string(s.file.size()) +
           ":" + s.file + (s.late ? "L" : "-") + Sha256Hex(s.source) + "\n";
  }
  return Sha256Hex(key);
}

base::StatusOr<int64_t> OpenRun(db::Store& store, const std::string& key,
                                const ProblemSpec& problem, const std::string& source,
                                const std::vector<Submission>& submissions) {
  std::vector<RunItem> items;
  items.reserve(submissions.size());
  for (size_t i = 0; i < submissions.size(); ++i) {
    RunItem item;
    item.position = static_cast<int64_t>(i);
    item.learner = submissions[i].learner;
    item.file = submissions[i].file;
    item.late = submissions[i].late;
    item.source_hash = Sha256Hex(submissions[i].source);
    items.push_back(std::move(item));
  }
  return store.OpenBatchRun(key, problem.id, source, items);
}

}  // namespace grader::batch
