// The test world of fixture.hpp.
#include "fixture.hpp"

namespace cmon_mcp::test {
namespace {

json host(int id, int cid, const std::string& cls, const std::string& name, int port, const std::string& type,
          const std::string& role, const std::string& status = "CmonHostOnline") {
  return json{{"class_name", cls},
              {"hostId", id},
              {"clusterid", cid},
              {"hostname", name},
              {"ip", name},
              {"port", port},
              {"hoststatus", status},
              {"nodetype", type},
              {"role", role},
              {"connected", status == "CmonHostOnline"},
              {"readonly", role != "master" && role != "primary" && role != "PRIMARY"},
              {"maintenance_mode_active", false},
              {"version", "8.0.36"},
              {"uptime", 86400 * 3},
              {"message", status == "CmonHostOnline" ? "Up and running." : "Host is not responding."},
              {"configfile", json::array({"/etc/my.cnf"})}};
}

json controller(int cid) {
  return host(100, cid, "CmonHost", "127.0.0.1", 9500, "controller", "controller");
}

json clusters() {
  json c = json::array();
  auto cluster = [&](int id, const std::string& name, const std::string& type, const std::string& vendor,
                     const std::string& version, const std::string& state, json hosts) {
    hosts.push_back(controller(id));
    c.push_back(
        json{{"class_name", "CmonClusterInfo"},
             {"cluster_id", id},
             {"cluster_name", name},
             {"cluster_type", type},
             {"vendor", vendor},
             {"version", version},
             {"state", state},
             {"status_text", state == "STARTED" ? "All nodes are operational." : "<b>1 node</b> is down."},
             {"cluster_auto_recovery", true},
             {"node_auto_recovery", "true"},
             {"maintenance_mode_active", false},
             {"tags", json::array({"test"})},
             {"alarm_statistics", {{"critical", id == 1 ? 1 : 0}, {"warning", 1}}},
             {"job_statistics", {{"by_state", {{"FINISHED", 4}, {"FAILED", 1}, {"RUNNING", 0}}}}},
             {"hosts", hosts}});
  };
  json galera = json::array();
  for (int i = 0; i < 3; ++i) {
    json h = host(11 + i, 1, "CmonGaleraHost", "10.0.1." + std::to_string(11 + i), 3306, "galera", "multi",
                  i == 2 ? "CmonHostOffLine" : "CmonHostOnline");
    h["galera"] = {{"clustersize", 2},
                   {"galerastatus", i == 2 ? "Non-Primary" : "Primary"},
                   {"localstatusstr", i == 2 ? "Disconnected" : "Synced"}};
    galera.push_back(h);
  }
  cluster(1, "prod-galera", "GALERA", "percona", "8.0", "DEGRADED", galera);
  json master = host(21, 2, "CmonMySqlHost", "10.0.2.21", 3306, "mysql", "master");
  json slave = host(22, 2, "CmonMySqlHost", "10.0.2.22", 3306, "mysql", "slave");
  slave["port"] = "3306";  // CMON sometimes sends ports as strings
  slave["replication_slave"] = {{"master_host", "10.0.2.21"},     {"master_port", "3306"},
                                {"seconds_behind_master", "120"}, {"slave_io_running", "Yes"},
                                {"slave_sql_running", "Yes"},     {"exec_gtid", "abc:1-100"}};
  master["replication_master"] = {
      {"position", "1234"}, {"file", "binlog.000003"}, {"exec_gtid", "abc:1-100"}};
  cluster(2, "mariadb-repl", "REPLICATION", "mariadb", "10.11", "STARTED", json::array({master, slave}));
  auto pg = [&](int id, const std::string& name, const std::string& version) {
    json p = host(id * 10 + 1, id, "CmonPostgreSqlHost", "10.0." + std::to_string(id) + ".31", 5432,
                  "postgres", "master");
    json r = host(id * 10 + 2, id, "CmonPostgreSqlHost", "10.0." + std::to_string(id) + ".32", 5432,
                  "postgres", "slave");
    r["replication_state"] = {{"state", "streaming"}, {"replay_lag", 2}};
    cluster(id, name, "POSTGRESQL_SINGLE", "postgresql", version, "STARTED", json::array({p, r}));
  };
  pg(3, "pg-prod", "15");
  pg(4, "tsdb", "14");
  json rs = json::array();
  for (int i = 0; i < 3; ++i) {
    json h = host(51 + i, 5, "CmonMongoHost", "10.0.5." + std::to_string(51 + i), 27017, "mongo", "shardsvr");
    h["member_role"] = i == 0 ? "Primary" : "Secondary";
    rs.push_back(h);
  }
  cluster(5, "mongo-rs", "MONGODB", "percona", "6.0", "STARTED", rs);
  cluster(6, "mongo-sharded", "MONGODB", "10gen", "6.0", "STARTED",
          json::array({host(61, 6, "CmonMongoHost", "10.0.6.61", 27017, "mongo", "mongos"),
                       host(62, 6, "CmonMongoHost", "10.0.6.62", 27019, "mongo", "configsvr"),
                       host(63, 6, "CmonMongoHost", "10.0.6.63", 27018, "mongo", "shardsvr")}));
  json p7 = host(71, 7, "CmonMsSqlHost", "10.0.7.71", 1433, "mssql", "PRIMARY");
  json s7 = host(72, 7, "CmonMsSqlHost", "10.0.7.72", 1433, "mssql", "SECONDARY");
  s7["replica"] = {{"synchronization_health", "HEALTHY"}};
  cluster(7, "mssql-ao", "MSSQL_AO_ASYNC", "microsoft", "2022", "STARTED", json::array({p7, s7}));
  cluster(
      8, "redis-sentinel", "REDIS", "redis", "7", "STARTED",
      json::array({host(81, 8, "CmonRedisHost", "10.0.8.81", 6379, "redis", "primary"),
                   host(82, 8, "CmonRedisHost", "10.0.8.82", 6379, "redis", "replica"),
                   host(83, 8, "CmonRedisSentinelHost", "10.0.8.81", 26379, "redis-sentinel", "sentinel")}));
  return c;
}

cmon::Result<json> not_found(const std::string& what) {
  cmon::Error e;
  e.code = cmon::Errc::not_found;
  e.request_status = "ObjectNotFound";
  e.message = what;
  return unexpected(e);
}

json find_cluster(const json& fields) {
  for (const auto& c : clusters())
    if (c["cluster_id"] == fields.value("cluster_id", -1)) return c;
  return nullptr;
}

json job(int id, int cid, const std::string& status, const std::string& command, const std::string& title) {
  return json{{"class_name", "CmonJobInstance"},
              {"job_id", id},
              {"cluster_id", cid},
              {"title", title},
              {"status", status},
              {"status_text", status == "RUNNING" ? "Running..." : "Job finished."},
              {"progress_percent", status == "RUNNING" ? 42 : 100},
              {"has_progress", true},
              {"created", "2025-03-01T10:05:00.000Z"},
              {"started", "2025-03-01T10:05:01.000Z"},
              {"ended", status == "RUNNING" ? "" : "2025-03-01T10:09:44.000Z"},
              {"exit_code", status == "FAILED" ? 1 : 0},
              {"user_name", "admin"},
              {"job_spec", {{"command", command}, {"job_data", {{"backup_method", "mysqldump"}}}}}};
}

}  // namespace

void install_world(FakeCmon& cmon) {
  cmon.on("/v2/clusters", "getAllClusterInfo", json{{"clusters", clusters()}, {"total", 8}});
  cmon.on("/v2/clusters", "getClusterInfo", [](const json& f) -> cmon::Result<json> {
    json c = find_cluster(f);
    if (c.is_null())
      return not_found("No CmonCluster instance is available for cluster " +
                       f.value("cluster_id", json(0)).dump() + ".");
    if (f.value("with_databases", false))
      c["databases"] =
          json::array({{{"database_name", "shop"},
                        {"database_size", 1288490188},
                        {"number_of_tables", 12},
                        {"number_of_rows", 100000}},
                       {{"database_name", "crm"}, {"database_size", "4096"}, {"number_of_tables", 1}}});
    return json{{"cluster", c}};
  });
  cmon.on("/v2/alarm", "getAlarms", [](const json& f) -> cmon::Result<json> {
    int cid = f.value("cluster_id", 1);
    return json{{"alarms", json::array({nullptr,
                                        {{"alarm_id", 77},
                                         {"cluster_id", cid},
                                         {"hostname", "10.0.1.13"},
                                         {"component_name", "Network"},
                                         {"type_name", "HostUnreachable"},
                                         {"severity_name", "ALARM_CRITICAL"},
                                         {"title", "Host is not responding"},
                                         {"message", "Host 10.0.1.13 is not responding to ping."},
                                         {"recommendation", "Restart failed host."},
                                         {"ignored", 0},
                                         {"created", "2025-03-01T09:41:12.000Z"},
                                         {"reported", "2025-03-01T09:41:12.000Z"}},
                                        {{"alarm_id", 78},
                                         {"cluster_id", cid},
                                         {"hostname", "10.0.1.11"},
                                         {"component_name", "Node"},
                                         {"type_name", "HostCpuUsage"},
                                         {"severity_name", "ALARM_WARNING"},
                                         {"title", "CPU usage high"},
                                         {"message", "CPU 85%"},
                                         {"ignored", "0"},
                                         {"created", "2025-03-01T09:50:00.000Z"}}})}};
  });
  cmon.on("/v2/jobs", "getJobInstances", [](const json& f) -> cmon::Result<json> {
    int cid = f.value("cluster_id", 1);
    json jobs = json::array({job(120, cid, "RUNNING", "backup", "Create Backup"),
                             job(119, cid, "FAILED", "restart", "Restart node"),
                             job(118, cid, "FINISHED", "backup", "Create <b>Backup</b>")});
    return json{{"jobs", jobs}, {"total", 3}};
  });
  cmon.on("/v2/jobs", "getJobInstance", [](const json& f) -> cmon::Result<json> {
    if (f.value("job_id", 0) != 118) return not_found("Job not found.");
    return json{{"job", job(118, 1, "FINISHED", "backup", "Create Backup")}, {"total", 1}};
  });
  cmon.on("/v2/jobs", "getJobLog",
          json{{"job", {{"job_id", 118}, {"status", "FINISHED"}}},
               {"total", 3},
               {"messages",
                {{{"message_id", 3},
                  {"created", "2025-03-01T10:09:44.000Z"},
                  {"message_status", "JOB_SUCCESS"},
                  {"message_text", "Backup finished, 1.2 GiB written."}},
                 {{"message_id", 2},
                  {"created", "2025-03-01T10:06:00.000Z"},
                  {"message_status", "JOB_WARNING"},
                  {"message_text", "<em>pigz</em> not found, using gzip."}},
                 {{"message_id", 1},
                  {"created", "2025-03-01T10:05:01.000Z"},
                  {"message_status", "JOB_SUCCESS"},
                  {"message_text", "Backup started."}}}}});
  cmon.on("/v2/backup", "getBackups", [](const json& f) -> cmon::Result<json> {
    int cid = f.value("cluster_id", 1);
    json v1{{"class_name", "CmonBackupRecord"},
            {"id", 41},
            {"cid", cid},
            {"job_id", 118},
            {"method", "mysqldump"},
            {"status", "Completed"},
            {"created", "2025-03-01T10:05:01.000Z"},
            {"finished", "2025-03-01T10:09:44.000Z"},
            {"backup_host", "10.0.1.11"},
            {"storage_host", "127.0.0.1"},
            {"root_dir", "/var/backups/BACKUP-41"},
            {"compressed", true},
            {"verified", {{"status", "NotVerified"}}},
            {"backup", {{{"db", "shop"}, {"files", {{{"path", "a.sql.gz"}, {"size", 1288490188}}}}}}}};
    json v2{{"metadata",
             {{"id", 42},
              {"cid", cid},
              {"method", "xtrabackupfull"},
              {"status", "Failed"},
              {"created", "2025-03-02T01:00:00.000Z"}}},
            {"host_locations", {{{"root_dir", "/backups/BACKUP-42"}, {"storage_host", "10.0.1.11"}}}}};
    return json{{"backup_records", {v2, v1}}, {"total", 2}};
  });
  cmon.on("/v2/backup", "getBackupSchedules",
          json{{"backup_schedules",
                {{{"id", 7},
                  {"cluster_id", 1},
                  {"schedule", "0 1 * * *"},
                  {"enabled", true},
                  {"job", {{"job_data", {{"backup_method", "mysqldump"}}}}}}}}});
  cmon.on("/v2/clusters", "getAccounts",
          json{{"accounts",
                {{{"user_name", "app"}, {"host_allow", "10.0.0.%"}, {"grants", "shop.*:SELECT,INSERT"}},
                 {{"user_name", "root"}, {"host_allow", "localhost"}, {"system_user", "true"}}}},
               {"total", 2}});
  cmon.on("/v2/users", "whoAmI",
          json{{"user", {{"user_id", 3}, {"user_name", "admin"}, {"groups", {{{"group_name", "admins"}}}}}},
               {"user_extended_privileges", {{"can_create_clusters", true}, {"can_execute_jobs", true}}}});
  cmon.on("/v2/clusters", "ping",
          json{{"authenticated", true},
               {"package_version", "2.2.0"},
               {"rpc_version", "2.0"},
               {"controller_id", "3f0c2a4e"}});
  cmon.on("/v2/info", "ping", json{{"package_version", "2.2.0"}, {"controller_id", "3f0c2a4e"}});
  cmon.on("/v2/users", "getUsers",
          json{{"users",
                {{{"user_id", 3},
                  {"user_name", "admin"},
                  {"groups", {{{"group_name", "admins"}}}},
                  {"n_failed_logins", "2"},
                  {"last_login", "2025-03-01T09:00:00.000Z"}}}},
               {"total", 1}});
  cmon.on("/v2/users", "getGroups",
          json{{"groups", {{{"group_id", 1}, {"group_name", "admins"}}}}, {"total", 1}});
  cmon.on("/v2/alarm", "getAlarm", [](const json& f) -> cmon::Result<json> {
    return json{{"alarm",
                 {{"alarm_id", f.value("alarm_id", 0)},
                  {"cluster_id", f.value("cluster_id", 0)},
                  {"severity_name", "ALARM_CRITICAL"},
                  {"title", "Host is not responding"},
                  {"recommendation", "Restart failed host."}}}};
  });
  cmon.on("/v2/alarm", "getStatistics",
          json{{"alarm_statistics",
                {{{"cluster_id", 1}, {"critical", 1}, {"warning", 1}},
                 {{"cluster_id", 2}, {"critical", 0}, {"warning", 1}}}}});
  cmon.on("/v2/maintenance", "getMaintenance",
          json{{"maintenance_records",
                {{{"cluster", {{"cluster_id", 1}, {"cluster_name", "prod-galera"}}},
                  {"maintenance_periods",
                   {{{"UUID", "8b1d"},
                     {"initiate", "2099-03-02T01:00:00.000Z"},
                     {"deadline", "2099-03-02T03:00:00.000Z"},
                     {"reason", "kernel patching"}}}}}}},
               {"total", 1}});
  cmon.on("/v2/maintenance", "getCurrentMaintenance",
          json{{"found_maintenance", true},
               {"maintenance_period",
                {{"UUID", "4abf"},
                 {"initiate", "2025-03-01T11:00:00.000Z"},
                 {"deadline", "2099-03-01T12:00:00.000Z"},
                 {"reason", "upgrade"}}}});
  cmon.on("/v2/maintenance", "getNextMaintenance", json{{"found_maintenance", false}});
  cmon.on("/v2/config", "getConfig",
          json{{"config",
                {{"files",
                  {{{"path", "/etc/my.cnf"},
                    {"content", "[mysqld]\nmax_connections=500\n"},
                    {"values",
                     {{{"section", "mysqld"}, {"variablename", "max_connections"}, {"value", "500"}},
                      {{"section", "mysqld"},
                       {"variablename", "innodb_buffer_pool_size"},
                       {"value", "4G"}}}}}}}}}});
  cmon.on(
      "/v2/clusters", "getConfig",
      json{
          {"configuration",
           {{"values",
             {{{"name", "enable_cluster_autorecovery"}, {"current_value", "true"}, {"default_value", "true"}},
              {{"name", "backup_retention"}, {"current_value", "7"}, {"default_value", "31"}}}}}}});
  cmon.on("/v2/config", "getLicense",
          json{{"license", {{"type", "Enterprise"}, {"expiration_date", "2099-01-01"}}}});
  cmon.on("/v2/reports", "getReportTemplates",
          json{{"reports", {{{"report_type", "default"}, {"title", "Default System Report"}}}}});
  cmon.on("/v2/reports", "getReports",
          json{{"reports",
                {{{"report_id", 1},
                  {"report_type", "default"},
                  {"title", "System Report"},
                  {"created", "2025-03-01T08:00:00.000Z"}}}},
               {"total", 1}});
  cmon.on(
      "/v2/reports", "getReport",
      json{{"report",
            {{"report_id", 1}, {"report_type", "default"}, {"content", "\x1b[1mSummary\x1b[0m all good"}}}});
  cmon.on(
      "/v2/discovery", "getSupportedClusterTypes",
      json{{"cluster_type_names", {"galera", "postgresql"}},
           {"cluster_type_properties",
            {{"galera",
              {{"long_name", "Galera Cluster"}, {"vendors", {{{"name", "percona"}, {"versions", {"8.0"}}}}}}},
             {"postgresql",
              {{"long_name", "PostgreSQL"},
               {"vendors", {{{"name", "postgresql"}, {"versions", {"15", 16}}}}}}}}}});
  cmon.on("/v2/discovery", "checkHosts",
          json{{"checked_hosts",
                {{{"host", {{"hostname", "10.0.9.1"}}}, {"error_code", "HostIsOk"}},
                 {{"host", {{"hostname", "10.0.9.2"}}},
                  {"error_code", "HostAlreadyRegistered"},
                  {"message", "The host is already in cluster 1."}}}}});
  // Monitoring (cmon-rpc-v2.md §10): three minute samples per node of the asked cluster, one of them
  // with a number sent as a string (§17.2); Redis has no query digests.
  cmon.on("/v2/stat", "statByName", [](const json& f) -> cmon::Result<json> {
    json c = find_cluster(f);
    if (c.is_null()) return not_found("Cluster not found.");
    std::string name = f.value("name", "");
    json data = json::array();
    for (const auto& h : c["hosts"]) {
      if (h["nodetype"] == "controller") continue;
      for (int i = 0; i < 3; ++i) {
        json s{{"hostid", h["hostId"]},
               {"created", 1740819600 + i * 60},
               {"sampleends", 1740819660 + i * 60},
               {"interval", 60000}};
        if (name == "cpustat")
          s.update({{"user", 0.2 + 0.1 * i},
                    {"sys", 0.05},
                    {"idle", 0.7 - 0.1 * i},
                    {"iowait", "0.02"},
                    {"steal", 0.0},
                    {"loadavg1", 1.5 + i}});
        else if (name == "memorystat")
          s.update({{"ramtotal", 17179869184},
                    {"ramfree", 5368709120},
                    {"swaptotal", 2147483648},
                    {"swapfree", 2147483648},
                    {"memoryutilization", 0.6875}});
        else if (name == "diskstat")
          s.update({{"total", 536870912000},
                    {"free", 268435456000},
                    {"reads", 600},
                    {"writes", 1200},
                    {"utilization", 0.25},
                    {"mountpoint", "/var/lib"}});
        else if (name == "netstat")
          s.update({{"interface", "eth0"},
                    {"rxBytes", 6000000},
                    {"txBytes", 12000000},
                    {"rxErrors", i == 2 ? 1 : 0},
                    {"txErrors", 0}});
        else if (name == "sqlstat")
          s.update(
              {{"QUERIES", 60000}, {"COM_SELECT", 42000}, {"THREADS_CONNECTED", 12}, {"SLOW_QUERIES", 6}});
        else if (name == "mongoStat")
          s.update({{"opcounters.query", 6000}, {"connections.current", 40}});
        else
          s.update({{"connections", 20}, {"commits", 1200}, {"ops_per_sec", 90.5}});
        data.push_back(s);
      }
    }
    return json{{"data", data}, {"total", data.size()}};
  });
  cmon.on("/v2/clusters", "getTopQueries", [](const json& f) -> cmon::Result<json> {
    json digests = json::array({{{"statementPattern", "SELECT * FROM orders WHERE customer_id = ?"},
                                 {"databaseName", "shop"},
                                 {"instance", "10.0.1.11:3306"},
                                 {"count", 18234},
                                 {"affectedRows", 0},
                                 {"waitMillisSum", 91170.0},
                                 {"waitMillisMin", 0.8},
                                 {"waitMillisMax", 412.5},
                                 {"waitMillisAvg", 5.0},
                                 {"dtFirstSeen", "2025-02-28T00:00:03.000Z"},
                                 {"dtLastSeen", "2025-03-01T09:59:58.000Z"}},
                                {{"statementPattern", "UPDATE stock SET qty = qty - ? WHERE id = ?"},
                                 {"databaseName", "shop"},
                                 {"instance", "10.0.1.12:3306"},
                                 {"count", "250"},
                                 {"waitMillisSum", 9000.0},
                                 {"waitMillisAvg", 36.0},
                                 {"waitMillisMax", 900.0}}});
    (void)f;
    return json{{"digests", digests}, {"total", 2}};
  });
  cmon.on("/v2/clusters", "getSqlProcesses",
          json{{"processes",
                {{{"pid", 11},
                  {"user", "app"},
                  {"host", "10.0.9.5:51234"},
                  {"instance", "10.0.1.11:3306"},
                  {"db", "shop"},
                  {"command", "Query"},
                  {"state", "Sending data"},
                  {"time", "42"},
                  {"query", "SELECT * FROM orders"}},
                 {{"pid", 12},
                  {"userName", "app"},
                  {"client", "10.0.9.6"},
                  {"hostname", "10.0.1.12"},
                  {"command", "Sleep"},
                  {"elapsedTime", "00:10:00.000000"}},
                 nullptr}},
               {"total", 2}});
  cmon.on("/v2/process", "getRunningProcesses",
          json{{"data",
                {{{"hostname", "10.0.1.11"},
                  {"processes",
                   {{{"pid", 1000},
                     {"user", "mysql"},
                     {"executable", "mysqld"},
                     {"cpu_usage", 85.5},
                     {"mem_usage", 25.0},
                     {"res_mem", 4294967296},
                     {"virt_mem", 8589934592},
                     {"state", "S"}},
                    {{"pid", 1}, {"user", "root"}, {"executable", "systemd"}, {"cpu_usage", "0.1"}}}}}}},
               {"total", 1}});
  cmon.on("/v2/stat", "getdbgrowth",
          json{{"data",
                {{{"created", "2025-03-01T00:00:00.000Z"},
                  {"year_month_day", "2025-03-01"},
                  {"total_data_size", 2000},
                  {"dbs", {{{"db_name", "shop"}, {"data_size", 1000}, {"index_size", 100}}}}},
                 {{"created", "2025-02-28T00:00:00.000Z"},
                  {"year_month_day", "2025-02-28"},
                  {"total_data_size", 1800},
                  {"dbs", {{{"db_name", "shop"}, {"data_size", 900}, {"index_size", 90}}}}}}}});
  // Logs and audit (§12): HTML in a message (§17.7).
  auto log_entry = [](int id, int cid, const std::string& sev, const std::string& cls,
                      const std::string& text) {
    return json{
        {"class_name", "CmonLogMessage"},
        {"log_id", id},
        {"created", "2025-03-01T09:41:12.000Z"},
        {"severity", sev},
        {"log_class", cls},
        {"component", "Node"},
        {"log_origins", {{"sender_binary", "cmon"}, {"sender_file", "CmonHost.cpp"}, {"sender_line", 7}}},
        {"log_specifics", {{"cluster_id", cid}, {"message_text", text}}}};
  };
  cmon.on("/v2/log", "getLogEntries", [log_entry](const json& f) -> cmon::Result<json> {
    int cid = f.value("cluster_id", 1);
    json list = json::array({log_entry(150, cid, "LOG_WARNING", "HostStateChange",
                                       "Host <strong>10.0.1.13</strong> is not responding."),
                             log_entry(149, cid, "LOG_INFO", "JobEnded", "Job 'Create Backup' finished.")});
    return json{{"log_entries", list}, {"total", 2}};
  });
  cmon.on("/v2/log", "getLogEntry", [log_entry](const json& f) -> cmon::Result<json> {
    if (f.value("message_id", 0) != 150) return not_found("Log entry not found.");
    return json{
        {"log_entry", log_entry(150, 1, "LOG_WARNING", "HostStateChange", "Host <b>10.0.1.13</b> is down.")}};
  });
  cmon.on("/v2/audit", "getEntries",
          json{{"audit_entries",
                {{{"id", 5},
                  {"cluster_id", 1},
                  {"client_hostname", "10.0.0.100"},
                  {"report_ts", "2025-03-01T09:00:00.000Z"},
                  {"entry_type", "ConfigChange"},
                  {"message_text", "Cluster configuration changed."},
                  {"username", "admin"}}}},
               {"total", 1}});
}

}  // namespace cmon_mcp::test
