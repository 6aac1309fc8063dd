// The report as static HTML (docs/report.md): index.html for the instructor (class overview,
// skills, similarity clusters) and one page per learner (the file to hand back: no other
// learner's name, no similarity, no hidden test data). Pages are self-contained: inline CSS,
// inline SVG, no script, font or remote resource, and a Content-Security-Policy that forbids
// loading anything else. Every learner-controlled string is escaped (reports/escape.h).
#pragma once

#include <filesystem>
#include <string>

#include "base/status.h"
#include "reports/report.h"

namespace reports {

std::string IndexHtml(const ClassReport& report);
// REQUIRES: learner is one of report.learner_reports.
std::string LearnerHtml(const ClassReport& report, const LearnerReport& learner);

// Writes DIR/index.html and DIR/<LearnerFileName(name)> for every learner (creating DIR).
base::Status WriteHtmlReport(const ClassReport& report, const std::filesystem::path& dir);
// Writes one learner's page to `file`; kNotFound when the learner has no submissions.
base::Status WriteLearnerPage(const ClassReport& report, const std::string& learner,
                              const std::filesystem::path& file);

}  // namespace reports
