// `grader problems misconceptions [--markdown]`: the misconception catalogue
// (grader/misconceptions.h).
#include <iostream>

#include "grader/cli/commands.h"
#include "grader/cli/exit_codes.h"
#include "grader/curriculum.h"
#include "grader/misconceptions.h"

namespace grader::cli {

int ProblemsMisconceptions(const GlobalOptions& global, bool markdown) {
  auto loaded = LoadAllProblems(ProblemsRoot(global));
  if (!loaded.ok()) return Fail(loaded.status());
  auto problems = OrderByPrerequisites(std::move(*loaded));  // the order learners meet them
  if (!problems.ok()) return Fail(problems.status());
  auto catalogue = BuildCatalogue(*problems);
  if (!catalogue.ok()) return Fail(catalogue.status());
  std::cout << (markdown ? RenderCatalogueMarkdown(*catalogue) : RenderCatalogueText(*catalogue));
  return kExitOk;
}

}  // namespace grader::cli
