// The per-problem part of the harness: binds the entry points of one problem's adapter to the
// learner's functions. Compiled once per problem with
//   -DGRADER_ADAPTER='"problems/<id>/adapter.h"' -DGRADER_PROBLEM_NAMESPACE=problems::<id>
#include <string_view>

#include GRADER_ADAPTER

reference::Tensors HarnessCall(std::string_view entry, const reference::Tensors& inputs) {
  return GRADER_PROBLEM_NAMESPACE::Call<GRADER_PROBLEM_NAMESPACE::Learner>(entry, inputs);
}
