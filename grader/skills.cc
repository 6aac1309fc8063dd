#include "grader/skills.h"

#include <toml++/toml.h>

#include <fstream>
#include <set>
#include <sstream>

namespace grader {
namespace {

using base::Status;

Status Error(const std::string& source, const std::string& key, const std::string& what) {
  return Status::InvalidArgument(source + ": " + key + " " + what);
}

// Reads the BKT fields of `table` over `params`; each is a probability in its documented range.
Status ReadParams(const toml::table& table, const std::string& source, const std::string& where,
                  db::BktParams* params) {
  struct Field {
    const char* key;
    double* value;
    double low, high;  // allowed: low < value < high (guess and slip below 0.5: else the
                       // observation would point the wrong way)
  };
  const Field fields[] = {{"prior", &params->prior, 0, 1},
                          {"learn", &params->learn, 0, 1},
                          {"guess", &params->guess, 0, 0.5},
                          {"slip", &params->slip, 0, 0.5}};
  for (const Field& f : fields) {
    const toml::node* node = table.get(f.key);
    if (node == nullptr) continue;
    if (!node->is_number()) return Error(source, where + f.key, "must be a number");
    const double v = node->value<double>().value_or(-1);
    if (!(v > f.low && v < f.high)) {
      return Error(source, where + f.key,
                   "must be in (" + std::to_string(f.low) + ", " + std::to_string(f.high) + ")");
    }
    *f.value = v;
  }
  return Status::Ok();
}

bool ValidSkillId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '+')) return false;
  }
  return true;
}

}  // namespace

const db::BktParams& SkillCatalog::Params(const std::string& id) const {
  auto it = skills.find(id);
  return it == skills.end() ? defaults : it->second.bkt;
}

std::string SkillCatalog::Description(const std::string& id) const {
  auto it = skills.find(id);
  return it == skills.end() ? "" : it->second.description;
}

bool SkillCatalog::Mastered(double p_mastery, int64_t observations) const {
  return p_mastery >= mastery_threshold && observations >= min_observations;
}

base::StatusOr<SkillCatalog> ParseSkills(const std::string& toml_text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(source + ": " + std::string(e.description()));
  }
  SkillCatalog catalog;
  for (const auto& [key, node] : root) {
    if (key.str() != "defaults" && key.str() != "skills") {
      return Error(source, std::string(key.str()), "is not a known key");
    }
  }
  if (const toml::table* defaults = root["defaults"].as_table()) {
    for (const auto& [key, node] : *defaults) {
      const std::string k(key.str());
      if (k != "prior" && k != "learn" && k != "guess" && k != "slip" && k != "mastery_threshold" &&
          k != "min_observations") {
        return Error(source, "defaults." + k, "is not a known key");
      }
    }
    RETURN_IF_ERROR(ReadParams(*defaults, source, "defaults.", &catalog.defaults));
    if (const toml::node* t = defaults->get("mastery_threshold")) {
      const double v = t->value<double>().value_or(-1);
      if (!(v > 0.5 && v < 1))
        return Error(source, "defaults.mastery_threshold", "must be in (0.5, 1)");
      catalog.mastery_threshold = v;
    }
    if (const toml::node* n = defaults->get("min_observations")) {
      const int64_t v = n->value<int64_t>().value_or(-1);
      if (!n->is_integer() || v < 1 || v > 100) {
        return Error(source, "defaults.min_observations", "must be an integer in 1..100");
      }
      catalog.min_observations = v;
    }
  }
  const toml::table* skills = root["skills"].as_table();
  if (skills == nullptr) return Error(source, "skills", "is required (a table of skill tables)");
  for (const auto& [key, node] : *skills) {
    const std::string id(key.str());
    const std::string where = "skills." + id;
    if (!ValidSkillId(id)) {
      return Error(source, where, "is not a valid skill id (lowercase letters, digits, '-', '+')");
    }
    const toml::table* table = node.as_table();
    if (table == nullptr) return Error(source, where, "must be a table");
    for (const auto& [field, value] : *table) {
      const std::string f(field.str());
      if (f != "description" && f != "prior" && f != "learn" && f != "guess" && f != "slip") {
        return Error(source, where + "." + f, "is not a known key");
      }
    }
    SkillInfo info{id,
                   table->get_as<std::string>("description")
                       ? table->get_as<std::string>("description")->get()
                       : std::string(),
                   catalog.defaults};
    if (info.description.empty()) return Error(source, where + ".description", "is required");
    RETURN_IF_ERROR(ReadParams(*table, source, where + ".", &info.bkt));
    catalog.skills[id] = std::move(info);
  }
  return catalog;
}

base::StatusOr<SkillCatalog> LoadSkills(const std::filesystem::path& problems_root) {
  const std::filesystem::path file = problems_root / "skills.toml";
  std::ifstream in(file);
  if (!in) return Status::NotFound(file.string() + " does not exist or cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  return ParseSkills(text.str(), file.string());
}

std::vector<db::SkillObservation> SkillEvidence(const ProblemSpec& problem,
                                                const GradeResult& result,
                                                const SkillCatalog& catalog) {
  std::vector<db::SkillObservation> out;
  if (result.status != SubmissionStatus::kGraded) return out;
  std::map<std::string, std::set<std::string>> wrong, right;  // skill -> sources
  for (size_t i = 0; i < result.tests.size() && i < problem.tests.size(); ++i) {
    const TestResult& t = result.tests[i];
    const TestSpec& spec = problem.tests[i];
    if (t.verdict == Verdict::kPassed) {
      for (const std::string& skill : spec.skills) right[skill].insert(spec.name);
    } else if (t.diagnosis && t.diagnosis->kind == Diagnosis::Kind::kMisconception) {
      for (const std::string& skill : t.diagnosis->skills) {
        wrong[skill].insert(t.diagnosis->misconception);
      }
    } else {
      for (const std::string& skill : spec.skills) wrong[skill].insert(spec.name);
    }
  }
  auto join = [](const std::set<std::string>& sources) {
    std::string s;
    for (const std::string& x : sources) s += (s.empty() ? "" : ",") + x;
    return s;
  };
  std::set<std::string> skills;
  for (const auto& [k, v] : wrong) skills.insert(k);
  for (const auto& [k, v] : right) skills.insert(k);
  for (const std::string& skill : skills) {
    const bool correct = wrong.count(skill) == 0;
    out.push_back(
        {skill, correct, join(correct ? right[skill] : wrong[skill]), catalog.Params(skill)});
  }
  return out;
}

}  // namespace grader
