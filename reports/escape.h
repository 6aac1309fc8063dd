// Escaping of learner-controlled text for the report's outputs (docs/report.md, "Escaping").
// Every string that came from a learner (names, sources, compile output, messages) passes
// through one of these before it is written.
#pragma once

#include <string>
#include <string_view>

namespace reports {

// Text safe inside HTML element content and double- or single-quoted attribute values.
std::string EscapeHtml(std::string_view text);
// One RFC 4180 CSV cell: quoted when needed, and a cell starting with = + - @ TAB or CR gets a
// leading ' so that a spreadsheet shows it as text rather than running it as a formula.
std::string CsvCell(std::string_view text);
// A file name for a learner's page, safe for any name: "learner-<letters, digits, - and _ of
// the name, at most 40>-<8 hex digits of a hash of the whole name>.html".
std::string LearnerFileName(std::string_view learner);

}  // namespace reports
