// Implementation of the shared tool pieces declared in tools/common.hpp.
#include "cmon_mcp/tools/common.hpp"

#include "cmon_mcp/cmon/errors.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>

#include <boost/asio/as_tuple.hpp>

namespace cmon_mcp::tools {

// ---------------------------------------------------------------------------------------------------
// Schemas

json s_integer(std::string description, std::optional<int64_t> min, std::optional<int64_t> max) {
  json s{{"type", "integer"}, {"description", std::move(description)}};
  if (min) s["minimum"] = *min;
  if (max) s["maximum"] = *max;
  return s;
}

json s_number(std::string description, std::optional<double> min, std::optional<double> max) {
  json s{{"type", "number"}, {"description", std::move(description)}};
  if (min) s["minimum"] = *min;
  if (max) s["maximum"] = *max;
  return s;
}

json s_string(std::string description, std::optional<std::string> pattern, size_t max_length) {
  json s{{"type", "string"},
         {"description", std::move(description)},
         {"minLength", 1},
         {"maxLength", max_length}};
  if (pattern) s["pattern"] = *pattern;
  return s;
}

json s_enum(std::string description, std::vector<std::string> values) {
  return json{{"type", "string"}, {"description", std::move(description)}, {"enum", std::move(values)}};
}

json s_boolean(std::string description) {
  return json{{"type", "boolean"}, {"description", std::move(description)}};
}

json s_array(json items, std::string description, size_t max_items) {
  return json{{"type", "array"},
              {"description", std::move(description)},
              {"items", std::move(items)},
              {"maxItems", max_items}};
}

Schema& Schema::prop(std::string name, json schema, bool required) {
  if (required) required_.push_back(name);
  props_[std::move(name)] = std::move(schema);
  return *this;
}

Schema& Schema::cluster(std::string what) {
  prop("cluster_id",
       s_integer("Numeric id of " + what + " (see list_clusters). Give cluster_id or cluster_name.", 0));
  prop("cluster_name", s_string("Name of " + what + ", case-insensitive; alternative to cluster_id."));
  return *this;
}

Schema& Schema::node(bool required, std::string what) {
  return prop(
      "node",
      s_string(what + ": \"host\" or \"host:port\" as listed by list_nodes; the port defaults from the "
                      "cluster's node list.",
               std::nullopt, 300),
      required);
}

Schema& Schema::paging(int64_t default_limit, int64_t max_limit) {
  prop("limit",
       s_integer("Maximum number of items to return (default " + std::to_string(default_limit) + ").", 1,
                 max_limit));
  prop("offset", s_integer("Items to skip, for paging: pass the next_offset of the previous result.", 0));
  return *this;
}

Schema& Schema::time_window(std::string default_since) {
  prop("since", s_string("Start of the time window: ISO 8601 UTC (\"2025-03-01T10:00:00Z\") or relative "
                         "(\"15m\", \"1h\", \"7d\"). Default " +
                             default_since + ".",
                         std::nullopt, 64));
  prop("until", s_string("End of the time window, same forms as since. Default now.", std::nullopt, 64));
  return *this;
}

Schema& Schema::detail() {
  return prop("detail",
              s_enum("\"concise\" (default): the fields a DBA looks at first. \"full\": every field.",
                     {"concise", "full"}));
}

Schema& Schema::format() {
  return prop("format",
              s_enum("\"text\" (default): readable summary. \"json\": the structured result as JSON text.",
                     {"text", "json"}));
}

json Schema::build() const {
  json s{{"type", "object"}, {"properties", props_}, {"additionalProperties", false}};
  if (!required_.empty()) s["required"] = required_;
  return s;
}

json o_obj(json properties, std::vector<std::string> required) {
  json s{{"type", "object"}, {"properties", std::move(properties)}};
  if (!required.empty()) s["required"] = std::move(required);
  return s;
}
json o_int() {
  return json{{"type", "integer"}};
}
json o_num() {
  return json{{"type", "number"}};
}
json o_str() {
  return json{{"type", "string"}};
}
json o_bool() {
  return json{{"type", "boolean"}};
}
json o_opt_int() {
  return json{{"type", json::array({"integer", "null"})}};
}
json o_arr(json items) {
  return json{{"type", "array"}, {"items", std::move(items)}};
}

json o_page(const std::string& key, json item) {
  json props{{key, o_arr(std::move(item))}, {"total", o_int()},           {"offset", o_int()},
             {"returned", o_int()},         {"next_offset", o_opt_int()}, {"truncated", o_bool()}};
  return o_obj(std::move(props), {key, "total", "returned", "next_offset"});
}

namespace {
const json* field(const json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}
}  // namespace

// ---------------------------------------------------------------------------------------------------
// Time

namespace {

bool read_digits(std::string_view s, size_t& pos, size_t count, int& out) {
  if (pos + count > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  pos += count;
  return true;
}

Expected<SysTime, std::string> parse_iso(std::string_view s) {
  using namespace std::chrono;
  auto bad = [&] {
    return unexpected(std::string("cannot read time '") + std::string(s) +
                      "': use ISO 8601 UTC like 2025-03-01T10:00:00Z, or relative like 15m, 1h, 7d");
  };
  size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!read_digits(s, pos, 4, y) || pos >= s.size() || s[pos++] != '-' || !read_digits(s, pos, 2, mo) ||
      pos >= s.size() || s[pos++] != '-' || !read_digits(s, pos, 2, d))
    return bad();
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return bad();
  SysTime t = sys_days{ymd};
  if (pos == s.size()) return t;
  if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return bad();
  ++pos;
  if (!read_digits(s, pos, 2, h) || pos >= s.size() || s[pos++] != ':' || !read_digits(s, pos, 2, mi))
    return bad();
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!read_digits(s, pos, 2, sec)) return bad();
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      int64_t frac = 0, scale = 1;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
        if (scale < 1000000) {
          frac = frac * 10 + (s[pos] - '0');
          scale *= 10;
        }
        ++pos;
      }
      t += microseconds(frac * (1000000 / scale));
    }
  }
  if (h > 23 || mi > 59 || sec > 60) return bad();
  t += hours(h) + minutes(mi) + seconds(sec);
  if (pos == s.size()) return t;  // no zone: UTC, as CMON writes its timestamps
  if (s[pos] == 'Z' || s[pos] == 'z') return pos + 1 == s.size() ? Expected<SysTime, std::string>(t) : bad();
  if (s[pos] != '+' && s[pos] != '-') return bad();
  int sign = s[pos++] == '+' ? 1 : -1, oh = 0, om = 0;
  if (!read_digits(s, pos, 2, oh)) return bad();
  if (pos < s.size() && s[pos] == ':') ++pos;
  if (pos < s.size() && !read_digits(s, pos, 2, om)) return bad();
  if (pos != s.size() || oh > 14 || om > 59) return bad();
  return t - sign * (hours(oh) + minutes(om));
}

}  // namespace

Expected<std::chrono::seconds, std::string> parse_span(std::string_view text) {
  std::string s = lower(text);
  s.erase(
      std::remove_if(s.begin(), s.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); }),
      s.end());
  if (s.size() > 3 && s.substr(s.size() - 3) == "ago") s.resize(s.size() - 3);  // "1h ago"
  int64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  std::string unit(p, static_cast<const char*>(s.data() + s.size()));
  if (ec != std::errc() || p == s.data() || n < 0)
    return unexpected("cannot read duration '" + std::string(text) + "': use e.g. 90s, 15m, 1h, 7d, 2w");
  int64_t mult = 0;
  if (unit == "s" || unit == "sec" || unit == "secs" || unit == "seconds" || unit == "second")
    mult = 1;
  else if (unit == "m" || unit == "min" || unit == "mins" || unit == "minutes" || unit == "minute")
    mult = 60;
  else if (unit == "h" || unit == "hr" || unit == "hrs" || unit == "hours" || unit == "hour")
    mult = 3600;
  else if (unit == "d" || unit == "day" || unit == "days")
    mult = 86400;
  else if (unit == "w" || unit == "week" || unit == "weeks")
    mult = 7 * 86400;
  else
    return unexpected("cannot read duration '" + std::string(text) + "': use e.g. 90s, 15m, 1h, 7d, 2w");
  if (n > 3650LL * 86400 / mult)
    return unexpected("duration '" + std::string(text) + "' is longer than 10 years");
  return std::chrono::seconds(n * mult);
}

Expected<SysTime, std::string> parse_time(std::string_view text, SysTime now) {
  std::string s(text);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(s.begin());
  if (s.empty())
    return unexpected(std::string("cannot read an empty time: use ISO 8601 UTC or relative like 15m"));
  if (iequals(s, "now")) return now;
  // "2025-..." is a date; "15m" or "1h ago" a span back from now.
  if (s.size() >= 10 && s[4] == '-') return parse_iso(s);
  auto span = parse_span(s);
  if (!span)
    return unexpected(std::string("cannot read time '") + s +
                      "': use ISO 8601 UTC like 2025-03-01T10:00:00Z, or relative like 15m, 1h, 7d");
  return now - *span;
}

std::string iso_utc(SysTime t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<SysTime> cmon_time(const json& value) {
  if (value.is_number()) {
    double v = value.get<double>();
    if (v <= 0) return std::nullopt;
    if (v > 1e11) v /= 1000;  // milliseconds
    return SysTime(std::chrono::seconds(static_cast<int64_t>(v)));
  }
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    if (s.empty()) return std::nullopt;
    if (s.find('-') == std::string::npos) {
      json n = get_int(json{{"v", s}}, "v", 0);
      return n.get<int64_t>() > 0 ? cmon_time(n) : std::nullopt;
    }
    auto t = parse_iso(s);
    if (t) return *t;
  }
  return std::nullopt;
}

std::string cmon_ts(const json& obj, std::string_view key) {
  const json* v = field(obj, key);
  if (!v) return "";
  auto t = cmon_time(*v);
  return t ? iso_utc(*t) : "";
}

Expected<TimeWindow, std::string> time_window_of(const json& args, std::string_view default_since,
                                                 SysTime now) {
  TimeWindow w;
  auto since =
      parse_time(args.contains("since") ? args["since"].get<std::string>() : std::string(default_since), now);
  if (!since) return unexpected("since: " + since.error());
  auto until =
      parse_time(args.contains("until") ? args["until"].get<std::string>() : std::string("now"), now);
  if (!until) return unexpected("until: " + until.error());
  if (*since > *until)
    return unexpected("since (" + iso_utc(*since) + ") is after until (" + iso_utc(*until) + ")");
  w.since = *since;
  w.until = *until;
  return w;
}

// ---------------------------------------------------------------------------------------------------
// Humanising

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string human_bytes(double bytes) {
  static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  bool negative = bytes < 0;
  double v = std::fabs(bytes);
  int u = 0;
  while (v >= 1024 && u < 5) {
    v /= 1024;
    ++u;
  }
  std::string s = u == 0 ? fixed(v, 0) : fixed(v, v < 10 ? 1 : 0);
  return (negative ? "-" : "") + s + " " + units[u];
}

std::string human_duration(double seconds) {
  if (seconds < 0) seconds = 0;
  auto s = static_cast<int64_t>(seconds + 0.5);
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m " + std::to_string(s % 60) + "s";
  if (s < 86400) return std::to_string(s / 3600) + "h " + std::to_string(s % 3600 / 60) + "m";
  return std::to_string(s / 86400) + "d " + std::to_string(s % 86400 / 3600) + "h";
}

std::string human_percent(double fraction) {
  return fixed(fraction * 100, 1) + "%";
}

// ---------------------------------------------------------------------------------------------------
// Common arguments

Detail detail_of(const json& args) {
  return args.value("detail", std::string("concise")) == "full" ? Detail::full : Detail::concise;
}

bool json_format(const json& args) {
  return args.value("format", std::string("text")) == "json";
}

Paging paging_of(const json& args, int64_t default_limit) {
  Paging p;
  p.limit = args.contains("limit") ? args["limit"].get<int64_t>() : default_limit;
  p.offset = args.contains("offset") ? args["offset"].get<int64_t>() : 0;
  return p;
}

json page_info(int64_t total, const Paging& page, size_t returned) {
  int64_t end = page.offset + static_cast<int64_t>(returned);
  json next = end < total && returned > 0 ? json(end) : json(nullptr);
  return json{{"total", total},
              {"offset", page.offset},
              {"returned", returned},
              {"next_offset", next},
              {"truncated", false}};
}

void page_array(json& out, const std::string& key, json items, const Paging& page) {
  json slice = json::array();
  auto total = static_cast<int64_t>(items.size());
  for (int64_t i = page.offset; i < total && static_cast<int64_t>(slice.size()) < page.limit; ++i)
    slice.push_back(std::move(items[static_cast<size_t>(i)]));
  size_t n = slice.size();
  out[key] = std::move(slice);
  out.update(page_info(total, page, n));
}

// ---------------------------------------------------------------------------------------------------
// Results

std::string cap_text(std::string text, size_t cap, std::string_view how_to_get_more) {
  if (text.size() <= cap) return text;
  size_t cut = text.rfind('\n', cap);
  if (cut == std::string::npos || cut < cap / 2) cut = cap;
  // Never cut inside a UTF-8 sequence.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  size_t dropped = text.size() - cut;
  text.resize(cut);
  text += "\n[output cut at " + std::to_string(cap / 1024) + " KB, " + std::to_string(dropped) +
          " bytes left out";
  if (!how_to_get_more.empty()) text += "; " + std::string(how_to_get_more);
  text += "]";
  return text;
}

ToolResult respond(const json& args, std::string text, json structured, const std::string& list_key) {
  if (!list_key.empty() && structured.contains(list_key) && structured[list_key].is_array()) {
    json& items = structured[list_key];
    size_t before = items.size();
    while (items.size() > 1 && structured.dump().size() > kStructuredCap) items.erase(items.size() - 1);
    if (items.size() < before) {
      structured["truncated"] = true;
      int64_t offset = structured.value("offset", int64_t{0});
      structured["returned"] = items.size();
      structured["next_offset"] = offset + static_cast<int64_t>(items.size());
      text += "\n[structured result cut to " + std::to_string(items.size()) + " items to stay under " +
              std::to_string(kStructuredCap / 1024) +
              " KB; use offset=" + std::to_string(offset + static_cast<int64_t>(items.size())) +
              " or a smaller limit]";
    }
  }
  std::string hint;
  if (structured.contains("next_offset") && structured["next_offset"].is_number_integer())
    hint = "call again with offset=" + std::to_string(structured["next_offset"].get<int64_t>()) +
           " or a smaller limit / narrower filters";
  else
    hint = "use narrower filters or detail=concise";
  if (json_format(args)) text = structured.dump(1);
  return ToolResult::structured_text(cap_text(std::move(text), kTextCap, hint), std::move(structured));
}

ToolResult cmon_failure(const cmon::Error& e, std::string_view doing) {
  std::string text = cmon::describe(e);
  if (!doing.empty()) text = "Could not " + std::string(doing) + ": " + text;
  return ToolResult::error(std::move(text));
}

awaitable<Expected<json, ToolResult>> call(ToolContext& ctx, std::string_view path,
                                           std::string_view operation, json fields, std::string_view doing,
                                           cmon::CallOptions options) {
  std::string doing_copy(doing);
  auto r = co_await ctx.cmon.call(path, operation, std::move(fields), options);
  if (!r) co_return unexpected(cmon_failure(r.error(), doing_copy));
  co_return std::move(*r);
}

// ---------------------------------------------------------------------------------------------------
// Clusters and nodes

Family family_of(std::string_view cluster_type, std::string_view vendor) {
  std::string t = lower(cluster_type);
  if (t == "galera") return Family::galera;
  if (t == "replication" || t == "mysql_single" || t == "group_repl" || t == "group_replication" ||
      t == "mysqlcluster" || t == "mysql")
    return Family::mysql;
  if (t.rfind("postgres", 0) == 0) return Family::postgres;
  if (t.rfind("mongo", 0) == 0) return Family::mongo;
  if (t.rfind("mssql", 0) == 0) return Family::mssql;
  if (t.rfind("redis", 0) == 0 || t.rfind("valkey", 0) == 0) return Family::redis;
  if (t.rfind("elastic", 0) == 0) return Family::elastic;
  if (t.rfind("clickhouse", 0) == 0) return Family::clickhouse;
  std::string v = lower(vendor);
  if (v == "redis" || v == "valkey") return Family::redis;
  return Family::other;
}

const char* family_name(Family f) {
  switch (f) {
    case Family::mysql:
      return "MySQL";
    case Family::galera:
      return "Galera";
    case Family::postgres:
      return "PostgreSQL";
    case Family::mongo:
      return "MongoDB";
    case Family::mssql:
      return "SQL Server";
    case Family::redis:
      return "Redis";
    case Family::elastic:
      return "Elasticsearch";
    case Family::clickhouse:
      return "ClickHouse";
    case Family::other:
      break;
  }
  return "this cluster type";
}

namespace {
// The header fields only (Cluster::info left empty): what a summary needs, without a deep copy.
Cluster cluster_header(const json& info) {
  Cluster c;
  c.id = get_int(info, "cluster_id");
  c.name = get_string(info, "cluster_name");
  c.type = get_string(info, "cluster_type");
  for (auto& ch : c.type) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  c.vendor = get_string(info, "vendor");
  c.version = get_string(info, "version");
  c.state = get_string(info, "state");
  c.family = family_of(c.type, c.vendor);
  return c;
}
}  // namespace

Cluster cluster_from(const json& info) {
  Cluster c = cluster_header(info);
  c.info = info;
  return c;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::vector<std::string> close_matches(const std::string& want, const std::vector<std::string>& known,
                                       size_t max) {
  std::vector<std::pair<size_t, std::string>> scored;
  const std::string w = lower(want);
  for (const auto& k : known) {
    const std::string h = lower(k);
    size_t d = edit_distance(w, h);
    bool similar = d <= std::max<size_t>(2, w.size() / 3) ||
                   (w.size() >= 3 && h.find(w) != std::string::npos) ||
                   (h.size() >= 3 && w.find(h) != std::string::npos);
    if (similar) scored.emplace_back(d, k);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (const auto& [d, k] : scored) {
    if (out.size() == max) break;
    if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
  }
  return out;
}

int64_t default_port(Family f) {
  switch (f) {
    case Family::mysql:
    case Family::galera:
      return 3306;
    case Family::postgres:
      return 5432;
    case Family::mongo:
      return 27017;
    case Family::mssql:
      return 1433;
    case Family::redis:
      return 6379;
    case Family::elastic:
      return 9200;
    case Family::clickhouse:
      return 9000;
    case Family::other:
      break;
  }
  return 0;
}

namespace {

std::string cluster_list_text(const json& clusters) {
  if (clusters.empty()) return "the controller manages no clusters";
  std::string s;
  size_t n = 0;
  for (const auto& c : clusters) {
    if (n == 25) {
      s += ", … (" + std::to_string(clusters.size() - n) + " more, see list_clusters)";
      break;
    }
    if (n++) s += ", ";
    s += get_string(c, "cluster_name") + " (id " + std::to_string(get_int(c, "cluster_id")) + ")";
  }
  return s;
}

bool looks_not_found(const cmon::Error& e) {
  return e.code == cmon::Errc::not_found ||
         (e.code == cmon::Errc::invalid_request && icontains(e.message, "not found"));
}

}  // namespace

Expected<json, std::string> match_cluster_name(const json& clusters, std::string_view name) {
  std::vector<const json*> exact;
  for (const auto& c : clusters)
    if (iequals(get_string(c, "cluster_name"), name)) exact.push_back(&c);
  if (exact.size() == 1) return *exact.front();
  if (exact.size() > 1) {
    std::string s = "cluster name '" + std::string(name) + "' is ambiguous: ";
    for (size_t i = 0; i < exact.size(); ++i)
      s += (i ? ", " : "") + get_string(*exact[i], "cluster_name") + " (id " +
           std::to_string(get_int(*exact[i], "cluster_id")) + ")";
    return unexpected(s + "; give cluster_id instead");
  }
  std::string want = lower(name);
  json close = json::array();
  for (const auto& c : clusters) {
    std::string have = lower(get_string(c, "cluster_name"));
    size_t limit = std::max<size_t>(2, want.size() / 3);
    bool similar = edit_distance(want, have) <= limit ||
                   (!want.empty() && have.find(want) != std::string::npos) ||
                   (!have.empty() && want.find(have) != std::string::npos);
    // Names sharing their first dash-separated word ("prod-db" / "prod-galera") are worth showing too.
    auto head = [](const std::string& s) { return s.substr(0, s.find_first_of("-_. ")); };
    if (similar || (head(want).size() >= 3 && head(want) == head(have))) close.push_back(c);
  }
  std::string s = "cluster '" + std::string(name) + "' not found; ";
  if (!close.empty()) s += "close matches: " + cluster_list_text(close) + "; ";
  return unexpected(s + "known clusters: " + cluster_list_text(clusters));
}

namespace {
// Looking a cluster up by name, or listing the known ones in an error, reads only ids and names.
cmon::CallOptions names_only() {
  static const cmon::ReplyParts parts(json{{"clusters", {{"cluster_id", true}, {"cluster_name", true}}}});
  cmon::CallOptions options;
  options.parts = &parts;
  return options;
}
}  // namespace

awaitable<Expected<std::optional<Cluster>, ToolResult>> resolve_optional_cluster(
    ToolContext& ctx, const json& args, json extra, const cmon::ReplyParts* parts) {
  using Out = Expected<std::optional<Cluster>, ToolResult>;
  bool by_id = args.contains("cluster_id");
  bool by_name = args.contains("cluster_name");
  if (!by_id && !by_name) co_return Out(std::nullopt);

  int64_t id = by_id ? args["cluster_id"].get<int64_t>() : 0;
  std::string name = by_name ? args["cluster_name"].get<std::string>() : "";
  if (by_name) {
    json all_fields = json::object();
    auto all =
        co_await ctx.cmon.call("/v2/clusters", "getAllClusterInfo", std::move(all_fields), names_only());
    if (!all) co_return unexpected(cmon_failure(all.error(), "look up cluster names"));
    auto m = match_cluster_name(get_list(*all, "clusters"), name);
    if (!m) co_return unexpected(ToolResult::error(m.error()));
    int64_t named_id = get_int(*m, "cluster_id");
    if (by_id && named_id != id)
      co_return unexpected(ToolResult::error("cluster_id " + std::to_string(id) + " and cluster_name '" +
                                             name + "' (id " + std::to_string(named_id) +
                                             ") name different clusters; give only one of them"));
    id = named_id;
  }
  json fields = std::move(extra);
  fields["cluster_id"] = id;
  cmon::CallOptions options;
  options.parts = parts;
  auto r = co_await ctx.cmon.call("/v2/clusters", "getClusterInfo", std::move(fields), options);
  if (!r) {
    if (looks_not_found(r.error())) {
      json all_fields = json::object();
      auto all =
          co_await ctx.cmon.call("/v2/clusters", "getAllClusterInfo", std::move(all_fields), names_only());
      std::string known = all ? "; known clusters: " + cluster_list_text(get_list(*all, "clusters")) : "";
      co_return unexpected(ToolResult::error("cluster " + std::to_string(id) + " not found" + known));
    }
    co_return unexpected(cmon_failure(r.error(), "read cluster " + std::to_string(id)));
  }
  if (!r->contains("cluster") || !(*r)["cluster"].is_object())
    co_return unexpected(ToolResult::error("the controller answered getClusterInfo for cluster " +
                                           std::to_string(id) + " without a cluster object"));
  co_return Out(std::optional<Cluster>(cluster_from((*r)["cluster"])));
}

awaitable<Expected<Cluster, ToolResult>> resolve_cluster(ToolContext& ctx, const json& args, json extra,
                                                         const cmon::ReplyParts* parts) {
  auto r = co_await resolve_optional_cluster(ctx, args, std::move(extra), parts);
  if (!r) co_return unexpected(std::move(r.error()));
  if (*r) co_return std::move(**r);
  json all_fields = json::object();
  auto all = co_await ctx.cmon.call("/v2/clusters", "getAllClusterInfo", std::move(all_fields), names_only());
  std::string known = all ? "; known clusters: " + cluster_list_text(get_list(*all, "clusters")) : "";
  co_return unexpected(ToolResult::error("give cluster_id or cluster_name" + known));
}

namespace {
bool is_controller(const json& host) {
  if (!host.is_object()) return false;
  auto it = host.find("nodetype");
  return it != host.end() && it->is_string() && iequals(it->get_ref<const std::string&>(), "controller");
}
}  // namespace

std::vector<json> cluster_hosts(const json& cluster_info, bool with_controller) {
  std::vector<json> out;
  for (const json* h : get_list_refs(cluster_info, "hosts"))
    if (with_controller || !is_controller(*h)) out.push_back(*h);
  return out;
}

std::string host_label(const json& host) {
  std::string name = get_string(host, "hostname", get_string(host, "ip"));
  int64_t port = get_int(host, "port", -1);
  if (name.find(':') != std::string::npos) name = "[" + name + "]";
  return port >= 0 ? name + ":" + std::to_string(port) : name;
}

bool host_online(const json& host) {
  return iequals(get_string(host, "hoststatus"), "CmonHostOnline");
}

Expected<json, std::string> find_node(const Cluster& cluster, std::string_view selector) {
  std::string host(selector);
  std::optional<int64_t> port;
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    if (close == std::string::npos) return unexpected("node '" + std::string(selector) + "': missing ']'");
    std::string rest = host.substr(close + 1);
    host = host.substr(1, close - 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return unexpected("node '" + std::string(selector) + "': expected [host]:port");
      port = get_int(json{{"p", rest.substr(1)}}, "p", -1);
    }
  } else if (auto colon = host.rfind(':'); colon != std::string::npos && host.find(':') == colon) {
    port = get_int(json{{"p", host.substr(colon + 1)}}, "p", -1);
    host.resize(colon);
  }
  if (port && *port < 0) return unexpected("node '" + std::string(selector) + "': the port is not a number");

  auto all = cluster_hosts(cluster.info, true);
  std::vector<json> matches;
  for (const auto& h : all) {
    bool name_ok = iequals(get_string(h, "hostname"), host) || iequals(get_string(h, "ip"), host) ||
                   iequals(get_string(h, "hostname_internal"), host) ||
                   iequals(get_string(h, "hostname_data"), host);
    if (name_ok && (!port || get_int(h, "port", -1) == *port)) matches.push_back(h);
  }
  // Without a port, a database node wins over the controller or helpers on the same host.
  if (matches.size() > 1 && !port) {
    std::vector<json> db;
    for (const auto& h : matches)
      if (!is_controller(h)) db.push_back(h);
    if (!db.empty()) matches = db;
  }
  auto node_list = [&] {
    std::string s;
    for (const auto& h : all) {
      if (!s.empty()) s += ", ";
      s += host_label(h) + " (" + get_string(h, "nodetype", "?") + ", " + get_string(h, "hoststatus", "?") +
           ")";
    }
    return s.empty() ? std::string("none") : s;
  };
  if (matches.empty())
    return unexpected("node '" + std::string(selector) + "' not found in cluster " + cluster.name + " (id " +
                      std::to_string(cluster.id) + "); its nodes: " + node_list());
  if (matches.size() > 1)
    return unexpected("node '" + std::string(selector) + "' is ambiguous in cluster " + cluster.name +
                      "; give host:port, one of: " + node_list());
  return matches.front();
}

json node_summary(const json& host) {
  std::string status = get_string(host, "hoststatus", "CmonHostUnknown");
  std::string short_status = status.rfind("CmonHost", 0) == 0 ? status.substr(8) : status;
  std::string role = get_string(host, "member_role", get_string(host, "role"));
  return json{{"node", host_label(host)},
              {"hostname", get_string(host, "hostname", get_string(host, "ip"))},
              {"port", get_int(host, "port", 0)},
              {"host_id", get_int(host, "hostId", get_int(host, "unique_id"))},
              {"nodetype", get_string(host, "nodetype")},
              {"role", role},
              {"status", short_status},
              {"online", host_online(host)},
              {"connected", get_bool(host, "connected")},
              {"readonly", get_bool(host, "readonly") || get_bool(host, "super_read_only")},
              {"maintenance", get_bool(host, "maintenance_mode_active")},
              {"version", get_string(host, "version")},
              {"message", strip_html(get_string(host, "message", get_string(host, "errormsg")))},
              {"uptime_s", get_int(host, "uptime")}};
}

const json& node_summary_reads() {
  static const json reads = [] {
    json r = json::object();
    for (const char* key : {"connected", "errormsg", "hostId", "hostname", "hoststatus", "ip",
                            "maintenance_mode_active", "member_role", "message", "nodetype", "port",
                            "readonly", "role", "super_read_only", "unique_id", "uptime", "version"})
      r[key] = true;
    return r;
  }();
  return reads;
}

json node_summary_schema() {
  return o_obj({{"node", o_str()},
                {"hostname", o_str()},
                {"port", o_int()},
                {"host_id", o_int()},
                {"nodetype", o_str()},
                {"role", o_str()},
                {"status", o_str()},
                {"online", o_bool()},
                {"connected", o_bool()},
                {"readonly", o_bool()},
                {"maintenance", o_bool()},
                {"version", o_str()},
                {"message", o_str()},
                {"uptime_s", o_int()}},
               {"node", "hostname", "port", "nodetype", "role", "status", "online"});
}

std::string node_line(const json& n) {
  std::string s = n["node"].get<std::string>() + " " + n["nodetype"].get<std::string>();
  if (!n["role"].get<std::string>().empty()) s += "/" + n["role"].get<std::string>();
  s += " " + n["status"].get<std::string>();
  if (!n["version"].get<std::string>().empty()) s += ", v" + n["version"].get<std::string>();
  if (n["readonly"].get<bool>()) s += ", read-only";
  if (n["maintenance"].get<bool>()) s += ", IN MAINTENANCE";
  if (n["uptime_s"].get<int64_t>() > 0)
    s += ", up " + human_duration(static_cast<double>(n["uptime_s"].get<int64_t>()));
  if (!n["message"].get<std::string>().empty()) s += " — " + n["message"].get<std::string>();
  return s;
}

// Called for every cluster of every list_clusters: reads the CMON object in place, copies nothing.
json cluster_summary(const json& info) {
  Cluster c = cluster_header(info);
  int64_t nodes = 0, online = 0;
  for (const json* h : get_list_refs(info, "hosts")) {
    if (is_controller(*h)) continue;
    ++nodes;
    online += host_online(*h) ? 1 : 0;
  }
  static const json kNoAlarms = json::object();
  auto alarms_it = info.is_object() ? info.find("alarm_statistics") : info.end();
  const json& alarms = alarms_it != info.end() ? *alarms_it : kNoAlarms;
  json tags = json::array();
  for (const json* t : get_list_refs(info, "tags"))
    if (t->is_string()) tags.push_back(*t);
  return json{{"cluster_id", c.id},
              {"cluster_name", c.name},
              {"cluster_type", c.type},
              {"vendor", c.vendor},
              {"version", c.version},
              {"state", c.state},
              {"status_text", strip_html(get_string(info, "status_text"))},
              {"nodes", nodes},
              {"nodes_online", online},
              {"alarms_critical", get_int(alarms, "critical")},
              {"alarms_warning", get_int(alarms, "warning")},
              {"tags", tags},
              {"maintenance", get_bool(info, "maintenance_mode_active")},
              {"cluster_auto_recovery", get_bool(info, "cluster_auto_recovery")},
              {"node_auto_recovery", get_bool(info, "node_auto_recovery")}};
}

const json& cluster_summary_reads() {
  static const json reads = [] {
    json r = json::object();
    for (const char* key : {"alarm_statistics", "cluster_auto_recovery", "cluster_id", "cluster_name",
                            "cluster_type", "maintenance_mode_active", "node_auto_recovery", "state",
                            "status_text", "tags", "vendor", "version"})
      r[key] = true;
    r["hosts"] = json{{"hoststatus", true}, {"nodetype", true}};
    return r;
  }();
  return reads;
}

json cluster_summary_schema() {
  return o_obj({{"cluster_id", o_int()},
                {"cluster_name", o_str()},
                {"cluster_type", o_str()},
                {"vendor", o_str()},
                {"version", o_str()},
                {"state", o_str()},
                {"status_text", o_str()},
                {"nodes", o_int()},
                {"nodes_online", o_int()},
                {"alarms_critical", o_int()},
                {"alarms_warning", o_int()},
                {"tags", o_arr(o_str())},
                {"maintenance", o_bool()},
                {"cluster_auto_recovery", o_bool()},
                {"node_auto_recovery", o_bool()}},
               {"cluster_id", "cluster_name", "cluster_type", "state"});
}

std::string cluster_line(const json& c) {
  std::string s =
      c["cluster_name"].get<std::string>() + " (id " + std::to_string(c["cluster_id"].get<int64_t>()) + ") " +
      c["cluster_type"].get<std::string>() + " " + c["vendor"].get<std::string>() + " " +
      c["version"].get<std::string>() + " — " + c["state"].get<std::string>() + "; " +
      std::to_string(c["nodes_online"].get<int64_t>()) + "/" + std::to_string(c["nodes"].get<int64_t>()) +
      " nodes online; alarms " + std::to_string(c["alarms_critical"].get<int64_t>()) + " critical, " +
      std::to_string(c["alarms_warning"].get<int64_t>()) + " warning";
  if (c["maintenance"].get<bool>()) s += "; IN MAINTENANCE";
  if (!c["tags"].empty()) {
    s += "; tags:";
    for (const auto& t : c["tags"]) s += " " + t.get<std::string>();
  }
  return s;
}

// Replication state of one host in the cluster's own terms, or null when the host does not replicate.
json replication_of(const json& host, Family family) {
  json r{{"node", host_label(host)}, {"role", get_string(host, "member_role", get_string(host, "role"))}};
  bool any = false;
  if (host.contains("replication_slave") && host["replication_slave"].is_object()) {
    const json& s = host["replication_slave"];
    r["source"] =
        get_string(s, "master_host") + (s.contains("master_port") ? ":" + get_string(s, "master_port") : "");
    r["lag_s"] = get_int(s, "seconds_behind_master", -1);
    r["io_running"] = get_string(s, "slave_io_running");
    r["sql_running"] = get_string(s, "slave_sql_running");
    if (!get_string(s, "last_io_error").empty()) r["error"] = strip_html(get_string(s, "last_io_error"));
    if (!get_string(s, "last_sql_error").empty()) r["error"] = strip_html(get_string(s, "last_sql_error"));
    any = !r["source"].get<std::string>().empty() || r["lag_s"].get<int64_t>() >= 0;
  }
  if (host.contains("galera") && host["galera"].is_object()) {
    const json& g = host["galera"];
    r["state"] = get_string(g, "localstatusstr");
    r["galera_status"] = get_string(g, "galerastatus");
    r["cluster_size"] = get_int(g, "clustersize");
    any = true;
  }
  if (host.contains("replication_state")) {
    const json& p = host["replication_state"];
    if (p.is_object()) {
      r["state"] = get_string(p, "state", get_string(p, "status"));
      if (p.contains("replay_lag") || p.contains("lag"))
        r["lag_s"] = get_int(p, "replay_lag", get_int(p, "lag"));
    } else {
      r["state"] = get_string(json{{"v", p}}, "v");
    }
    any = true;
  }
  if (host.contains("replica") && host["replica"].is_object()) {
    r["state"] = get_string(host["replica"], "synchronization_health",
                            get_string(host["replica"], "synchronization_state"));
    any = true;
  }
  if (family == Family::mongo || family == Family::redis) {
    if (host.contains("replication_lag") || host.contains("lag")) {
      r["lag_s"] = get_int(host, "replication_lag", get_int(host, "lag"));
      any = true;
    }
    if (!get_string(host, "member_role").empty() || !get_string(host, "role").empty()) any = true;
  }
  return any ? r : json();
}

// ---------------------------------------------------------------------------------------------------
// Jobs

std::string job_command(const json& job) {
  if (!job.is_object() || !job.contains("job_spec")) return "";
  return get_string(cmon::parse_job_spec(job["job_spec"]), "command");
}

double job_duration_s(const json& job, SysTime now) {
  auto start = cmon_time(job.value("started", json()));
  if (!start) start = cmon_time(job.value("created", json()));
  if (!start) return 0;
  auto end = cmon_time(job.value("ended", json()));
  if (!end) end = cmon::is_job_terminal(get_string(job, "status")) ? start : now;
  return std::chrono::duration<double>(*end - *start).count();
}

json job_log_tail(const json& messages, size_t tail) {
  json in_order = json::array();
  for (const auto& m : messages)
    if (m.is_object()) in_order.push_back(m);
  std::stable_sort(in_order.begin(), in_order.end(), [](const json& a, const json& b) {
    auto ta = cmon_time(a.value("created", json()));
    auto tb = cmon_time(b.value("created", json()));
    if (ta && tb && *ta != *tb) return *ta < *tb;
    return get_int(a, "message_id") < get_int(b, "message_id");
  });
  size_t start = in_order.size() > tail ? in_order.size() - tail : 0;
  auto rank = [](const json& m) {
    std::string s = get_string(m, "message_status");
    return s == "JOB_FAILED" ? 0 : s == "JOB_WARNING" ? 1 : 2;
  };
  json out = json::array();
  for (int r = 0; r < 3; ++r)
    for (size_t i = 0; i < in_order.size(); ++i)
      // Failures and warnings are kept even when older than the tail: they explain the outcome.
      if (rank(in_order[i]) == r && (r < 2 || i >= start)) out.push_back(in_order[i]);
  while (out.size() > std::max<size_t>(tail, 1) * 2) out.erase(out.size() - 1);
  return out;
}

std::string render_job_messages(const json& messages) {
  std::string s;
  for (const auto& m : messages) {
    std::string status = get_string(m, "message_status");
    if (status.rfind("JOB_", 0) == 0) status = status.substr(4);
    status.resize(std::max<size_t>(status.size(), 7), ' ');
    s += cmon_ts(m, "created") + " " + status + " " + strip_html(get_string(m, "message_text")) + "\n";
  }
  return s;
}

awaitable<Expected<JobWait, ToolResult>> wait_job(ToolContext& ctx, int64_t job_id,
                                                  std::chrono::seconds timeout,
                                                  std::chrono::milliseconds poll) {
  using namespace std::chrono;
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor);
  JobWait w;
  const auto start = steady_clock::now();
  const auto deadline = start + timeout;
  // Short jobs should not wait a whole poll interval: start fast and back off to `poll`.
  milliseconds interval = std::min(poll, milliseconds(250));
  double last_progress = -1;
  std::string last_message;
  const std::string doing = "follow job " + std::to_string(job_id);
  for (;;) {
    if (ctx.cancelled()) {
      w.cancelled = true;
      break;
    }
    json fields{{"job_id", job_id}};
    auto r = co_await ctx.cmon.call("/v2/jobs", "getJobInstance", std::move(fields));
    if (!r) {
      if (r.error().code == cmon::Errc::cancelled || ctx.cancelled()) {
        w.cancelled = true;
        break;
      }
      co_return unexpected(cmon_failure(r.error(), doing));
    }
    w.job = r->value("job", json::object());
    std::string status = get_string(w.job, "status");
    if (cmon::is_job_terminal(status)) w.finished = true;

    json log_fields{{"job_id", job_id}, {"limit", 1}, {"ascending", false}};
    auto latest = co_await ctx.cmon.call("/v2/jobs", "getJobLog", std::move(log_fields));
    std::string message = get_string(w.job, "status_text", status);
    if (latest) {
      auto msgs = get_list(*latest, "messages");
      if (!msgs.empty()) message = strip_html(get_string(msgs.back(), "message_text", message));
    }
    double pct = w.finished ? 100.0 : std::clamp(get_double(w.job, "progress_percent", 0), 0.0, 100.0);
    if (pct > last_progress || message != last_message) {
      // MCP wants progress to increase: a new message at the same percentage nudges it forward.
      double p = pct > last_progress ? pct : std::min(100.0, last_progress + 0.01);
      ctx.host.progress(p, 100, "job " + std::to_string(job_id) + " " + status + ": " + message);
      last_progress = p;
      last_message = message;
    }
    if (w.finished) break;
    auto now = steady_clock::now();
    if (now >= deadline) {
      w.timed_out = true;
      break;
    }
    timer.expires_after(std::min<steady_clock::duration>(interval, deadline - now));
    auto [ec] = co_await timer.async_wait(asio::as_tuple(use_awaitable));
    if (ec) {
      w.cancelled = true;
      break;
    }
    interval = std::min(poll, interval * 2);
  }
  w.waited_s = duration<double>(steady_clock::now() - start).count();
  if (!w.cancelled) {
    json log_fields{{"job_id", job_id}, {"limit", 200}, {"ascending", false}};
    auto log = co_await ctx.cmon.call("/v2/jobs", "getJobLog", std::move(log_fields));
    w.messages = log ? job_log_tail(get_list(*log, "messages"), 15) : json::array();
  } else {
    w.messages = json::array();
  }
  co_return w;
}

}  // namespace cmon_mcp::tools
