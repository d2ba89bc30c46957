// A small Prometheus registry: counters, gauges read at scrape time, and histograms, each with labels,
// rendered in the text exposition format 0.0.4 by GET /metrics. One process-wide registry (metrics()),
// as Prometheus client libraries have, so that every layer can count without plumbing. Thread-safe;
// an update is one short critical section.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cmon_mcp::util {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Metrics {
 public:
  // Adds `v` to the counter `name` (must end in _total) with `labels`.
  void inc(std::string_view name, const Labels& labels = {}, double v = 1);
  // Records one observation (seconds) in the histogram `name`.
  void observe(std::string_view name, const Labels& labels, double seconds);
  // A gauge or counter whose value is read when scraped (sessions now, CMON client counters).
  void callback(std::string_view name, std::string_view type, std::string_view help,
                std::function<std::vector<std::pair<Labels, double>>()> read);
  // HELP text of a counter or histogram family (optional; shown in /metrics).
  void describe(std::string_view name, std::string_view help);

  // The text exposition format, families sorted by name.
  std::string render() const;
  // The value of a counter series, or of a histogram's count; 0 when absent (for tests).
  double value(std::string_view name, const Labels& labels = {}) const;
  // Forgets everything (for tests).
  void clear();

  // The histogram bucket bounds, in seconds.
  static const std::vector<double>& buckets();

 private:
  struct Histogram {
    std::vector<double> counts;  // per bucket (not cumulative)
    double sum = 0;
    double count = 0;
  };
  struct Family {
    std::string type;  // counter, gauge, histogram
    std::string help;
    std::map<std::string, double> counters;  // rendered label set -> value
    std::map<std::string, Histogram> histograms;
    std::function<std::vector<std::pair<Labels, double>>()> read;
  };
  Family& family(std::string_view name, std::string_view type);

  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
};

// The process-wide registry.
Metrics& metrics();

// `{a="x",b="y"}` with Prometheus escaping; "" for no labels.
std::string render_labels(const Labels& labels);

}  // namespace cmon_mcp::util
