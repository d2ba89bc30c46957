// See metrics.hpp.
#include "cmon_mcp/util/metrics.hpp"

#include <cmath>
#include <cstdio>

namespace cmon_mcp::util {

namespace {

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

// Inserts `extra` (le="...") into a rendered label set.
std::string with_label(const std::string& labels, const std::string& extra) {
  if (labels.empty()) return "{" + extra + "}";
  return labels.substr(0, labels.size() - 1) + "," + extra + "}";
}

}  // namespace

std::string render_labels(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ",";
    out += labels[i].first + "=\"" + escape(labels[i].second) + "\"";
  }
  return out + "}";
}

const std::vector<double>& Metrics::buckets() {
  static const std::vector<double> b = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                        0.5,   1,      2.5,   5,    10,    30,   60};
  return b;
}

Metrics::Family& Metrics::family(std::string_view name, std::string_view type) {
  auto it = families_.find(name);
  if (it == families_.end()) it = families_.emplace(std::string(name), Family{std::string(type)}).first;
  return it->second;
}

void Metrics::inc(std::string_view name, const Labels& labels, double v) {
  std::string key = render_labels(labels);
  std::lock_guard lock(mutex_);
  family(name, "counter").counters[key] += v;
}

void Metrics::observe(std::string_view name, const Labels& labels, double seconds) {
  std::string key = render_labels(labels);
  const auto& b = buckets();
  std::lock_guard lock(mutex_);
  Histogram& h = family(name, "histogram").histograms[key];
  if (h.counts.empty()) h.counts.assign(b.size(), 0);
  for (size_t i = 0; i < b.size(); ++i)
    if (seconds <= b[i]) {
      h.counts[i] += 1;
      break;
    }
  h.sum += seconds;
  h.count += 1;
}

void Metrics::callback(std::string_view name, std::string_view type, std::string_view help,
                       std::function<std::vector<std::pair<Labels, double>>()> read) {
  std::lock_guard lock(mutex_);
  Family& f = family(name, type);
  f.type = std::string(type);
  f.help = std::string(help);
  f.read = std::move(read);
}

void Metrics::describe(std::string_view name, std::string_view help) {
  std::lock_guard lock(mutex_);
  auto it = families_.find(name);
  if (it == families_.end()) {
    // The type is known from the name's convention until the first update says otherwise.
    bool counter = name.size() > 6 && name.substr(name.size() - 6) == "_total";
    it = families_.emplace(std::string(name), Family{counter ? "counter" : "histogram"}).first;
  }
  it->second.help = std::string(help);
}

std::string Metrics::render() const {
  // Callbacks run outside the lock: they may take locks of their own (session tables).
  std::vector<std::pair<std::string, std::function<std::vector<std::pair<Labels, double>>()>>> reads;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [name, f] : families_)
      if (f.read) reads.emplace_back(name, f.read);
  }
  std::map<std::string, std::vector<std::pair<Labels, double>>> read_values;
  for (auto& [name, read] : reads) read_values[name] = read();

  std::lock_guard lock(mutex_);
  std::string out;
  const auto& b = buckets();
  for (const auto& [name, f] : families_) {
    if (!f.help.empty()) out += "# HELP " + name + " " + f.help + "\n";
    out += "# TYPE " + name + " " + f.type + "\n";
    if (f.read) {
      for (const auto& [labels, v] : read_values[name])
        out += name + render_labels(labels) + " " + number(v) + "\n";
      continue;
    }
    for (const auto& [labels, v] : f.counters) out += name + labels + " " + number(v) + "\n";
    for (const auto& [labels, h] : f.histograms) {
      double cumulative = 0;
      for (size_t i = 0; i < b.size(); ++i) {
        cumulative += h.counts[i];
        out += name + "_bucket" + with_label(labels, "le=\"" + number(b[i]) + "\"") + " " +
               number(cumulative) + "\n";
      }
      out += name + "_bucket" + with_label(labels, "le=\"+Inf\"") + " " + number(h.count) + "\n";
      out += name + "_sum" + labels + " " + number(h.sum) + "\n";
      out += name + "_count" + labels + " " + number(h.count) + "\n";
    }
  }
  return out;
}

double Metrics::value(std::string_view name, const Labels& labels) const {
  std::string key = render_labels(labels);
  std::lock_guard lock(mutex_);
  auto it = families_.find(name);
  if (it == families_.end()) return 0;
  if (auto c = it->second.counters.find(key); c != it->second.counters.end()) return c->second;
  if (auto h = it->second.histograms.find(key); h != it->second.histograms.end()) return h->second.count;
  return 0;
}

void Metrics::clear() {
  std::lock_guard lock(mutex_);
  families_.clear();
}

Metrics& metrics() {
  static Metrics m;
  return m;
}

}  // namespace cmon_mcp::util
