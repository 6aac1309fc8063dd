#include "reports/html_page.h"

#include <cstdint>
#include <cstdio>
#include <fstream>

#include "reports/escape.h"
#include "reports/html.h"

namespace reports::internal {

std::string PageStart(const std::string& escaped_title) {
  // default-src 'none': the page may load nothing at all; inline CSS and data: images only.
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'; img-src data:\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<title>" +
         escaped_title +
         "</title>\n<style>\n"
         "body{font-family:sans-serif;margin:1.5em;color:#111;max-width:1200px}\n"
         "h1{font-size:1.5em}h2{border-bottom:1px solid #888;margin-top:1.6em}\n"
         "table{border-collapse:collapse;margin:.5em 0}\n"
         "th,td{border:1px solid #999;padding:2px 6px;text-align:left;vertical-align:top}\n"
         "td.num{text-align:right}th{background:#eee}\n"
         ".heat td.cell{text-align:center;min-width:3em}\n"
         ".passed{font-weight:bold}.failed{font-style:italic}\n"
         "pre{background:#f4f4f4;padding:.5em;white-space:pre-wrap;max-height:20em;overflow:auto}\n"
         "section.problem{page-break-inside:avoid}\n"
         "@media print{body{margin:0;font-size:10pt}nav{display:none}"
         "h2{page-break-before:auto}pre{max-height:none}"
         "td.cell{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n"
         "</style></head><body>\n";
}

std::string PageEnd() { return "</body></html>\n"; }

std::string Fixed(double x, int digits) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.*f", digits, x);
  return buffer;
}

std::string Rate(int64_t passed, int64_t total) {
  const double percent =
      total ? 100.0 * static_cast<double>(passed) / static_cast<double>(total) : 0;
  return std::to_string(passed) + "/" + std::to_string(total) + " (" + Fixed(percent, 0) + "%)";
}

}  // namespace reports::internal

namespace reports {
namespace {

base::Status WriteText(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return base::Status::Internal("cannot write " + file.string());
  return base::Status::Ok();
}

}  // namespace

base::Status WriteHtmlReport(const ClassReport& report, const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return base::Status::Internal("cannot create " + dir.string() + ": " + ec.message());
  if (base::Status s = WriteText(dir / "index.html", IndexHtml(report)); !s.ok()) return s;
  for (const LearnerReport& learner : report.learner_reports) {
    base::Status s = WriteText(dir / LearnerFileName(learner.name), LearnerHtml(report, learner));
    if (!s.ok()) return s;
  }
  return base::Status::Ok();
}

base::Status WriteLearnerPage(const ClassReport& report, const std::string& learner,
                              const std::filesystem::path& file) {
  for (const LearnerReport& page : report.learner_reports) {
    if (page.name == learner) return WriteText(file, LearnerHtml(report, page));
  }
  return base::Status::NotFound("learner \"" + learner + "\" has no submissions in the report");
}

}  // namespace reports
