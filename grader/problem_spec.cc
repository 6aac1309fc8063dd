#include "grader/problem_spec.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <thread>

#include "grader/pack_loader.h"

namespace grader {
namespace {

using base::Status;
using base::StatusOr;

// Every dimension of a generated input (docs/problem-format.md, "Limits").
constexpr int64_t kMaxDimension = 4096;
constexpr double kMaxPoints = 1000;

// Where we are in the file, for messages such as "problem.toml: tests[2].tolerance must be > 0".
struct Where {
  std::string file;
  std::string path;
  Where Key(const std::string& key) const { return {file, path.empty() ? key : path + "." + key}; }
  Where Index(size_t i) const { return {file, path + "[" + std::to_string(i) + "]"}; }
  Status Error(const std::string& what) const {
    return Status::InvalidArgument(file + ": " + (path.empty() ? "" : path + " ") + what);
  }
};

bool IsIdentifier(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  if (!(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

Status RequireOnlyKeys(const toml::table& table, const Where& where,
                       std::initializer_list<const char*> allowed) {
  for (const auto& [key, node] : table) {
    bool known =
        std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return key.str() == a; });
    if (!known) return where.Key(std::string(key.str())).Error("is not a known key");
  }
  return Status::Ok();
}

StatusOr<std::string> GetString(const toml::table& t, const Where& where, const char* key,
                                bool required, std::string fallback = "") {
  const toml::node* node = t.get(key);
  if (node == nullptr) {
    if (required) return where.Key(key).Error("is required");
    return fallback;
  }
  auto value = node->value<std::string>();
  if (!value) return where.Key(key).Error("must be a string");
  return *value;
}

StatusOr<double> GetNumber(const toml::table& t, const Where& where, const char* key,
                           double fallback) {
  const toml::node* node = t.get(key);
  if (node == nullptr) return fallback;
  if (!node->is_number()) return where.Key(key).Error("must be a number");
  return *node->value<double>();
}

StatusOr<int64_t> GetInteger(const toml::table& t, const Where& where, const char* key,
                             int64_t fallback, bool required = false) {
  const toml::node* node = t.get(key);
  if (node == nullptr) {
    if (required) return where.Key(key).Error("is required");
    return fallback;
  }
  if (!node->is_integer()) return where.Key(key).Error("must be an integer");
  return *node->value<int64_t>();
}

StatusOr<std::vector<std::string>> GetStringArray(const toml::table& t, const Where& where,
                                                  const char* key, bool required) {
  std::vector<std::string> out;
  const toml::node* node = t.get(key);
  if (node == nullptr) {
    if (required) return where.Key(key).Error("is required");
    return out;
  }
  const toml::array* array = node->as_array();
  if (array == nullptr) return where.Key(key).Error("must be an array of strings");
  for (size_t i = 0; i < array->size(); ++i) {
    auto value = array->get(i)->value<std::string>();
    if (!value) return where.Key(key).Index(i).Error("must be a string");
    out.push_back(*value);
  }
  return out;
}

// A literal dimension: decimal digits only, in 1..kMaxDimension (no sign, no overflow).
std::optional<int64_t> LiteralDimension(std::string_view text) {
  if (text.empty() || text.size() > 4 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  int64_t value = 0;
  for (char c : text) value = value * 10 + (c - '0');
  if (value < 1 || value > kMaxDimension) return std::nullopt;
  return value;
}

// One dimension of a shape, or `classes`: the name of a test's dims entry, or an integer in
// 1..kMaxDimension (written as a TOML integer or as a string of digits). Returned as the
// string ResolveShape reads.
StatusOr<std::string> ParseDimension(const toml::node& node, const Where& where) {
  const std::string rule =
      "must be a dimension name or an integer in 1.." + std::to_string(kMaxDimension);
  if (auto text = node.value<std::string>()) {
    if (IsIdentifier(*text)) return *text;
    if (auto value = LiteralDimension(*text)) return std::to_string(*value);
    return where.Error(rule + ", not \"" + text->substr(0, 40) + "\"");
  }
  if (node.is_integer()) {
    const int64_t value = *node.value<int64_t>();
    if (value >= 1 && value <= kMaxDimension) return std::to_string(value);
    return where.Error(rule + ", not " + std::to_string(value));
  }
  return where.Error(rule);
}

// forced = [{ row = 0, col = 2, value = 800.0 }, ...]: replaces the list inherited from the entry.
Status ParseForced(const toml::node& node, const Where& where, InputSpec* input) {
  const toml::array* array = node.as_array();
  if (array == nullptr) return where.Error("must be an array of { row, col, value } tables");
  input->forced.clear();
  for (size_t i = 0; i < array->size(); ++i) {
    Where fw = where.Index(i);
    const toml::table* t = array->get(i)->as_table();
    if (t == nullptr) return fw.Error("must be a table { row, col, value }");
    RETURN_IF_ERROR(RequireOnlyKeys(*t, fw, {"row", "col", "value"}));
    ForcedEntry f;
    auto row = GetInteger(*t, fw, "row", 0, /*required=*/true);
    if (!row.ok()) return row.status();
    auto col = GetInteger(*t, fw, "col", 0);
    if (!col.ok()) return col.status();
    if (*row < 0 || *col < 0) return fw.Error("row and col must be >= 0");
    if (t->get("value") == nullptr) return fw.Key("value").Error("is required");
    auto value = GetNumber(*t, fw, "value", 0.0);
    if (!value.ok()) return value.status();
    if (!std::isfinite(*value)) return fw.Key("value").Error("must be finite");
    f.row = *row;
    f.col = *col;
    f.value = *value;
    input->forced.push_back(f);
  }
  return Status::Ok();
}

// Applies the keys present in `t` to `input` (entry defaults first, then a test's overrides).
Status ApplyInputFields(const toml::table& t, const Where& where, InputSpec* input) {
  RETURN_IF_ERROR(RequireOnlyKeys(t, where,
                                  {"shape", "kind", "dist", "mean", "scale", "low", "high", "value",
                                   "zeros", "classes", "forced"}));
  if (const toml::node* shape = t.get("shape")) {
    const toml::array* array = shape->as_array();
    if (array == nullptr || array->size() > 2) {
      return where.Key("shape").Error("must be an array of at most 2 dimensions");
    }
    input->shape.clear();
    for (size_t i = 0; i < array->size(); ++i) {
      auto dim = ParseDimension(*array->get(i), where.Key("shape").Index(i));
      if (!dim.ok()) return dim.status();
      input->shape.push_back(*dim);
    }
    input->kind = input->shape.empty()       ? reference::TensorKind::kScalar
                  : input->shape.size() == 1 ? reference::TensorKind::kVector
                                             : reference::TensorKind::kMatrix;
  }
  auto kind = GetString(t, where, "kind", false, "");
  if (!kind.ok()) return kind.status();
  if (*kind == "labels") {
    if (input->shape.size() != 1) return where.Key("kind").Error("labels need a 1-d shape");
    input->kind = reference::TensorKind::kLabels;
  } else if (!kind->empty() && *kind != "tensor") {
    return where.Key("kind").Error("must be \"tensor\" or \"labels\", not \"" + *kind + "\"");
  }
  auto dist = GetString(t, where, "dist", false, input->distribution);
  if (!dist.ok()) return dist.status();
  if (*dist != "normal" && *dist != "uniform" && *dist != "constant") {
    return where.Key("dist").Error("must be \"normal\", \"uniform\" or \"constant\", not \"" +
                                   *dist + "\"");
  }
  input->distribution = *dist;
  struct NumberField {
    const char* key;
    double* field;
  };
  for (NumberField f : {NumberField{"mean", &input->mean}, NumberField{"scale", &input->scale},
                        NumberField{"low", &input->low}, NumberField{"high", &input->high},
                        NumberField{"value", &input->value}, NumberField{"zeros", &input->zeros}}) {
    auto v = GetNumber(t, where, f.key, *f.field);
    if (!v.ok()) return v.status();
    if (!std::isfinite(*v)) return where.Key(f.key).Error("must be finite");
    *f.field = *v;
  }
  if (input->scale <= 0) return where.Key("scale").Error("must be > 0");
  if (input->low >= input->high) return where.Key("low").Error("must be < high");
  if (input->zeros < 0 || input->zeros > 1) return where.Key("zeros").Error("must be in [0, 1]");
  if (const toml::node* classes = t.get("classes")) {
    auto dim = ParseDimension(*classes, where.Key("classes"));
    if (!dim.ok()) return dim.status();
    input->classes = *dim;
  }
  if (input->kind == reference::TensorKind::kLabels && input->classes.empty()) {
    return where.Key("classes").Error("is required for labels");
  }
  if (const toml::node* forced = t.get("forced")) {
    RETURN_IF_ERROR(ParseForced(*forced, where.Key("forced"), input));
  }
  return Status::Ok();
}

// The bounds of forced entries need the test's dims, so they are checked per test.
Status CheckForcedInShape(const InputSpec& input, const ResolvedShape& shape, const TestSpec& test,
                          const Where& where) {
  std::set<std::pair<int64_t, int64_t>> seen;
  for (size_t i = 0; i < input.forced.size(); ++i) {
    const ForcedEntry& f = input.forced[i];
    Where fw = where.Key("inputs").Key(input.name).Key("forced").Index(i);
    if (f.row >= shape.rows || f.col >= shape.cols) {
      return fw.Error("is outside the " + std::to_string(shape.rows) + "x" +
                      std::to_string(shape.cols) + " input");
    }
    if (!seen.insert({f.row, f.col}).second) return fw.Error("repeats a position");
    if (input.kind == reference::TensorKind::kLabels) {
      const int64_t classes = test.dims.at(input.classes);
      if (f.value != std::floor(f.value) || f.value < 0 ||
          f.value >= static_cast<double>(classes)) {
        return fw.Key("value").Error("must be a label in [0, " + std::to_string(classes) + ")");
      }
    }
  }
  return Status::Ok();
}

// gradient_of = { forward = "f", upstream = { Y = "dY" }, inputs = { dX = "X" } }; the names are
// checked against the entries by CheckGradientOf once every entry is parsed.
Status ParseGradientOf(const toml::node* node, const Where& where, EntrySpec* entry) {
  const toml::table* t = node->as_table();
  if (t == nullptr) return where.Error("must be a table");
  RETURN_IF_ERROR(RequireOnlyKeys(*t, where, {"forward", "upstream", "inputs"}));
  GradientOf g;
  auto forward = GetString(*t, where, "forward", true);
  if (!forward.ok()) return forward.status();
  g.forward = *forward;
  for (const char* key : {"upstream", "inputs"}) {
    const toml::table* map = t->get(key) ? t->get(key)->as_table() : nullptr;
    if (map == nullptr || map->empty())
      return where.Key(key).Error("is required: a table of names");
    for (const auto& [k, v] : *map) {
      if (!v.is_string()) return where.Key(key).Key(std::string(k.str())).Error("must be a string");
      (std::string(key) == "upstream" ? g.upstream : g.inputs)[std::string(k.str())] =
          *v.value<std::string>();
    }
  }
  entry->gradient_of = std::move(g);
  return Status::Ok();
}

bool HasInput(const EntrySpec& e, const std::string& name) {
  for (const InputSpec& i : e.inputs) {
    if (i.name == name) return true;
  }
  return false;
}

bool HasOutput(const EntrySpec& e, const std::string& name) {
  return std::find(e.outputs.begin(), e.outputs.end(), name) != e.outputs.end();
}

Status CheckGradientOf(const ProblemSpec& problem, const EntrySpec& entry, const Where& where) {
  const GradientOf& g = *entry.gradient_of;
  const EntrySpec* forward = problem.FindEntry(g.forward);
  if (forward == nullptr)
    return where.Key("forward").Error("names no entry: \"" + g.forward + "\"");
  for (const auto& [out, up] : g.upstream) {
    if (!HasOutput(*forward, out))
      return where.Key("upstream").Error("\"" + out + "\" is not an output of " + g.forward);
    if (!HasInput(entry, up))
      return where.Key("upstream").Error("\"" + up + "\" is not an input of this entry");
  }
  for (const auto& [out, in] : g.inputs) {
    if (!HasOutput(entry, out))
      return where.Key("inputs").Error("\"" + out + "\" is not an output of this entry");
    if (!HasInput(*forward, in))
      return where.Key("inputs").Error("\"" + in + "\" is not an input of " + g.forward);
  }
  return Status::Ok();
}

StatusOr<EntrySpec> ParseEntry(const std::string& name, const toml::table& t, const Where& where) {
  RETURN_IF_ERROR(RequireOnlyKeys(t, where, {"signature", "inputs", "outputs", "gradient_of"}));
  if (!IsIdentifier(name)) return where.Error("entry name must be a C++ identifier");
  EntrySpec entry;
  entry.name = name;
  auto signature = GetString(t, where, "signature", true);
  if (!signature.ok()) return signature.status();
  entry.signature = *signature;
  auto outputs = GetStringArray(t, where, "outputs", true);
  if (!outputs.ok()) return outputs.status();
  if (outputs->empty()) return where.Key("outputs").Error("must name at least one output");
  entry.outputs = *outputs;
  const toml::table* inputs = t.get("inputs") ? t.get("inputs")->as_table() : nullptr;
  if (inputs == nullptr) return where.Key("inputs").Error("is required and must be a table");
  for (const auto& [key, node] : *inputs) {
    Where input_where = where.Key("inputs").Key(std::string(key.str()));
    const toml::table* input_table = node.as_table();
    if (input_table == nullptr) return input_where.Error("must be a table");
    InputSpec input;
    input.name = std::string(key.str());
    if (!IsIdentifier(input.name)) return input_where.Error("name must be an identifier");
    if (input_table->get("shape") == nullptr) return input_where.Key("shape").Error("is required");
    RETURN_IF_ERROR(ApplyInputFields(*input_table, input_where, &input));
    entry.inputs.push_back(std::move(input));
  }
  if (const toml::node* g = t.get("gradient_of")) {
    RETURN_IF_ERROR(ParseGradientOf(g, where.Key("gradient_of"), &entry));
  }
  return entry;
}

StatusOr<TestSpec> ParseTest(const toml::table& t, const Where& where, const ProblemSpec& problem) {
  RETURN_IF_ERROR(RequireOnlyKeys(t, where,
                                  {"name", "entry", "visibility", "points", "seed", "tolerance",
                                   "floor", "dims", "inputs", "skills", "allow_equal_dims"}));
  TestSpec test;
  auto name = GetString(t, where, "name", true);
  if (!name.ok()) return name.status();
  test.name = *name;
  if (!IsIdentifier(test.name)) return where.Key("name").Error("must be an identifier");
  auto entry_name = GetString(t, where, "entry", true);
  if (!entry_name.ok()) return entry_name.status();
  const EntrySpec* entry = problem.FindEntry(*entry_name);
  if (entry == nullptr) {
    return where.Key("entry").Error("names unknown entry \"" + *entry_name + "\"");
  }
  test.entry = *entry_name;
  auto visibility = GetString(t, where, "visibility", true);
  if (!visibility.ok()) return visibility.status();
  if (*visibility == "visible") {
    test.visibility = Visibility::kVisible;
  } else if (*visibility == "hidden") {
    test.visibility = Visibility::kHidden;
  } else {
    return where.Key("visibility")
        .Error("must be \"visible\" or \"hidden\", not \"" + *visibility + "\"");
  }
  auto points = GetNumber(t, where, "points", 1.0);
  if (!points.ok()) return points.status();
  // Bounded, so that a class's totals stay exact and one test cannot outweigh the rest.
  if (!(*points > 0) || !(*points <= kMaxPoints)) {
    return where.Key("points").Error("must be > 0 and <= " +
                                     std::to_string(static_cast<int>(kMaxPoints)));
  }
  test.points = *points;
  auto tolerance = GetNumber(t, where, "tolerance", 1e-7);
  if (!tolerance.ok()) return tolerance.status();
  if (!(*tolerance > 0) || *tolerance >= 1) {
    return where.Key("tolerance").Error("must be > 0 and < 1");
  }
  test.tolerance = *tolerance;
  auto floor = GetNumber(t, where, "floor", 1e-6);
  if (!floor.ok()) return floor.status();
  if (!(*floor > 0)) return where.Key("floor").Error("must be > 0");
  test.floor = *floor;
  if (t.get("seed") != nullptr) {
    if (test.visibility == Visibility::kHidden) {
      return where.Key("seed").Error(
          "must not be set on a hidden test (hidden seeds come from the deployment secret)");
    }
    auto seed = GetInteger(t, where, "seed", 0);
    if (!seed.ok()) return seed.status();
    if (*seed < 0) return where.Key("seed").Error("must be >= 0");
    test.seed = static_cast<uint64_t>(*seed);
  } else if (test.visibility == Visibility::kVisible) {
    return where.Key("seed").Error("is required on a visible test");
  }
  auto skills = GetStringArray(t, where, "skills", false);
  if (!skills.ok()) return skills.status();
  test.skills = skills->empty() ? problem.skills : *skills;

  const toml::table* dims = t.get("dims") ? t.get("dims")->as_table() : nullptr;
  if (t.get("dims") != nullptr && dims == nullptr)
    return where.Key("dims").Error("must be a table");
  if (dims != nullptr) {
    for (const auto& [key, node] : *dims) {
      auto value = node.value<int64_t>();
      if (!node.is_integer() || *value < 1 || *value > kMaxDimension) {
        return where.Key("dims")
            .Key(std::string(key.str()))
            .Error("must be an integer in 1.." + std::to_string(kMaxDimension));
      }
      test.dims[std::string(key.str())] = *value;
    }
  }
  const toml::node* allow_equal = t.get("allow_equal_dims");
  if (allow_equal != nullptr && !allow_equal->is_boolean()) {
    return where.Key("allow_equal_dims").Error("must be true or false");
  }
  if (allow_equal == nullptr || !*allow_equal->value<bool>()) {
    // Distinct dimensions >= 3 keep transposes, wrong axes and 1/N factors from passing.
    std::set<int64_t> seen;
    for (const auto& [dim, value] : test.dims) {
      if (value < 3) {
        return where.Key("dims").Key(dim).Error(
            "must be >= 3 (set allow_equal_dims = true to allow it)");
      }
      if (!seen.insert(value).second) {
        return where.Key("dims").Error(
            "must be pairwise distinct (set allow_equal_dims = true to allow equal ones)");
      }
    }
  }

  test.inputs = entry->inputs;
  const toml::node* overrides_node = t.get("inputs");
  if (overrides_node != nullptr) {
    const toml::table* overrides = overrides_node->as_table();
    if (overrides == nullptr) return where.Key("inputs").Error("must be a table");
    for (const auto& [key, node] : *overrides) {
      Where input_where = where.Key("inputs").Key(std::string(key.str()));
      auto it = std::find_if(test.inputs.begin(), test.inputs.end(),
                             [&](const InputSpec& in) { return in.name == key.str(); });
      if (it == test.inputs.end()) {
        return input_where.Error("is not an input of entry \"" + test.entry + "\"");
      }
      if (node.as_table() == nullptr) return input_where.Error("must be a table");
      RETURN_IF_ERROR(ApplyInputFields(*node.as_table(), input_where, &*it));
    }
  }
  for (const InputSpec& input : test.inputs) {
    auto shape = ResolveShape(input, test);
    if (!shape.ok()) return where.Error(shape.status().message());
    RETURN_IF_ERROR(CheckForcedInShape(input, *shape, test, where));
  }
  return test;
}

}  // namespace

const char* VisibilityName(Visibility v) { return v == Visibility::kHidden ? "hidden" : "visible"; }

const EntrySpec* ProblemSpec::FindEntry(const std::string& name) const {
  for (const EntrySpec& e : entries) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

double ProblemSpec::MaxScore() const {
  double total = 0;
  for (const TestSpec& t : tests) total += t.points;
  return total;
}

base::StatusOr<ResolvedShape> ResolveShape(const InputSpec& input, const TestSpec& test) {
  auto dim = [&](const std::string& name) -> base::StatusOr<int64_t> {
    if (!name.empty() && std::isdigit(static_cast<unsigned char>(name[0]))) {
      if (auto value = LiteralDimension(name)) return *value;
      return Status::InvalidArgument("input \"" + input.name + "\" has dimension \"" +
                                     name.substr(0, 40) + "\", not in 1.." +
                                     std::to_string(kMaxDimension));
    }
    auto it = test.dims.find(name);
    if (it == test.dims.end()) {
      return Status::InvalidArgument("input \"" + input.name + "\" uses dimension \"" + name +
                                     "\", which dims does not define");
    }
    return it->second;
  };
  ResolvedShape shape;
  if (input.shape.size() >= 1) {
    auto rows = dim(input.shape[0]);
    if (!rows.ok()) return rows.status();
    shape.rows = *rows;
  }
  if (input.shape.size() == 2) {
    auto cols = dim(input.shape[1]);
    if (!cols.ok()) return cols.status();
    shape.cols = *cols;
  }
  if (input.kind == reference::TensorKind::kLabels) {
    auto classes = dim(input.classes);
    if (!classes.ok()) return classes.status();
    shape.classes = *classes;
  }
  return shape;
}

namespace {

Status ParseMutants(const toml::table& root, const Where& where, ProblemSpec* problem) {
  const toml::node* node = root.get("mutants");
  if (node == nullptr) return Status::Ok();
  const toml::array* mutants = node->as_array();
  if (mutants == nullptr)
    return where.Key("mutants").Error("must be an array of [[mutants]] tables");
  std::set<std::string> ids;
  for (size_t i = 0; i < mutants->size(); ++i) {
    Where mw = where.Key("mutants").Index(i);
    const toml::table* t = mutants->get(i)->as_table();
    if (t == nullptr) return mw.Error("must be a table");
    RETURN_IF_ERROR(RequireOnlyKeys(*t, mw, {"id", "entry", "skills", "explanation"}));
    MutantSpec mutant;
    auto id = GetString(*t, mw, "id", true);
    if (!id.ok()) return id.status();
    if (!IsIdentifier(*id)) return mw.Key("id").Error("must be an identifier");
    if (!ids.insert(*id).second) return mw.Key("id").Error("\"" + *id + "\" is used twice");
    mutant.id = *id;
    auto entry = GetString(*t, mw, "entry", true);
    if (!entry.ok()) return entry.status();
    if (problem->FindEntry(*entry) == nullptr) {
      return mw.Key("entry").Error("names no entry: \"" + *entry + "\"");
    }
    mutant.entry = *entry;
    auto skills = GetStringArray(*t, mw, "skills", true);
    if (!skills.ok()) return skills.status();
    mutant.skills = *skills;
    auto explanation = GetString(*t, mw, "explanation", true);
    if (!explanation.ok()) return explanation.status();
    mutant.explanation = *explanation;
    problem->mutants.push_back(std::move(mutant));
  }
  return Status::Ok();
}

}  // namespace

base::StatusOr<ProblemSpec> ParseProblem(const std::string& toml_text,
                                         const std::string& source_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    std::ostringstream message;
    message << source_name << ":" << e.source().begin.line << ":" << e.source().begin.column << ": "
            << e.description();
    return Status::InvalidArgument(message.str());
  }
  Where where{source_name, ""};
  RETURN_IF_ERROR(RequireOnlyKeys(root, where,
                                  {"id", "title", "version", "skills", "prerequisites", "limits",
                                   "entries", "tests", "mutants"}));
  ProblemSpec problem;
  auto id = GetString(root, where, "id", true);
  if (!id.ok()) return id.status();
  if (!IsIdentifier(*id)) return where.Key("id").Error("must be a C++ identifier");
  problem.id = *id;
  auto title = GetString(root, where, "title", true);
  if (!title.ok()) return title.status();
  problem.title = *title;
  auto version = GetInteger(root, where, "version", 1, /*required=*/true);
  if (!version.ok()) return version.status();
  if (*version < 1) return where.Key("version").Error("must be >= 1");
  problem.version = *version;
  auto skills = GetStringArray(root, where, "skills", true);
  if (!skills.ok()) return skills.status();
  problem.skills = *skills;
  auto prerequisites = GetStringArray(root, where, "prerequisites", false);
  if (!prerequisites.ok()) return prerequisites.status();
  problem.prerequisites = *prerequisites;

  if (const toml::node* limits_node = root.get("limits")) {
    const toml::table* limits = limits_node->as_table();
    Where lw = where.Key("limits");
    if (limits == nullptr) return lw.Error("must be a table");
    RETURN_IF_ERROR(RequireOnlyKeys(*limits, lw, {"cpu_time_ms", "wall_time_ms", "memory_mb"}));
    auto cpu = GetInteger(*limits, lw, "cpu_time_ms", problem.limits.cpu_time.count());
    auto wall = GetInteger(*limits, lw, "wall_time_ms", problem.limits.wall_time.count());
    auto memory = GetInteger(*limits, lw, "memory_mb", problem.limits.memory_bytes >> 20);
    if (!cpu.ok()) return cpu.status();
    if (!wall.ok()) return wall.status();
    if (!memory.ok()) return memory.status();
    if (*cpu < 10 || *cpu > 60000) return lw.Key("cpu_time_ms").Error("must be in 10..60000");
    if (*wall < *cpu || *wall > 120000) {
      return lw.Key("wall_time_ms").Error("must be >= cpu_time_ms and <= 120000");
    }
    if (*memory < 16 || *memory > 4096) return lw.Key("memory_mb").Error("must be in 16..4096");
    problem.limits.cpu_time = std::chrono::milliseconds(*cpu);
    problem.limits.wall_time = std::chrono::milliseconds(*wall);
    problem.limits.memory_bytes = *memory << 20;
  }

  const toml::table* entries = root.get("entries") ? root.get("entries")->as_table() : nullptr;
  if (entries == nullptr || entries->empty()) {
    return where.Key("entries").Error("is required and must define at least one entry");
  }
  for (const auto& [key, node] : *entries) {
    Where ew = where.Key("entries").Key(std::string(key.str()));
    if (node.as_table() == nullptr) return ew.Error("must be a table");
    auto entry = ParseEntry(std::string(key.str()), *node.as_table(), ew);
    if (!entry.ok()) return entry.status();
    problem.entries.push_back(std::move(*entry));
  }
  for (const EntrySpec& e : problem.entries) {
    if (!e.gradient_of) continue;
    RETURN_IF_ERROR(
        CheckGradientOf(problem, e, where.Key("entries").Key(e.name).Key("gradient_of")));
  }

  RETURN_IF_ERROR(ParseMutants(root, where, &problem));

  const toml::array* tests = root.get("tests") ? root.get("tests")->as_array() : nullptr;
  if (tests == nullptr || tests->empty()) {
    return where.Key("tests").Error("is required: add at least one [[tests]] table");
  }
  std::set<std::string> test_names;
  for (size_t i = 0; i < tests->size(); ++i) {
    Where tw = where.Key("tests").Index(i);
    const toml::table* test_table = tests->get(i)->as_table();
    if (test_table == nullptr) return tw.Error("must be a table");
    auto test = ParseTest(*test_table, tw, problem);
    if (!test.ok()) return test.status();
    if (!test_names.insert(test->name).second) {
      return tw.Key("name").Error("\"" + test->name + "\" is used by another test");
    }
    problem.tests.push_back(std::move(*test));
  }
  return problem;
}

base::StatusOr<ProblemSpec> ReadProblem(const std::filesystem::path& dir) {
  const std::filesystem::path file = dir / "problem.toml";
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::NotFound(file.string() + ": cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  auto problem = ParseProblem(text.str(), file.string());
  if (!problem.ok()) return problem.status();
  if (problem->id != dir.filename().string()) {
    return Status::InvalidArgument(file.string() + ": id \"" + problem->id +
                                   "\" must equal the folder name \"" + dir.filename().string() +
                                   "\"");
  }
  problem->dir = dir;
  return problem;
}

base::StatusOr<ProblemSpec> LoadProblem(const std::filesystem::path& dir) {
  auto problem = ReadProblem(dir);
  if (!problem.ok()) return problem.status();
  if (IsPack(problem->dir)) RETURN_IF_ERROR(LoadPack(*problem));
  return problem;
}

base::StatusOr<std::vector<ProblemSpec>> ReadAllProblems(const std::filesystem::path& root) {
  std::vector<ProblemSpec> problems;
  std::error_code ec;
  std::filesystem::directory_iterator it(root, ec);
  if (ec) return Status::NotFound(root.string() + ": cannot list problems: " + ec.message());
  for (const auto& entry : it) {
    if (!entry.is_directory() || !std::filesystem::exists(entry.path() / "problem.toml")) continue;
    auto problem = ReadProblem(entry.path());
    if (!problem.ok()) return problem.status();
    problems.push_back(std::move(*problem));
  }
  std::sort(problems.begin(), problems.end(),
            [](const ProblemSpec& a, const ProblemSpec& b) { return a.id < b.id; });
  return problems;
}

base::StatusOr<std::vector<ProblemSpec>> LoadAllProblems(const std::filesystem::path& root) {
  auto problems = ReadAllProblems(root);
  if (!problems.ok()) return problems.status();
  // Packs missing from the caches compile in parallel; loading them afterwards is cheap.
  RETURN_IF_ERROR(PrebuildPacks(*problems, static_cast<int>(std::thread::hardware_concurrency())));
  for (const ProblemSpec& problem : *problems) {
    if (IsPack(problem.dir)) RETURN_IF_ERROR(LoadPack(problem));
  }
  return problems;
}

}  // namespace grader
