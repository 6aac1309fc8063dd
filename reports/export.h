// The data behind every table and chart of the report, for loading elsewhere (docs/report.md,
// "JSON and CSV"). CSV cells are neutralised against formula injection (reports/escape.h).
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "base/status.h"
#include "reports/report.h"

namespace reports {

// The whole report as one JSON document (2-space indented).
std::string ReportJson(const ClassReport& report);
// One CSV text per table, by file name ("problems.csv", ...), each with a header row.
std::map<std::string, std::string> ReportCsv(const ClassReport& report);
// Writes ReportCsv's files into `dir` (creating it).
base::Status WriteCsvReport(const ClassReport& report, const std::filesystem::path& dir);

}  // namespace reports
