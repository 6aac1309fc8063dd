// `grader problems misconceptions [--markdown]`: the misconception catalogue (grader/misconceptions.h).
#include <iostream>

#include "grader/cli/commands.h"
#include "grader/curriculum.h"
#include "grader/misconceptions.h"

namespace grader::cli {

int ProblemsMisconceptions(const GlobalOptions& global, bool markdown) {
  auto loaded = LoadAllProblems(ProblemsRoot(global));
  if (!loaded.ok()) return InputError(loaded.status().message());
  auto problems = OrderByPrerequisites(std::move(*loaded));  // the order learners meet them
  if (!problems.ok()) return InputError(problems.status().message());
  auto catalogue = BuildCatalogue(*problems);
  if (!catalogue.ok()) return InternalError(catalogue.status().message());
  std::cout << (markdown ? RenderCatalogueMarkdown(*catalogue) : RenderCatalogueText(*catalogue));
  return kExitOk;
}

}  // namespace grader::cli
