#include "grader/cached_grade.h"

#include <sys/stat.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>

#include "grader/record.h"
#include "grader/secret.h"

namespace grader {
namespace {

// Appends `field` so that no two different field lists encode to the same bytes.
void AppendField(std::string* key, std::string_view field) {
  *key += std::to_string(field.size());
  *key += ':';
  *key += field;
  *key += '\n';
}

// The running grader program: a rebuilt grader (new references, comparison rules) is a new
// identity. Size and modification time, so that computing it is cheap.
std::string ProgramIdentity() {
  struct stat st {};
  if (::stat("/proc/self/exe", &st) != 0) return "unknown";
  return std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec);
}

bool Cacheable(const GradeResult& result) {
  if (result.status == SubmissionStatus::kInternalError) return false;
  for (const TestResult& t : result.tests) {
    if (t.verdict == Verdict::kTimeLimit || t.verdict == Verdict::kMemoryLimit ||
        t.verdict == Verdict::kInternalError) {
      return false;
    }
  }
  return true;
}

}  // namespace

base::StatusOr<CachedGrader> CachedGrader::Create(const ProblemSpec& problem, GradeContext context,
                                                  bool use_cache, SkillCatalog skills) {
  auto prebuilt = context.builder->Prepare(problem);
  if (!prebuilt.ok()) return prebuilt.status();
  std::ifstream toml(problem.dir / "problem.toml", std::ios::binary);
  std::stringstream toml_text;
  toml_text << toml.rdbuf();
  std::string key;
  // v2: the source is keyed on its exact bytes (v1 normalised it, which merged programs that
  // differ inside raw string literals); v1 entries are never reused.
  AppendField(&key, "dlgrader result cache v2");
  AppendField(&key, problem.id);
  AppendField(&key, std::to_string(problem.version));
  AppendField(&key, toml_text.str());
  AppendField(&key, prebuilt->key);
  AppendField(&key, context.builder->toolchain().Fingerprint());
  AppendField(&key, ProgramIdentity());
  // The secret's version, never the secret: a hash under a fixed label.
  AppendField(&key, Sha256Hex("dlgrader secret version\n" + context.secret));
  return CachedGrader(problem, std::move(context), use_cache, std::move(key), std::move(skills));
}

std::string CachedGrader::GradingIdentity() const { return Sha256Hex(fixed_key_); }

std::string CachedGrader::CacheKey(const std::string& source) const {
  std::string key = fixed_key_;
  AppendField(&key, source);
  return Sha256Hex(key);
}

base::StatusOr<GradeOutcome> CachedGrader::GradeAndRecord(db::Store& store,
                                                          const std::string& learner,
                                                          const std::string& source,
                                                          const AddLinks& add_links) const {
  const std::string key = CacheKey(source);
  GradeOutcome outcome;
  if (use_cache_) {
    auto found = store.FindCachedResult(key);
    if (!found.ok()) return found.status();
    const std::optional<int64_t> cached = *found;
    if (cached) {
      auto original = store.GetSubmission(*cached);
      if (!original.ok()) return original.status();
      db::SubmissionRecord record = *original;
      record.learner = learner;
      record.source = source;
      record.source_hash = Sha256Hex(source);
      record.created_at.clear();
      record.graded_at.clear();
      // The same result is new evidence about this learner's skills.
      record.observations = SkillEvidence(*problem_, FromRecord(record), skills_);
      db::RecordLinks links;
      if (add_links) add_links(true, &links);
      auto id = store.RecordSubmission(record, links);
      if (!id.ok()) return id.status();
      outcome.submission_id = *id;
      outcome.result = FromRecord(record);
      outcome.cache_hit = true;
      return outcome;
    }
  }
  outcome.result = GradeSubmission(*problem_, source, context_);
  const bool cacheable = use_cache_ && Cacheable(outcome.result);
  db::SubmissionRecord record = ToRecord(*problem_, learner, source, outcome.result);
  record.observations = SkillEvidence(*problem_, outcome.result, skills_);
  db::RecordLinks links;
  if (add_links) add_links(false, &links);
  if (cacheable) links.cache_key = key;
  auto id = store.RecordSubmission(record, links);
  if (!id.ok()) return id.status();
  outcome.submission_id = *id;
  return outcome;
}

}  // namespace grader
