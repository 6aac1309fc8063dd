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
Status CheckForcedInShape(const InputSpec& input, const ResolvedShape& shape, const Where& where) {
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
      // Resolved like a shape's dimension: a dims name or a literal (`classes = 2`).
      const int64_t classes = shape.classes;
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

// Keys every entry has, and the keys of each call pattern (docs/problem-format.md).
const std::map<std::string, std::set<std::string>>& PatternKeys() {
  static const auto* keys = new std::map<std::string, std::set<std::string>>{
      {"call", {"pack", "from"}},
      {"mode", {"pack", "from", "constants"}},
      {"sequence", {"pack", "from", "steps", "carry", "per_step", "zeros_like"}},
      {"sweep", {"pack", "sweep", "until", "past", "require_less"}},
      {"list", {"pack", "from", "list", "items"}},
      {"custom", {}},
  };
  return *keys;
}

StatusOr<std::map<std::string, std::string>> GetStringTable(const toml::table& t,
                                                            const Where& where, const char* key) {
  std::map<std::string, std::string> out;
  const toml::node* node = t.get(key);
  if (node == nullptr) return out;
  const toml::table* table = node->as_table();
  if (table == nullptr) return where.Key(key).Error("must be a table of strings");
  for (const auto& [k, v] : *table) {
    if (!v.is_string()) return where.Key(key).Key(std::string(k.str())).Error("must be a string");
    out[std::string(k.str())] = *v.value<std::string>();
  }
  return out;
}

StatusOr<EntrySpec> ParseEntry(const std::string& name, const toml::table& t, const Where& where) {
  auto pattern = GetString(t, where, "pattern", true);
  if (!pattern.ok()) return pattern.status();
  auto keys = PatternKeys().find(*pattern);
  if (keys == PatternKeys().end()) {
    return where.Key("pattern").Error(
        "must be \"call\", \"mode\", \"sequence\", \"sweep\", \"list\" or \"custom\", not \"" +
        *pattern + "\"");
  }
  for (const auto& [key, node] : t) {
    const std::string k(key.str());
    if (k == "pattern" || k == "function" || k == "inputs" || k == "outputs" ||
        k == "gradient_of" || k == "scoring" || k == "limits" || keys->second.count(k) > 0) {
      continue;
    }
    return where.Key(k).Error("is not a known key of pattern \"" + *pattern + "\"");
  }
  if (!IsIdentifier(name)) return where.Error("entry name must be a C++ identifier");
  EntrySpec entry;
  entry.name = name;
  entry.pattern = *pattern;
  auto function = GetString(t, where, "function", true);
  if (!function.ok()) return function.status();
  entry.function = *function;
  if (const toml::node* pack = t.get("pack")) {
    const toml::table* table = pack->as_table();
    if (table == nullptr)
      return where.Key("pack").Error("must be a table of arrays of input names");
    for (const auto& [k, v] : *table) {
      auto names = GetStringArray(*table, where.Key("pack"), std::string(k.str()).c_str(), true);
      if (!names.ok()) return names.status();
      entry.pack[std::string(k.str())] = *names;
    }
  }
  if (const toml::node* constants = t.get("constants")) {
    const toml::table* table = constants->as_table();
    if (table == nullptr || table->empty()) {
      return where.Key("constants").Error("must be a table of param = value");
    }
    for (const auto& [k, v] : *table) {
      std::string literal;
      if (auto b = v.value_exact<bool>()) {
        literal = *b ? "true" : "false";
      } else if (auto i = v.value_exact<int64_t>()) {
        literal = std::to_string(*i);
      } else if (auto d = v.value_exact<double>(); d && std::isfinite(*d)) {
        std::ostringstream text;
        text.precision(17);
        text << *d;
        literal = text.str();
        if (literal.find_first_of(".e") == std::string::npos) literal += ".0";
      } else {
        return where.Key("constants")
            .Key(std::string(k.str()))
            .Error("must be true, false or a finite number");
      }
      entry.constants[std::string(k.str())] = literal;
    }
  } else if (entry.pattern == "mode") {
    return where.Key("constants").Error("is required by pattern \"mode\"");
  }
  auto from = GetStringTable(t, where, "from");
  if (!from.ok()) return from.status();
  entry.from = *from;
  auto carry = GetStringTable(t, where, "carry");
  if (!carry.ok()) return carry.status();
  entry.carry = *carry;
  auto per_step = GetStringArray(t, where, "per_step", false);
  if (!per_step.ok()) return per_step.status();
  entry.per_step = *per_step;
  auto require_less = GetStringArray(t, where, "require_less", false);
  if (!require_less.ok()) return require_less.status();
  if (!require_less->empty() && require_less->size() != 2) {
    return where.Key("require_less").Error("must name two paths [a, b]");
  }
  entry.require_less = *require_less;
  for (auto [key, field] : {std::pair<const char*, std::string*>{"zeros_like", &entry.zeros_like},
                            {"sweep", &entry.sweep},
                            {"until", &entry.until},
                            {"list", &entry.list},
                            {"items", &entry.items}}) {
    auto value = GetString(t, where, key, false);
    if (!value.ok()) return value.status();
    *field = *value;
  }
  if (entry.pattern == "sequence") {
    auto steps = GetInteger(t, where, "steps", 0, /*required=*/true);
    if (!steps.ok()) return steps.status();
    if (*steps < 1 || *steps > 100) return where.Key("steps").Error("must be in 1..100");
    entry.steps = static_cast<int>(*steps);
    if (entry.carry.empty()) return where.Key("carry").Error("is required by pattern \"sequence\"");
  }
  if (entry.pattern == "sweep") {
    if (entry.sweep.empty()) return where.Key("sweep").Error("is required by pattern \"sweep\"");
    if (entry.until.empty()) return where.Key("until").Error("is required by pattern \"sweep\"");
    auto past = GetInteger(t, where, "past", 0);
    if (!past.ok()) return past.status();
    if (*past < 0 || *past > 100) return where.Key("past").Error("must be in 0..100");
    entry.past = static_cast<int>(*past);
  }
  if (entry.pattern == "list" && entry.list.empty()) {
    return where.Key("list").Error("is required by pattern \"list\"");
  }
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

// [limits] of the problem or of an entry; keys not given keep `defaults`.
StatusOr<ProblemLimits> ParseLimits(const toml::node& node, const Where& lw,
                                    const ProblemLimits& defaults) {
  const toml::table* limits = node.as_table();
  if (limits == nullptr) return lw.Error("must be a table");
  RETURN_IF_ERROR(RequireOnlyKeys(*limits, lw, {"cpu_time_ms", "wall_time_ms", "memory_mb"}));
  auto cpu = GetInteger(*limits, lw, "cpu_time_ms", defaults.cpu_time.count());
  auto wall = GetInteger(*limits, lw, "wall_time_ms", defaults.wall_time.count());
  auto memory = GetInteger(*limits, lw, "memory_mb", defaults.memory_bytes >> 20);
  if (!cpu.ok()) return cpu.status();
  if (!wall.ok()) return wall.status();
  if (!memory.ok()) return memory.status();
  if (*cpu < 10 || *cpu > 60000) return lw.Key("cpu_time_ms").Error("must be in 10..60000");
  if (*wall < *cpu || *wall > 120000) {
    return lw.Key("wall_time_ms").Error("must be >= cpu_time_ms and <= 120000");
  }
  if (*memory < 16 || *memory > 4096) return lw.Key("memory_mb").Error("must be in 16..4096");
  ProblemLimits out;
  out.cpu_time = std::chrono::milliseconds(*cpu);
  out.wall_time = std::chrono::milliseconds(*wall);
  out.memory_bytes = *memory << 20;
  return out;
}

// scoring = { metric, data, output, target, tiers = [{ at, credit }, ...] } of a training entry.
StatusOr<ScoringSpec> ParseScoring(const toml::node& node, const Where& sw,
                                   const EntrySpec& entry) {
  const toml::table* t = node.as_table();
  if (t == nullptr) return sw.Error("must be a table");
  RETURN_IF_ERROR(RequireOnlyKeys(*t, sw, {"metric", "data", "output", "target", "tiers"}));
  ScoringSpec spec;
  auto metric = GetString(*t, sw, "metric", true);
  if (!metric.ok()) return metric.status();
  auto parsed = MetricFromName(*metric);
  if (!parsed) {
    return sw.Key("metric").Error("must be \"accuracy\" or \"bits_per_char\", not \"" + *metric +
                                  "\"");
  }
  spec.metric = *parsed;
  for (auto [key, field] : {std::pair<const char*, std::string*>{"data", &spec.data},
                            {"output", &spec.output},
                            {"target", &spec.target}}) {
    auto value = GetString(*t, sw, key, true);
    if (!value.ok()) return value.status();
    if (!IsIdentifier(*value)) return sw.Key(key).Error("must be an identifier");
    *field = *value;
  }
  if (!HasOutput(entry, spec.output)) {
    return sw.Key("output").Error("\"" + spec.output + "\" is not an output of the entry");
  }
  if (HasInput(entry, spec.target)) {
    return sw.Key("target").Error("\"" + spec.target +
                                  "\" is an input of the entry: the target never reaches the "
                                  "program, so it must not be one");
  }
  const toml::array* tiers = t->get("tiers") ? t->get("tiers")->as_array() : nullptr;
  if (tiers == nullptr) return sw.Key("tiers").Error("is required: an array of { at, credit }");
  for (size_t i = 0; i < tiers->size(); ++i) {
    Where tw = sw.Key("tiers").Index(i);
    const toml::table* tier = tiers->get(i)->as_table();
    if (tier == nullptr) return tw.Error("must be a table { at = ..., credit = ... }");
    RETURN_IF_ERROR(RequireOnlyKeys(*tier, tw, {"at", "credit"}));
    if (tier->get("at") == nullptr) return tw.Key("at").Error("is required");
    if (tier->get("credit") == nullptr) return tw.Key("credit").Error("is required");
    auto at = GetNumber(*tier, tw, "at", 0.0);
    if (!at.ok()) return at.status();
    auto credit = GetNumber(*tier, tw, "credit", 0.0);
    if (!credit.ok()) return credit.status();
    spec.tiers.push_back({*at, *credit});
  }
  if (base::Status s = CheckTiers(spec.metric, spec.tiers); !s.ok()) {
    return sw.Error(s.message());
  }
  return spec;
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
  test.limits = entry->limits.value_or(problem.limits);
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
    RETURN_IF_ERROR(CheckForcedInShape(input, *shape, where));
  }
  return test;
}

// The tables of `t` in the order they appear in the file (toml++ sorts a table's keys).
std::vector<std::pair<std::string, const toml::node*>> InFileOrder(const toml::table& t) {
  std::vector<std::pair<std::string, const toml::node*>> out;
  for (const auto& [key, node] : t) out.emplace_back(std::string(key.str()), &node);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    const auto& sa = a.second->source().begin;
    const auto& sb = b.second->source().begin;
    return sa.line != sb.line ? sa.line < sb.line : sa.column < sb.column;
  });
  return out;
}

// params = [{ name = "Z", type = "matrix" }] or fields = [{ name, type, doc, default }].
StatusOr<std::vector<TypedName>> ParseTypedNames(const toml::table& t, const Where& where,
                                                 const char* key, bool fields) {
  std::vector<TypedName> out;
  const toml::node* node = t.get(key);
  if (node == nullptr) return where.Key(key).Error("is required");
  const toml::array* array = node->as_array();
  if (array == nullptr) return where.Key(key).Error("must be an array of { name, type } tables");
  std::set<std::string> names;
  for (size_t i = 0; i < array->size(); ++i) {
    Where w = where.Key(key).Index(i);
    const toml::table* item = array->get(i)->as_table();
    if (item == nullptr) return w.Error("must be a table { name, type }");
    if (fields) {
      RETURN_IF_ERROR(RequireOnlyKeys(*item, w, {"name", "type", "doc", "default"}));
    } else {
      RETURN_IF_ERROR(RequireOnlyKeys(*item, w, {"name", "type"}));
    }
    TypedName tn;
    for (auto [k, field] : {std::pair<const char*, std::string*>{"name", &tn.name},
                            {"type", &tn.type},
                            {"doc", &tn.doc},
                            {"default", &tn.default_value}}) {
      auto value = GetString(*item, w, k, std::string(k) == "name" || std::string(k) == "type");
      if (!value.ok()) return value.status();
      *field = *value;
    }
    if (!IsIdentifier(tn.name)) return w.Key("name").Error("must be a C++ identifier");
    if (!fields &&
        (tn.name == "in" || tn.name == "entry" || tn.name == "Impl" || tn.name.back() == '_')) {
      return w.Key("name").Error("\"" + tn.name + "\" is reserved by the adapter");
    }
    if (!names.insert(tn.name).second) {
      return w.Key("name").Error("\"" + tn.name + "\" is declared twice");
    }
    if (tn.default_value.find_first_of(";{}\n") != std::string::npos) {
      return w.Key("default").Error("must be a plain C++ initialiser");
    }
    out.push_back(std::move(tn));
  }
  return out;
}

Status ParseFunctionsAndStructs(const toml::table& root, const Where& where, ProblemSpec* problem) {
  std::set<std::string> declared;
  if (const toml::node* node = root.get("structs")) {
    const toml::table* structs = node->as_table();
    if (structs == nullptr) return where.Key("structs").Error("must be a table");
    for (const auto& [name, item] : InFileOrder(*structs)) {
      Where sw = where.Key("structs").Key(name);
      const toml::table* t = item->as_table();
      if (t == nullptr) return sw.Error("must be a table");
      RETURN_IF_ERROR(RequireOnlyKeys(*t, sw, {"doc", "fields"}));
      if (!IsIdentifier(name) || IsValueType(name)) {
        return sw.Error("struct name must be a C++ identifier other than a value type");
      }
      StructSpec st;
      st.name = name;
      auto doc = GetString(*t, sw, "doc", false);
      if (!doc.ok()) return doc.status();
      st.doc = *doc;
      auto fields = ParseTypedNames(*t, sw, "fields", true);
      if (!fields.ok()) return fields.status();
      if (fields->empty()) return sw.Key("fields").Error("must declare at least one field");
      // A field's struct must be declared above it.
      for (size_t i = 0; i < fields->size(); ++i) {
        const std::string& type = (*fields)[i].type;
        if (!IsValueType(type) && declared.count(type) == 0) {
          return sw.Key("fields").Index(i).Key("type").Error(
              "\"" + type + "\" is not a value type or a struct declared above");
        }
      }
      st.fields = std::move(*fields);
      declared.insert(name);
      problem->structs.push_back(std::move(st));
    }
  }
  const toml::node* node = root.get("functions");
  const toml::table* functions = node ? node->as_table() : nullptr;
  if (functions == nullptr || functions->empty()) {
    return where.Key("functions").Error("is required and must declare at least one function");
  }
  for (const auto& [name, item] : InFileOrder(*functions)) {
    Where fw = where.Key("functions").Key(name);
    const toml::table* t = item->as_table();
    if (t == nullptr) return fw.Error("must be a table");
    RETURN_IF_ERROR(RequireOnlyKeys(*t, fw, {"doc", "returns", "params"}));
    if (!IsIdentifier(name)) return fw.Error("function name must be a C++ identifier");
    if (declared.count(name) > 0) return fw.Error("is also the name of a struct");
    FunctionSpec f;
    f.name = name;
    auto doc = GetString(*t, fw, "doc", false);
    if (!doc.ok()) return doc.status();
    f.doc = *doc;
    auto returns = GetString(*t, fw, "returns", true);
    if (!returns.ok()) return returns.status();
    if (!IsValueType(*returns) && declared.count(*returns) == 0) {
      return fw.Key("returns").Error("\"" + *returns + "\" is not a value type or declared struct");
    }
    f.returns = *returns;
    auto params = ParseTypedNames(*t, fw, "params", false);
    if (!params.ok()) return params.status();
    for (size_t i = 0; i < params->size(); ++i) {
      const std::string& type = (*params)[i].type;
      if (!IsValueType(type) && declared.count(type) == 0) {
        return fw.Key("params").Index(i).Key("type").Error(
            "\"" + type + "\" is not a value type or declared struct");
      }
    }
    f.params = std::move(*params);
    problem->functions.push_back(std::move(f));
  }
  return Status::Ok();
}

// The type of `path` ("grads.W1") starting from a value of type `type`; "" = the value itself.
StatusOr<std::string> PathType(const ProblemSpec& problem, std::string type,
                               const std::string& path, const Where& where) {
  if (path.empty()) return type;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t dot = path.find('.', start);
    const std::string part =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    const StructSpec* st = problem.FindStruct(type);
    const TypedName* field = nullptr;
    if (st != nullptr) {
      for (const TypedName& f : st->fields) {
        if (f.name == part) field = &f;
      }
    }
    if (field == nullptr) {
      return where.Error("\"" + path + "\": " + type + " has no field \"" + part + "\"");
    }
    type = field->type;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return type;
}

bool Decodable(const std::string& type) {
  return type == "matrix" || type == "vector" || type == "labels" || type == "scalar" ||
         type == "int";
}
bool Encodable(const std::string& type) {
  return type == "matrix" || type == "vector" || type == "scalar" || type == "int" ||
         type == "bool";
}

// Checks that every param of the entry's function is bound and every output produced, and derives
// the signature (docs/problem-format.md, "Entries and call patterns").
Status CheckEntryGlue(const ProblemSpec& problem, EntrySpec* entry, const Where& where) {
  const FunctionSpec* f = problem.FindFunction(entry->function);
  if (f == nullptr) {
    return where.Key("function").Error("names no declared function: \"" + entry->function + "\"");
  }
  entry->signature = FunctionSignature(*f);
  if (entry->pattern == "custom") return Status::Ok();
  auto param = [&](const std::string& name) -> const TypedName* {
    for (const TypedName& p : f->params) {
      if (p.name == name) return &p;
    }
    return nullptr;
  };
  auto need_input = [&](const Where& w, const std::string& input) -> Status {
    if (!HasInput(*entry, input)) return w.Error("\"" + input + "\" is not an input of this entry");
    return Status::Ok();
  };
  auto need_param = [&](const Where& w, const std::string& name) -> StatusOr<const TypedName*> {
    const TypedName* p = param(name);
    if (p == nullptr) return w.Error("\"" + name + "\" is not a param of " + f->name);
    return p;
  };
  std::set<std::string> bound;
  for (const auto& [name, literal] : entry->constants) {
    auto p = need_param(where.Key("constants"), name);
    if (!p.ok()) return p.status();
    const std::string& type = (*p)->type;
    const bool is_bool = literal == "true" || literal == "false";
    if (is_bool != (type == "bool") || !(is_bool || type == "scalar" || type == "int")) {
      return where.Key("constants").Key(name).Error("does not fit the param's type " + type);
    }
    bound.insert(name);
  }
  for (const auto& [name, inputs] : entry->pack) {
    Where pw = where.Key("pack").Key(name);
    auto p = need_param(where.Key("pack"), name);
    if (!p.ok()) return p.status();
    const std::string& type = (*p)->type;
    if (type == "matrix_list") {
      for (const std::string& in : inputs) RETURN_IF_ERROR(need_input(pw, in));
      if (inputs.empty()) return pw.Error("must name at least one input");
    } else if (const StructSpec* st = problem.FindStruct(type)) {
      if (inputs.size() != st->fields.size()) {
        return pw.Error("must name " + std::to_string(st->fields.size()) +
                        " inputs, one per field of " + type);
      }
      for (size_t i = 0; i < inputs.size(); ++i) {
        RETURN_IF_ERROR(need_input(pw.Index(i), inputs[i]));
        if (!Decodable(st->fields[i].type)) {
          return pw.Index(i).Error("field " + st->fields[i].name + " of type " +
                                   st->fields[i].type + " cannot come from an input");
        }
      }
    } else {
      return pw.Error("packs a param of type " + type + " (a struct or matrix_list is needed)");
    }
    bound.insert(name);
  }
  const std::string& returns = f->returns;
  const bool plain_return = IsValueType(returns);
  if (entry->pattern == "sequence") {
    for (const auto& [name, path] : entry->carry) {
      Where cw = where.Key("carry").Key(name);
      auto p = need_param(where.Key("carry"), name);
      if (!p.ok()) return p.status();
      auto type = PathType(problem, returns, path, cw);
      if (!type.ok()) return type.status();
      if (*type != (*p)->type) return cw.Error("is fed a " + *type + ", not a " + (*p)->type);
      if (!HasInput(*entry, name)) {
        // Zero-initialised: matrix fields take the shape of zeros_like.
        const StructSpec* st = problem.FindStruct((*p)->type);
        if (st == nullptr) {
          return cw.Error("has no input \"" + name +
                          "\" to start from (only a struct starts at zero)");
        }
        for (const TypedName& field : st->fields) {
          if (field.type == "matrix" && entry->zeros_like.empty()) {
            return where.Key("zeros_like").Error("is required: " + name + " starts at zero");
          }
          if (field.type != "matrix" && field.type != "scalar" && field.type != "int") {
            return cw.Error("field " + field.name + " of type " + field.type +
                            " cannot start at zero");
          }
        }
      }
      bound.insert(name);
    }
    if (!entry->zeros_like.empty()) {
      auto p = need_param(where.Key("zeros_like"), entry->zeros_like);
      if (!p.ok()) return p.status();
      if ((*p)->type != "matrix" || entry->carry.count(entry->zeros_like) == 0 ||
          !HasInput(*entry, entry->zeros_like)) {
        return where.Key("zeros_like").Error("must be a carried matrix param read from an input");
      }
    }
    for (const std::string& name : entry->per_step) {
      auto p = need_param(where.Key("per_step"), name);
      if (!p.ok()) return p.status();
      if (!Decodable((*p)->type))
        return where.Key("per_step").Error(name + " cannot come from inputs");
      for (int k = 1; k <= entry->steps; ++k) {
        RETURN_IF_ERROR(need_input(where.Key("per_step"), name + std::to_string(k)));
      }
      bound.insert(name);
    }
  }
  if (entry->pattern == "sweep") {
    auto p = need_param(where.Key("sweep"), entry->sweep);
    if (!p.ok()) return p.status();
    if ((*p)->type != "int") return where.Key("sweep").Error("must name an int param");
    if (returns != "scalar") return where.Key("function").Error("must return a scalar to sweep");
    bound.insert(entry->sweep);
  }
  if (entry->pattern == "list") {
    auto p = need_param(where.Key("list"), entry->list);
    if (!p.ok()) return p.status();
    if ((*p)->type != "matrix_list" || entry->pack.count(entry->list) == 0) {
      return where.Key("list").Error("must name a matrix_list param packed in pack");
    }
    auto type = PathType(problem, returns, entry->list, where.Key("list"));
    if (!type.ok()) return type.status();
    if (*type != "matrix_list")
      return where.Key("list").Error("the result's field must be a matrix_list");
  }
  for (const TypedName& p : f->params) {
    if (bound.count(p.name) > 0) continue;
    if (!HasInput(*entry, p.name)) {
      return where.Error("param \"" + p.name + "\" of " + f->name +
                         " has no input of that name (declare inputs." + p.name +
                         ", or bind it with pack, constants, carry or per_step)");
    }
    if (!Decodable(p.type)) {
      return where.Error("param \"" + p.name + "\" of type " + p.type +
                         " cannot come from an input directly (use pack or constants)");
    }
  }
  // Paths of the params, for until and require_less: "schedule.total_steps".
  auto param_path_type = [&](const std::string& path, const Where& w) -> StatusOr<std::string> {
    const std::string head = path.substr(0, path.find('.'));
    const TypedName* p = param(head);
    if (p == nullptr) return w.Error("\"" + path + "\" does not start with a param of " + f->name);
    return PathType(problem, p->type,
                    path.find('.') == std::string::npos ? "" : path.substr(path.find('.') + 1), w);
  };
  if (entry->pattern == "sweep") {
    auto type = param_path_type(entry->until, where.Key("until"));
    if (!type.ok()) return type.status();
    if (*type != "int") return where.Key("until").Error("must be the path of an int");
    if (entry->outputs.size() != 1) return where.Key("outputs").Error("must name one output");
  }
  for (const std::string& path : entry->require_less) {
    auto type = param_path_type(path, where.Key("require_less"));
    if (!type.ok()) return type.status();
    if (*type != "int" && *type != "scalar") {
      return where.Key("require_less").Error("\"" + path + "\" must be an int or a scalar");
    }
  }
  // Outputs.
  for (const auto& [out, path] : entry->from) {
    if (entry->pattern == "sequence") continue;  // stems, checked below
    if (!HasOutput(*entry, out)) return where.Key("from").Error("\"" + out + "\" is not an output");
  }
  if (entry->pattern == "sweep") return Status::Ok();
  if (entry->pattern == "sequence") {
    for (const std::string& out : entry->outputs) {
      const size_t at = out.rfind("_step");
      std::string stem = at == std::string::npos ? "" : out.substr(0, at);
      const std::string k = at == std::string::npos ? "" : out.substr(at + 5);
      const bool step_ok =
          !k.empty() && k.size() <= 3 &&
          std::all_of(k.begin(), k.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
          std::stoi(k) >= 1 && std::stoi(k) <= entry->steps;
      if (!step_ok || (entry->from.count(stem) == 0 && plain_return)) {
        return where.Key("outputs").Error(
            "\"" + out + "\" is not produced (a sequence produces <stem>_step<k>, k in 1.." +
            std::to_string(entry->steps) + ", stems from `from`)");
      }
    }
    for (const auto& [stem, path] : entry->from) {
      auto type = PathType(problem, returns, path, where.Key("from").Key(stem));
      if (!type.ok()) return type.status();
      if (!Encodable(*type)) return where.Key("from").Key(stem).Error("cannot encode a " + *type);
      for (int k = 1; k <= entry->steps; ++k) {
        if (!HasOutput(*entry, stem + "_step" + std::to_string(k))) {
          return where.Key("from").Key(stem).Error("produces \"" + stem + "_step" +
                                                   std::to_string(k) +
                                                   "\", which outputs does not list");
        }
      }
    }
    if (entry->from.empty()) return where.Key("from").Error("is required by pattern \"sequence\"");
    return Status::Ok();
  }
  if (plain_return) {
    if (entry->outputs.size() != 1 || !entry->from.empty()) {
      return where.Key("outputs").Error("must name exactly one output: " + f->name + " returns a " +
                                        returns);
    }
    if (!Encodable(returns)) return where.Key("function").Error("cannot encode a " + returns);
    return Status::Ok();
  }
  for (const std::string& out : entry->outputs) {
    if (entry->pattern == "list") {
      const auto& items = entry->pack.at(entry->list);
      if (std::find(items.begin(), items.end(), out) != items.end()) continue;
    }
    auto it = entry->from.find(out);
    const std::string path = it == entry->from.end() ? out : it->second;
    auto type = PathType(problem, returns, path, where.Key("outputs"));
    if (!type.ok()) {
      return where.Key("outputs").Error("\"" + out + "\" is not produced: " + returns +
                                        " has no field \"" + path + "\" (map it in from)");
    }
    if (!Encodable(*type))
      return where.Key("outputs").Error("\"" + out + "\" cannot encode a " + *type);
  }
  return Status::Ok();
}

}  // namespace

// scalar_function is a function of a matrix the harness provides (numerical_gradient's f): no
// input decodes to it, so only a custom entry's hand-written adapter can bind it.
bool IsValueType(const std::string& type) {
  return type == "matrix" || type == "vector" || type == "labels" || type == "scalar" ||
         type == "int" || type == "bool" || type == "matrix_list" || type == "scalar_function";
}

std::string CppType(const std::string& type) {
  if (type == "matrix") return "Eigen::MatrixXd";
  if (type == "vector") return "Eigen::VectorXd";
  if (type == "labels") return "Eigen::VectorXi";
  if (type == "scalar") return "double";
  if (type == "int") return "int";
  if (type == "bool") return "bool";
  if (type == "matrix_list") return "std::vector<Eigen::MatrixXd>";
  if (type == "scalar_function") return "std::function<double(const Eigen::MatrixXd&)>";
  return type;
}

std::string FunctionSignature(const FunctionSpec& f) {
  std::string out = CppType(f.returns) + " " + f.name + "(";
  for (size_t i = 0; i < f.params.size(); ++i) {
    const TypedName& p = f.params[i];
    const bool by_value = p.type == "scalar" || p.type == "int" || p.type == "bool";
    if (i > 0) out += ", ";
    out += by_value ? CppType(p.type) + " " + p.name : "const " + CppType(p.type) + "& " + p.name;
  }
  return out + ")";
}

const FunctionSpec* ProblemSpec::FindFunction(const std::string& name) const {
  for (const FunctionSpec& f : functions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const StructSpec* ProblemSpec::FindStruct(const std::string& name) const {
  for (const StructSpec& s : structs) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const char* VisibilityName(Visibility v) { return v == Visibility::kHidden ? "hidden" : "visible"; }

const EntrySpec* ProblemSpec::FindEntry(const std::string& name) const {
  for (const EntrySpec& e : entries) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

bool ProblemSpec::TierScored() const {
  return std::any_of(entries.begin(), entries.end(),
                     [](const EntrySpec& e) { return e.scoring.has_value(); });
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
                                   "functions", "structs", "entries", "tests", "mutants"}));
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
    auto limits = ParseLimits(*limits_node, where.Key("limits"), problem.limits);
    if (!limits.ok()) return limits.status();
    problem.limits = *limits;
  }

  RETURN_IF_ERROR(ParseFunctionsAndStructs(root, where, &problem));

  const toml::table* entries = root.get("entries") ? root.get("entries")->as_table() : nullptr;
  if (entries == nullptr || entries->empty()) {
    return where.Key("entries").Error("is required and must define at least one entry");
  }
  for (const auto& [key, node] : *entries) {
    Where ew = where.Key("entries").Key(std::string(key.str()));
    if (node.as_table() == nullptr) return ew.Error("must be a table");
    auto entry = ParseEntry(std::string(key.str()), *node.as_table(), ew);
    if (!entry.ok()) return entry.status();
    if (const toml::node* limits = node.as_table()->get("limits")) {
      auto parsed = ParseLimits(*limits, ew.Key("limits"), problem.limits);
      if (!parsed.ok()) return parsed.status();
      entry->limits = *parsed;
    }
    if (const toml::node* scoring = node.as_table()->get("scoring")) {
      auto parsed = ParseScoring(*scoring, ew.Key("scoring"), *entry);
      if (!parsed.ok()) return parsed.status();
      if (entry->gradient_of) {
        return ew.Key("scoring").Error(
            "and gradient_of exclude each other (a training run has "
            "no gradient to check)");
      }
      entry->scoring = std::move(*parsed);
    }
    problem.entries.push_back(std::move(*entry));
  }
  for (EntrySpec& e : problem.entries) {
    RETURN_IF_ERROR(CheckEntryGlue(problem, &e, where.Key("entries").Key(e.name)));
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
