#include "grader/cached_grade.h"

#include <sys/stat.h>

#include <fstream>
#include <optional>
#include <sstream>

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
  struct stat st{};
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

std::string NormaliseSource(std::string_view source) {
  if (source.substr(0, 3) == "\xEF\xBB\xBF") source.remove_prefix(3);
  std::string out;
  out.reserve(source.size() + 1);
  size_t line_start = 0;
  auto end_line = [&] {
    size_t end = out.size();
    while (end > line_start && (out[end - 1] == ' ' || out[end - 1] == '\t')) --end;
    out.resize(end);
    out += '\n';
    line_start = out.size();
  };
  for (size_t i = 0; i < source.size(); ++i) {
    const char c = source[i];
    if (c == '\r') {
      if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
      end_line();
    } else if (c == '\n') {
      end_line();
    } else {
      out += c;
    }
  }
  if (line_start != out.size()) end_line();
  while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') {
    out.pop_back();
  }
  if (out == "\n") out.clear();
  return out;
}

base::StatusOr<CachedGrader> CachedGrader::Create(const ProblemSpec& problem,
                                                  GradeContext context, bool use_cache,
                                                  SkillCatalog skills) {
  auto prebuilt = context.builder->Prepare(problem);
  if (!prebuilt.ok()) return prebuilt.status();
  std::ifstream toml(problem.dir / "problem.toml", std::ios::binary);
  std::stringstream toml_text;
  toml_text << toml.rdbuf();
  std::string key;
  AppendField(&key, "dlgrader result cache v1");
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

std::string CachedGrader::CacheKey(const std::string& source) const {
  std::string key = fixed_key_;
  AppendField(&key, NormaliseSource(source));
  return Sha256Hex(key);
}

base::StatusOr<GradeOutcome> CachedGrader::GradeAndRecord(
    db::Store& store, const std::string& learner, const std::string& source,
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
