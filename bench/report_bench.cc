// Benchmarks of issue 12 (bench/report_run.sh prints the ratios), on a fresh database of
// synthetic rows inserted straight into the schema: 300 learners x 21 problems x 5 attempts,
// each attempt with the problem's real tests, a diagnosis on failed tests and a source of about
// 40 lines (a few learners copy each other, with names changed).
//   Baseline/SelectAll       a plain SELECT of every submission and test row (the baseline)
//   Report/Generate          BuildReport (similarity included) + index.html + 300 learner pages
//   Similarity/Cluster300    FindClusters over 300 submissions of one problem
#include <SQLiteCpp/SQLiteCpp.h>
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "db/store.h"
#include "grader/problem_spec.h"
#include "grader/skills.h"
#include "reports/html.h"
#include "reports/report.h"
#include "reports/similarity.h"

namespace {

namespace fs = std::filesystem;

constexpr int kLearners = 300, kAttempts = 5;

// A random expression over names and literals, of varied shape, so that learners' own code
// differs in structure (the fingerprints ignore names and literals).
std::string Expression(std::mt19937& random, int depth) {
  const char* names[] = {"x", "y", "w", "acc", "scale"};
  const char* ops[] = {" + ", " - ", " * ", " / "};
  switch (depth <= 0 ? random() % 2 : random() % 6) {
    case 0:
      return names[random() % 5];
    case 1:
      return std::to_string(random() % 100);
    case 2:
      return "(" + Expression(random, depth - 1) + ops[random() % 4] +
             Expression(random, depth - 1) + ")";
    case 3:
      return "std::exp(" + Expression(random, depth - 1) + ")";
    case 4:
      return "f(" + Expression(random, depth - 1) + ", " + Expression(random, depth - 1) + ")";
    default:
      return "v[" + Expression(random, depth - 1) + "]";
  }
}

std::string Statement(std::mt19937& random) {
  switch (random() % 4) {
    case 0:
      return "  double t" + std::to_string(random() % 9) + " = " + Expression(random, 3) + ";\n";
    case 1:
      return "  if (" + Expression(random, 2) + " < " + Expression(random, 2) +
             ") { acc += " + Expression(random, 2) + "; }\n";
    case 2:
      return "  for (int i = 0; i < " + std::to_string(random() % 9) +
             "; ++i) y *= " + Expression(random, 2) + ";\n";
    default:
      return "  while (" + Expression(random, 1) + " > 0) { x -= 1; }\n";
  }
}

// A learner's source: a common prelude plus about 20 statements of their own; every tenth
// learner copies the previous one (the same code: names and literals do not matter).
std::string SyntheticSource(const std::string& base, int learner) {
  const int author = learner % 10 == 9 ? learner - 1 : learner;
  std::mt19937 own(static_cast<unsigned>(author) * 7919u + static_cast<unsigned>(base.size()));
  std::string out = base + "\ndouble helper(double x, double y, double w) {\n  double acc = 0;\n";
  for (int line = 0; line < 20; ++line) out += Statement(own);
  return out + "  return acc;\n}\n";
}

struct Fixture {
  fs::path dir;
  std::unique_ptr<db::Store> store;
  std::vector<grader::ProblemSpec> problems;
  grader::SkillCatalog catalog;
  std::vector<reports::SimilarityInput> one_problem;
};

void Insert(Fixture& f) {
  SQLite::Database& db = f.store->database();
  SQLite::Transaction transaction(db);
  SQLite::Statement submission(
      db,
      "INSERT INTO submissions (learner, problem_id, problem_version, source_hash, source, "
      "status, score, max_score, compile_output, created_at, graded_at) VALUES (?, ?, 1, ?, ?, "
      "?, ?, ?, '', ?, ?)");
  SQLite::Statement test(db,
                         "INSERT INTO test_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', NULL, "
                         "1, 1, 1000)");
  SQLite::Statement diagnosis(db,
                              "INSERT INTO test_diagnoses VALUES (?, ?, ?, NULL, '', 'explained')");
  SQLite::Statement mastery(db,
                            "INSERT OR REPLACE INTO skill_mastery VALUES (?, ?, ?, 5, 3, ?, "
                            "'2026-12-01T00:00:00Z')");
  std::mt19937 random(12);
  for (const grader::ProblemSpec& p : f.problems) {
    const std::string base = "// " + p.id + "\n#include <Eigen/Dense>\n";
    for (int l = 0; l < kLearners; ++l) {
      const std::string learner = "learner" + std::to_string(l);
      const std::string source = SyntheticSource(base, l);
      if (p.id == f.problems.front().id) f.one_problem.push_back({learner, source});
      for (int a = 0; a < kAttempts; ++a) {
        const bool full = a >= 2 && (l + a) % 3 == 0;
        submission.reset();
        submission.bind(1, learner);
        submission.bind(2, p.id);
        submission.bind(3, learner + p.id + std::to_string(a));
        submission.bind(4, source);
        submission.bind(5, (l + a) % 17 == 0 ? "compile_error" : "graded");
        submission.bind(6, full ? p.MaxScore() : p.MaxScore() / 2);
        submission.bind(7, p.MaxScore());
        const std::string when = "2026-11-" + std::to_string(10 + a) + "T10:00:00Z";
        submission.bind(8, when);
        submission.bind(9, when);
        submission.exec();
        const int64_t id = db.getLastInsertRowid();
        for (size_t t = 0; t < p.tests.size(); ++t) {
          const bool passed = full || t % 2 == 0;
          test.reset();
          test.bind(1, id);
          test.bind(2, static_cast<int64_t>(t));
          test.bind(3, p.tests[t].name);
          test.bind(4, p.tests[t].entry);
          test.bind(5, grader::VisibilityName(p.tests[t].visibility));
          test.bind(6, passed ? "passed" : "wrong_answer");
          test.bind(7, passed ? p.tests[t].points : 0.0);
          test.bind(8, p.tests[t].points);
          test.exec();
          if (passed || p.mutants.empty()) continue;
          diagnosis.reset();
          diagnosis.bind(1, id);
          diagnosis.bind(2, static_cast<int64_t>(t));
          diagnosis.bind(3, p.mutants[(l + t) % p.mutants.size()].id);
          diagnosis.exec();
        }
        for (const std::string& skill : p.skills) {
          mastery.reset();
          mastery.bind(1, learner);
          mastery.bind(2, skill);
          mastery.bind(3, static_cast<double>(random() % 100) / 100.0);
          mastery.bind(4, id);
          mastery.exec();
        }
      }
    }
  }
  transaction.commit();
}

Fixture& Shared() {
  static Fixture* f = [] {
    auto* fixture = new Fixture;  // leaked: outlives the benchmarks and static destructors
    std::string t = (fs::temp_directory_path() / "report-bench-XXXXXX").string();
    if (mkdtemp(t.data()) == nullptr) std::abort();
    fixture->dir = t;
    auto store = db::Store::Open((fixture->dir / "grader.db").string(), db::Store::Sync::kNormal);
    auto problems = grader::ReadAllProblems(fs::path(GRADER_SOURCE_DIR) / "problems");
    auto catalog = grader::LoadSkills(fs::path(GRADER_SOURCE_DIR) / "problems");
    if (!store.ok() || !problems.ok() || !catalog.ok()) std::abort();
    fixture->store = std::move(*store);
    fixture->problems = std::move(*problems);
    fixture->catalog = std::move(*catalog);
    Insert(*fixture);
    return fixture;
  }();
  return *f;
}

void BaselineSelectAll(benchmark::State& state) {
  Fixture& f = Shared();
  for (auto _ : state) {
    int64_t rows = 0;
    SQLite::Statement s(f.store->database(), "SELECT * FROM submissions");
    while (s.executeStep()) ++rows;
    SQLite::Statement t(f.store->database(), "SELECT * FROM test_results");
    while (t.executeStep()) ++rows;
    benchmark::DoNotOptimize(rows);
    state.counters["rows"] = static_cast<double>(rows);
  }
}
BENCHMARK(BaselineSelectAll)
    ->Name("Baseline/SelectAll")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void ReportGenerate(benchmark::State& state) {
  Fixture& f = Shared();
  for (auto _ : state) {
    auto report = reports::BuildReport(*f.store, f.problems, f.catalog, reports::ReportOptions());
    if (!report.ok()) state.SkipWithError(report.status().message().c_str());
    if (!reports::WriteHtmlReport(*report, f.dir / "html").ok()) state.SkipWithError("write");
    state.counters["learners"] = static_cast<double>(report->learners.size());
    state.counters["clusters"] = static_cast<double>(report->clusters.size());
  }
}
BENCHMARK(ReportGenerate)->Name("Report/Generate")->Unit(benchmark::kMillisecond)->UseRealTime();

void Cluster300(benchmark::State& state) {
  Fixture& f = Shared();
  for (auto _ : state) {
    auto clusters = reports::FindClusters("p", f.one_problem, "#include <Eigen/Dense>\n", 0.8);
    state.counters["clusters"] = static_cast<double>(clusters.size());
  }
}
BENCHMARK(Cluster300)->Name("Similarity/Cluster300")->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
