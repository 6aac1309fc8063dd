#include "reports/svg.h"

#include <algorithm>
#include <cstdio>

namespace reports {
namespace {

std::string Num(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f", x);
  return buffer;
}

}  // namespace

std::string BarChartSvg(const std::vector<int64_t>& counts,
                        const std::vector<std::string>& escaped_labels,
                        const std::string& escaped_title) {
  const double bar = 34, gap = 6, height = 120, top = 16, bottom = 20;
  const int64_t peak = std::max<int64_t>(1, *std::max_element(counts.begin(), counts.end()));
  const double width = static_cast<double>(counts.size()) * (bar + gap) + gap;
  std::string svg = "<svg class=\"chart\" role=\"img\" width=\"" + Num(width) + "\" height=\"" +
                    Num(top + height + bottom) + "\" viewBox=\"0 0 " + Num(width) + " " +
                    Num(top + height + bottom) + "\"><title>" + escaped_title + "</title>";
  for (size_t i = 0; i < counts.size(); ++i) {
    const double h = height * static_cast<double>(counts[i]) / static_cast<double>(peak);
    const double x = gap + static_cast<double>(i) * (bar + gap);
    const std::string label = i < escaped_labels.size() ? escaped_labels[i] : "";
    svg += "<g><title>" + label + ": " + std::to_string(counts[i]) + "</title><rect x=\"" + Num(x) +
           "\" y=\"" + Num(top + height - h) + "\" width=\"" + Num(bar) + "\" height=\"" + Num(h) +
           "\" fill=\"#4a78b5\" stroke=\"#000\" stroke-width=\"0.5\"/>";
    svg += "<text x=\"" + Num(x + bar / 2) + "\" y=\"" + Num(top + height - h - 3) +
           "\" text-anchor=\"middle\" font-size=\"11\">" + std::to_string(counts[i]) + "</text>";
    svg += "<text x=\"" + Num(x + bar / 2) + "\" y=\"" + Num(top + height + 14) +
           "\" text-anchor=\"middle\" font-size=\"9\">" + label + "</text></g>";
  }
  return svg + "</svg>";
}

std::string AttemptsSvg(const std::vector<double>& fractions,
                        const std::vector<std::string>& escaped_tooltips,
                        const std::string& escaped_title) {
  const double step = 36, left = 34, top = 10, height = 80, bottom = 18;
  const double width =
      left + step * static_cast<double>(std::max<size_t>(fractions.size(), 1)) + 10;
  std::string svg = "<svg class=\"chart\" role=\"img\" width=\"" + Num(width) + "\" height=\"" +
                    Num(top + height + bottom) + "\"><title>" + escaped_title + "</title>";
  svg += "<line x1=\"" + Num(left) + "\" y1=\"" + Num(top) + "\" x2=\"" + Num(left) + "\" y2=\"" +
         Num(top + height) + "\" stroke=\"#000\"/><line x1=\"" + Num(left) + "\" y1=\"" +
         Num(top + height) + "\" x2=\"" + Num(width - 5) + "\" y2=\"" + Num(top + height) +
         "\" stroke=\"#000\"/>";
  svg += "<text x=\"2\" y=\"" + Num(top + 8) + "\" font-size=\"9\">100%</text><text x=\"2\" y=\"" +
         Num(top + height) + "\" font-size=\"9\">0%</text>";
  std::string points;
  for (size_t i = 0; i < fractions.size(); ++i) {
    const double x = left + step * (static_cast<double>(i) + 0.5);
    const double y = top + height * (1 - std::clamp(fractions[i], 0.0, 1.0));
    points += Num(x) + "," + Num(y) + " ";
    svg += "<g><title>" + (i < escaped_tooltips.size() ? escaped_tooltips[i] : "") +
           "</title><circle cx=\"" + Num(x) + "\" cy=\"" + Num(y) +
           "\" r=\"4\" fill=\"#4a78b5\" stroke=\"#000\"/></g><text x=\"" + Num(x) + "\" y=\"" +
           Num(top + height + 13) + "\" text-anchor=\"middle\" font-size=\"9\">" +
           std::to_string(i + 1) + "</text>";
  }
  if (fractions.size() > 1)
    svg += "<polyline fill=\"none\" stroke=\"#4a78b5\" points=\"" + points + "\"/>";
  return svg + "</svg>";
}

std::string HeatColour(double value) {
  const double v = std::clamp(value, 0.0, 1.0);
  char buffer[32];
  // Light colours, so that the number printed in the cell stays readable.
  std::snprintf(buffer, sizeof(buffer), "#%02x%02x%02x", static_cast<int>(255 - 80 * v),
                static_cast<int>(175 + 80 * v), static_cast<int>(175));
  return buffer;
}

}  // namespace reports
