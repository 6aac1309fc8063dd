// The frame every page shares: head with the CSP and the inline style sheet. Internal.
#pragma once

#include <string>

namespace reports::internal {

// "<!DOCTYPE html>...<body>" with the escaped title.
std::string PageStart(const std::string& escaped_title);
std::string PageEnd();
// "12/40 (30%)"
std::string Rate(int64_t passed, int64_t total);
std::string Fixed(double x, int digits);

}  // namespace reports::internal
