// Monitoring tools (catalogue B.8): host statistics (CPU, memory, disk, network, or all four), database
// engine counters, top queries, running queries, OS processes and database growth. Time series come from
// /v2/stat statByName and are aggregated per host (and per device/interface) over the window: average,
// maximum and latest value, so that an hour of minute samples becomes a few lines.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <set>

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"

namespace cmon_mcp::tools {
namespace {

// ---------------------------------------------------------------------------------------------------
// Aggregation.

struct Agg {
  double sum = 0, max = 0, latest = 0;
  int64_t n = 0;
  int64_t latest_t = INT64_MIN;
  void add(double v, int64_t t) {
    if (n == 0 || v > max) max = v;
    sum += v;
    ++n;
    if (t >= latest_t) {
      latest_t = t;
      latest = v;
    }
  }
  double avg() const { return n ? sum / static_cast<double>(n) : 0; }
  json to_json(int decimals = 2) const {
    auto r = [decimals](double v) {
      double f = std::pow(10.0, decimals);
      return std::round(v * f) / f;
    };
    return json{{"avg", r(avg())}, {"max", r(max)}, {"latest", r(latest)}};
  }
};

json o_agg() {
  return o_obj({{"avg", o_num()}, {"max", o_num()}, {"latest", o_num()}}, {"avg", "max", "latest"});
}

std::optional<double> num(const json& s, std::string_view key) {
  if (!s.is_object()) return std::nullopt;
  auto it = s.find(key);
  if (it == s.end() || it->is_null()) return std::nullopt;
  if (it->is_number()) return it->get<double>();
  if (it->is_string()) {
    try {
      size_t used = 0;
      double v = std::stod(it->get<std::string>(), &used);
      if (used > 0) return v;
    } catch (...) {
    }
  }
  return std::nullopt;
}

// Seconds covered by one sample (interval is in milliseconds; sampleends - created as a fallback).
double interval_s(const json& s) {
  if (auto ms = num(s, "interval"); ms && *ms > 0) return *ms / 1000.0;
  auto a = num(s, "created"), b = num(s, "sampleends");
  if (a && b && *b > *a) return *b - *a;
  return 60;
}

int64_t sample_t(const json& s) {
  return get_int(s, "created");
}

// ---------------------------------------------------------------------------------------------------
// Cluster, node and window handling shared by the statistics tools.

struct StatScope {
  Cluster cluster;
  std::optional<int64_t> hostid;  // the node argument, resolved
  TimeWindow window;
  std::map<int64_t, std::string> labels;  // hostid -> "host:port"
};

std::string iso_ms(SysTime t) {
  std::string s = iso_utc(t);
  if (!s.empty() && s.back() == 'Z') s.insert(s.size() - 1, ".000");
  return s;
}

awaitable<Expected<StatScope, ToolResult>> stat_scope(ToolContext& ctx, const json& args,
                                                      std::string_view default_since) {
  json extra{{"with_hosts", true}};
  auto c = co_await resolve_cluster(ctx, args, std::move(extra));
  if (!c) co_return unexpected(c.error());
  StatScope scope;
  scope.cluster = std::move(*c);
  auto w = time_window_of(args, default_since, std::chrono::system_clock::now());
  if (!w) co_return unexpected(ToolResult::error("Invalid time window: " + w.error()));
  scope.window = *w;
  for (const auto& h : cluster_hosts(scope.cluster.info)) {
    int64_t id = get_int(h, "hostId");
    if (!scope.labels.count(id)) scope.labels[id] = host_label(h);
  }
  if (args.contains("node")) {
    auto n = find_node(scope.cluster, args["node"].get<std::string>());
    if (!n) co_return unexpected(ToolResult::error(n.error()));
    scope.hostid = get_int(*n, "hostId");
  }
  co_return scope;
}

std::string label_of(const StatScope& scope, int64_t hostid) {
  auto it = scope.labels.find(hostid);
  return it != scope.labels.end() ? it->second : "host " + std::to_string(hostid);
}

awaitable<Expected<json, ToolResult>> stat_samples(ToolContext& ctx, const StatScope& scope,
                                                   std::string name) {
  // CMON has no samples from the future and refuses a window that starts after now.
  SysTime end = std::min(scope.window.until, std::chrono::system_clock::now());
  if (scope.window.since >= end) co_return json::array();
  json fields{{"name", name},
              {"cluster_id", scope.cluster.id},
              {"start_datetime", iso_ms(scope.window.since)},
              {"end_datetime", iso_ms(end)}};
  if (scope.hostid) fields["hostid"] = *scope.hostid;
  std::string doing = "read " + name + " statistics of cluster " + scope.cluster.name;
  auto r = co_await call(ctx, "/v2/stat", "statByName", std::move(fields), doing);
  if (!r) co_return unexpected(r.error());
  json samples = json::array();
  for (const auto& s : get_list(*r, "data")) {
    if (!s.is_object()) continue;
    if (scope.hostid && get_int(s, "hostid") != *scope.hostid) continue;
    samples.push_back(s);
  }
  co_return samples;
}

std::string window_text(const StatScope& scope) {
  return iso_utc(scope.window.since) + " – " + iso_utc(scope.window.until);
}

json window_json(const StatScope& scope) {
  return json{{"since", iso_utc(scope.window.since)}, {"until", iso_utc(scope.window.until)}};
}

// A series key: the host, plus a device or interface when the stat has several per host.
struct SeriesKey {
  int64_t hostid;
  std::string sub;
  bool operator<(const SeriesKey& o) const { return std::tie(hostid, sub) < std::tie(o.hostid, o.sub); }
};

std::string first_string(const json& s, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    std::string v = get_string(s, k);
    if (!v.empty()) return v;
  }
  return {};
}

// ---------------------------------------------------------------------------------------------------
// Per-stat summaries: each turns the samples of one stat into {items, text lines}.

struct Summary {
  json items = json::array();
  std::string text;
};

Summary cpu_summary(const StatScope& scope, const json& samples) {
  struct Acc {
    Agg used, iowait, steal, load1;
    int64_t n = 0;
    std::set<int64_t> cpus;
  };
  // CMON may report one sample per core (cpuid); the host figure averages them per timestamp.
  std::map<int64_t, std::map<int64_t, std::vector<const json*>>> by_host_time;
  for (const auto& s : samples) by_host_time[get_int(s, "hostid")][sample_t(s)].push_back(&s);
  Summary out;
  for (const auto& [host, times] : by_host_time) {
    Acc a;
    for (const auto& [t, list] : times) {
      double used = 0, io = 0, st = 0, load = 0;
      int cnt = 0;
      bool has_load = false;
      for (const json* s : list) {
        double idle = num(*s, "idle").value_or(-1);
        double u = idle >= 0 ? 1.0 - idle : num(*s, "user").value_or(0) + num(*s, "sys").value_or(0);
        used += u;
        io += num(*s, "iowait").value_or(0);
        st += num(*s, "steal").value_or(0);
        if (auto l = num(*s, "loadavg1")) {
          load = std::max(load, *l);
          has_load = true;
        }
        a.cpus.insert(get_int(*s, "cpuid"));
        ++cnt;
      }
      if (cnt == 0) continue;
      a.used.add(used / cnt * 100, t);
      a.iowait.add(io / cnt * 100, t);
      a.steal.add(st / cnt * 100, t);
      if (has_load) a.load1.add(load, t);
      ++a.n;
    }
    json item{{"node", label_of(scope, host)},
              {"hostid", host},
              {"samples", a.n},
              {"cpu_used_pct", a.used.to_json(1)},
              {"iowait_pct", a.iowait.to_json(1)},
              {"steal_pct", a.steal.to_json(1)},
              {"load1", a.load1.to_json(2)}};
    out.text += "- " + label_of(scope, host) + ": CPU avg " + fixed(a.used.avg(), 1) + "%, max " +
                fixed(a.used.max, 1) + "%, latest " + fixed(a.used.latest, 1) + "%; iowait avg " +
                fixed(a.iowait.avg(), 1) + "% (max " + fixed(a.iowait.max, 1) + "%)";
    if (a.steal.max >= 0.05) out.text += "; steal max " + fixed(a.steal.max, 1) + "%";
    if (a.load1.n) out.text += "; load1 avg " + fixed(a.load1.avg(), 2) + ", max " + fixed(a.load1.max, 2);
    out.text += "\n";
    out.items.push_back(std::move(item));
  }
  return out;
}

json cpu_item_schema() {
  return o_obj({{"node", o_str()},
                {"hostid", o_int()},
                {"samples", o_int()},
                {"cpu_used_pct", o_agg()},
                {"iowait_pct", o_agg()},
                {"steal_pct", o_agg()},
                {"load1", o_agg()}},
               {"node", "hostid", "samples", "cpu_used_pct", "iowait_pct"});
}

Summary memory_summary(const StatScope& scope, const json& samples) {
  struct Acc {
    Agg ram, swap;
    double ram_total = 0, swap_total = 0, ram_free = 0;
    int64_t n = 0, last_t = INT64_MIN;
  };
  std::map<int64_t, Acc> by_host;
  for (const auto& s : samples) {
    Acc& a = by_host[get_int(s, "hostid")];
    int64_t t = sample_t(s);
    double total = num(s, "ramtotal").value_or(0);
    double used;
    if (auto u = num(s, "memoryutilization"))
      used = *u;
    else if (total > 0)
      used = (total - num(s, "ramfree").value_or(0) - num(s, "ramcached").value_or(0) -
              num(s, "rambuffers").value_or(0)) /
             total;
    else
      continue;
    a.ram.add(used * 100, t);
    double st = num(s, "swaptotal").value_or(0);
    a.swap.add(st > 0 ? (st - num(s, "swapfree").value_or(st)) / st * 100 : 0, t);
    if (t >= a.last_t) {
      a.last_t = t;
      a.ram_total = total;
      a.swap_total = st;
      a.ram_free = num(s, "ramfree").value_or(0);
    }
    ++a.n;
  }
  Summary out;
  for (const auto& [host, a] : by_host) {
    out.items.push_back(json{{"node", label_of(scope, host)},
                             {"hostid", host},
                             {"samples", a.n},
                             {"ram_total_bytes", static_cast<int64_t>(a.ram_total)},
                             {"ram_free_bytes", static_cast<int64_t>(a.ram_free)},
                             {"ram_used_pct", a.ram.to_json(1)},
                             {"swap_total_bytes", static_cast<int64_t>(a.swap_total)},
                             {"swap_used_pct", a.swap.to_json(1)}});
    out.text += "- " + label_of(scope, host) + ": RAM " + human_bytes(a.ram_total) + ", used avg " +
                fixed(a.ram.avg(), 1) + "%, max " + fixed(a.ram.max, 1) + "%, latest " +
                fixed(a.ram.latest, 1) + "%; swap " +
                (a.swap_total > 0 ? human_bytes(a.swap_total) + ", used max " + fixed(a.swap.max, 1) + "%"
                                  : std::string("none")) +
                "\n";
  }
  return out;
}

json memory_item_schema() {
  return o_obj({{"node", o_str()},
                {"hostid", o_int()},
                {"samples", o_int()},
                {"ram_total_bytes", o_int()},
                {"ram_free_bytes", o_int()},
                {"ram_used_pct", o_agg()},
                {"swap_total_bytes", o_int()},
                {"swap_used_pct", o_agg()}},
               {"node", "hostid", "samples", "ram_used_pct", "swap_used_pct"});
}

Summary disk_summary(const StatScope& scope, const json& samples) {
  struct Acc {
    Agg used, reads, writes, util;
    double total = 0, free = 0;
    int64_t n = 0, last_t = INT64_MIN;
  };
  std::map<SeriesKey, Acc> series;
  for (const auto& s : samples) {
    SeriesKey k{get_int(s, "hostid"), first_string(s, {"mountpoint", "device", "devicename", "disk"})};
    Acc& a = series[k];
    int64_t t = sample_t(s);
    double total = num(s, "total").value_or(0), free = num(s, "free").value_or(0);
    double secs = interval_s(s);
    if (total > 0) a.used.add((total - free) / total * 100, t);
    a.reads.add(num(s, "reads").value_or(0) / secs, t);
    a.writes.add(num(s, "writes").value_or(0) / secs, t);
    if (auto u = num(s, "utilization")) a.util.add(*u <= 1.0 ? *u * 100 : *u, t);
    if (t >= a.last_t) {
      a.last_t = t;
      a.total = total;
      a.free = free;
    }
    ++a.n;
  }
  Summary out;
  for (const auto& [k, a] : series) {
    out.items.push_back(json{{"node", label_of(scope, k.hostid)},
                             {"hostid", k.hostid},
                             {"device", k.sub},
                             {"samples", a.n},
                             {"total_bytes", static_cast<int64_t>(a.total)},
                             {"free_bytes", static_cast<int64_t>(a.free)},
                             {"used_pct", a.used.to_json(1)},
                             {"reads_per_s", a.reads.to_json(1)},
                             {"writes_per_s", a.writes.to_json(1)},
                             {"utilization_pct", a.util.to_json(1)}});
    out.text += "- " + label_of(scope, k.hostid) + (k.sub.empty() ? "" : " " + k.sub) + ": " +
                human_bytes(a.free) + " free of " + human_bytes(a.total) + " (" + fixed(a.used.latest, 1) +
                "% used); reads avg " + fixed(a.reads.avg(), 1) + "/s, writes avg " +
                fixed(a.writes.avg(), 1) + "/s";
    if (a.util.n)
      out.text += "; utilisation avg " + fixed(a.util.avg(), 1) + "%, max " + fixed(a.util.max, 1) + "%";
    out.text += "\n";
  }
  return out;
}

json disk_item_schema() {
  return o_obj({{"node", o_str()},
                {"hostid", o_int()},
                {"device", o_str()},
                {"samples", o_int()},
                {"total_bytes", o_int()},
                {"free_bytes", o_int()},
                {"used_pct", o_agg()},
                {"reads_per_s", o_agg()},
                {"writes_per_s", o_agg()},
                {"utilization_pct", o_agg()}},
               {"node", "hostid", "samples", "total_bytes", "free_bytes", "used_pct"});
}

Summary network_summary(const StatScope& scope, const json& samples) {
  struct Acc {
    Agg rx, tx;
    int64_t rx_err = 0, tx_err = 0, n = 0;
  };
  std::map<SeriesKey, Acc> series;
  for (const auto& s : samples) {
    SeriesKey k{get_int(s, "hostid"), first_string(s, {"interface", "iface", "name", "device"})};
    Acc& a = series[k];
    int64_t t = sample_t(s);
    double secs = interval_s(s);
    a.rx.add(num(s, "rxBytes").value_or(0) / secs, t);
    a.tx.add(num(s, "txBytes").value_or(0) / secs, t);
    a.rx_err += static_cast<int64_t>(num(s, "rxErrors").value_or(0));
    a.tx_err += static_cast<int64_t>(num(s, "txErrors").value_or(0));
    ++a.n;
  }
  Summary out;
  for (const auto& [k, a] : series) {
    out.items.push_back(json{{"node", label_of(scope, k.hostid)},
                             {"hostid", k.hostid},
                             {"interface", k.sub},
                             {"samples", a.n},
                             {"rx_bytes_per_s", a.rx.to_json(0)},
                             {"tx_bytes_per_s", a.tx.to_json(0)},
                             {"rx_errors", a.rx_err},
                             {"tx_errors", a.tx_err}});
    out.text += "- " + label_of(scope, k.hostid) + (k.sub.empty() ? "" : " " + k.sub) + ": rx avg " +
                human_bytes(a.rx.avg()) + "/s (max " + human_bytes(a.rx.max) + "/s), tx avg " +
                human_bytes(a.tx.avg()) + "/s (max " + human_bytes(a.tx.max) + "/s); errors rx " +
                std::to_string(a.rx_err) + ", tx " + std::to_string(a.tx_err) + "\n";
  }
  return out;
}

json network_item_schema() {
  return o_obj({{"node", o_str()},
                {"hostid", o_int()},
                {"interface", o_str()},
                {"samples", o_int()},
                {"rx_bytes_per_s", o_agg()},
                {"tx_bytes_per_s", o_agg()},
                {"rx_errors", o_int()},
                {"tx_errors", o_int()}},
               {"node", "hostid", "samples", "rx_bytes_per_s", "tx_bytes_per_s", "rx_errors", "tx_errors"});
}

json stats_result_schema(const std::string& key, json item) {
  return o_obj({{"cluster_id", o_int()},
                {"cluster_name", o_str()},
                {"window", o_obj({{"since", o_str()}, {"until", o_str()}}, {"since", "until"})},
                {key, o_arr(std::move(item))}},
               {"cluster_id", "window", key});
}

using Summarise = Summary (*)(const StatScope&, const json&);

struct HostStat {
  const char* stat;   // statByName name
  const char* key;    // result key
  const char* title;  // text heading
  Summarise summarise;
};
constexpr HostStat kCpu{"cpustat", "cpu", "CPU", cpu_summary};
constexpr HostStat kMemory{"memorystat", "memory", "Memory", memory_summary};
constexpr HostStat kDisk{"diskstat", "disk", "Disk", disk_summary};
constexpr HostStat kNetwork{"netstat", "network", "Network", network_summary};

awaitable<ToolResult> one_host_stat(ToolContext& ctx, const json& in, const HostStat& stat) {
  json args = in;
  auto scope = co_await stat_scope(ctx, args, "1h");
  if (!scope) co_return scope.error();
  auto samples = co_await stat_samples(ctx, *scope, stat.stat);
  if (!samples) co_return samples.error();
  Summary s = stat.summarise(*scope, *samples);
  std::string text = std::string(stat.title) + " of " + scope->cluster.name + ", " + window_text(*scope) +
                     " (avg / max / latest per node):\n";
  if (s.items.empty())
    text = "No " + std::string(stat.title) + " samples for " + scope->cluster.name + " in " +
           window_text(*scope) +
           ". The controller may not have collected any yet (a freshly added node, or a window in the "
           "future); try a longer window with since=\"6h\".";
  else
    text += s.text;
  json out{{"cluster_id", scope->cluster.id},
           {"cluster_name", scope->cluster.name},
           {"window", window_json(*scope)},
           {stat.key, std::move(s.items)}};
  co_return respond(args, std::move(text), std::move(out));
}

awaitable<ToolResult> get_cpu_stats(ToolContext& ctx, const json& in) {
  co_return co_await one_host_stat(ctx, in, kCpu);
}
awaitable<ToolResult> get_memory_stats(ToolContext& ctx, const json& in) {
  co_return co_await one_host_stat(ctx, in, kMemory);
}
awaitable<ToolResult> get_disk_stats(ToolContext& ctx, const json& in) {
  co_return co_await one_host_stat(ctx, in, kDisk);
}
awaitable<ToolResult> get_network_stats(ToolContext& ctx, const json& in) {
  co_return co_await one_host_stat(ctx, in, kNetwork);
}

awaitable<ToolResult> get_host_stats(ToolContext& ctx, const json& in) {
  using namespace boost::asio::experimental::awaitable_operators;
  json args = in;
  auto scope = co_await stat_scope(ctx, args, "1h");
  if (!scope) co_return scope.error();
  // The four series are independent: ask for them concurrently.
  auto [cpu, mem, disk, net] =
      co_await (stat_samples(ctx, *scope, kCpu.stat) && stat_samples(ctx, *scope, kMemory.stat) &&
                stat_samples(ctx, *scope, kDisk.stat) && stat_samples(ctx, *scope, kNetwork.stat));
  for (auto* r : {&cpu, &mem, &disk, &net})
    if (!*r) co_return r->error();
  json out{{"cluster_id", scope->cluster.id},
           {"cluster_name", scope->cluster.name},
           {"window", window_json(*scope)}};
  std::string text = "Host statistics of " + scope->cluster.name + ", " + window_text(*scope) +
                     " (avg / max / latest per node):\n";
  bool any = false;
  const std::pair<const HostStat*, const json*> parts[] = {
      {&kCpu, &*cpu}, {&kMemory, &*mem}, {&kDisk, &*disk}, {&kNetwork, &*net}};
  for (const auto& [stat, samples] : parts) {
    Summary s = stat->summarise(*scope, *samples);
    if (!s.items.empty()) {
      any = true;
      text += std::string(stat->title) + ":\n" + s.text;
    } else {
      text += std::string(stat->title) + ": no samples in the window.\n";
    }
    out[stat->key] = std::move(s.items);
  }
  if (!any)
    text = "No host statistics for " + scope->cluster.name + " in " + window_text(*scope) +
           ". Try a longer window with since=\"6h\".";
  co_return respond(args, std::move(text), std::move(out));
}

// ---------------------------------------------------------------------------------------------------
// Database engine counters.

// Which statByName set holds the engine counters of a product.
const char* db_stat_name(Family f) {
  switch (f) {
    case Family::mysql:
    case Family::galera:
      return "sqlstat";
    case Family::mongo:
      return "mongoStat";
    default:
      return "dbstat";
  }
}

// Keys that CMON reports per sample interval (turned into per-second rates); every other number is a
// gauge (connections now, lag, memory).
bool is_counter(std::string_view key) {
  std::string k = lower(key);
  static const std::set<std::string> exact = {
      "queries",   "questions", "slow_queries", "connections_total", "commits",   "rollbacks",
      "deadlocks", "blks_read", "blks_hit",     "bytes_received",    "bytes_sent"};
  if (exact.count(k)) return true;
  if (k.rfind("com_", 0) == 0 || k.rfind("tup_", 0) == 0 || k.rfind("opcounters.", 0) == 0) return true;
  // MySQL's CONNECTIONS is the number of connection attempts in the interval.
  return key == "CONNECTIONS";
}

// The headline metrics of the text, in order, by lower-case key.
const std::vector<std::pair<std::string, std::string>>& headline() {
  static const std::vector<std::pair<std::string, std::string>> h = {{"queries", "queries/s"},
                                                                     {"ops_per_sec", "ops/s"},
                                                                     {"opcounters.query", "queries/s"},
                                                                     {"opcounters.insert", "inserts/s"},
                                                                     {"opcounters.update", "updates/s"},
                                                                     {"com_select", "selects/s"},
                                                                     {"com_insert", "inserts/s"},
                                                                     {"com_update", "updates/s"},
                                                                     {"commits", "commits/s"},
                                                                     {"rollbacks", "rollbacks/s"},
                                                                     {"slow_queries", "slow queries/s"},
                                                                     {"threads_connected", "connections"},
                                                                     {"connections", "connections"},
                                                                     {"connections.current", "connections"},
                                                                     {"replication_lag", "replication lag s"},
                                                                     {"repl.lag", "replication lag s"},
                                                                     {"deadlocks", "deadlocks/s"}};
  return h;
}

awaitable<ToolResult> get_db_stats(ToolContext& ctx, const json& in) {
  json args = in;
  auto scope = co_await stat_scope(ctx, args, "1h");
  if (!scope) co_return scope.error();
  std::string name = db_stat_name(scope->cluster.family);
  auto samples = co_await stat_samples(ctx, *scope, name);
  if (!samples) co_return samples.error();
  static const std::set<std::string> meta = {"hostid", "created", "sampleends", "interval", "cpuid", "port"};
  std::map<int64_t, std::map<std::string, Agg>> by_host;
  std::map<int64_t, int64_t> counts;
  for (const auto& s : *samples) {
    int64_t host = get_int(s, "hostid");
    int64_t t = sample_t(s);
    double secs = interval_s(s);
    ++counts[host];
    for (auto it = s.begin(); it != s.end(); ++it) {
      if (meta.count(it.key()) || !it->is_number()) continue;
      double v = it->get<double>();
      if (is_counter(it.key())) v /= secs;
      by_host[host][it.key()].add(v, t);
    }
  }
  json items = json::array();
  std::string text;
  for (const auto& [host, metrics] : by_host) {
    json m = json::object();
    for (const auto& [k, a] : metrics) {
      m[k] = a.to_json(2);
      m[k]["unit"] = is_counter(k) ? "per_s" : "value";
    }
    items.push_back(
        json{{"node", label_of(*scope, host)}, {"hostid", host}, {"samples", counts[host]}, {"metrics", m}});
    text += "- " + label_of(*scope, host) + ":";
    std::set<std::string> shown_labels;
    int shown = 0;
    for (const auto& [key, what] : headline())
      for (const auto& [k, a] : metrics)
        if (lower(k) == key && !shown_labels.count(what)) {
          shown_labels.insert(what);
          text += std::string(shown++ ? "," : "") + " " + what + " avg " + fixed(a.avg(), 1) + " (max " +
                  fixed(a.max, 1) + ", latest " + fixed(a.latest, 1) + ")";
        }
    if (shown == 0) text += " " + std::to_string(metrics.size()) + " counters (see structured content)";
    text += "\n";
  }
  std::string head = "Database counters (" + name + ") of " + scope->cluster.name + " [" +
                     family_name(scope->cluster.family) + "], " + window_text(*scope) +
                     ", avg (max, latest):\n";
  if (items.empty())
    text = "No " + name + " samples for " + scope->cluster.name + " in " + window_text(*scope) +
           ". The controller collects engine counters only from reachable nodes; try a longer window "
           "with since=\"6h\".";
  else
    text = head + text + "Counters marked per_s are per-second rates over each sample interval.\n";
  json out{{"cluster_id", scope->cluster.id},
           {"cluster_name", scope->cluster.name},
           {"stat", name},
           {"window", window_json(*scope)},
           {"nodes", std::move(items)}};
  co_return respond(args, std::move(text), std::move(out), "nodes");
}

// ---------------------------------------------------------------------------------------------------
// Queries and processes.

bool query_monitoring_applies(Family f) {
  return f == Family::mysql || f == Family::galera || f == Family::postgres || f == Family::mssql ||
         f == Family::mongo || f == Family::clickhouse || f == Family::other;
}

json digest_item(const json& d) {
  return json{{"statement", strip_html(get_string(d, "statementPattern"))},
              {"database", get_string(d, "databaseName")},
              {"instance", get_string(d, "instance")},
              {"count", get_int(d, "count")},
              {"total_ms", get_double(d, "waitMillisSum")},
              {"avg_ms", get_double(d, "waitMillisAvg")},
              {"max_ms", get_double(d, "waitMillisMax")},
              {"rows_affected", get_int(d, "affectedRows")},
              {"first_seen", cmon_ts(d, "dtFirstSeen")},
              {"last_seen", cmon_ts(d, "dtLastSeen")}};
}

awaitable<ToolResult> get_top_queries(ToolContext& ctx, const json& in) {
  json args = in;
  auto c = co_await resolve_cluster(ctx, args);
  if (!c) co_return c.error();
  Paging page = paging_of(args, 10);
  if (!query_monitoring_applies(c->family)) {
    std::string text = "Top queries do not apply to " + c->name + ": it is a " + family_name(c->family) +
                       " cluster, and ClusterControl collects query digests only for SQL and MongoDB "
                       "clusters. For load on this cluster use get_db_stats and get_host_stats.";
    json out{{"cluster_id", c->id}, {"applies", false}, {"digests", json::array()}};
    out.update(page_info(0, page, 0));
    co_return respond(args, std::move(text), std::move(out), "digests");
  }
  std::string sort = args.value("sort_by", std::string("total_time"));
  std::string filter = args.value("filter", std::string());
  // CMON orders by total wait time; another order or a filter needs a wider window, ordered here.
  bool local = sort != "total_time" || !filter.empty();
  json fields{
      {"cluster_id", c->id}, {"limit", local ? 500 : page.limit}, {"offset", local ? 0 : page.offset}};
  auto r = co_await call(ctx, "/v2/clusters", "getTopQueries", std::move(fields),
                         "read top queries of " + c->name);
  if (!r) co_return r.error();
  json items = json::array();
  for (const auto& d : get_list(*r, "digests")) {
    if (!d.is_object()) continue;
    json item = digest_item(d);
    if (!filter.empty() && !icontains(item["statement"].get<std::string>(), filter) &&
        !icontains(item["database"].get<std::string>(), filter))
      continue;
    items.push_back(std::move(item));
  }
  json out{{"cluster_id", c->id}, {"applies", true}};
  if (local) {
    std::string key = sort == "count"      ? "count"
                      : sort == "avg_time" ? "avg_ms"
                      : sort == "max_time" ? "max_ms"
                                           : "total_ms";
    std::stable_sort(items.begin(), items.end(), [&](const json& a, const json& b) {
      return a[key].get<double>() > b[key].get<double>();
    });
    page_array(out, "digests", std::move(items), page);
  } else {
    int64_t total = std::max<int64_t>(get_int(*r, "total"), static_cast<int64_t>(items.size()) + page.offset);
    size_t n = items.size();
    out["digests"] = std::move(items);
    out.update(page_info(total, page, n));
  }
  bool full = detail_of(args) == Detail::full;
  std::string text;
  if (out["digests"].empty()) {
    text = "No query digests for " + c->name +
           (filter.empty() ? std::string() : " matching \"" + filter + "\"") +
           ". Query monitoring may be disabled on this cluster (it needs performance_schema or the "
           "query monitor agents).";
  } else {
    text = "Top queries of " + c->name + " by " + sort + " (" + std::to_string(out["total"].get<int64_t>()) +
           " digest(s)):\n";
    int i = static_cast<int>(page.offset);
    for (const auto& d : out["digests"]) {
      std::string stmt = d["statement"].get<std::string>();
      if (!full && stmt.size() > 200) stmt = stmt.substr(0, 200) + "…";
      text += std::to_string(++i) + ". " + stmt + "\n   " + std::to_string(d["count"].get<int64_t>()) +
              " calls, total " + human_duration(d["total_ms"].get<double>() / 1000) + ", avg " +
              fixed(d["avg_ms"].get<double>(), 1) + " ms, max " + fixed(d["max_ms"].get<double>(), 1) + " ms";
      if (!d["database"].get<std::string>().empty()) text += ", db " + d["database"].get<std::string>();
      if (!d["instance"].get<std::string>().empty()) text += ", on " + d["instance"].get<std::string>();
      if (full)
        text += ", first seen " + d["first_seen"].get<std::string>() + ", last seen " +
                d["last_seen"].get<std::string>();
      text += "\n";
    }
  }
  co_return respond(args, std::move(text), std::move(out), "digests");
}

// "HH:MM:SS.ffffff" or a number of seconds.
double elapsed_s(const json& p) {
  if (auto t = num(p, "time")) return *t;
  std::string e = get_string(p, "elapsedTime");
  if (e.empty()) return num(p, "duration").value_or(0);
  int h = 0, m = 0;
  double s = 0;
  if (std::sscanf(e.c_str(), "%d:%d:%lf", &h, &m, &s) == 3) return h * 3600 + m * 60 + s;
  return num(p, "elapsedTime").value_or(0);
}

// "10.0.0.11:3306" or "10.0.0.11" against the node label "10.0.0.11:3306".
bool same_node(const std::string& instance, const std::string& label) {
  if (instance == label) return true;
  std::string host = label.substr(0, label.rfind(':'));
  return instance == host || instance.rfind(host + ":", 0) == 0;
}

json sql_process_item(const json& p) {
  std::string query = first_string(p, {"query", "info", "sql"});
  return json{{"pid", get_int(p, "pid")},
              {"instance", first_string(p, {"instance", "hostname"})},
              {"user", first_string(p, {"user", "userName"})},
              {"client", first_string(p, {"host", "client"})},
              {"db", get_string(p, "db")},
              {"command", get_string(p, "command")},
              {"state", get_string(p, "state")},
              {"time_s", elapsed_s(p)},
              {"query", query},
              {"blocked_by", get_string(p, "blocked_by_trx_id")}};
}

awaitable<ToolResult> list_running_queries(ToolContext& ctx, const json& in) {
  json args = in;
  json extra{{"with_hosts", true}};
  auto c = co_await resolve_cluster(ctx, args, std::move(extra));
  if (!c) co_return c.error();
  std::string node;
  if (args.contains("node")) {
    auto n = find_node(*c, args["node"].get<std::string>());
    if (!n) co_return ToolResult::error(n.error());
    node = host_label(*n);
  }
  double min_s = args.value("min_seconds", 0.0);
  bool with_idle = args.value("include_idle", false);
  json fields{{"cluster_id", c->id}, {"limit", 1000}};
  auto r = co_await call(ctx, "/v2/clusters", "getSqlProcesses", std::move(fields),
                         "list running queries of " + c->name);
  if (!r) co_return r.error();
  json items = json::array();
  for (const auto& p : get_list(*r, "processes")) {
    if (!p.is_object()) continue;
    json item = sql_process_item(p);
    if (!node.empty() && !same_node(item["instance"].get<std::string>(), node)) continue;
    std::string cmd = item["command"].get<std::string>();
    if (!with_idle && (iequals(cmd, "Sleep") || iequals(item["state"].get<std::string>(), "idle")) &&
        item["query"].get<std::string>().empty())
      continue;
    if (item["time_s"].get<double>() < min_s) continue;
    items.push_back(std::move(item));
  }
  std::stable_sort(items.begin(), items.end(), [](const json& a, const json& b) {
    return a["time_s"].get<double>() > b["time_s"].get<double>();
  });
  json out{{"cluster_id", c->id}};
  page_array(out, "queries", std::move(items), paging_of(args, 20));
  bool full = detail_of(args) == Detail::full;
  std::string text;
  if (out["total"] == 0) {
    text = "No running queries on " + c->name + (node.empty() ? "" : " node " + node) +
           (min_s > 0 ? " longer than " + human_duration(min_s) : std::string()) +
           (with_idle ? "" : " (idle sessions hidden; include_idle=true shows them)") + ".";
  } else {
    text = std::to_string(out["total"].get<int64_t>()) + " session(s) on " + c->name + ", longest first:\n";
    for (const auto& q : out["queries"]) {
      std::string query = q["query"].get<std::string>();
      if (!full && query.size() > 200) query = query.substr(0, 200) + "…";
      text += "- " + human_duration(q["time_s"].get<double>()) + " pid " +
              std::to_string(q["pid"].get<int64_t>()) + " " + q["user"].get<std::string>() + "@" +
              q["client"].get<std::string>() + " on " + q["instance"].get<std::string>();
      if (!q["db"].get<std::string>().empty()) text += " db " + q["db"].get<std::string>();
      text += " [" + q["command"].get<std::string>() +
              (q["state"].get<std::string>().empty() ? "" : "/" + q["state"].get<std::string>()) + "]";
      if (!q["blocked_by"].get<std::string>().empty())
        text += " blocked by trx " + q["blocked_by"].get<std::string>();
      if (!query.empty()) text += ": " + query;
      text += "\n";
    }
  }
  co_return respond(args, std::move(text), std::move(out), "queries");
}

awaitable<ToolResult> list_host_processes(ToolContext& ctx, const json& in) {
  json args = in;
  json extra{{"with_hosts", true}};
  auto c = co_await resolve_cluster(ctx, args, std::move(extra));
  if (!c) co_return c.error();
  std::string node_host;
  if (args.contains("node")) {
    auto n = find_node(*c, args["node"].get<std::string>());
    if (!n) co_return ToolResult::error(n.error());
    node_host = get_string(*n, "hostname");
  }
  std::string sort = args.value("sort_by", std::string("cpu"));
  int64_t top = args.value("top", int64_t{10});
  json fields{{"cluster_id", c->id}};
  auto r = co_await call(ctx, "/v2/process", "getRunningProcesses", std::move(fields),
                         "list processes on the nodes of " + c->name);
  if (!r) co_return r.error();
  json hosts = json::array();
  std::string text = "Top processes by " + sort + " on the nodes of " + c->name + ":\n";
  for (const auto& h : get_list(*r, "data")) {
    if (!h.is_object()) continue;
    std::string hostname = get_string(h, "hostname");
    if (!node_host.empty() && hostname != node_host) continue;
    json procs = json::array();
    for (const auto& p : get_list(h, "processes")) {
      if (!p.is_object()) continue;
      procs.push_back(json{{"pid", get_int(p, "pid")},
                           {"user", get_string(p, "user")},
                           {"executable", get_string(p, "executable")},
                           {"state", get_string(p, "state")},
                           {"cpu_pct", get_double(p, "cpu_usage")},
                           {"mem_pct", get_double(p, "mem_usage")},
                           {"res_bytes", get_int(p, "res_mem")},
                           {"virt_bytes", get_int(p, "virt_mem")}});
    }
    std::string key = sort == "memory" ? "res_bytes" : "cpu_pct";
    std::stable_sort(procs.begin(), procs.end(), [&](const json& a, const json& b) {
      return a[key].get<double>() > b[key].get<double>();
    });
    int64_t count = static_cast<int64_t>(procs.size());
    if (count > top) procs.erase(procs.begin() + top, procs.end());
    text += hostname + " (" + std::to_string(count) + " processes):\n";
    for (const auto& p : procs)
      text += "  " + std::to_string(p["pid"].get<int64_t>()) + " " + p["executable"].get<std::string>() +
              " (" + p["user"].get<std::string>() + ") CPU " + fixed(p["cpu_pct"].get<double>(), 1) +
              "%, RES " + human_bytes(p["res_bytes"].get<double>()) + " (" +
              fixed(p["mem_pct"].get<double>(), 1) + "% mem), state " + p["state"].get<std::string>() + "\n";
    hosts.push_back(json{{"hostname", hostname}, {"process_count", count}, {"processes", std::move(procs)}});
  }
  if (hosts.empty())
    text = "No process lists for " + c->name + (node_host.empty() ? "" : " node " + node_host) +
           ". The controller reads them from reachable nodes only.";
  json out{{"cluster_id", c->id}, {"hosts", std::move(hosts)}};
  co_return respond(args, std::move(text), std::move(out));
}

// ---------------------------------------------------------------------------------------------------
// Database growth.

awaitable<ToolResult> get_database_growth(ToolContext& ctx, const json& in) {
  json args = in;
  auto c = co_await resolve_cluster(ctx, args);
  if (!c) co_return c.error();
  auto w = time_window_of(args, "7d", std::chrono::system_clock::now());
  if (!w) co_return ToolResult::error("Invalid time window: " + w.error());
  std::string db_filter = args.value("database", std::string());
  json fields{{"cluster_id", c->id}};
  auto r =
      co_await call(ctx, "/v2/stat", "getdbgrowth", std::move(fields), "read database growth of " + c->name);
  if (!r) co_return r.error();
  struct Point {
    SysTime t;
    std::string day;
    double total;
    json dbs;
  };
  std::vector<Point> points;
  for (const auto& d : get_list(*r, "data")) {
    if (!d.is_object()) continue;
    auto t = cmon_time(d.contains("created") ? d["created"] : json(get_string(d, "year_month_day")));
    if (!t) t = cmon_time(json(get_string(d, "year_month_day")));
    if (!t || *t < w->since || *t > w->until) continue;
    points.push_back(
        {*t, get_string(d, "year_month_day"), get_double(d, "total_data_size"), get_list(d, "dbs")});
  }
  std::sort(points.begin(), points.end(), [](const Point& a, const Point& b) { return a.t < b.t; });
  struct Db {
    double first = -1, last = 0, index = 0;
    int64_t tables = 0, rows = 0;
  };
  std::map<std::string, Db> dbs;
  json days = json::array();
  for (const auto& p : points) {
    double total = 0;
    for (const auto& d : p.dbs) {
      std::string name = get_string(d, "db_name");
      if (name.empty()) continue;
      if (!db_filter.empty() && !iequals(name, db_filter)) continue;
      double size = get_double(d, "data_size") + get_double(d, "index_size");
      total += size;
      Db& x = dbs[name];
      if (x.first < 0) x.first = size;
      x.last = size;
      x.index = get_double(d, "index_size");
      x.tables = get_int(d, "table_count");
      x.rows = get_int(d, "row_count");
    }
    days.push_back(
        json{{"date", p.day.empty() ? iso_utc(p.t).substr(0, 10) : p.day},
             {"total_bytes", static_cast<int64_t>(db_filter.empty() && total == 0 ? p.total : total)}});
  }
  json items = json::array();
  for (const auto& [name, x] : dbs) {
    double growth = x.last - x.first;
    items.push_back(json{{"database", name},
                         {"size_bytes", static_cast<int64_t>(x.last)},
                         {"index_bytes", static_cast<int64_t>(x.index)},
                         {"first_bytes", static_cast<int64_t>(x.first)},
                         {"growth_bytes", static_cast<int64_t>(growth)},
                         {"growth_pct", x.first > 0 ? std::round(growth / x.first * 10000) / 100 : 0.0},
                         {"tables", x.tables},
                         {"rows", x.rows}});
  }
  std::stable_sort(items.begin(), items.end(), [](const json& a, const json& b) {
    return a["growth_bytes"].get<int64_t>() > b["growth_bytes"].get<int64_t>();
  });
  std::string text;
  if (points.empty()) {
    text = "No database growth samples for " + c->name + " between " + iso_utc(w->since) + " and " +
           iso_utc(w->until) +
           ". ClusterControl records sizes once a day; a refresh runs as the job calculate_db_growth.";
  } else if (items.empty()) {
    text = "No database" + (db_filter.empty() ? std::string() : " named \"" + db_filter + "\"") +
           " in the growth history of " + c->name + " (" + std::to_string(points.size()) + " daily samples).";
  } else {
    text = "Database growth of " + c->name + " from " + days.front()["date"].get<std::string>() + " to " +
           days.back()["date"].get<std::string>() + " (" + std::to_string(points.size()) +
           " daily samples), fastest first:\n";
    for (const auto& i : items)
      text += "- " + i["database"].get<std::string>() + ": " + human_bytes(i["size_bytes"].get<double>()) +
              " now, " + (i["growth_bytes"].get<int64_t>() >= 0 ? "+" : "-") +
              human_bytes(std::fabs(i["growth_bytes"].get<double>())) + " (" +
              fixed(i["growth_pct"].get<double>(), 2) + "%), " + std::to_string(i["tables"].get<int64_t>()) +
              " tables\n";
    text += "Total: " + human_bytes(days.back()["total_bytes"].get<double>()) + " on " +
            days.back()["date"].get<std::string>() + ".\n";
  }
  json out{{"cluster_id", c->id},
           {"window", json{{"since", iso_utc(w->since)}, {"until", iso_utc(w->until)}}},
           {"databases", std::move(items)},
           {"days", std::move(days)}};
  co_return respond(args, std::move(text), std::move(out));
}

json host_stat_input(std::string default_since = "1 hour") {
  return Schema()
      .cluster()
      .node(false, "only this node (default: every node)")
      .time_window(default_since)
      .format()
      .build();
}

}  // namespace

void register_monitoring_tools(Registry& registry) {
  registry.add(ToolDefinition{
      .name = "get_host_stats",
      .title = "Host statistics",
      .description =
          "CPU, load, memory, swap, disk and network of a cluster's nodes over a time window, aggregated per "
          "node as average, maximum and latest value. Use it first for \"are the servers overloaded?\"; the "
          "get_cpu/memory/disk/network_stats tools give one part each. Read-only: changes nothing.\n"
          "Example: {\"cluster_id\": 3, \"since\": \"1h\"}",
      .group = "monitoring",
      .tool_class = ToolClass::read,
      .input_schema = host_stat_input(),
      .output_schema = o_obj({{"cluster_id", o_int()},
                              {"cluster_name", o_str()},
                              {"window", o_obj({{"since", o_str()}, {"until", o_str()}}, {"since", "until"})},
                              {"cpu", o_arr(cpu_item_schema())},
                              {"memory", o_arr(memory_item_schema())},
                              {"disk", o_arr(disk_item_schema())},
                              {"network", o_arr(network_item_schema())}},
                             {"cluster_id", "window", "cpu", "memory", "disk", "network"}),
      .handler = get_host_stats,
  });
  registry.add(ToolDefinition{
      .name = "get_cpu_stats",
      .title = "CPU statistics",
      .description =
          "CPU usage, iowait, steal and load average per node over a time window (avg / max / latest, in "
          "percent). Read-only: changes nothing.\nExample: {\"cluster_name\": \"prod\", \"node\": "
          "\"10.0.0.11\", \"since\": \"30m\"}",
      .group = "monitoring",
      .tool_class = ToolClass::read,
      .input_schema = host_stat_input(),
      .output_schema = stats_result_schema("cpu", cpu_item_schema()),
      .handler = get_cpu_stats,
  });
  registry.add(ToolDefinition{
      .name = "get_memory_stats",
      .title = "Memory statistics",
      .description =
          "RAM and swap usage per node over a time window (avg / max / latest percent, totals in bytes). "
          "Read-only: changes nothing.\nExample: {\"cluster_id\": 3}",
      .group = "monitoring",
      .tool_class = ToolClass::read,
      .input_schema = host_stat_input(),
      .output_schema = stats_result_schema("memory", memory_item_schema()),
      .handler = get_memory_stats,
  });
  registry.add(ToolDefinition{
      .name = "get_disk_stats",
      .title = "Disk statistics",
      .description =
          "Free and used space, reads and writes per second and utilisation per node and device over a time "
          "window. Use it for \"is a disk filling up?\". Read-only: changes nothing.\nExample: "
          "{\"cluster_id\": 3, \"since\": \"6h\"}",
      .group = "monitoring",
      .tool_class = ToolClass::read,
      .input_schema = host_stat_input(),
      .output_schema = stats_result_schema("disk", disk_item_schema()),
      .handler = get_disk_stats,
  });
  registry.add(ToolDefinition{
      .name = "get_network_stats",
      .title = "Network statistics",
      .description =
          "Receive/transmit throughput (bytes per second) and error counts per node and interface over a "
          "time window. Read-only: changes nothing.\nExample: {\"cluster_id\": 3}",
      .group = "monitoring",
      .tool_class = ToolClass::read,
      .input_schema = host_stat_input(),
      .output_schema = stats_result_schema("network", network_item_schema()),
      .handler = get_network_stats,
  });
  registry.add(ToolDefinition{
      .name = "get_db_stats",
      .title = "Database engine statistics",
      .description =
          "Engine counters per node over a time window, in the product's terms: queries/s, connections, slow "
          "queries, commits, replication lag (MySQL/Galera sqlstat, MongoDB mongoStat, others dbstat). "
          "Counters are turned into per-second rates. Read-only: changes nothing.\nExample: "
          "{\"cluster_id\": 1, \"since\": \"2h\"}",
      .group = "monitoring",
      .tool_class = ToolClass::read,
      .input_schema = host_stat_input(),
      .output_schema = o_obj({{"cluster_id", o_int()},
                              {"cluster_name", o_str()},
                              {"stat", o_str()},
                              {"window", o_obj({{"since", o_str()}, {"until", o_str()}}, {"since", "until"})},
                              {"nodes", o_arr(o_obj({{"node", o_str()},
                                                     {"hostid", o_int()},
                                                     {"samples", o_int()},
                                                     {"metrics", o_obj(json::object())}},
                                                    {"node", "hostid", "samples", "metrics"}))}},
                             {"cluster_id", "stat", "window", "nodes"}),
      .handler = get_db_stats,
  });
  registry.add(ToolDefinition{
      .name = "get_top_queries",
      .title = "Top queries",
      .description =
          "The heaviest query digests of a cluster (statement pattern, calls, total/avg/max time, database, "
          "instance), by total time (default), call count, average or maximum time. Use it for \"why is the "
          "database slow?\". Not applicable to Redis (the result says so). Read-only: changes nothing.\n"
          "Example: {\"cluster_id\": 1, \"sort_by\": \"avg_time\", \"limit\": 5}",
      .group = "monitoring",
      .tool_class = ToolClass::read,
      .input_schema = Schema()
                          .cluster()
                          .prop("sort_by", s_enum("Order (default total_time).",
                                                  {"total_time", "count", "avg_time", "max_time"}))
                          .prop("filter", s_string("Only digests whose statement or database contains this "
                                                   "text (case-insensitive)."))
                          .paging(10, 100)
                          .detail()
                          .format()
                          .build(),
      .output_schema =
          [] {
            json s = o_page("digests", o_obj({{"statement", o_str()},
                                              {"database", o_str()},
                                              {"instance", o_str()},
                                              {"count", o_int()},
                                              {"total_ms", o_num()},
                                              {"avg_ms", o_num()},
                                              {"max_ms", o_num()}},
                                             {"statement", "count", "total_ms"}));
            s["properties"]["cluster_id"] = o_int();
            s["properties"]["applies"] = o_bool();
            s["required"].push_back("applies");
            return s;
          }(),
      .handler = get_top_queries,
  });
  registry.add(ToolDefinition{
      .name = "list_running_queries",
      .title = "Running queries",
      .description =
          "Current database sessions and their queries, longest-running first: user, client, database, "
          "state, seconds, query text, lock waits. Idle sessions are hidden unless asked for. Read-only: "
          "changes nothing (it does not kill anything).\nExample: {\"cluster_id\": 1, \"min_seconds\": 10}",
      .group = "monitoring",
      .tool_class = ToolClass::read,
      .input_schema = Schema()
                          .cluster()
                          .node(false, "only sessions on this node")
                          .prop("min_seconds", s_number("Only sessions running at least this long.", 0))
                          .prop("include_idle", s_boolean("Also list idle (Sleep) sessions (default false)."))
                          .paging(20, 500)
                          .detail()
                          .format()
                          .build(),
      .output_schema =
          [] {
            json s = o_page("queries", o_obj({{"pid", o_int()},
                                              {"instance", o_str()},
                                              {"user", o_str()},
                                              {"client", o_str()},
                                              {"db", o_str()},
                                              {"command", o_str()},
                                              {"state", o_str()},
                                              {"time_s", o_num()},
                                              {"query", o_str()}},
                                             {"pid", "instance", "time_s", "query"}));
            s["properties"]["cluster_id"] = o_int();
            return s;
          }(),
      .handler = list_running_queries,
  });
  registry.add(ToolDefinition{
      .name = "list_host_processes",
      .title = "Host processes",
      .description =
          "OS processes per node (like top): the heaviest by CPU (default) or resident memory, with user, "
          "state and memory. Read-only: changes nothing.\nExample: {\"cluster_id\": 3, \"node\": "
          "\"10.0.3.11\", \"top\": 5}",
      .group = "monitoring",
      .tool_class = ToolClass::read,
      .input_schema = Schema()
                          .cluster()
                          .node(false, "only this node")
                          .prop("sort_by", s_enum("Order (default cpu).", {"cpu", "memory"}))
                          .prop("top", s_integer("Processes per node (default 10).", 1, 200))
                          .format()
                          .build(),
      .output_schema =
          o_obj({{"cluster_id", o_int()},
                 {"hosts", o_arr(o_obj({{"hostname", o_str()},
                                        {"process_count", o_int()},
                                        {"processes", o_arr(o_obj({{"pid", o_int()},
                                                                   {"user", o_str()},
                                                                   {"executable", o_str()},
                                                                   {"cpu_pct", o_num()},
                                                                   {"mem_pct", o_num()},
                                                                   {"res_bytes", o_int()}},
                                                                  {"pid", "executable", "cpu_pct"}))}},
                                       {"hostname", "process_count", "processes"}))}},
                {"cluster_id", "hosts"}),
      .handler = list_host_processes,
  });
  registry.add(ToolDefinition{
      .name = "get_database_growth",
      .title = "Database growth",
      .description =
          "Size history of a cluster's databases from ClusterControl's daily samples: current size, growth "
          "over the window in bytes and percent (fastest-growing first), and the daily total. Read-only: "
          "changes nothing.\nExample: {\"cluster_id\": 3, \"since\": \"7d\"}",
      .group = "monitoring",
      .tool_class = ToolClass::read,
      .input_schema = Schema()
                          .cluster()
                          .prop("database", s_string("Only this database (case-insensitive)."))
                          .time_window("7 days")
                          .format()
                          .build(),
      .output_schema = o_obj(
          {{"cluster_id", o_int()},
           {"window", o_obj({{"since", o_str()}, {"until", o_str()}}, {"since", "until"})},
           {"databases", o_arr(o_obj({{"database", o_str()},
                                      {"size_bytes", o_int()},
                                      {"first_bytes", o_int()},
                                      {"growth_bytes", o_int()},
                                      {"growth_pct", o_num()},
                                      {"tables", o_int()},
                                      {"rows", o_int()}},
                                     {"database", "size_bytes", "growth_bytes"}))},
           {"days", o_arr(o_obj({{"date", o_str()}, {"total_bytes", o_int()}}, {"date", "total_bytes"}))}},
          {"cluster_id", "databases", "days"}),
      .handler = get_database_growth,
  });
}

}  // namespace cmon_mcp::tools
