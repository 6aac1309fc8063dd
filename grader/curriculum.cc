#include "grader/curriculum.h"

#include <map>
#include <set>
#include <string>

namespace grader {

base::StatusOr<std::vector<ProblemSpec>> OrderByPrerequisites(std::vector<ProblemSpec> problems) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < problems.size(); ++i) index[problems[i].id] = i;
  // Kahn's algorithm: `waiting[i]` counts the prerequisites of problem i not yet placed.
  std::vector<size_t> waiting(problems.size(), 0);
  std::map<std::string, std::vector<size_t>> unlocks;
  for (size_t i = 0; i < problems.size(); ++i) {
    for (const std::string& pre : problems[i].prerequisites) {
      if (!index.count(pre)) {
        return base::Status::InvalidArgument("problems/" + problems[i].id +
                                             "/problem.toml: prerequisite \"" + pre +
                                             "\" is not a problem");
      }
      ++waiting[i];
      unlocks[pre].push_back(i);
    }
  }
  std::set<std::string> ready;
  for (size_t i = 0; i < problems.size(); ++i) {
    if (waiting[i] == 0) ready.insert(problems[i].id);
  }
  std::vector<ProblemSpec> ordered;
  while (!ready.empty()) {
    const std::string id = *ready.begin();
    ready.erase(ready.begin());
    for (size_t next : unlocks[id]) {
      if (--waiting[next] == 0) ready.insert(problems[next].id);
    }
    ordered.push_back(std::move(problems[index[id]]));
  }
  if (ordered.size() != problems.size()) {
    std::string stuck;
    for (size_t i = 0; i < problems.size(); ++i) {
      if (waiting[i] > 0) stuck += (stuck.empty() ? "" : ", ") + problems[i].id;
    }
    return base::Status::InvalidArgument("prerequisite cycle among: " + stuck);
  }
  return ordered;
}

}  // namespace grader
