// "Did you mean ...?" for a misspelt command, problem id or option value.
#pragma once

#include <string>
#include <vector>

namespace grader::cli {

// The candidate closest to `word` by edit distance, if it is close enough to be a typo (one edit
// for words under four letters, else two or a third of the length); "" otherwise.
std::string ClosestMatch(const std::string& word, const std::vector<std::string>& candidates);

// " (did you mean \"x\"?)" for ClosestMatch, or "".
std::string DidYouMean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace grader::cli
