// /v2/stat and /v2/process: time-series samples generated deterministically from (host, stat, time),
// so a window always returns the same figures; controller summary, CPU info, DB growth, OS processes.
#include <algorithm>
#include <cmath>
#include <ctime>
#include <set>

#include "cmon_sim/engine.hpp"
#include "cmon_sim/model_builder.hpp"

namespace cmon_sim {
namespace {

uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}
// A value in [0, 1) that depends only on its inputs.
double noise(int64_t host, int64_t t, uint64_t salt) {
  return static_cast<double>(
             mix(static_cast<uint64_t>(host) * 1000003ULL ^ static_cast<uint64_t>(t) ^ (salt << 40)) %
             1000000) /
         1e6;
}
// A smooth daily wave plus noise, in [lo, hi].
double wave(int64_t host, int64_t t, uint64_t salt, double lo, double hi) {
  double day = std::sin(static_cast<double>(t % 86400) / 86400.0 * 2 * M_PI + static_cast<double>(host));
  double v = 0.5 + 0.35 * day + 0.15 * (noise(host, t, salt) - 0.5);
  return lo + (hi - lo) * std::clamp(v, 0.0, 1.0);
}

std::optional<int64_t> parse_time(const json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (!v.is_string()) return std::nullopt;
  std::tm tm{};
  const char* end = strptime(v.get<std::string>().c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!end) end = strptime(v.get<std::string>().c_str(), "%Y-%m-%d %H:%M:%S", &tm);
  if (!end) return std::nullopt;
  return static_cast<int64_t>(timegm(&tm));
}

json sample(const std::string& name, const json& cluster, const json& h, int64_t t, int64_t interval) {
  int64_t id = h["hostId"];
  std::string fam = family_of(cluster);
  json s = {{"hostid", id}, {"created", t}, {"sampleends", t + interval}, {"interval", interval * 1000}};
  if (name == "cpustat") {
    double user = wave(id, t, 1, 0.05, 0.7), sys = wave(id, t, 2, 0.01, 0.15),
           iowait = wave(id, t, 3, 0.0, 0.1);
    s.update({{"samplekey", "CmonCpuStats-" + std::to_string(id)},
              {"cpuid", 0},
              {"cpumodelname", "Intel(R) Xeon(R) Gold 6230R"},
              {"user", user},
              {"sys", sys},
              {"iowait", iowait},
              {"steal", wave(id, t, 4, 0.0, 0.02)},
              {"idle", std::max(0.0, 1.0 - user - sys - iowait)},
              {"loadavg1", wave(id, t, 5, 0.1, 6.0)},
              {"loadavg5", wave(id, t, 6, 0.1, 5.0)},
              {"loadavg15", wave(id, t, 7, 0.1, 4.0)},
              {"cputemp", wave(id, t, 8, 40, 75)},
              {"cpumhz", 2100.0}});
  } else if (name == "memorystat") {
    int64_t total = 17179869184;
    double util = wave(id, t, 11, 0.35, 0.92);
    s.update({{"samplekey", "CmonMemoryStats-" + std::to_string(id)},
              {"ramtotal", total},
              {"ramfree", static_cast<int64_t>(static_cast<double>(total) * (1 - util))},
              {"ramcached", 4294967296},
              {"rambuffers", 268435456},
              {"swaptotal", 2147483648},
              {"swapfree", 2147483648 - static_cast<int64_t>(noise(id, t, 12) * 1e7)},
              {"memoryutilization", util},
              {"pgpgin", static_cast<int64_t>(noise(id, t, 13) * 5000)},
              {"pgpgout", static_cast<int64_t>(noise(id, t, 14) * 9000)},
              {"pswpin", 0},
              {"pswpout", 0}});
  } else if (name == "diskstat") {
    int64_t total = 536870912000;
    double used = 0.3 + 0.1 * std::fmod(static_cast<double>(id) * 0.37, 1.0) +
                  static_cast<double>(t % 604800) / 604800.0 * 0.02;
    s.update({{"samplekey", "CmonDiskStats-" + std::to_string(id)},
              {"device", "/dev/sda1"},
              {"mountpoint", "/var/lib"},
              {"filesystem", "ext4"},
              {"total", total},
              {"free", static_cast<int64_t>(static_cast<double>(total) * (1 - used))},
              {"reads", static_cast<int64_t>(wave(id, t, 21, 10, 900))},
              {"writes", static_cast<int64_t>(wave(id, t, 22, 50, 2500))},
              {"sectorsread", static_cast<int64_t>(wave(id, t, 23, 100, 90000))},
              {"sectorswritten", static_cast<int64_t>(wave(id, t, 24, 500, 250000))},
              {"blocksize", 4096},
              {"utilization", wave(id, t, 25, 0.01, 0.8)}});
  } else if (name == "netstat") {
    s.update({{"samplekey", "CmonNetworkStats-" + std::to_string(id)},
              {"interface", "eth0"},
              {"rxBytes", static_cast<int64_t>(wave(id, t, 31, 1e5, 5e7))},
              {"txBytes", static_cast<int64_t>(wave(id, t, 32, 1e5, 8e7))},
              {"rxPackets", static_cast<int64_t>(wave(id, t, 33, 100, 60000))},
              {"txPackets", static_cast<int64_t>(wave(id, t, 34, 100, 70000))},
              {"rxErrors", noise(id, t, 35) > 0.97 ? 1 : 0},
              {"txErrors", 0}});
  } else if (name == "tcpStat") {
    s.update({{"samplekey", "CmonTcpStats-" + std::to_string(id)},
              {"activeOpens", static_cast<int64_t>(wave(id, t, 41, 1, 300))},
              {"passiveOpens", static_cast<int64_t>(wave(id, t, 42, 1, 500))},
              {"retransSegs", static_cast<int64_t>(wave(id, t, 43, 0, 20))}});
  } else if (name == "sqlstat") {
    double q = wave(id, t, 51, 100, 6000) * static_cast<double>(interval);
    s.update({{"samplekey", "CmonSqlStats-" + std::to_string(id)},
              {"COM_SELECT", static_cast<int64_t>(q * 0.7)},
              {"COM_INSERT", static_cast<int64_t>(q * 0.12)},
              {"COM_UPDATE", static_cast<int64_t>(q * 0.1)},
              {"COM_DELETE", static_cast<int64_t>(q * 0.03)},
              {"COM_REPLACE", 0},
              {"QUERIES", static_cast<int64_t>(q)},
              {"CONNECTIONS", static_cast<int64_t>(wave(id, t, 52, 1, 40))},
              {"SLOW_QUERIES", static_cast<int64_t>(wave(id, t, 53, 0, 12))},
              {"OPEN_TABLES", 400},
              {"THREADS_CONNECTED", static_cast<int64_t>(wave(id, t, 54, 5, 180))},
              {"REPLICATION_LAG", h.contains("replication_slave") &&
                                          h["replication_slave"].value("seconds_behind_master", "") != ""
                                      ? static_cast<int64_t>(wave(id, t, 55, 0, 15))
                                      : 0}});
    if (fam != "mysql") {
      json lowered = {{"hostid", id},
                      {"created", t},
                      {"sampleends", t + interval},
                      {"interval", interval * 1000},
                      {"samplekey", s["samplekey"]}};
      for (auto it = s.begin(); it != s.end(); ++it) {
        std::string k = it.key();
        if (k == "hostid" || k == "created" || k == "sampleends" || k == "interval" || k == "samplekey")
          continue;
        for (auto& ch : k) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        lowered[k] = it.value();
      }
      s = lowered;
    }
  } else if (name == "dbstat") {
    s.update({{"samplekey", "CmonDbStats-" + std::to_string(id)},
              {"connections", static_cast<int64_t>(wave(id, t, 61, 5, 180))},
              {"commits", static_cast<int64_t>(wave(id, t, 62, 100, 20000))},
              {"rollbacks", static_cast<int64_t>(wave(id, t, 63, 0, 40))},
              {"blks_read", static_cast<int64_t>(wave(id, t, 64, 10, 5000))},
              {"blks_hit", static_cast<int64_t>(wave(id, t, 65, 1000, 500000))},
              {"tup_returned", static_cast<int64_t>(wave(id, t, 66, 1000, 900000))},
              {"tup_inserted", static_cast<int64_t>(wave(id, t, 67, 10, 30000))},
              {"deadlocks", 0},
              {"replication_lag", static_cast<int64_t>(wave(id, t, 68, 0, 3))},
              {"ops_per_sec", wave(id, t, 69, 50, 9000)},
              {"used_memory", static_cast<int64_t>(wave(id, t, 70, 1e8, 3e9))}});
  } else if (name == "mongoStat") {
    s.update({{"samplekey", "CmonMongoStats-" + std::to_string(id)},
              {"opcounters.query", static_cast<int64_t>(wave(id, t, 71, 10, 9000))},
              {"opcounters.insert", static_cast<int64_t>(wave(id, t, 72, 10, 3000))},
              {"opcounters.update", static_cast<int64_t>(wave(id, t, 73, 10, 2000))},
              {"opcounters.delete", static_cast<int64_t>(wave(id, t, 74, 0, 300))},
              {"connections.current", static_cast<int64_t>(wave(id, t, 75, 5, 400))},
              {"repl.lag", static_cast<int64_t>(wave(id, t, 76, 0, 4))},
              {"mem.resident", static_cast<int64_t>(wave(id, t, 77, 500, 6000))}});
  }
  return s;
}

}  // namespace

void register_monitoring_operations(Engine& e, std::vector<OperationSpec>& ops) {
  ops.push_back(
      {"stat", "statByName", false, false, [&e](Call& c) -> Outcome {
         SIM_TRY(name, c.string_field("name"));
         static const std::set<std::string> names = {"cpustat", "memorystat",   "diskstat",   "netstat",
                                                     "sqlstat", "dbstat",       "tcpStat",    "mongoStat",
                                                     "ndbstat", "proxysqlstat", "haproxystat"};
         if (!names.count(*name)) return fail("InvalidRequest", "Unknown statistics name '" + *name + "'.");
         SIM_TRY(cl, e.resolve_cluster(c, NotFoundStyle::ObjectNotFound));
         int64_t now = Engine::now_epoch();
         std::optional<int64_t> start, end;
         for (const char* k : {"start_datetime", "startdate"})
           if (c.req.contains(k) && !start) {
             start = parse_time(c.req[k]);
             if (!start)
               return fail("InvalidRequest", std::string("The '") + k + "' field is not a valid time.");
           }
         for (const char* k : {"end_datetime", "enddate"})
           if (c.req.contains(k) && !end) {
             end = parse_time(c.req[k]);
             if (!end)
               return fail("InvalidRequest", std::string("The '") + k + "' field is not a valid time.");
           }
         int64_t to = std::min(end.value_or(now), now);
         int64_t from = start.value_or(to - 3600);
         if (from > to) return fail("InvalidRequest", "The start of the time window is after its end.");
         int64_t interval = 60;
         while ((to - from) / interval > 1440) interval *= 2;
         SIM_TRY(hostid, c.opt_int("hostid", -1));
         std::string fam = family_of(**cl);
         bool applies = !(*name == "mongoStat" && fam != "mongodb") && !(*name == "ndbstat") &&
                        !(*name == "proxysqlstat") && !(*name == "haproxystat");
         json data = json::array();
         if (applies)
           for (const auto& h : (**cl)["hosts"]) {
             if (h.value("nodetype", "") == "controller") continue;
             if (*hostid >= 0 && h["hostId"] != *hostid) continue;
             if (*name == "mongoStat" && h.value("role", "") == "mongos") continue;
             for (int64_t t = (from / interval) * interval; t + interval <= to; t += interval)
               data.push_back(sample(*name, **cl, h, t, interval));
           }
         return json{{"data", data}, {"total", data.size()}};
       }});

  ops.push_back({"stat", "getInfo", false, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(only, c.opt_int("cluster_id", 0));
                   json info = json::array();
                   int64_t now = Engine::now_epoch();
                   for (const auto& cl : e.model()["clusters"]) {
                     if (*only > 0 && cl["cluster_id"] != *only) continue;
                     json m = {{"cluster.status", cl["state"]},
                               {"cluster.statustext", cl["status_text"]},
                               {"cmon.uptime", 864000},
                               {"conf.clustername", cl["cluster_name"]},
                               {"license.status", "valid"}};
                     for (const auto& h : cl["hosts"]) {
                       if (h.value("nodetype", "") == "controller") continue;
                       int64_t id = h["hostId"];
                       std::string p = "host." + std::to_string(id) + ".";
                       json cpu = sample("cpustat", cl, h, now - 60, 60),
                            mem = sample("memorystat", cl, h, now - 60, 60),
                            disk = sample("diskstat", cl, h, now - 60, 60),
                            net = sample("netstat", cl, h, now - 60, 60);
                       m[p + "cpu_usage_percent"] = (1.0 - cpu["idle"].get<double>()) * 100;
                       m[p + "memtotal"] = mem["ramtotal"];
                       m[p + "memfree"] = mem["ramfree"];
                       m[p + "free_disk_bytes"] = disk["free"];
                       m[p + "total_disk_bytes"] = disk["total"];
                       m[p + "rx_bytes_per_second"] = net["rxBytes"].get<int64_t>() / 60;
                       m[p + "tx_bytes_per_second"] = net["txBytes"].get<int64_t>() / 60;
                       m["netStat." + std::to_string(id) + ".eth0.rxBytes"] = net["rxBytes"];
                     }
                     info.push_back({{"cluster_id", cl["cluster_id"]}, {"info", m}});
                   }
                   return json{{"collected_info", info}, {"total", info.size()}};
                 }});

  ops.push_back({"stat", "getCpuPhysicalInfo", false, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(cl, e.resolve_cluster(c, NotFoundStyle::ObjectNotFound));
                   json data = json::array();
                   for (const auto& h : (**cl)["hosts"])
                     if (h.value("nodetype", "") != "controller")
                       data.push_back({{"class_name", "CmonCpuInfo"},
                                       {"hostid", h["hostId"]},
                                       {"cpucores", 8},
                                       {"cpumhz", 2100.0},
                                       {"cpumodel", "Intel(R) Xeon(R) Gold 6230R"},
                                       {"siblings", 16},
                                       {"vendor", "GenuineIntel"},
                                       {"physical_cpu_id", 0}});
                   return json{{"data", data}, {"total", data.size()}};
                 }});

  ops.push_back({"stat", "getDbGrowth", false, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(cl, e.resolve_cluster(c, NotFoundStyle::ObjectNotFound));
                   int64_t now = Engine::now_epoch();
                   json data = json::array();
                   for (int day = 6; day >= 0; --day) {
                     int64_t t = now - day * 86400;
                     json dbs = json::array();
                     int64_t total = 0;
                     for (const auto& d : (**cl)["databases"]) {
                       int64_t size = d.value("database_size", int64_t{0});
                       int64_t then = static_cast<int64_t>(static_cast<double>(size) * (1.0 - 0.01 * day));
                       total += then;
                       dbs.push_back({{"db_name", d["database_name"]},
                                      {"data_size", then},
                                      {"index_size", then / 10},
                                      {"table_count", d.value("number_of_tables", 0)},
                                      {"row_count", d.value("number_of_rows", 0)}});
                     }
                     char ymd[16];
                     std::time_t tt = static_cast<std::time_t>(t);
                     std::tm tm{};
                     gmtime_r(&tt, &tm);
                     std::strftime(ymd, sizeof ymd, "%Y-%m-%d", &tm);
                     data.push_back({{"class_name", "CmonDbGrowth"},
                                     {"created", Engine::iso_from_epoch(t)},
                                     {"year_month_day", ymd},
                                     {"total_data_size", total},
                                     {"dbs", dbs}});
                   }
                   return json{{"data", data}, {"total", data.size()}};
                 }});

  ops.push_back({"process", "getRunningProcesses", false, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(cl, e.resolve_cluster(c, NotFoundStyle::ObjectNotFound));
                   std::string fam = family_of(**cl);
                   std::string daemon = fam == "postgresql" ? "postgres"
                                        : fam == "mongodb"  ? "mongod"
                                        : fam == "mssql"    ? "sqlservr"
                                        : fam == "redis"    ? "redis-server"
                                                            : "mysqld";
                   json data = json::array();
                   int64_t now = Engine::now_epoch();
                   for (const auto& h : (**cl)["hosts"]) {
                     if (h.value("nodetype", "") == "controller") continue;
                     int64_t id = h["hostId"];
                     bool up = h.value("hoststatus", "") == "CmonHostOnline";
                     json procs = json::array();
                     std::vector<std::pair<std::string, std::string>> list = {
                         {daemon, fam == "postgresql" ? "postgres"
                                  : fam == "mssql"    ? "mssql"
                                  : fam == "redis"    ? "redis"
                                  : fam == "mongodb"  ? "mongodb"
                                                      : "mysql"},
                         {"sshd", "root"},
                         {"cmnd-agent", "root"},
                         {"systemd-journald", "root"}};
                     int k = 0;
                     for (const auto& [exe, user] : list) {
                       if (exe == daemon && !up) continue;
                       double cpu = exe == daemon ? wave(id, now, 81, 5, 180)
                                                  : noise(id, now, 82 + static_cast<uint64_t>(k)) * 2;
                       procs.push_back({{"pid", h.value("pid", 1000) + k},
                                        {"user", user},
                                        {"priority", 20},
                                        {"virt_mem", exe == daemon ? 8589934592LL : 104857600LL},
                                        {"res_mem", exe == daemon ? 4294967296LL : 10485760LL},
                                        {"cpu_usage", cpu},
                                        {"mem_usage", exe == daemon ? 25.0 : 0.1},
                                        {"state", exe == daemon ? "S" : "S"},
                                        {"executable", exe}});
                       ++k;
                     }
                     data.push_back({{"hostname", h["hostname"]}, {"hostid", id}, {"processes", procs}});
                   }
                   return json{{"data", data}, {"total", data.size()}};
                 }});
}

}  // namespace cmon_sim
