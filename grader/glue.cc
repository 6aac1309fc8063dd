#include "grader/glue.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

namespace grader {
namespace {

constexpr size_t kLineWidth = 100;

bool ByValue(const std::string& type) {
  return type == "scalar" || type == "int" || type == "bool";
}

bool UsesEigen(const std::string& type) {
  return type == "matrix" || type == "vector" || type == "labels" || type == "matrix_list" ||
         type == "scalar_function";
}

// Every type the problem's declarations mention.
std::set<std::string> TypesUsed(const ProblemSpec& problem) {
  std::set<std::string> types;
  for (const StructSpec& s : problem.structs) {
    for (const TypedName& f : s.fields) types.insert(f.type);
  }
  for (const FunctionSpec& f : problem.functions) {
    types.insert(f.returns);
    for (const TypedName& p : f.params) types.insert(p.type);
  }
  return types;
}

bool NeedsEigen(const ProblemSpec& problem) {
  for (const std::string& t : TypesUsed(problem)) {
    if (UsesEigen(t)) return true;
  }
  return false;
}

bool NeedsVector(const ProblemSpec& problem) { return TypesUsed(problem).count("matrix_list") > 0; }

bool NeedsFunctional(const ProblemSpec& problem) {
  return TypesUsed(problem).count("scalar_function") > 0;
}

std::string Param(const TypedName& p) {
  return ByValue(p.type) ? CppType(p.type) + " " + p.name
                         : "const " + CppType(p.type) + "& " + p.name;
}

// "Ret name(a, b, c)" + tail, wrapped like clang-format: the params continue aligned after '('.
std::string Declaration(const FunctionSpec& f, const std::string& indent, const std::string& tail) {
  std::string head = indent + CppType(f.returns) + " " + f.name + "(";
  std::vector<std::string> parts;
  for (const TypedName& p : f.params) parts.push_back(Param(p));
  std::string one_line = head;
  for (size_t i = 0; i < parts.size(); ++i) one_line += (i > 0 ? ", " : "") + parts[i];
  one_line += ")" + tail;
  if (one_line.size() <= kLineWidth) return one_line;
  const std::string align(head.size(), ' ');
  std::string out = head;
  size_t column = head.size();
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string piece = parts[i] + (i + 1 < parts.size() ? "," : ")" + tail);
    if (i > 0) {
      if (column + 1 + piece.size() > kLineWidth) {
        out += "\n" + align;
        column = align.size();
      } else {
        out += " ";
        column += 1;
      }
    }
    out += piece;
    column += piece.size();
  }
  return out;
}

void Comment(std::ostringstream& out, const std::string& doc, const std::string& indent) {
  if (doc.empty()) return;
  std::istringstream lines(doc);
  std::string line;
  while (std::getline(lines, line))
    out << indent << "//" << (line.empty() ? "" : " " + line) << "\n";
}

std::string Decode(const std::string& type, const std::string& input_expr) {
  if (type == "matrix") return "AsMatrix(in, " + input_expr + ")";
  if (type == "vector") return "AsVector(in, " + input_expr + ")";
  if (type == "labels") return "AsLabels(in, " + input_expr + ")";
  if (type == "scalar") return "AsScalar(in, " + input_expr + ")";
  return "AsStepCount(in, " + input_expr + ")";  // int
}

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

std::string Encode(const std::string& type, const std::string& expr) {
  if (type == "matrix") return "FromMatrix(" + expr + ")";
  if (type == "vector") return "FromVector(" + expr + ")";
  if (type == "int") return "FromScalar(static_cast<double>(" + expr + "))";
  if (type == "bool") return "FromScalar(" + expr + " ? 1.0 : 0.0)";
  return "FromScalar(" + expr + ")";  // scalar
}

// The type at `path` below a value of `type` ("" = the value itself).
std::string TypeAt(const ProblemSpec& problem, std::string type, const std::string& path) {
  std::istringstream parts(path);
  std::string part;
  while (std::getline(parts, part, '.')) {
    const StructSpec* s = problem.FindStruct(type);
    if (s == nullptr) return "";
    for (const TypedName& f : s->fields) {
      if (f.name == part) type = f.type;
    }
  }
  return type;
}

std::string Member(const std::string& var, const std::string& path) {
  return path.empty() ? var : var + "." + path;
}

bool UsesInt(const ProblemSpec& problem, const EntrySpec& e) {
  const FunctionSpec* f = problem.FindFunction(e.function);
  for (const TypedName& p : f->params) {
    if (p.type == "int" && e.constants.count(p.name) == 0 && e.sweep != p.name &&
        e.pack.count(p.name) == 0 && e.carry.count(p.name) == 0) {
      return true;
    }
    if (e.pack.count(p.name) > 0) {
      if (const StructSpec* s = problem.FindStruct(p.type)) {
        for (const TypedName& field : s->fields) {
          if (field.type == "int") return true;
        }
      }
    }
  }
  return false;
}

// Declares the packed params: a struct filled field by field, or a list of matrices.
void EmitPacks(std::ostringstream& out, const ProblemSpec& problem, const EntrySpec& e,
               const FunctionSpec& f) {
  for (const TypedName& p : f.params) {
    auto it = e.pack.find(p.name);
    if (it == e.pack.end()) continue;
    if (p.type == "matrix_list") {
      out << "    const std::vector<Eigen::MatrixXd> " << p.name << " = {";
      for (size_t i = 0; i < it->second.size(); ++i) {
        out << (i > 0 ? ", " : "") << Decode("matrix", Quote(it->second[i]));
      }
      out << "};\n";
      continue;
    }
    const StructSpec* s = problem.FindStruct(p.type);
    out << "    " << p.type << " " << p.name << ";\n";
    for (size_t i = 0; i < s->fields.size(); ++i) {
      out << "    " << p.name << "." << s->fields[i].name << " = "
          << Decode(s->fields[i].type, Quote(it->second[i])) << ";\n";
    }
  }
}

void EmitRequireLess(std::ostringstream& out, const EntrySpec& e) {
  if (e.require_less.empty()) return;
  auto last = [](const std::string& path) { return path.substr(path.rfind('.') + 1); };
  out << "    if (!(" << e.require_less[0] << " < " << e.require_less[1] << ")) {\n"
      << "      throw EntryError(\"" << last(e.require_less[0]) << " must be < "
      << last(e.require_less[1]) << "\");\n"
      << "    }\n";
}

// The argument for param p: a constant, a packed or carried variable, or an input read inline.
std::string Argument(const EntrySpec& e, const TypedName& p) {
  if (auto c = e.constants.find(p.name); c != e.constants.end()) return c->second;
  if (e.pack.count(p.name) > 0 || e.carry.count(p.name) > 0 || e.sweep == p.name) return p.name;
  for (const std::string& s : e.per_step) {
    if (s == p.name) return Decode(p.type, Quote(p.name) + " + k_");
  }
  return Decode(p.type, Quote(p.name));
}

std::string CallExpr(const EntrySpec& e, const FunctionSpec& f) {
  std::string call = "Impl::" + f.name + "(";
  for (size_t i = 0; i < f.params.size(); ++i)
    call += (i > 0 ? ", " : "") + Argument(e, f.params[i]);
  return call + ")";
}

void EmitCall(std::ostringstream& out, const ProblemSpec& problem, const EntrySpec& e,
              const FunctionSpec& f) {
  EmitPacks(out, problem, e, f);
  EmitRequireLess(out, e);
  if (IsValueType(f.returns)) {
    out << "    return {{" << Quote(e.outputs[0]) << ", " << Encode(f.returns, CallExpr(e, f))
        << "}};\n";
    return;
  }
  out << "    const " << f.returns << " r_ = " << CallExpr(e, f) << ";\n";
  std::vector<std::string> items;
  if (e.pattern == "list") {
    items = e.pack.at(e.list);
    out << "    if (r_." << e.list << ".size() != " << e.list << ".size()) {\n"
        << "      throw EntryError(\"" << f.name << " returned \" + std::to_string(r_." << e.list
        << ".size()) +\n"
        << "                       \" " << (e.items.empty() ? e.list : e.items)
        << ", expected \" + std::to_string(" << e.list << ".size()));\n"
        << "    }\n";
  }
  out << "    return {";
  for (size_t i = 0; i < e.outputs.size(); ++i) {
    const std::string& name = e.outputs[i];
    std::string encoded;
    auto item = std::find(items.begin(), items.end(), name);
    if (item != items.end()) {
      encoded = Encode("matrix", "r_." + e.list + "[" + std::to_string(item - items.begin()) + "]");
    } else {
      auto from = e.from.find(name);
      const std::string path = from == e.from.end() ? name : from->second;
      encoded = Encode(TypeAt(problem, f.returns, path), Member("r_", path));
    }
    out << (i > 0 ? ",\n            " : "") << "{" << Quote(name) << ", " << encoded << "}";
  }
  out << "};\n";
}

void EmitSequence(std::ostringstream& out, const ProblemSpec& problem, const EntrySpec& e,
                  const FunctionSpec& f) {
  auto has_input = [&](const std::string& name) {
    for (const InputSpec& i : e.inputs) {
      if (i.name == name) return true;
    }
    return false;
  };
  // Carried params read from inputs first: the zero-initialised state takes their shape.
  for (const TypedName& p : f.params) {
    if (e.carry.count(p.name) > 0 && has_input(p.name)) {
      out << "    " << CppType(p.type) << " " << p.name << " = " << Decode(p.type, Quote(p.name))
          << ";\n";
    }
  }
  for (const TypedName& p : f.params) {
    if (e.carry.count(p.name) == 0 || has_input(p.name)) continue;
    out << "    " << p.type << " " << p.name << ";\n";
    for (const TypedName& field : problem.FindStruct(p.type)->fields) {
      out << "    " << p.name << "." << field.name << " = ";
      if (field.type == "matrix") {
        out << "Eigen::MatrixXd::Zero(" << e.zeros_like << ".rows(), " << e.zeros_like
            << ".cols());\n";
      } else {
        out << (field.type == "int" ? "0" : "0.0") << ";\n";
      }
    }
  }
  EmitPacks(out, problem, e, f);
  // The other params are read once.
  EntrySpec bound = e;
  for (const TypedName& p : f.params) {
    const bool per_step =
        std::find(e.per_step.begin(), e.per_step.end(), p.name) != e.per_step.end();
    if (per_step || e.carry.count(p.name) > 0 || e.pack.count(p.name) > 0 ||
        e.constants.count(p.name) > 0) {
      continue;
    }
    out << "    const " << CppType(p.type) << " " << p.name << " = "
        << Decode(p.type, Quote(p.name)) << ";\n";
    bound.carry[p.name] = "";  // now a variable
  }
  EmitRequireLess(out, e);
  out << "    Tensors out_;\n"
      << "    for (int step_ = 1; step_ <= " << e.steps << "; ++step_) {\n"
      << "      const std::string k_ = std::to_string(step_);\n"
      << "      " << CppType(f.returns) << " r_ = " << CallExpr(bound, f) << ";\n";
  for (const auto& [stem, path] : e.from) {
    out << "      out_[" << Quote(stem + "_step")
        << " + k_] = " << Encode(TypeAt(problem, f.returns, path), Member("r_", path)) << ";\n";
  }
  for (const TypedName& p : f.params) {
    auto c = e.carry.find(p.name);
    if (c != e.carry.end()) {
      out << "      " << p.name << " = std::move(" << Member("r_", c->second) << ");\n";
    }
  }
  out << "    }\n"
      << "    return out_;\n";
}

void EmitSweep(std::ostringstream& out, const ProblemSpec& problem, const EntrySpec& e,
               const FunctionSpec& f) {
  EmitPacks(out, problem, e, f);
  EntrySpec bound = e;
  for (const TypedName& p : f.params) {
    if (p.name == e.sweep || e.pack.count(p.name) > 0 || e.constants.count(p.name) > 0) continue;
    out << "    const " << CppType(p.type) << " " << p.name << " = "
        << Decode(p.type, Quote(p.name)) << ";\n";
    bound.carry[p.name] = "";
  }
  EmitRequireLess(out, e);
  out << "    Eigen::VectorXd values_(" << e.until << " + " << (e.past + 1) << ");\n"
      << "    for (int " << e.sweep << " = 0; " << e.sweep << " < values_.size(); ++" << e.sweep
      << ") {\n"
      << "      values_(" << e.sweep << ") = " << CallExpr(bound, f) << ";\n"
      << "    }\n"
      << "    return {{" << Quote(e.outputs[0]) << ", FromVector(values_)}};\n";
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string ApiHeader(const ProblemSpec& problem) {
  std::ostringstream out;
  out << "// " << problem.id
      << ": what the learner implements (the grader makes this visible when compiling).\n"
      << "// Generated from problem.toml by grader/glue.cc.\n"
      << "#pragma once\n";
  if (NeedsEigen(problem)) out << "#include <Eigen/Dense>\n";
  if (NeedsFunctional(problem)) out << "#include <functional>\n";
  if (NeedsVector(problem)) out << "#include <vector>\n";
  for (const StructSpec& s : problem.structs) {
    out << "\n";
    Comment(out, s.doc, "");
    out << "struct " << s.name << " {\n";
    for (const TypedName& f : s.fields) {
      out << "  " << CppType(f.type) << " " << f.name;
      if (!f.default_value.empty()) out << " = " << f.default_value;
      out << ";";
      if (!f.doc.empty()) out << "  // " << f.doc;
      out << "\n";
    }
    out << "};\n";
  }
  for (const FunctionSpec& f : problem.functions) {
    out << "\n";
    Comment(out, f.doc, "");
    out << Declaration(f, "", ";") << "\n";
  }
  return out.str();
}

std::string Starter(const ProblemSpec& problem) {
  std::ostringstream out;
  out << "// " << problem.id << ": implement the functions below (api.h declares them; the grader\n"
      << "// makes it visible when compiling this file).\n";
  if (NeedsEigen(problem)) out << "#include <Eigen/Dense>\n";
  if (NeedsFunctional(problem)) out << "#include <functional>\n";
  if (NeedsVector(problem)) out << "#include <vector>\n";
  for (const FunctionSpec& f : problem.functions) {
    out << "\n";
    Comment(out, f.doc, "");
    out << Declaration(f, "", " {") << "\n"
        << "  // TODO\n";
    for (const TypedName& p : f.params) out << "  (void)" << p.name << ";\n";
    out << "  return {};\n"
        << "}\n";
  }
  return out.str();
}

std::string Adapter(const ProblemSpec& problem) {
  for (const EntrySpec& e : problem.entries) {
    if (e.pattern == "custom") return ReadFile(problem.dir / "adapter.h");
  }
  bool needs_count = false;
  for (const EntrySpec& e : problem.entries) needs_count = needs_count || UsesInt(problem, e);
  std::ostringstream out;
  out << "// Entry points of " << problem.id
      << ": decode named inputs, call an implementation, encode outputs.\n"
      << "// Impl is the learner's code (Learner, inside the sandbox), the reference, or a "
         "mutant.\n"
      << "// Generated from problem.toml by grader/glue.cc.\n"
      << "#pragma once\n\n";
  if (needs_count) out << "#include <cmath>\n";
  out << "#include <string>\n#include <string_view>\n";
  if (NeedsVector(problem)) out << "#include <vector>\n";
  out << "\n#include \"api.h\"\n#include \"harness/eigen_io.h\"\n\n"
      << "namespace problems::" << problem.id << " {\n\n";
  if (needs_count) {
    out << "inline int AsStepCount(const reference::Tensors& in, const std::string& name) {\n"
        << "  const double x = reference::AsScalar(in, name);\n"
        << "  if (x != std::floor(x) || x < 1 || x > 1e6) {\n"
        << "    throw reference::EntryError(\"input '\" + name + \"' must be an integer in [1, "
           "1e6]\");\n"
        << "  }\n"
        << "  return static_cast<int>(x);\n"
        << "}\n\n";
  }
  out << "template <class Impl>\n"
      << "reference::Tensors Call(std::string_view entry, const reference::Tensors& in) {\n"
      << "  using namespace reference;\n";
  for (const EntrySpec& e : problem.entries) {
    const FunctionSpec& f = *problem.FindFunction(e.function);
    out << "  if (entry == " << Quote(e.name) << ") {\n";
    if (e.pattern == "sequence") {
      EmitSequence(out, problem, e, f);
    } else if (e.pattern == "sweep") {
      EmitSweep(out, problem, e, f);
    } else {
      EmitCall(out, problem, e, f);
    }
    out << "  }\n";
  }
  out << "  throw EntryError(\"unknown entry '\" + std::string(entry) + \"'\");\n"
      << "}\n\n"
      << "struct Learner {\n";
  for (const FunctionSpec& f : problem.functions) {
    std::string args;
    for (size_t i = 0; i < f.params.size(); ++i) args += (i > 0 ? ", " : "") + f.params[i].name;
    out << Declaration(f, "  static ", " {") << "\n"
        << "    return ::" << f.name << "(" << args << ");\n"
        << "  }\n";
  }
  out << "};\n\n"
      << "}  // namespace problems::" << problem.id << "\n";
  return out.str();
}

std::vector<std::string> Prototypes(const std::string& cpp_text) {
  // Comments and preprocessor lines out.
  std::string code;
  for (size_t i = 0; i < cpp_text.size(); ++i) {
    if (cpp_text.compare(i, 2, "//") == 0) {
      while (i < cpp_text.size() && cpp_text[i] != '\n') ++i;
      code += '\n';
    } else if (cpp_text.compare(i, 2, "/*") == 0) {
      const size_t end = cpp_text.find("*/", i + 2);
      i = end == std::string::npos ? cpp_text.size() : end + 1;
      code += ' ';
    } else if (cpp_text[i] == '#' && (code.empty() || code.back() == '\n')) {
      while (i < cpp_text.size() && cpp_text[i] != '\n') ++i;
      code += '\n';
    } else {
      code += cpp_text[i];
    }
  }
  auto normalise = [](const std::string& s) {
    std::string out;
    for (char c : s) {
      const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
      if (space) {
        if (!out.empty() && out.back() != ' ') out += ' ';
      } else {
        if ((c == ')' || c == ',') && !out.empty() && out.back() == ' ') out.pop_back();
        if (!out.empty() && out.back() == ' ' && out.size() >= 2 && out[out.size() - 2] == '(') {
          out.pop_back();
        }
        out += c;
      }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  };
  std::vector<std::string> out;
  std::string chunk;
  int depth = 0;
  for (char c : code) {
    if (depth > 0) {
      if (c == '{') ++depth;
      if (c == '}') --depth;
      continue;
    }
    if (c == ';' || c == '{') {
      const std::string decl = normalise(chunk);
      if (decl.find('(') != std::string::npos && decl.rfind("struct ", 0) != 0) out.push_back(decl);
      chunk.clear();
      if (c == '{') depth = 1;
    } else if (c == '}') {
      chunk.clear();
    } else {
      chunk += c;
    }
  }
  return out;
}

}  // namespace grader
