// Catalogue B.5 (backups, restore, schedules), state-changing side: planners run by the
// safety pipeline (action.cpp). They check what CMON would only find out in the middle of a job
// (a method the vendor has no tool for, an incremental backup without a full one, a backup of another
// cluster, a PITR time a method cannot reach, a cron expression CMON cannot read) and describe the job.
#include <algorithm>
#include <cctype>
#include <set>

#include "cmon_mcp/tools/action.hpp"
#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"

namespace cmon_mcp::tools {
namespace {

using Plan = Expected<ActionPlan, ToolResult>;

// ---------------------------------------------------------------------------------------------------
// Backup methods per product (cmon-rpc-v2.md §7.2).

// The methods CMON documents for the cluster's product; empty when none are documented (Redis,
// Valkey, unknown products: CMON picks its own).
std::vector<std::string> methods_for(const Cluster& c) {
  switch (c.family) {
    case Family::galera:
    case Family::mysql: {
      std::vector<std::string> m;
      if (iequals(c.vendor, "mariadb"))
        m = {"mariabackupfull", "mariabackupincr", "mysqldump", "mariadb-dump"};
      else
        m = {"xtrabackupfull", "xtrabackupincr", "mysqldump"};
      if (iequals(c.type, "MYSQLCLUSTER")) m.push_back("ndb");
      return m;
    }
    case Family::postgres:
      return {"pg_basebackup", "pgdump", "pgdumpall", "pgbackrestfull", "pgbackrestincr", "pgbackrestdiff"};
    case Family::mongo:
      return {"mongodump", "percona-backup-mongodb"};
    case Family::mssql:
      return {"mssqlfull", "mssqldiff", "mssqllog"};
    case Family::elastic:
      return {"elasticsearch-snapshot"};
    case Family::clickhouse:
      return {"clickhouse-native", "clickhouse-native-incr"};
    case Family::redis:
    case Family::other:
      break;
  }
  return {};
}

// What a DBA gets without naming a method: a full physical backup where the product has one (it is
// the one that restores a whole node and serves PITR), the dump tool otherwise; "" lets CMON choose.
std::string default_method(const Cluster& c) {
  auto m = methods_for(c);
  return m.empty() ? std::string() : m.front();
}

// Every documented method, for recognising a method of another product.
const std::vector<std::pair<std::string, std::string>>& method_products() {
  static const std::vector<std::pair<std::string, std::string>> all = {
      {"xtrabackupfull", "MySQL / Percona (not MariaDB)"},
      {"xtrabackupincr", "MySQL / Percona (not MariaDB)"},
      {"mariabackupfull", "MariaDB"},
      {"mariabackupincr", "MariaDB"},
      {"mysqldump", "MySQL and MariaDB"},
      {"mariadb-dump", "MariaDB"},
      {"ndb", "MySQL NDB Cluster"},
      {"pg_basebackup", "PostgreSQL"},
      {"pgdump", "PostgreSQL"},
      {"pgdumpall", "PostgreSQL"},
      {"pgbackrestfull", "PostgreSQL"},
      {"pgbackrestincr", "PostgreSQL"},
      {"pgbackrestdiff", "PostgreSQL"},
      {"mongodump", "MongoDB"},
      {"percona-backup-mongodb", "MongoDB"},
      {"mssqlfull", "SQL Server"},
      {"mssqldiff", "SQL Server"},
      {"mssqllog", "SQL Server"},
      {"elasticsearch-snapshot", "Elasticsearch"},
      {"clickhouse-native", "ClickHouse"},
      {"clickhouse-native-incr", "ClickHouse"}};
  return all;
}

// The tool names people use for the CMON method names.
std::string canonical_method(std::string m) {
  m = lower(m);
  static const std::vector<std::pair<std::string, std::string>> aliases = {{"xtrabackup", "xtrabackupfull"},
                                                                           {"mariabackup", "mariabackupfull"},
                                                                           {"mysql-dump", "mysqldump"},
                                                                           {"mariadbdump", "mariadb-dump"},
                                                                           {"pg_dump", "pgdump"},
                                                                           {"pg-dump", "pgdump"},
                                                                           {"pg_dumpall", "pgdumpall"},
                                                                           {"pg-dumpall", "pgdumpall"},
                                                                           {"pgbasebackup", "pg_basebackup"},
                                                                           {"pg-basebackup", "pg_basebackup"},
                                                                           {"pgbackrest", "pgbackrestfull"},
                                                                           {"pbm", "percona-backup-mongodb"},
                                                                           {"mssql", "mssqlfull"}};
  for (const auto& [alias, name] : aliases)
    if (m == alias) return name;
  return m;
}

// The full backup an incremental or differential one builds on ("" for full methods).
std::string base_method(const std::string& m) {
  if (m == "xtrabackupincr") return "xtrabackupfull";
  if (m == "mariabackupincr") return "mariabackupfull";
  if (m == "pgbackrestincr" || m == "pgbackrestdiff") return "pgbackrestfull";
  if (m == "mssqldiff" || m == "mssqllog") return "mssqlfull";
  if (m == "clickhouse-native-incr") return "clickhouse-native";
  return "";
}

// Methods that can back up a subset of the databases (include_databases).
bool supports_databases(const std::string& m) {
  static const std::set<std::string> s = {"mysqldump",       "mariadb-dump", "xtrabackupfull",
                                          "mariabackupfull", "pgdump",       "mongodump"};
  return s.count(m) > 0;
}

// Backups a point-in-time recovery can start from: physical backups plus the binary log (MySQL),
// the WAL archive (PostgreSQL) or PBM's oplog slices (MongoDB). A record flagged use_for_pitr (a
// PITR-compatible dump) qualifies too.
bool supports_pitr(const std::string& m) {
  static const std::set<std::string> s = {"xtrabackupfull",  "xtrabackupincr", "mariabackupfull",
                                          "mariabackupincr", "pg_basebackup",  "pgbackrestfull",
                                          "pgbackrestincr",  "pgbackrestdiff", "percona-backup-mongodb"};
  return s.count(m) > 0;
}

// Nodes that hold no data of their own: never a backup source or a restore target.
bool is_database_node(const json& host) {
  std::string t = lower(get_string(host, "nodetype"));
  std::string cls = lower(get_string(host, "class_name"));
  for (const char* helper : {"controller", "sentinel", "proxysql", "haproxy", "maxscale", "keepalived",
                             "pgbouncer", "pgbackrest", "pbmagent", "prometheus", "garbd"})
    if (t.find(helper) != std::string::npos || cls.find(helper) != std::string::npos) return false;
  return true;
}

// A host name or address as CMON accepts it in job_data.
bool plausible_host(std::string_view h) {
  if (h.empty() || h.size() > 253) return false;
  for (char ch : h)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-' && ch != '_' && ch != ':')
      return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Backup records.

struct Backup {
  int64_t id = 0;
  int64_t cluster_id = 0;
  int64_t parent_id = 0;
  std::string method;
  std::string status;
  std::string created;
  std::string finished;
  std::string host;
  double size = 0;
  std::vector<std::string> databases;
  bool pitr_flag = false;
  std::optional<SysTime> created_at;
  std::optional<SysTime> finished_at;
};

Backup backup_of(const json& rec) {
  const json m = rec.contains("metadata") && rec["metadata"].is_object() ? rec["metadata"] : rec;
  Backup b;
  b.id = get_int(m, "id");
  b.cluster_id = get_int(m, "cid", get_int(m, "cluster_id"));
  b.parent_id = get_int(m, "parent_id");
  b.method = get_string(m, "method");
  b.status = get_string(m, "status");
  b.created = cmon_ts(m, "created");
  b.finished = cmon_ts(m, "finished");
  b.created_at = cmon_time(m.value("created", json()));
  b.finished_at = cmon_time(m.value("finished", json()));
  b.host = get_string(m, "backup_host");
  b.pitr_flag = get_bool(m, "use_for_pitr");
  std::set<std::string> seen;
  for (const auto& part : get_list(m, "backup")) {
    for (const auto& f : get_list(part, "files")) b.size += get_double(f, "size");
    for (const auto& name : get_list(part, "database_names")) {
      std::string db = get_string(json{{"n", name}}, "n");
      if (!db.empty() && seen.insert(db).second) b.databases.push_back(db);
    }
  }
  return b;
}

// "backup 12 (xtrabackupfull, 1.2 GiB, finished 2025-03-01T10:09:44Z, from 10.0.1.11)"
std::string backup_text(const Backup& b) {
  std::string s = "backup " + std::to_string(b.id) + " (" + (b.method.empty() ? "?" : b.method);
  if (b.size > 0) s += ", " + human_bytes(b.size);
  if (!b.finished.empty())
    s += ", finished " + b.finished;
  else if (!b.created.empty())
    s += ", started " + b.created;
  if (!b.host.empty()) s += ", from " + b.host;
  if (!iequals(b.status, "Completed")) s += ", " + b.status;
  return s + ")";
}

// Every backup record of one cluster (0: of all clusters), newest first.
awaitable<Expected<std::vector<Backup>, ToolResult>> list_records(ToolContext& ctx, int64_t cluster_id,
                                                                  std::string doing) {
  std::vector<Backup> out;
  for (int64_t offset = 0; offset < 5000; offset += 200) {
    json fields{{"limit", 200}, {"offset", offset}, {"ascending", false}, {"backup_record_version", 2}};
    if (cluster_id > 0) fields["cluster_id"] = cluster_id;
    auto r = co_await call(ctx, "/v2/backup", "getBackups", std::move(fields), doing);
    if (!r) co_return unexpected(std::move(r.error()));
    json records = get_list(*r, "backup_records");
    for (const auto& rec : records) out.push_back(backup_of(rec));
    if (records.size() < 200) break;
  }
  co_return out;
}

// The completed backup `id` of cluster `c`, or an error that says what is wrong with it and what to
// use instead.
awaitable<Expected<Backup, ToolResult>> usable_backup(ToolContext& ctx, const Cluster& c, int64_t id,
                                                      std::string_view purpose) {
  auto all = co_await list_records(ctx, 0, "look up backup " + std::to_string(id));
  if (!all) co_return unexpected(std::move(all.error()));
  for (const auto& b : *all) {
    if (b.id != id) continue;
    if (b.cluster_id != c.id)
      co_return unexpected(ToolResult::error(
          "backup " + std::to_string(id) + " belongs to cluster id " + std::to_string(b.cluster_id) +
          ", not " + cluster_label(c) + "; a backup can only be " + std::string(purpose) +
          " within its own cluster. list_backups {\"cluster_id\": " + std::to_string(c.id) +
          ", \"status\": \"Completed\"} shows the backups of " + c.name + "."));
    if (!iequals(b.status, "Completed"))
      co_return unexpected(ToolResult::error(
          backup_text(b) + " of " + cluster_label(c) + " is " + b.status + ", not Completed: there is " +
          (iequals(b.status, "Failed") ? "nothing usable in it" : "no finished backup yet") +
          ". Pick a completed backup (list_backups {\"cluster_id\": " + std::to_string(c.id) +
          ", \"status\": \"Completed\"})."));
    co_return b;
  }
  co_return unexpected(ToolResult::error("backup " + std::to_string(id) +
                                         " not found; list_backups {\"cluster_id\": " + std::to_string(c.id) +
                                         "} shows the backup ids of " + cluster_label(c) + "."));
}

// ---------------------------------------------------------------------------------------------------
// Cron expressions (5 fields, as CMON's recurrence takes them).

struct CronField {
  const char* name;
  int lo;
  int hi;
  std::vector<std::string> names;  // "jan".. or "sun".., index + name_base is the value
  int name_base;
};

const std::vector<CronField>& cron_fields() {
  static const std::vector<CronField> f = {
      {"minute", 0, 59, {}, 0},
      {"hour", 0, 23, {}, 0},
      {"day of month", 1, 31, {}, 0},
      {"month",
       1,
       12,
       {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"},
       1},
      {"day of week", 0, 7, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}, 0}};
  return f;
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 4 && std::all_of(s.begin(), s.end(), [](char ch) {
    return std::isdigit(static_cast<unsigned char>(ch));
  });
}

std::optional<int> cron_value(std::string_view s, const CronField& f) {
  if (all_digits(s)) return std::stoi(std::string(s));
  std::string l = lower(s);
  for (size_t i = 0; i < f.names.size(); ++i)
    if (l == f.names[i]) return static_cast<int>(i) + f.name_base;
  return std::nullopt;
}

// "" when `text` is a valid value of field `f`, the reason otherwise.
std::string check_cron_field(const std::string& text, const CronField& f) {
  auto range_text = std::to_string(f.lo) + "-" + std::to_string(f.hi);
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? text.size() + 1 : comma + 1;
    if (item.empty()) return "an empty list item in '" + text + "'";
    std::string base = item;
    if (auto slash = item.find('/'); slash != std::string::npos) {
      std::string step = item.substr(slash + 1);
      base = item.substr(0, slash);
      if (!all_digits(step) || std::stoi(step) < 1 || std::stoi(step) > f.hi)
        return "the step in '" + item + "' must be a number from 1 to " + std::to_string(f.hi);
    }
    if (base == "*") continue;
    std::string a = base, b;
    if (auto dash = base.find('-'); dash != std::string::npos) {
      a = base.substr(0, dash);
      b = base.substr(dash + 1);
    }
    auto va = cron_value(a, f);
    if (!va) return "'" + a + "' is not a number" + (f.names.empty() ? "" : " or a name like " + f.names[1]);
    if (*va < f.lo || *va > f.hi) return "'" + a + "' is out of range " + range_text;
    if (!b.empty()) {
      auto vb = cron_value(b, f);
      if (!vb)
        return "'" + b + "' is not a number" + (f.names.empty() ? "" : " or a name like " + f.names[1]);
      if (*vb < f.lo || *vb > f.hi) return "'" + b + "' is out of range " + range_text;
      if (*vb < *va) return "the range '" + base + "' goes backwards";
    } else if (base.find('-') != std::string::npos) {
      return "the range '" + base + "' has no end";
    }
  }
  return "";
}

// The five fields of a cron expression, or why it is not one.
Expected<std::vector<std::string>, std::string> parse_cron(std::string_view expr) {
  const std::string help =
      "a backup schedule takes a cron expression of 5 fields, minute hour day-of-month month day-of-week "
      "(e.g. '30 2 * * *' for 02:30 every day, '0 1 * * 0' for Sundays at 01:00, '0 */6 * * *' every 6 "
      "hours)";
  std::vector<std::string> fields;
  std::string cur;
  for (char ch : expr) {
    if (std::isspace(static_cast<unsigned char>(ch))) {
      if (!cur.empty()) fields.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(ch);
    }
  }
  if (!cur.empty()) fields.push_back(std::move(cur));
  if (fields.empty()) return unexpected("the schedule is empty: " + help);
  if (fields[0].front() == '@')
    return unexpected("'" + fields[0] + "' shortcuts are not accepted: " + help +
                      "; @daily is '0 0 * * *', @hourly '0 * * * *', @weekly '0 0 * * 0'");
  if (fields.size() != 5)
    return unexpected("'" + std::string(expr) + "' has " + std::to_string(fields.size()) + " field(s): " +
                      help + (fields.size() == 6 ? " (seconds and years are not supported)" : ""));
  for (size_t i = 0; i < 5; ++i) {
    std::string why = check_cron_field(fields[i], cron_fields()[i]);
    if (!why.empty())
      return unexpected("'" + std::string(expr) + "': field " + std::to_string(i + 1) + " (" +
                        cron_fields()[i].name + "): " + why + "; " + help);
  }
  return fields;
}

std::string two_digits(const std::string& n) {
  return n.size() == 1 ? "0" + n : n;
}

// "every day at 02:30", "on Sunday at 01:00", "every 15 minutes", or the expression itself.
std::string describe_cron(const std::vector<std::string>& f) {
  static const std::vector<std::string> days = {"Sunday",   "Monday", "Tuesday",  "Wednesday",
                                                "Thursday", "Friday", "Saturday", "Sunday"};
  auto day_name = [&](const std::string& d) -> std::string {
    auto v = cron_value(d, cron_fields()[4]);
    return v ? days[static_cast<size_t>(*v)] : d;
  };
  auto dow_text = [&](const std::string& d) -> std::string {
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= d.size()) {
      size_t comma = d.find(',', start);
      std::string item = d.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      start = comma == std::string::npos ? d.size() + 1 : comma + 1;
      if (item.find('/') != std::string::npos) return "";
      if (auto dash = item.find('-'); dash != std::string::npos)
        parts.push_back(day_name(item.substr(0, dash)) + " to " + day_name(item.substr(dash + 1)));
      else
        parts.push_back(day_name(item));
    }
    return join(parts);
  };
  bool at_time = all_digits(f[0]) && all_digits(f[1]);
  std::string time = at_time ? two_digits(f[1]) + ":" + two_digits(f[0]) : "";
  if (at_time && f[2] == "*" && f[3] == "*" && f[4] == "*") return "every day at " + time;
  if (at_time && f[2] == "*" && f[3] == "*") {
    std::string d = dow_text(f[4]);
    if (!d.empty()) return "on " + d + " at " + time;
  }
  if (at_time && all_digits(f[2]) && f[3] == "*" && f[4] == "*")
    return "on day " + f[2] + " of every month at " + time;
  if (all_digits(f[0]) && f[1] == "*" && f[2] == "*" && f[3] == "*" && f[4] == "*")
    return "every hour at minute " + f[0];
  if (all_digits(f[0]) && f[1].rfind("*/", 0) == 0 && f[2] == "*" && f[3] == "*" && f[4] == "*")
    return "every " + f[1].substr(2) + " hours at minute " + f[0];
  if (f[0].rfind("*/", 0) == 0 && f[1] == "*" && f[2] == "*" && f[3] == "*" && f[4] == "*")
    return "every " + f[0].substr(2) + " minutes";
  return "at cron '" + join(f, " ") + "'";
}

// Splits "TZ=Europe/Berlin 0 1 * * *" into its zone and expression.
std::pair<std::string, std::string> split_tz(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(s.begin());
  if (s.rfind("TZ=", 0) != 0 && s.rfind("tz=", 0) != 0) return {"", s};
  auto space = s.find_first_of(" \t");
  if (space == std::string::npos) return {s.substr(3), ""};
  return {s.substr(3, space - 3), s.substr(space + 1)};
}

bool plausible_tz(std::string_view tz) {
  if (tz.empty() || tz.size() > 64) return false;
  for (char ch : tz)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '/' && ch != '_' && ch != '-' && ch != '+')
      return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------
// The job_data of a backup, shared by create_backup and create_backup_schedule.

struct BackupJob {
  json data = json::object();
  std::string method;  // "" when CMON picks
  std::string source;  // "node 10.0.1.11:3306", "a node CMON picks"
};

awaitable<Expected<BackupJob, ToolResult>> backup_job(ToolContext& ctx, const Cluster& c, const json& args,
                                                      bool schedule) {
  BackupJob out;
  json& data = out.data;
  const auto documented = methods_for(c);
  const std::string product =
      std::string(family_name(c.family)) + (c.vendor.empty() ? "" : " (" + c.vendor + ")");

  // Method.
  std::string method = canonical_method(args.value("method", std::string()));
  if (method.empty()) {
    method = default_method(c);
  } else if (!documented.empty()) {
    if (std::find(documented.begin(), documented.end(), method) == documented.end()) {
      std::string owner;
      for (const auto& [name, prod] : method_products())
        if (name == method) owner = prod;
      co_return unexpected(ToolResult::error(
          "backup method '" + method + "' " + (owner.empty() ? "is unknown" : "is for " + owner) + "; " +
          cluster_label(c) + " is " + product + ", whose methods are: " + join(documented) + " (default " +
          documented.front() + ")."));
    }
  } else {
    for (const auto& [name, prod] : method_products())
      if (name == method)
        co_return unexpected(ToolResult::error("backup method '" + method + "' is for " + prod +
                                               ", not for " + cluster_label(c) + " (" + product +
                                               "); omit method to let CMON use the product's own tool."));
  }
  out.method = method;
  if (!method.empty()) data["backup_method"] = method;

  // Incremental backups need a full one to build on.
  if (!schedule && !base_method(method).empty()) {
    auto records = co_await list_records(ctx, c.id, "check the backups of " + cluster_label(c));
    if (!records) co_return unexpected(std::move(records.error()));
    bool has_base = false;
    for (const auto& b : *records)
      if (iequals(b.status, "Completed") && (b.method == base_method(method) || b.method == method))
        has_base = true;
    if (!has_base)
      co_return unexpected(ToolResult::error(
          method + " builds on a completed " + base_method(method) + " backup, and " + cluster_label(c) +
          " has none; take a full backup first (method " + base_method(method) + ")."));
  }

  // Source node.
  if (args.contains("node")) {
    auto h = find_node(c, args["node"].get<std::string>());
    if (!h) co_return unexpected(ToolResult::error(h.error()));
    if (!is_database_node(*h))
      co_return unexpected(
          ToolResult::error(host_label(*h) + " is a " + get_string(*h, "nodetype", "helper") + " node of " +
                            cluster_label(c) + " and holds no data; back up from a database node."));
    if (!schedule && !host_online(*h) && !args.value("failover", false))
      co_return unexpected(ToolResult::error(
          "node " + host_label(*h) + " of " + cluster_label(c) + " is " +
          get_string(*h, "hoststatus", "not online") +
          "; back up from an online node, omit node to let CMON choose, or send failover: true."));
    data["hostname"] = get_string(*h, "hostname", get_string(*h, "ip"));
    data["port"] = get_int(*h, "port");
    out.source = "node " + host_label(*h);
  } else if (c.family == Family::mssql || c.family == Family::redis) {
    data["hostname"] = "auto";  // as terraform sends for these products (§7.2)
    out.source = "a node CMON picks";
  } else {
    out.source = "a node CMON picks";
  }
  if (args.value("failover", false)) {
    data["backup_failover"] = true;
    data["backup_failover_host"] = "auto";
  }

  // Where it is stored.
  if (args.contains("storage_dir")) {
    std::string dir = args["storage_dir"].get<std::string>();
    if (dir.empty() || dir.front() != '/' || dir.find("..") != std::string::npos)
      co_return unexpected(ToolResult::error("storage_dir '" + dir +
                                             "' must be an absolute directory path such as /var/backups"));
    data["backupdir"] = dir;
  }
  bool on_controller = args.value("store_on_controller", false);
  if (on_controller && args.contains("storage_host"))
    co_return unexpected(
        ToolResult::error("give either store_on_controller or storage_host, not both: they name where the "
                          "backup files go"));
  if (on_controller) data["cc_storage"] = true;
  if (args.contains("storage_host")) {
    std::string host = args["storage_host"].get<std::string>();
    if (!plausible_host(host))
      co_return unexpected(ToolResult::error("storage_host '" + host + "' is not a host name or address"));
    data["storage_host"] = host;
  }

  // Compression, encryption, retention, title.
  if (args.contains("compression_level")) {
    if (args.contains("compression") && !args.value("compression", true))
      co_return unexpected(ToolResult::error("compression_level needs compression; drop one of the two"));
    data["compression"] = true;
    data["compression_level"] = args["compression_level"];
  } else if (args.contains("compression")) {
    data["compression"] = args.value("compression", true);
  }
  if (args.value("encrypt", false)) data["encrypt_backup"] = true;
  if (args.contains("retention_days")) data["backup_retention"] = args["retention_days"];
  if (args.contains("title")) data["backup_title"] = args["title"];

  // A subset of the databases.
  if (args.contains("databases") && !args["databases"].empty()) {
    if (!supports_databases(method)) {
      std::vector<std::string> partial;
      for (const auto& d : documented)
        if (supports_databases(d)) partial.push_back(d);
      co_return unexpected(ToolResult::error(
          "backup method '" + (method.empty() ? std::string("(CMON's default)") : method) +
          "' backs up the whole instance and cannot take a list of databases; for a subset use " +
          (partial.empty() ? std::string("no method of this product") : join(partial)) +
          ", or omit databases."));
    }
    std::set<std::string> known;
    for (const auto& d : get_list(c.info, "databases")) known.insert(get_string(d, "database_name"));
    std::vector<std::string> names;
    for (const auto& d : args["databases"]) {
      std::string name = d.get<std::string>();
      if (!known.empty() && !known.count(name))
        co_return unexpected(ToolResult::error(
            "database '" + name + "' not found on " + cluster_label(c) +
            "; its databases: " + join(std::vector<std::string>(known.begin(), known.end()))));
      names.push_back(name);
    }
    data["include_databases"] = join(names, ",");
  }
  co_return out;
}

// The shared arguments of create_backup and create_backup_schedule.
Schema& backup_arguments(Schema& s, std::string node_what) {
  return s.cluster()
      .prop("method",
            s_string(
                "Backup method; default per product: MySQL/Percona xtrabackupfull (also xtrabackupincr, "
                "mysqldump), MariaDB mariabackupfull (also mariabackupincr, mysqldump, mariadb-dump), "
                "PostgreSQL pg_basebackup (also pgdump, pgdumpall, pgbackrestfull/incr/diff), MongoDB "
                "mongodump (also percona-backup-mongodb), SQL Server mssqlfull (also mssqldiff, mssqllog); "
                "Redis: CMON's own. Tool names are accepted too (xtrabackup, mariabackup, pg_dump, "
                "pg_dumpall, pgbackrest, pbm). A method of another product is refused.",
                "^[A-Za-z0-9_-]+$", 40))
      .node(false, std::move(node_what))
      .prop("title", s_string("A title stored with the backup (\"before-upgrade\").", std::nullopt, 120))
      .prop("storage_dir",
            s_string("Absolute directory for the backup files (default: the cluster's backup directory, "
                     "usually /var/backups).",
                     std::nullopt, 512))
      .prop("store_on_controller", s_boolean("Store the files on the controller host instead of the node."))
      .prop("storage_host", s_string("Store the files on this host instead of the node.", std::nullopt, 253))
      .prop("compression", s_boolean("Compress the backup (CMON's default: yes)."))
      .prop("compression_level", s_integer("Compression level 1 (fast) to 9 (small).", 1, 9))
      .prop("encrypt", s_boolean("Encrypt the backup files with the cluster's backup key."))
      .prop("retention_days",
            s_integer("Days to keep this backup: 0 = the cluster's retention setting (default), -1 = keep "
                      "forever.",
                      -1, 3650))
      .prop("databases",
            s_array(s_string("A database name.", std::nullopt, 128),
                    "Only these databases (methods mysqldump, mariadb-dump, pgdump, mongodump and full "
                    "xtrabackup/mariabackup); default all.",
                    100))
      .prop("failover",
            s_boolean("If the chosen node is down when the backup starts, take it from another node "
                      "(backup_failover, host picked by CMON)."));
}

// ---------------------------------------------------------------------------------------------------
// create_backup

awaitable<Plan> plan_create_backup(ToolContext& ctx, const json& args) {
  json extra{{"with_hosts", true}, {"with_databases", true}};
  auto c = co_await resolve_cluster(ctx, args, std::move(extra));
  if (!c) co_return unexpected(std::move(c.error()));
  auto job = co_await backup_job(ctx, *c, args, false);
  if (!job) co_return unexpected(std::move(job.error()));
  std::string summary = "Back up " + cluster_label(*c) + " with " +
                        (job->method.empty() ? std::string("CMON's default method") : job->method) +
                        " from " + job->source;
  if (args.contains("title")) summary += " (\"" + args["title"].get<std::string>() + "\")";
  co_return job_plan(*c, std::move(summary), "backup", std::move(job->data));
}

// ---------------------------------------------------------------------------------------------------
// restore_backup

awaitable<Plan> plan_restore_backup(ToolContext& ctx, const json& args) {
  json extra{{"with_hosts", true}};
  auto c = co_await resolve_cluster(ctx, args, std::move(extra));
  if (!c) co_return unexpected(std::move(c.error()));
  const int64_t id = get_int(args, "backup_id");
  auto b = co_await usable_backup(ctx, *c, id, "restored");
  if (!b) co_return unexpected(std::move(b.error()));

  json data = json::object();
  data["backupid"] = b->id;
  if (!b->method.empty()) data["backup_method"] = b->method;
  if (c->family == Family::galera) data["bootstrap"] = true;

  std::string target = cluster_label(*c);
  if (args.contains("node")) {
    auto h = find_node(*c, args["node"].get<std::string>());
    if (!h) co_return unexpected(ToolResult::error(h.error()));
    if (!is_database_node(*h))
      co_return unexpected(ToolResult::error(host_label(*h) + " is a " +
                                             get_string(*h, "nodetype", "helper") +
                                             " node and holds no data; restore onto a database node."));
    data["server_address"] = host_label(*h);
    target = "node " + host_label(*h) + " of " + cluster_label(*c);
  }

  // Point in time.
  std::string pitr_text;
  std::string until = b->finished.empty() ? b->created : b->finished;  // changes after it are lost
  if (args.contains("pitr_time")) {
    if (!supports_pitr(b->method) && !b->pitr_flag)
      co_return unexpected(ToolResult::error(
          "point-in-time recovery is not possible from " + backup_text(*b) + ": a " + b->method +
          " backup is a snapshot with no log to replay. PITR starts from xtrabackup/mariabackup "
          "backups (with binary logs) on MySQL and MariaDB, pg_basebackup or pgBackRest backups (with WAL "
          "archiving) on PostgreSQL, and percona-backup-mongodb on MongoDB. Restore it without pitr_time, "
          "or pick such a backup."));
    const auto now = std::chrono::system_clock::now();
    auto t = parse_time(args["pitr_time"].get<std::string>(), now);
    if (!t) co_return unexpected(ToolResult::error("pitr_time: " + t.error()));
    auto floor = b->finished_at ? b->finished_at : b->created_at;
    if (floor && *t < *floor)
      co_return unexpected(ToolResult::error("pitr_time " + iso_utc(*t) + " is before " + backup_text(*b) +
                                             " ended; recover from an older backup, or pick a time after " +
                                             iso_utc(*floor) + "."));
    if (*t > now)
      co_return unexpected(
          ToolResult::error("pitr_time " + iso_utc(*t) + " is in the future (now is " + iso_utc(now) + ")."));
    std::string iso = iso_utc(*t);  // 2025-03-01T10:00:00Z -> 2025-03-01 10:00:00 (§7.3)
    std::string stop = iso.substr(0, 10) + " " + iso.substr(11, 8);
    data["pitr_stop_time"] = stop;
    until = iso;
    std::string log = c->family == Family::postgres ? "the archived WAL"
                      : c->family == Family::mongo  ? "the oplog slices"
                                                    : "the binary logs";
    pitr_text = ", then CMON replays " + log + " up to " + iso +
                " (CMON needs them complete from the backup " + "to that time; the job fails otherwise)";
  }
  if (args.contains("keep_datadir_copy")) data["backup_datadir_before_restore"] = args["keep_datadir_copy"];

  ActionPlan plan = job_plan(*c,
                             "Restore backup " + std::to_string(b->id) + " onto " + target +
                                 (data.contains("pitr_stop_time") ? " up to " + until : std::string()),
                             "restore_backup", data);
  std::string effect = "This restores " + backup_text(*b) + " onto " + target +
                       ": the database service is stopped, its current data is replaced by the backup" +
                       (b->databases.empty() ? std::string() : " (databases " + join(b->databases) + ")") +
                       pitr_text + ", and the service is started again.";
  if (b->parent_id > 0)
    effect += " It is an incremental backup: CMON restores its full backup (id " +
              std::to_string(b->parent_id) + ") and the increments up to it.";
  if (c->family == Family::galera)
    effect +=
        " On Galera the restored node bootstraps the cluster; the other nodes rejoin with a full state "
        "transfer (SST).";
  else if (c->family == Family::mysql || c->family == Family::postgres)
    effect += " Replicas follow the restored primary or must be rebuilt from it.";
  effect += " Every change written after " + until + " is lost";
  if (args.value("keep_datadir_copy", false))
    effect += " (a copy of the current data directory is kept on the node)";
  effect += ".";
  plan.effect = std::move(effect);
  co_return plan;
}

// ---------------------------------------------------------------------------------------------------
// verify_backup

awaitable<Plan> plan_verify_backup(ToolContext& ctx, const json& args) {
  auto c = co_await resolve_cluster(ctx, args);
  if (!c) co_return unexpected(std::move(c.error()));
  const int64_t id = get_int(args, "backup_id");
  auto b = co_await usable_backup(ctx, *c, id, "verified");
  if (!b) co_return unexpected(std::move(b.error()));
  std::string host = args.value("host", std::string());
  if (!plausible_host(host))
    co_return unexpected(ToolResult::error("host '" + host + "' is not a host name or address"));
  // The backup is restored onto the test server, wiping its data: never onto a managed node.
  json fields{{"with_hosts", true}};
  auto all =
      co_await call(ctx, "/v2/clusters", "getAllClusterInfo", std::move(fields), "check the test server");
  if (!all) co_return unexpected(std::move(all.error()));
  for (const auto& cl : get_list(*all, "clusters"))
    for (const auto& h : get_list(cl, "hosts"))
      if (iequals(get_string(h, "hostname"), host) || iequals(get_string(h, "ip"), host))
        co_return unexpected(ToolResult::error(
            host + " is " +
            (iequals(get_string(h, "nodetype"), "controller") ? "the controller host" : "a node") +
            " of cluster " + get_string(cl, "cluster_name") + " (id " +
            std::to_string(get_int(cl, "cluster_id")) +
            "); verification restores the backup onto the host and replaces its data, so give a spare test "
            "server that no cluster uses."));
  json data = json::object();
  data["backupid"] = b->id;
  data["server_address"] = host;
  data["install_software"] = args.value("install_software", true);
  data["terminate_db_server"] = args.value("shutdown_after", true);
  data["disable_firewall"] = args.value("disable_firewall", true);
  data["disable_selinux"] = args.value("disable_selinux", true);
  co_return job_plan(
      *c,
      "Verify " + backup_text(*b) + " of " + cluster_label(*c) + " by restoring it on test server " + host,
      "verify_backup", std::move(data));
}

// ---------------------------------------------------------------------------------------------------
// delete_backup

awaitable<Plan> plan_delete_backup(ToolContext& ctx, const json& args) {
  auto c = co_await resolve_cluster(ctx, args);
  if (!c) co_return unexpected(std::move(c.error()));
  std::vector<int64_t> ids;
  if (args.contains("backup_id")) ids.push_back(get_int(args, "backup_id"));
  if (args.contains("backup_ids"))
    for (const auto& v : args["backup_ids"])
      if (std::find(ids.begin(), ids.end(), v.get<int64_t>()) == ids.end()) ids.push_back(v.get<int64_t>());
  if (ids.empty())
    co_return unexpected(ToolResult::error("give backup_id or backup_ids (list_backups shows the ids)"));

  auto records = co_await list_records(ctx, 0, "look up the backups to delete");
  if (!records) co_return unexpected(std::move(records.error()));
  std::vector<Backup> doomed;
  for (int64_t id : ids) {
    auto it = std::find_if(records->begin(), records->end(), [&](const Backup& b) { return b.id == id; });
    if (it == records->end())
      co_return unexpected(
          ToolResult::error("backup " + std::to_string(id) +
                            " not found; list_backups {\"cluster_id\": " + std::to_string(c->id) +
                            "} shows the backup ids of " + cluster_label(*c) + ". Nothing was deleted."));
    if (it->cluster_id != c->id)
      co_return unexpected(ToolResult::error("backup " + std::to_string(id) + " belongs to cluster id " +
                                             std::to_string(it->cluster_id) + ", not " + cluster_label(*c) +
                                             ". Nothing was deleted."));
    if (iequals(it->status, "Running") || iequals(it->status, "Pending"))
      co_return unexpected(ToolResult::error(backup_text(*it) + " is still " + it->status +
                                             "; wait for its job to end. Nothing was deleted."));
    doomed.push_back(*it);
  }

  std::set<int64_t> gone(ids.begin(), ids.end());
  std::vector<std::string> lines, orphans;
  for (const auto& b : doomed) lines.push_back(backup_text(b));
  std::optional<Backup> newest_left;
  for (const auto& b : *records) {
    if (b.cluster_id != c->id || gone.count(b.id)) continue;
    if (b.parent_id > 0 && gone.count(b.parent_id)) orphans.push_back(std::to_string(b.id));
    if (iequals(b.status, "Completed") && b.finished_at &&
        (!newest_left || !newest_left->finished_at || *b.finished_at > *newest_left->finished_at))
      newest_left = b;
  }
  ActionPlan plan;
  plan.cluster = *c;
  std::string list_ids;
  for (int64_t id : ids) list_ids += (list_ids.empty() ? "" : ", ") + std::to_string(id);
  plan.summary =
      "Delete backup" + std::string(ids.size() > 1 ? "s " : " ") + list_ids + " of " + cluster_label(*c);
  std::string effect = "This deletes " + std::to_string(doomed.size()) + " backup(s) of " +
                       cluster_label(*c) + " with their files: " + join(lines, "; ") + ".";
  if (!orphans.empty())
    effect += " Incremental backup(s) " + join(orphans) + " build on them and can no longer be restored.";
  if (newest_left)
    effect += " The newest completed backup left is " + backup_text(*newest_left) + ".";
  else
    effect += " Afterwards " + cluster_label(*c) + " has NO completed backup left.";
  plan.effect = std::move(effect);
  if (ids.size() == 1) {
    json fields{{"backup_record", json{{"backup_id", ids.front()}}}};
    plan.requests.push_back(CmonRequest{"/v2/backup", "deleteBackupRecord", std::move(fields), {}});
  } else {
    json fields{{"backup_id_list", ids}};
    plan.requests.push_back(CmonRequest{"/v2/backup", "deleteBackupList", std::move(fields), {}});
  }
  plan.on_done = [ids, c_id = c->id, c_name = c->name](const ActionPlan& p, const std::vector<json>&) {
    json out{{"tool", "delete_backup"}, {"status", "done"},       {"summary", p.summary},
             {"cluster_id", c_id},      {"cluster_name", c_name}, {"deleted_backup_ids", ids}};
    return ToolResult::structured_text("Done: " + p.summary + ".\n" + p.effect + "\n", std::move(out));
  };
  co_return plan;
}

// ---------------------------------------------------------------------------------------------------
// purge_old_backups

awaitable<Plan> plan_purge_old_backups(ToolContext& ctx, const json& args) {
  auto c = co_await resolve_cluster(ctx, args);
  if (!c) co_return unexpected(std::move(c.error()));
  int64_t days = 0;
  std::string days_from = "retention_days";
  if (args.contains("retention_days")) {
    days = get_int(args, "retention_days");
  } else {
    json fields{{"cluster_id", c->id}};
    auto conf = co_await call(ctx, "/v2/clusters", "getConfig", std::move(fields),
                              "read the backup retention of " + cluster_label(*c));
    if (!conf) co_return unexpected(std::move(conf.error()));
    for (const auto& v : get_list(get_object(*conf, "configuration"), "values"))
      if (get_string(v, "name") == "backup_retention") days = get_int(v, "current_value", 0);
    days_from = "the cluster's backup_retention setting";
    if (days <= 0)
      co_return unexpected(ToolResult::error(
          cluster_label(*c) + " has no positive backup_retention setting (" + std::to_string(days) +
          "); give retention_days: backups older than that many days are "
          "deleted."));
  }
  auto records = co_await list_records(ctx, c->id, "list the backups of " + cluster_label(*c));
  if (!records) co_return unexpected(std::move(records.error()));
  const auto cutoff = std::chrono::system_clock::now() - std::chrono::hours(24 * days);
  std::vector<std::string> lines;
  size_t completed_left = 0;
  for (const auto& b : *records) {
    if (b.created_at && *b.created_at < cutoff)
      lines.push_back(backup_text(b));
    else if (iequals(b.status, "Completed"))
      ++completed_left;
  }
  if (lines.empty())
    co_return unexpected(ToolResult::error("no backup of " + cluster_label(*c) + " is older than " +
                                           std::to_string(days) + " day(s) (" + days_from +
                                           "): nothing to purge, nothing was changed."));
  json data{{"backup_retention", days}};
  ActionPlan plan = job_plan(
      *c, "Delete the backups of " + cluster_label(*c) + " older than " + std::to_string(days) + " day(s)",
      "delete_old_backups", std::move(data));
  std::string effect = "This deletes " + std::to_string(lines.size()) + " backup(s) of " + cluster_label(*c) +
                       " older than " + std::to_string(days) + " day(s) (" + days_from +
                       ") with their files: " + join(lines, "; ") + ". ";
  effect += completed_left > 0 ? std::to_string(completed_left) + " newer completed backup(s) are kept."
                               : "Afterwards " + cluster_label(*c) + " has NO completed backup left.";
  plan.effect = std::move(effect);
  co_return plan;
}

// ---------------------------------------------------------------------------------------------------
// Schedules (recurring backup jobs, §7.5).

awaitable<Expected<json, ToolResult>> scheduled_jobs(ToolContext& ctx, const Cluster& c) {
  json fields{{"cluster_id", c.id}, {"show_scheduled", true}, {"limit", 500}};
  auto r = co_await call(ctx, "/v2/jobs", "getJobInstances", std::move(fields),
                         "list the backup schedules of " + cluster_label(c));
  if (!r) co_return unexpected(std::move(r.error()));
  json out = json::array();
  for (const auto& j : get_list(*r, "jobs"))
    if (job_command(j) == "backup" && !get_string(j, "recurrence").empty()) out.push_back(j);
  co_return out;
}

std::string schedule_text(const json& j) {
  json data = get_object(cmon::parse_job_spec(j.value("job_spec", json())), "job_data");
  std::string title = strip_html(get_string(j, "title"));
  std::string s = "backup schedule " + std::to_string(get_int(j, "job_id"));
  if (!title.empty()) s += " \"" + title + "\"";
  s += " (" + get_string(data, "backup_method", "CMON's default method") + ", '" +
       get_string(j, "recurrence") + "', " +
       (iequals(get_string(j, "status"), "PAUSED") ? "paused" : "enabled") + ")";
  return s;
}

awaitable<Plan> plan_create_backup_schedule(ToolContext& ctx, const json& args) {
  json extra{{"with_hosts", true}, {"with_databases", true}};
  auto c = co_await resolve_cluster(ctx, args, std::move(extra));
  if (!c) co_return unexpected(std::move(c.error()));
  auto [tz_in_schedule, expr] = split_tz(args.value("schedule", std::string()));
  std::string tz = args.value("timezone", std::string());
  if (!tz_in_schedule.empty() && !tz.empty() && tz != tz_in_schedule)
    co_return unexpected(ToolResult::error("the schedule says TZ=" + tz_in_schedule + " and timezone says " +
                                           tz + "; give the zone once"));
  if (tz.empty()) tz = tz_in_schedule.empty() ? "UTC" : tz_in_schedule;
  if (!plausible_tz(tz))
    co_return unexpected(
        ToolResult::error("timezone '" + tz + "' is not a zone name like UTC or Europe/Berlin"));
  auto fields = parse_cron(expr);
  if (!fields) co_return unexpected(ToolResult::error("schedule " + fields.error()));
  const std::string recurrence = "TZ=" + tz + " " + join(*fields, " ");
  const std::string when = describe_cron(*fields) + " (" + tz + ")";

  auto job = co_await backup_job(ctx, *c, args, true);
  if (!job) co_return unexpected(std::move(job.error()));

  // A retry must not create a second identical schedule (two backups each night).
  auto existing = co_await scheduled_jobs(ctx, *c);
  if (!existing) co_return unexpected(std::move(existing.error()));
  for (const auto& j : *existing) {
    json data = get_object(cmon::parse_job_spec(j.value("job_spec", json())), "job_data");
    if (get_string(j, "recurrence") == recurrence && data == job->data)
      co_return unexpected(ToolResult::error(
          "an identical " + schedule_text(j) + " already exists on " + cluster_label(*c) +
          "; nothing was created." +
          (iequals(get_string(j, "status"), "PAUSED")
               ? " Resume it with set_backup_schedule_enabled {\"cluster_id\": " + std::to_string(c->id) +
                     ", \"schedule_id\": " + std::to_string(get_int(j, "job_id")) + ", \"enabled\": true}."
               : "")));
  }

  const std::string method = job->method.empty() ? std::string("CMON's default method") : job->method;
  std::string title = args.value("title", std::string());
  if (title.empty()) title = "Scheduled " + method + " backup";
  json job_fields{{"status", "SCHEDULED"}, {"recurrence", recurrence}};
  ActionPlan plan;
  plan.cluster = *c;
  plan.summary =
      "Schedule backups of " + cluster_label(*c) + " with " + method + " from " + job->source + ", " + when;
  plan.requests.push_back(job_request(c->id, title, "backup", std::move(job->data), std::move(job_fields)));
  plan.on_done = [recurrence, when, c_id = c->id, c_name = c->name](const ActionPlan& p,
                                                                    const std::vector<json>& replies) {
    json created = get_object(replies.empty() ? json::object() : replies[0], "job");
    int64_t id = get_int(created, "job_id");
    json out{{"tool", "create_backup_schedule"},
             {"status", "done"},
             {"summary", p.summary},
             {"cluster_id", c_id},
             {"cluster_name", c_name},
             {"schedule_id", id},
             {"recurrence", get_string(created, "recurrence", recurrence)},
             {"job_status", get_string(created, "status", "SCHEDULED")},
             {"enabled", !iequals(get_string(created, "status", "SCHEDULED"), "PAUSED")}};
    std::string text =
        "Created backup schedule " + std::to_string(id) + " on cluster " + c_name + " (id " +
        std::to_string(c_id) + "): " + p.summary + " (recurrence '" + recurrence +
        "'). Each run is a backup job of its own; list_backups shows the backups. Pause it with "
        "set_backup_schedule_enabled {\"cluster_id\": " +
        std::to_string(c_id) + ", \"schedule_id\": " + std::to_string(id) +
        ", \"enabled\": false}, remove it with delete_backup_schedule.\n";
    return ToolResult::structured_text(std::move(text), std::move(out));
  };
  co_return plan;
}

// The recurring backup job `schedule_id` of cluster `c`.
awaitable<Expected<json, ToolResult>> schedule_job(ToolContext& ctx, const Cluster& c, int64_t schedule_id) {
  json fields{{"job_id", schedule_id}};
  auto r = co_await ctx.cmon.call("/v2/jobs", "getJobInstance", std::move(fields));
  const std::string hint = "; list_backup_schedules {\"cluster_id\": " + std::to_string(c.id) +
                           "} shows the schedule ids of " + cluster_label(c);
  if (!r) {
    if (r.error().code == cmon::Errc::not_found || icontains(r.error().message, "not found"))
      co_return unexpected(
          ToolResult::error("backup schedule " + std::to_string(schedule_id) + " not found" + hint));
    co_return unexpected(cmon_failure(r.error(), "read backup schedule " + std::to_string(schedule_id)));
  }
  json j = get_object(*r, "job");
  if (get_int(j, "cluster_id") != c.id)
    co_return unexpected(ToolResult::error("job " + std::to_string(schedule_id) + " belongs to cluster id " +
                                           std::to_string(get_int(j, "cluster_id")) + ", not " +
                                           cluster_label(c) + hint));
  if (get_string(j, "recurrence").empty())
    co_return unexpected(ToolResult::error("job " + std::to_string(schedule_id) + " (" +
                                           (job_command(j).empty() ? std::string("?") : job_command(j)) +
                                           ", " + get_string(j, "status") +
                                           ") is a one-off job, not a recurring backup schedule" + hint));
  if (job_command(j) != "backup")
    co_return unexpected(ToolResult::error("job " + std::to_string(schedule_id) + " is a recurring '" +
                                           job_command(j) + "' job, not a backup schedule" + hint));
  co_return j;
}

awaitable<Plan> plan_set_backup_schedule_enabled(ToolContext& ctx, const json& args) {
  auto c = co_await resolve_cluster(ctx, args);
  if (!c) co_return unexpected(std::move(c.error()));
  const int64_t id = get_int(args, "schedule_id");
  auto j = co_await schedule_job(ctx, *c, id);
  if (!j) co_return unexpected(std::move(j.error()));
  const bool enable = args.value("enabled", true);
  const bool was_enabled = !iequals(get_string(*j, "status"), "PAUSED");
  json job{{"class_name", "CmonJobInstance"}, {"job_id", id}, {"status", enable ? "SCHEDULED" : "PAUSED"}};
  json fields{{"job", std::move(job)}};
  ActionPlan plan;
  plan.cluster = *c;
  plan.summary = std::string(enable ? "Resume " : "Pause ") + schedule_text(*j) + " of " + cluster_label(*c);
  plan.requests.push_back(CmonRequest{"/v2/jobs", "updateJobInstance", std::move(fields), {}});
  plan.on_done = [id, enable, was_enabled, c_id = c->id, c_name = c->name](const ActionPlan& p,
                                                                           const std::vector<json>& replies) {
    json updated = get_object(replies.empty() ? json::object() : replies[0], "job");
    std::string status = get_string(updated, "status", enable ? "SCHEDULED" : "PAUSED");
    json out{{"tool", "set_backup_schedule_enabled"},
             {"status", "done"},
             {"summary", p.summary},
             {"cluster_id", c_id},
             {"cluster_name", c_name},
             {"schedule_id", id},
             {"enabled", !iequals(status, "PAUSED")},
             {"job_status", status},
             {"changed", enable != was_enabled}};
    std::string text = "Done: " + p.summary + ". ";
    text += enable == was_enabled
                ? std::string("It already was ") + (enable ? "enabled" : "paused") + "; nothing changed.\n"
            : enable ? "Backups run again at its next time.\n"
                     : "No backups are taken on it until it is resumed (enabled: true).\n";
    return ToolResult::structured_text(std::move(text), std::move(out));
  };
  co_return plan;
}

awaitable<Plan> plan_delete_backup_schedule(ToolContext& ctx, const json& args) {
  auto c = co_await resolve_cluster(ctx, args);
  if (!c) co_return unexpected(std::move(c.error()));
  const int64_t id = get_int(args, "schedule_id");
  auto j = co_await schedule_job(ctx, *c, id);
  if (!j) co_return unexpected(std::move(j.error()));
  auto others = co_await scheduled_jobs(ctx, *c);
  if (!others) co_return unexpected(std::move(others.error()));
  size_t enabled_left = 0;
  for (const auto& o : *others)
    if (get_int(o, "job_id") != id && !iequals(get_string(o, "status"), "PAUSED")) ++enabled_left;
  json fields{{"job_id", id}};
  ActionPlan plan;
  plan.cluster = *c;
  plan.summary = "Delete " + schedule_text(*j) + " of " + cluster_label(*c);
  plan.requests.push_back(CmonRequest{"/v2/jobs", "deleteJobInstance", std::move(fields), {}});
  plan.effect = "This removes " + schedule_text(*j) + " of " + cluster_label(*c) +
                ": no further backups are taken on it; the backups it already made are kept. " +
                (enabled_left > 0 ? "The cluster keeps " + std::to_string(enabled_left) +
                                        " other enabled backup schedule(s)."
                                  : "Afterwards " + cluster_label(*c) + " has NO enabled backup schedule.");
  plan.on_done = [id, c_id = c->id, c_name = c->name](const ActionPlan& p, const std::vector<json>&) {
    json out{
        {"tool", "delete_backup_schedule"}, {"status", "done"}, {"summary", p.summary}, {"cluster_id", c_id},
        {"cluster_name", c_name},           {"schedule_id", id}};
    return ToolResult::structured_text("Done: " + p.summary + ".\n" + p.effect + "\n", std::move(out));
  };
  co_return plan;
}

}  // namespace

void register_backups_actions(Registry& registry) {
  {
    Schema s;
    backup_arguments(s, "the node to back up from (default: CMON picks one; SQL Server and Redis: \"auto\")");
    registry.add(ToolDefinition{
        .name = "create_backup",
        .title = "Create backup",
        .description =
            "Takes a backup of a cluster now (CMON job 'backup'). The method is checked against the product "
            "(xtrabackup for MySQL/Percona, mariabackup for MariaDB, pg_basebackup/pgBackRest/pg_dump for "
            "PostgreSQL, mongodump/PBM for MongoDB, native for SQL Server; default: the product's full "
            "physical backup); an incremental method needs a completed full backup first. Returns the job id "
            "at once, or with wait=true follows the job with progress until the backup is done; list_backups "
            "then shows the new backup (its job_id is this job). A retry within minutes returns the running "
            "job instead of starting a second backup.\nExample: {\"cluster_name\": \"prod-galera\", "
            "\"title\": "
            "\"before-upgrade\", \"wait\": true, \"timeout_s\": 600}",
        .group = "backups",
        .tool_class = ToolClass::write,
        .input_schema = s.build(),
        .action = make_action(plan_create_backup, ActionKind::job),
    });
  }
  registry.add(ToolDefinition{
      .name = "restore_backup",
      .title = "Restore backup",
      .description =
          "Restores a completed backup of a cluster onto that cluster (CMON job 'restore_backup'), "
          "optionally "
          "to a point in time (pitr_time, for xtrabackup/mariabackup, pg_basebackup/pgBackRest and PBM "
          "backups). DESTRUCTIVE: the current data is replaced and every change after the backup (or "
          "pitr_time) is lost. The user is asked to confirm (or confirm=true), and it is refused unless the "
          "cluster has a recent successful backup (take one with create_backup first, or "
          "override_backup_guard=true). A backup of another cluster or a failed one is refused. dry_run=true "
          "shows the job and its effect.\nExample: {\"cluster_id\": 1, \"backup_id\": 12, \"pitr_time\": "
          "\"2025-03-01T02:15:00Z\", \"wait\": true}",
      .group = "backups",
      .tool_class = ToolClass::destructive,
      .input_schema =
          Schema()
              .cluster()
              .prop("backup_id",
                    s_integer("The backup to restore (list_backups), a completed backup of this cluster.", 1),
                    true)
              .prop(
                  "pitr_time",
                  s_string("Point-in-time recovery: replay the logs up to this time, ISO 8601 UTC "
                           "(\"2025-03-01T02:15:00Z\") or relative (\"30m\" = 30 minutes ago). Must be after "
                           "the backup ended.",
                           std::nullopt, 40))
              .node(false, "the node to restore onto (default: CMON's choice for the cluster)")
              .prop("keep_datadir_copy",
                    s_boolean("Copy the node's current data directory aside before restoring (needs the disk "
                              "space)."))
              .build(),
      .action = make_action(plan_restore_backup, ActionKind::job, BackupGuard::on),
  });
  registry.add(ToolDefinition{
      .name = "verify_backup",
      .title = "Verify backup",
      .description =
          "Proves a backup can be restored: CMON restores it onto a spare test server (host) and reports "
          "whether that worked (CMON job 'verify_backup'); the result shows in get_backup as the "
          "verification "
          "status. The test server's own data is replaced, so a node of any managed cluster is refused. "
          "Returns the job id, or with wait=true follows it.\nExample: {\"cluster_id\": 1, \"backup_id\": "
          "12, "
          "\"host\": \"10.0.9.50\", \"wait\": true}",
      .group = "backups",
      .tool_class = ToolClass::write,
      .input_schema =
          Schema()
              .cluster()
              .prop("backup_id",
                    s_integer("The backup to verify (list_backups), a completed backup of this cluster.", 1),
                    true)
              .prop("host",
                    s_string("The test server to restore onto (host name or address), reachable by SSH "
                             "from the controller and not part of any cluster.",
                             std::nullopt, 253),
                    true)
              .prop("install_software",
                    s_boolean("Install the database software on the test server first (default true)."))
              .prop(
                  "shutdown_after",
                  s_boolean("Shut the test database server down when the verification ends (default true)."))
              .prop("disable_firewall", s_boolean("Disable the test server's firewall (default true)."))
              .prop("disable_selinux",
                    s_boolean("Disable SELinux/AppArmor on the test server (default true)."))
              .build(),
      .action = make_action(plan_verify_backup, ActionKind::job),
  });
  registry.add(ToolDefinition{
      .name = "delete_backup",
      .title = "Delete backup",
      .description =
          "Deletes one or more backups of a cluster, record and files (deleteBackupRecord / "
          "deleteBackupList). "
          "DESTRUCTIVE: the user is asked to confirm (or confirm=true); the confirmation says which backups "
          "go, "
          "which incremental backups lose their base, and which backup is then the newest left. Every id "
          "must "
          "be a backup of that cluster that is not running; otherwise nothing is deleted.\nExample: "
          "{\"cluster_id\": 1, \"backup_ids\": [3, 4]}",
      .group = "backups",
      .tool_class = ToolClass::destructive,
      .input_schema =
          Schema()
              .cluster()
              .prop("backup_id", s_integer("One backup to delete (list_backups).", 1))
              .prop("backup_ids", s_array(s_integer("A backup id.", 1), "Several backups to delete.", 100))
              .build(),
      .action = make_action(plan_delete_backup),
  });
  registry.add(ToolDefinition{
      .name = "purge_old_backups",
      .title = "Purge old backups",
      .description =
          "Applies backup retention now (CMON job 'delete_old_backups'): deletes the cluster's backups older "
          "than retention_days, by default the cluster's backup_retention setting. DESTRUCTIVE: the user is "
          "asked to confirm (or confirm=true) after seeing the list of backups that go; refused when nothing "
          "is "
          "that old.\nExample: {\"cluster_name\": \"prod-galera\", \"retention_days\": 14}",
      .group = "backups",
      .tool_class = ToolClass::destructive,
      .input_schema = Schema()
                          .cluster()
                          .prop("retention_days",
                                s_integer("Delete backups older than this many days (default: the cluster's "
                                          "backup_retention setting).",
                                          1, 3650))
                          .build(),
      .action = make_action(plan_purge_old_backups, ActionKind::job),
  });
  {
    Schema s;
    backup_arguments(s, "the node to back up from at each run (default: CMON picks one when the backup runs)")
        .prop("schedule",
              s_string(
                  "When to run, a cron expression of 5 fields: minute hour day-of-month month day-of-week, "
                  "e.g. \"30 2 * * *\" (02:30 every day), \"0 1 * * 0\" (Sundays 01:00). A \"TZ=Zone \" "
                  "prefix is accepted.",
                  std::nullopt, 120),
              true)
        .prop("timezone",
              s_string("Time zone of the schedule (default UTC), e.g. \"Europe/Berlin\".", std::nullopt, 64));
    registry.add(ToolDefinition{
        .name = "create_backup_schedule",
        .title = "Create backup schedule",
        .description =
            "Creates a recurring backup (a CMON job 'backup' with status SCHEDULED and a cron recurrence): "
            "the controller then takes a backup at every matching time, with the same options as "
            "create_backup. "
            "The cron expression (5 fields, UTC unless timezone says otherwise) and the method are checked "
            "first; an identical schedule is not created twice. Returns the schedule id "
            "(list_backup_schedules "
            "shows it).\nExample: {\"cluster_id\": 1, \"schedule\": \"30 2 * * *\", \"title\": \"nightly\", "
            "\"retention_days\": 7}",
        .group = "backups",
        .tool_class = ToolClass::write,
        .input_schema = s.build(),
        .action = make_action(plan_create_backup_schedule),
    });
  }
  registry.add(ToolDefinition{
      .name = "set_backup_schedule_enabled",
      .title = "Pause or resume backup schedule",
      .description =
          "Pauses (enabled=false) or resumes (enabled=true) a recurring backup schedule of a cluster "
          "(updateJobInstance, status PAUSED / SCHEDULED); the schedule and its settings are kept. The id "
          "must "
          "be a recurring backup job of that cluster (list_backup_schedules). Idempotent.\nExample: "
          "{\"cluster_id\": 1, \"schedule_id\": 7, \"enabled\": false}",
      .group = "backups",
      .tool_class = ToolClass::write,
      .input_schema =
          Schema()
              .cluster()
              .prop("schedule_id", s_integer("The schedule id (list_backup_schedules).", 1), true)
              .prop("enabled", s_boolean("true: backups run on the schedule; false: paused."), true)
              .build(),
      .action = make_action(plan_set_backup_schedule_enabled),
  });
  registry.add(ToolDefinition{
      .name = "delete_backup_schedule",
      .title = "Delete backup schedule",
      .description =
          "Removes a recurring backup schedule of a cluster (deleteJobInstance); backups it already made are "
          "kept. DESTRUCTIVE: the user is asked to confirm (or confirm=true); the confirmation says whether "
          "the "
          "cluster keeps another enabled schedule. To stop it only for a while use "
          "set_backup_schedule_enabled."
          "\nExample: {\"cluster_id\": 1, \"schedule_id\": 7}",
      .group = "backups",
      .tool_class = ToolClass::destructive,
      .input_schema = Schema()
                          .cluster()
                          .prop("schedule_id", s_integer("The schedule id (list_backup_schedules).", 1), true)
                          .build(),
      .action = make_action(plan_delete_backup_schedule),
  });
}

}  // namespace cmon_mcp::tools
