// Charts as inline SVG, drawn here so that a report needs no script or library. Each chart
// carries its numbers as text (labels, <title> tooltips), so it reads in print and without
// colour. The labels passed in must already be escaped (reports/escape.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace reports {

// A bar chart of counts with one label per bar under it and the count above it.
std::string BarChartSvg(const std::vector<int64_t>& counts,
                        const std::vector<std::string>& escaped_labels,
                        const std::string& escaped_title);

// Score fraction (0..1) per attempt, in order, as a line with a dot per attempt; tooltips are
// the escaped texts, one per point.
std::string AttemptsSvg(const std::vector<double>& fractions,
                        const std::vector<std::string>& escaped_tooltips,
                        const std::string& escaped_title);

// A background colour for a value in [0, 1], from red (0) to green (1).
std::string HeatColour(double value);

}  // namespace reports
