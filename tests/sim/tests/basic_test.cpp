// Start-up, envelope, sessions, password login and the admin API of a spawned cmon-sim.
#include <gtest/gtest.h>

#include <set>

#include "rpc_client.hpp"
#include "sim_process.hpp"
#include "sim_test_util.hpp"

using cmon_mcp::test::RpcClient;
using cmon_mcp::test::SimProcess;
using nlohmann::json;

TEST(SimStartup, PrintsEndpointAdminAndFingerprint) {
  SimProcess sim;
  EXPECT_EQ(sim.endpoint().rfind("https://127.0.0.1:", 0), 0u);
  EXPECT_EQ(sim.admin_url().rfind("http://127.0.0.1:", 0), 0u);
  EXPECT_NE(sim.port(), 0);
  EXPECT_EQ(sim.fingerprint().size(), 32u * 3 - 1);
  EXPECT_EQ(sim.fingerprint().find_first_not_of("0123456789ABCDEF:"), std::string::npos);
}

TEST(SimStartup, InfoPingWorksWithoutSession) {
  SimProcess sim;
  RpcClient c(sim.port());
  auto r = c.call("/v2/info", {{"operation", "ping"}, {"request_id", 7}});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.server, "cmon/1.8.2");
  EXPECT_EQ(r.status(), "Ok");
  EXPECT_EQ(r.json["request_id"], 7);
  EXPECT_EQ(r.json["package_version"], "1.8.2");
  EXPECT_TRUE(r.json.contains("controller_id"));
  EXPECT_TRUE(r.json.contains("request_processed"));
}

namespace {

json find_host(const json& state, int64_t cluster_id, const std::string& hostname, int port) {
  for (const auto& c : state["clusters"])
    if (c["cluster_id"] == cluster_id)
      for (const auto& h : c["hosts"])
        if (h["hostname"] == hostname && h["port"] == port) return h;
  return json();
}

}  // namespace

TEST(SimEnvelope, ReplyEnvelopeAndCaseInsensitiveOperation) {
  SimProcess sim;
  RpcClient c(sim.port());
  ASSERT_TRUE(c.login("admin", "admin"));
  auto r = c.call("/v2/clusters/", {{"operation", "getallclusterinfo"},
                                    {"request_id", 3},
                                    {"request_created", "2025-03-01T10:00:00.000Z"},
                                    {"with_hosts", true}});
  ASSERT_TRUE(r.ok()) << r.body;
  EXPECT_EQ(r.json["request_id"], 3);
  EXPECT_EQ(r.json["request_created"], "2025-03-01T10:00:00.000Z");
  EXPECT_TRUE(r.json["request_user_id"].is_number_integer());
  EXPECT_TRUE(r.json["debug_messages"].is_array());
  EXPECT_EQ(r.json["total"], 8);
  ASSERT_EQ(r.json["clusters"].size(), 8u);
  std::set<std::string> types;
  for (const auto& cl : r.json["clusters"]) types.insert(cl["cluster_type"].get<std::string>());
  EXPECT_TRUE(types.count("GALERA") && types.count("REPLICATION") && types.count("POSTGRESQL_SINGLE") &&
              types.count("MONGODB") && types.count("MSSQL_AO_ASYNC") && types.count("REDIS"));
}

// getAllClusterInfo, getClusterInfo and getBackups are answered from a cache of rendered replies: a
// repeated read gives the same answer with its own envelope, and a change to the model (a write here, an
// admin request, a running job) is seen by the next read.
TEST(SimEnvelope, CachedReadsKeepTheirEnvelopeAndSeeEveryChange) {
  SimProcess sim;
  RpcClient c(sim.port());
  ASSERT_TRUE(c.login("admin", "admin"));
  auto info = [&](int request_id) {
    auto r = c.call("/v2/clusters", {{"operation", "getAllClusterInfo"}, {"request_id", request_id}});
    EXPECT_TRUE(r.ok()) << r.body;
    return r;
  };
  auto first = info(1);
  auto second = info(2);
  EXPECT_EQ(first.json["request_id"], 1);
  EXPECT_EQ(second.json["request_id"], 2);
  EXPECT_EQ(first.json["clusters"], second.json["clusters"]);
  EXPECT_EQ(second.json["total"], 8);
  EXPECT_EQ(second.json["request_status"], "Ok");
  EXPECT_EQ(second.body.rfind("{\n  \"", 0), 0u) << "pretty-printed like the controller";
  EXPECT_EQ(second.json.size(), first.json.size());

  ASSERT_TRUE(
      c.call("/v2/tree", {{"operation", "appendTag"}, {"path", "/prod-galera"}, {"tag", "cached"}}).ok());
  auto tags = info(3).json["clusters"][0]["tags"];
  ASSERT_FALSE(tags.empty());
  EXPECT_EQ(tags.back(), "cached");

  auto one = c.call("/v2/clusters", {{"operation", "getClusterInfo"}, {"cluster_id", 1}});
  ASSERT_TRUE(one.ok()) << one.body;
  EXPECT_EQ(one.json["cluster"]["tags"].back(), "cached");
  auto missing = c.call("/v2/clusters", {{"operation", "getClusterInfo"}, {"cluster_id", 999}});
  EXPECT_EQ(missing.status(), "InvalidRequest") << "a failed read is never cached";
}

TEST(SimEnvelope, GetAndMissingOperationAreInvalidRequest) {
  SimProcess sim;
  RpcClient c(sim.port());
  auto get = c.request("GET", "/v2/info", "");
  EXPECT_EQ(get.status(), "InvalidRequest");
  EXPECT_EQ(get.json["error_string"], "Invalid operation '' on '/v2/info'.");
  EXPECT_EQ(get.json["request_path"], "/v2/info");
  auto none = c.call("/v2/auth", {{"request_id", 1}});
  EXPECT_EQ(none.status(), "InvalidRequest");
  EXPECT_EQ(none.json["error_string"], "Unexpected request '' in state ''");
}

TEST(SimValidation, UnknownOperationMissingFieldsWrongTypes) {
  SimProcess sim;
  RpcClient c(sim.port());
  ASSERT_TRUE(c.login("admin", "admin"));
  auto unknown = c.call("/v2/clusters", {{"operation", "frobnicate"}});
  EXPECT_EQ(unknown.status(), "InvalidRequest");
  EXPECT_EQ(unknown.json["error_string"], "Invalid operation 'frobnicate' on '/v2/clusters'.");
  auto missing = c.call("/v2/jobs", {{"operation", "getJobInstance"}});
  EXPECT_EQ(missing.status(), "InvalidRequest");
  EXPECT_EQ(missing.json["error_string"], "Missing 'job_id' field.");
  auto wrong = c.call("/v2/jobs", {{"operation", "getJobInstance"}, {"job_id", json::array()}});
  EXPECT_EQ(wrong.status(), "InvalidRequest");
  EXPECT_NE(wrong.json["error_string"].get<std::string>().find("should be an integer"), std::string::npos);
  auto bad_limit = c.call("/v2/jobs", {{"operation", "getJobInstances"}, {"limit", "many"}});
  EXPECT_EQ(bad_limit.status(), "InvalidRequest");
  // "Cluster not found" differs per operation (cmon-rpc-v2.md §1.7).
  EXPECT_EQ(c.call("/v2/clusters", {{"operation", "getAccounts"}, {"cluster_id", 99}}).status(),
            "InvalidRequest");
  EXPECT_EQ(c.call("/v2/alarm", {{"operation", "getAlarms"}, {"cluster_id", 99}}).status(), "ObjectNotFound");
  EXPECT_EQ(c.call("/v2/clusters", {{"operation", "getClusterInfo"}, {"cluster_name", "nope"}}).status(),
            "ObjectNotFound");
  auto ping = c.call("/v2/clusters", {{"operation", "ping"}, {"cluster_id", 99}});
  EXPECT_EQ(ping.status(), "InvalidRequest");
  EXPECT_EQ(ping.json["error_string"], "Configuration 99 was not found.");
  auto job = c.call("/v2/jobs", {{"operation", "createJobInstance"},
                                 {"cluster_id", 99},
                                 {"job", {{"job_spec", {{"command", "success"}}}}}});
  EXPECT_EQ(job.status(), "ObjectNotFound");  // as the captured 'success' job on an unknown cluster
  auto job2 = c.call("/v2/jobs", {{"operation", "createJobInstance"},
                                  {"cluster_id", 99},
                                  {"job", {{"job_spec", {{"command", "backup"}}}}}});
  EXPECT_EQ(job2.status(), "ObjectNotFound");
  auto unknown_cmd = simtest::create_job(c, 1, "make_coffee", json::object());
  EXPECT_EQ(unknown_cmd["request_status"], "InvalidRequest");
}

TEST(SimPagination, LimitOffsetTotalAndNewestFirst) {
  SimProcess sim;
  RpcClient c(sim.port());
  ASSERT_TRUE(c.login("admin", "admin"));
  auto all = c.call("/v2/jobs", {{"operation", "getJobInstances"}});
  ASSERT_TRUE(all.ok());
  int64_t total = all.json["total"];
  ASSERT_GE(total, 5);
  for (size_t i = 1; i < all.json["jobs"].size(); ++i)
    EXPECT_GT(all.json["jobs"][i - 1]["job_id"].get<int64_t>(), all.json["jobs"][i]["job_id"].get<int64_t>());
  auto page = c.call("/v2/jobs", {{"operation", "getJobInstances"}, {"limit", 2}, {"offset", 1}});
  EXPECT_EQ(page.json["total"], total);
  ASSERT_EQ(page.json["jobs"].size(), 2u);
  EXPECT_EQ(page.json["jobs"][0]["job_id"], all.json["jobs"][1]["job_id"]);
  auto past = c.call("/v2/jobs", {{"operation", "getJobInstances"}, {"limit", 5}, {"offset", 1000}});
  EXPECT_EQ(past.json["jobs"].size(), 0u);
  auto logs =
      c.call("/v2/log",
             {{"operation", "getLogEntries"}, {"cluster_id", 1}, {"limit", 3}, {"severity", "LOG_DEBUG"}});
  ASSERT_TRUE(logs.ok()) << logs.body;
  EXPECT_EQ(logs.json["log_entries"].size(), 3u);
  EXPECT_GT(logs.json["total"].get<int64_t>(), 3);
  auto sched = c.call("/v2/jobs", {{"operation", "getJobInstances"}, {"show_scheduled", true}});
  for (const auto& j : sched.json["jobs"]) EXPECT_TRUE(j["status"] == "SCHEDULED" || j["status"] == "PAUSED");
  EXPECT_GE(sched.json["total"].get<int64_t>(), 3);
}

TEST(SimJobs, BackupJobRunsAndAddsRecord) {
  SimProcess sim({"--job-speed", "50"});
  RpcClient c(sim.port());
  ASSERT_TRUE(c.login("admin", "admin"));
  auto created = simtest::create_job(
      c, 1, "backup", {{"backup_method", "xtrabackupfull"}, {"hostname", "10.0.1.12"}, {"port", 3306}});
  ASSERT_EQ(created["request_status"], "Ok") << created.dump();
  EXPECT_EQ(created["job"]["status"], "DEFINED");
  int64_t id = created["job"]["job_id"];
  auto job = simtest::wait_job(c, id);
  EXPECT_EQ(job["status"], "FINISHED") << job.dump();
  EXPECT_EQ(job["progress_percent"], 100);
  auto log = c.call("/v2/jobs", {{"operation", "getJobLog"}, {"job_id", id}});
  EXPECT_GE(log.json["messages"].size(), 2u);
  auto backups = c.call("/v2/backup", {{"operation", "getBackups"}, {"cluster_id", 1}});
  bool found = false;
  for (const auto& b : backups.json["backup_records"])
    if (b["job_id"] == id) found = b["method"] == "xtrabackupfull" && b["backup_host"] == "10.0.1.12";
  EXPECT_TRUE(found) << backups.body;
  auto v2 =
      c.call("/v2/backup", {{"operation", "getBackups"}, {"cluster_id", 1}, {"backup_record_version", 2}});
  ASSERT_TRUE(v2.ok());
  EXPECT_TRUE(v2.json["backup_records"][0].contains("metadata"));
  EXPECT_TRUE(v2.json["backup_records"][0].contains("host_locations"));
}

TEST(SimJobs, StopNodeChangesStatusAndBadTargetFails) {
  SimProcess sim({"--job-speed", "50"});
  RpcClient c(sim.port());
  ASSERT_TRUE(c.login("admin", "admin"));
  auto stop = simtest::create_job(c, 3, "stop", {{"node", {{"hostname", "10.0.3.12"}, {"port", 5432}}}});
  ASSERT_EQ(stop["request_status"], "Ok");
  EXPECT_EQ(simtest::wait_job(c, stop["job"]["job_id"])["status"], "FINISHED");
  auto state = sim.state();
  EXPECT_EQ(find_host(state, 3, "10.0.3.12", 5432)["hoststatus"], "CmonHostShutDown");
  auto info = c.call("/v2/clusters", {{"operation", "getClusterInfo"}, {"cluster_id", 3}});
  EXPECT_EQ(info.json["cluster"]["state"], "DEGRADED");

  auto bad = simtest::create_job(c, 3, "restart", {{"node", {{"hostname", "10.9.9.9"}, {"port", 5432}}}});
  ASSERT_EQ(bad["request_status"], "Ok");
  int64_t bad_id = bad["job"]["job_id"];
  EXPECT_EQ(simtest::wait_job(c, bad_id)["status"], "FAILED");
  auto log = c.call("/v2/jobs", {{"operation", "getJobLog"}, {"job_id", bad_id}});
  EXPECT_EQ(log.json["messages"].back()["message_status"], "JOB_FAILED");

  auto wrong_method = simtest::create_job(c, 3, "backup", {{"backup_method", "xtrabackupfull"}});
  EXPECT_EQ(simtest::wait_job(c, wrong_method["job"]["job_id"])["status"], "FAILED");
}

TEST(SimJobs, PromoteRecoveryDeleteDatabaseKillAndSchedules) {
  SimProcess sim({"--job-speed", "50"});
  RpcClient c(sim.port());
  ASSERT_TRUE(c.login("admin", "admin"));
  auto p = simtest::create_job(c, 2, "promote_replication_slave",
                               {{"replication_slave", {{"hostname", "10.0.2.13"}, {"port", 3306}}}});
  EXPECT_EQ(simtest::wait_job(c, p["job"]["job_id"])["status"], "FINISHED");
  auto state = sim.state();
  EXPECT_EQ(find_host(state, 2, "10.0.2.13", 3306)["role"], "master");
  EXPECT_EQ(find_host(state, 2, "10.0.2.11", 3306)["role"], "slave");

  auto r = simtest::create_job(c, 1, "disable_recovery", json::object());
  EXPECT_EQ(simtest::wait_job(c, r["job"]["job_id"])["status"], "FINISHED");
  auto info = c.call("/v2/clusters", {{"operation", "getClusterInfo"}, {"cluster_id", 1}});
  EXPECT_EQ(info.json["cluster"]["cluster_auto_recovery"], false);

  auto d = simtest::create_job(c, 1, "delete_database", {{"database", "sessions"}});
  EXPECT_EQ(simtest::wait_job(c, d["job"]["job_id"])["status"], "FINISHED");
  auto dbs =
      c.call("/v2/clusters", {{"operation", "getClusterInfo"}, {"cluster_id", 1}, {"with_databases", true}});
  for (const auto& db : dbs.json["cluster"]["databases"]) EXPECT_NE(db["database_name"], "sessions");

  sim.config({{"job_speed", 0.01}});  // slow enough to kill it while it runs
  auto slow = simtest::create_job(c, 1, "rolling_restart", json::object());
  int64_t slow_id = slow["job"]["job_id"];
  EXPECT_TRUE(
      c.call("/v2/jobs", {{"operation", "killJobInstance"}, {"job_id", slow_id}, {"signal", 15}}).ok());
  EXPECT_EQ(simtest::wait_job(c, slow_id)["status"], "ABORTED");
  sim.config({{"job_speed", 50}});

  auto sched =
      c.call("/v2/jobs",
             {{"operation", "createJobInstance"},
              {"cluster_id", 1},
              {"job",
               {{"class_name", "CmonJobInstance"},
                {"title", "nightly"},
                {"status", "SCHEDULED"},
                {"recurrence", "TZ=UTC 0 1 * * *"},
                {"job_spec", {{"command", "backup"}, {"job_data", {{"backup_method", "mysqldump"}}}}}}}});
  ASSERT_TRUE(sched.ok()) << sched.body;
  int64_t sid = sched.json["job"]["job_id"];
  EXPECT_EQ(sched.json["job"]["status"], "SCHEDULED");
  auto schedules = c.call("/v2/backup", {{"operation", "getBackupSchedules"}, {"cluster_id", 1}});
  bool listed = false;
  for (const auto& s : schedules.json["backup_schedules"]) listed |= s["id"] == sid;
  EXPECT_TRUE(listed);
  auto paused = c.call(
      "/v2/jobs", {{"operation", "updateJobInstance"}, {"job", {{"job_id", sid}, {"status", "PAUSED"}}}});
  EXPECT_EQ(paused.json["job"]["status"], "PAUSED");
  EXPECT_TRUE(c.call("/v2/jobs", {{"operation", "deleteJobInstance"}, {"job_id", sid}}).ok());
  EXPECT_EQ(c.call("/v2/jobs", {{"operation", "getJobInstance"}, {"job_id", sid}}).status(),
            "ObjectNotFound");
}

TEST(SimWrites, AccountsDatabasesMaintenanceConfigAndReadOnlyUser) {
  SimProcess sim({"--readonly-user", "ro:ro"});
  RpcClient c(sim.port());
  ASSERT_TRUE(c.login("admin", "admin"));
  auto acc = c.call("/v2/clusters", {{"operation", "createAccount"},
                                     {"cluster_id", 1},
                                     {"account",
                                      {{"class_name", "CmonAccount"},
                                       {"user_name", "newapp"},
                                       {"password", "x"},
                                       {"host_allow", "10.0.0.%"},
                                       {"grants", "shop.*:SELECT"}}}});
  ASSERT_TRUE(acc.ok()) << acc.body;
  auto g = c.call("/v2/clusters", {{"operation", "grantPrivileges"},
                                   {"cluster_id", 1},
                                   {"account", {{"user_name", "newapp"}, {"host_allow", "10.0.0.%"}}},
                                   {"privileges", "shop.*:INSERT"}});
  EXPECT_EQ(g.json["account"]["grants"], "shop.*:SELECT,INSERT");
  auto accounts = c.call("/v2/clusters", {{"operation", "getAccounts"}, {"cluster_id", 1}, {"limit", 100}});
  bool has = false;
  for (const auto& a : accounts.json["accounts"]) has |= a["user_name"] == "newapp";
  EXPECT_TRUE(has);
  EXPECT_TRUE(
      c.call("/v2/clusters",
             {{"operation", "deleteAccount"}, {"cluster_id", 1}, {"account", {{"user_name", "newapp"}}}})
          .ok());
  EXPECT_TRUE(
      c.call("/v2/clusters", {{"operation", "createDatabase"},
                              {"cluster_id", 2},
                              {"database", {{"class_name", "CmonDataBase"}, {"database_name", "newdb"}}}})
          .ok());
  auto m = c.call("/v2/maintenance", {{"operation", "addMaintenance"},
                                      {"cluster_id", 1},
                                      {"initiate", "2020-01-01T00:00:00.000Z"},
                                      {"deadline", "2099-01-01T00:00:00.000Z"},
                                      {"reason", "test"}});
  ASSERT_TRUE(m.ok());
  auto cur = c.call("/v2/maintenance", {{"operation", "getCurrentMaintenance"}, {"cluster_id", 1}});
  EXPECT_EQ(cur.json["found_maintenance"], true);
  EXPECT_TRUE(c.call("/v2/maintenance", {{"operation", "removeMaintenance"}, {"UUID", m.json["UUID"]}}).ok());
  auto set =
      c.call("/v2/config",
             {{"operation", "setConfig"},
              {"cluster_id", 1},
              {"hostname", "10.0.1.11"},
              {"port", 3306},
              {"configuration", {{{"name", "max_connections"}, {"value", "900"}, {"group", "mysqld"}}}}});
  ASSERT_TRUE(set.ok()) << set.body;
  auto conf =
      c.call("/v2/config",
             {{"operation", "getConfig"}, {"cluster_id", 1}, {"hostname", "10.0.1.11"}, {"port", 3306}});
  EXPECT_NE(conf.json["config"]["files"][0]["content"].get<std::string>().find("max_connections = 900"),
            std::string::npos);
  EXPECT_TRUE(
      c.call("/v2/tree", {{"operation", "appendTag"}, {"path", "/prod-galera"}, {"tag", "blue"}}).ok());
  auto state = sim.state();
  EXPECT_EQ(state["clusters"][0]["tags"].back(), "blue");

  RpcClient ro(sim.port());
  ASSERT_TRUE(ro.login("ro", "ro"));
  EXPECT_TRUE(ro.call("/v2/clusters", {{"operation", "getAllClusterInfo"}}).ok());
  auto denied = ro.call(
      "/v2/clusters",
      {{"operation", "createDatabase"}, {"cluster_id", 2}, {"database", {{"database_name", "nope"}}}});
  EXPECT_EQ(denied.status(), "AccessDenied");
  EXPECT_EQ(simtest::create_job(ro, 1, "backup", json::object())["request_status"], "AccessDenied");
}

TEST(SimMonitoring, StatsAreDeterministicAndCoverTheWindow) {
  SimProcess sim;
  RpcClient c(sim.port());
  ASSERT_TRUE(c.login("admin", "admin"));
  json req = {{"operation", "statByName"},
              {"cluster_id", 1},
              {"name", "cpustat"},
              {"start_datetime", "2025-03-01T09:00:00.000Z"},
              {"end_datetime", "2025-03-01T10:00:00.000Z"}};
  auto a = c.call("/v2/stat", req);
  auto b = c.call("/v2/stat", req);
  ASSERT_TRUE(a.ok()) << a.body;
  EXPECT_EQ(a.json["data"], b.json["data"]);
  EXPECT_EQ(a.json["total"], 3 * 60);  // three Galera nodes, one sample a minute
  for (const char* name : {"memorystat", "diskstat", "netstat", "sqlstat", "dbstat"})
    EXPECT_TRUE(c.call("/v2/stat", {{"operation", "statByName"}, {"cluster_id", 2}, {"name", name}}).ok())
        << name;
  EXPECT_GT(c.call("/v2/stat", {{"operation", "statByName"}, {"cluster_id", 5}, {"name", "mongoStat"}})
                .json["total"],
            0);
  EXPECT_GT(c.call("/v2/clusters", {{"operation", "getTopQueries"}, {"cluster_id", 1}}).json["total"], 0);
  EXPECT_EQ(c.call("/v2/clusters", {{"operation", "getTopQueries"}, {"cluster_id", 8}}).status(),
            "InvalidRequest");
  EXPECT_TRUE(c.call("/v2/process", {{"operation", "getRunningProcesses"}, {"cluster_id", 1}}).ok());
  EXPECT_TRUE(c.call("/v2/clusters", {{"operation", "getSqlProcesses"}, {"cluster_id", 3}}).ok());
}
