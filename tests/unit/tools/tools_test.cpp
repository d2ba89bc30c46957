// Every read tool against the in-memory CMON world (fixture.hpp): each cluster type, structuredContent
// checked against the declared outputSchema, and the main failure cases (unknown cluster, access denied,
// controller down).
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"
#include "cmon_mcp/util/json_schema.hpp"
#include "fixture.hpp"

namespace cmon_mcp::tools {
namespace {

using test::FakeCmon;
using test::run_tool;
using test::text_of;

class ToolsTest : public ::testing::Test {
 protected:
  ToolsTest() {
    register_all_tools(registry);
    test::install_world(cmon);
  }
  const ToolDefinition& def(const std::string& name) {
    for (const auto& d : registry.all())
      if (d.name == name) return d;
    throw std::invalid_argument(name);
  }
  // Runs the tool, and for a success checks structuredContent against the outputSchema.
  ToolResult run(const std::string& name, json args, test::RecordingHost* host = nullptr) {
    auto violations = util::validate_schema(def(name).input_schema, args);
    EXPECT_TRUE(violations.empty()) << name << " input: " << util::describe_violations(violations);
    ToolResult r = run_tool(registry, cmon, name, args, host);
    if (!r.is_error) {
      EXPECT_TRUE(r.structured.has_value()) << name;
      if (r.structured && def(name).output_schema) {
        auto v = util::validate_schema(*def(name).output_schema, *r.structured);
        EXPECT_TRUE(v.empty()) << name << " output: " << util::describe_violations(v) << "\n"
                               << r.structured->dump(1);
      }
      EXPECT_LE(text_of(r).size(), kTextCap + 400) << name;
    }
    return r;
  }
  Registry registry;
  FakeCmon cmon;
};

// Arguments that make each tool meaningful in the world; cluster-scoped tools get cluster_id added.
json sample_args(const std::string& tool) {
  static const json samples = {
      {"check_hosts", {{"hosts", {"10.0.9.1", "10.0.9.2:3306"}}}},
      {"get_node", {{"node", "10.0.1.11"}}},
      {"get_job", {{"job_id", 118}}},
      {"get_job_log", {{"job_id", 118}}},
      {"wait_for_job", {{"job_id", 118}, {"timeout_s", 5}}},
      {"get_backup", {{"backup_id", 41}}},
      {"get_alarm", {{"alarm_id", 77}}},
      {"get_log_entry", {{"log_id", 150}}},
      {"get_node_config", {{"node", "10.0.1.11"}}},
      {"get_report", {{"report_id", 1}}},
  };
  return samples.contains(tool) ? samples[tool] : json::object();
}

TEST_F(ToolsTest, EveryReadToolAnswersForEveryClusterType) {
  for (const auto& d : registry.all()) {
    if (d.tool_class != ToolClass::read) continue;
    bool cluster_scoped = d.input_schema["properties"].contains("cluster_id");
    bool needs_node = d.input_schema["properties"].contains("node");
    for (int cid : test::kClusterIds) {
      if (!cluster_scoped && cid != 1) continue;
      SCOPED_TRACE(d.name + " cluster " + std::to_string(cid));
      json args = sample_args(d.name);
      if (cluster_scoped) args["cluster_id"] = cid;
      if (needs_node && args.contains("node")) {
        // The first database node of that cluster.
        args["node"] =
            std::vector<std::string>{"",          "10.0.1.11", "10.0.2.22", "10.0.3.31",     "10.0.4.31",
                                     "10.0.5.51", "10.0.6.63", "10.0.7.71", "10.0.8.81:6379"}[cid];
      }
      ToolResult r = run(d.name, args);
      // Tools that do not apply to a product must say so, not fail obscurely.
      if (r.is_error) {
        EXPECT_NE(text_of(r).find("not available for"), std::string::npos) << text_of(r);
      }
      EXPECT_FALSE(text_of(r).empty());
    }
  }
}

TEST_F(ToolsTest, ListClustersFiltersAndPages) {
  auto all = run("list_clusters", json::object());
  ASSERT_FALSE(all.is_error) << text_of(all);
  EXPECT_EQ((*all.structured)["total"], 8);
  EXPECT_NE(text_of(all).find("prod-galera (id 1) GALERA percona 8.0 — DEGRADED; 2/3 nodes online"),
            std::string::npos)
      << text_of(all);
  auto degraded = run("list_clusters", json{{"state", "DEGRADED"}});
  EXPECT_EQ((*degraded.structured)["total"], 1);
  auto page = run("list_clusters", json{{"limit", 3}, {"offset", 3}});
  EXPECT_EQ((*page.structured)["clusters"].size(), 3u);
  EXPECT_EQ((*page.structured)["next_offset"], 6);
  auto mongo = run("list_clusters", json{{"cluster_type", "mongodb"}});
  EXPECT_EQ((*mongo.structured)["total"], 2);
}

TEST_F(ToolsTest, UnknownClusterNameListsCloseMatches) {
  auto r = run("get_cluster", json{{"cluster_name", "prod-db"}});
  ASSERT_TRUE(r.is_error);
  EXPECT_NE(text_of(r).find("cluster 'prod-db' not found; close matches: prod-galera (id 1)"),
            std::string::npos)
      << text_of(r);
  auto byid = run("get_cluster", json{{"cluster_id", 42}});
  ASSERT_TRUE(byid.is_error);
  EXPECT_NE(text_of(byid).find("cluster 42 not found; known clusters: prod-galera (id 1)"), std::string::npos)
      << text_of(byid);
  auto none = run("get_cluster", json::object());
  ASSERT_TRUE(none.is_error);
  EXPECT_NE(text_of(none).find("give cluster_id or cluster_name"), std::string::npos);
  auto ok = run("get_cluster", json{{"cluster_name", "PROD-GALERA"}});
  ASSERT_FALSE(ok.is_error) << text_of(ok);
  EXPECT_EQ((*ok.structured)["cluster"]["cluster_id"], 1);
}

TEST_F(ToolsTest, HealthFindsOfflineNodesAlarmsJobsAndLag) {
  auto g = run("get_cluster_health", json{{"cluster_id", 1}});
  ASSERT_FALSE(g.is_error) << text_of(g);
  const json& s = *g.structured;
  EXPECT_EQ(s["verdict"], "critical");
  EXPECT_EQ(s["offline_nodes"].size(), 1u);
  EXPECT_EQ(s["offline_nodes"][0]["node"], "10.0.1.13:3306");
  EXPECT_EQ(s["critical_alarms"].size(), 1u);
  EXPECT_EQ(s["running_jobs"].size(), 1u);
  EXPECT_NE(text_of(g).find("Non-Primary"), std::string::npos) << text_of(g);
  auto m = run("get_cluster_health", json{{"cluster_id", 2}});
  EXPECT_EQ((*m.structured)["max_replication_lag_s"], 120);
  EXPECT_NE(text_of(m).find("lags 2m 0s"), std::string::npos) << text_of(m);
  // The three CMON reads after resolution were all issued.
  EXPECT_GE(cmon.count("getAlarms"), 2u);
}

TEST_F(ToolsTest, AccessDeniedIsAnActionableError) {
  cmon.fail("/v2/clusters", "getAllClusterInfo", cmon::Errc::access_denied, "Access denied.");
  auto r = run("list_clusters", json::object());
  ASSERT_TRUE(r.is_error);
  EXPECT_NE(text_of(r).find("Could not list clusters"), std::string::npos) << text_of(r);
  EXPECT_NE(text_of(r).find("denied"), std::string::npos) << text_of(r);
}

TEST_F(ToolsTest, ControllerDownIsAnActionableErrorForEveryTool) {
  cmon.fail_all(cmon::Errc::unreachable);
  for (const auto& d : registry.all()) {
    if (d.tool_class != ToolClass::read) continue;
    json args = sample_args(d.name);
    if (d.input_schema["properties"].contains("cluster_id")) args["cluster_id"] = 1;
    auto r = run(d.name, args);
    EXPECT_TRUE(r.is_error) << d.name;
    EXPECT_NE(text_of(r).find("unreachable"), std::string::npos) << d.name << ": " << text_of(r);
  }
}

// Aggregation over the fake world's three minute samples per node (fixture.cpp): exact figures.
TEST_F(ToolsTest, HostStatsAggregateAverageMaximumAndLatest) {
  json args{{"cluster_id", 1}, {"since", "2025-03-01T08:59:00Z"}, {"until", "2025-03-01T10:00:00Z"}};
  auto r = run("get_host_stats", args);
  ASSERT_FALSE(r.is_error) << text_of(r);
  const json& s = *r.structured;
  ASSERT_FALSE(s["cpu"].empty());
  const json& cpu = s["cpu"][0];
  EXPECT_EQ(cpu["samples"], 3);
  // idle 0.7, 0.6, 0.5 -> used 30%, 40%, 50%; iowait "0.02" sent as a string.
  EXPECT_DOUBLE_EQ(cpu["cpu_used_pct"]["avg"].get<double>(), 40.0);
  EXPECT_DOUBLE_EQ(cpu["cpu_used_pct"]["max"].get<double>(), 50.0);
  EXPECT_DOUBLE_EQ(cpu["cpu_used_pct"]["latest"].get<double>(), 50.0);
  EXPECT_DOUBLE_EQ(cpu["iowait_pct"]["avg"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(cpu["load1"]["max"].get<double>(), 3.5);
  EXPECT_DOUBLE_EQ(s["memory"][0]["ram_used_pct"]["avg"].get<double>(), 68.8);
  EXPECT_DOUBLE_EQ(s["disk"][0]["used_pct"]["latest"].get<double>(), 50.0);
  EXPECT_DOUBLE_EQ(s["disk"][0]["reads_per_s"]["avg"].get<double>(), 10.0);  // 600 per 60 s interval
  EXPECT_EQ(s["disk"][0]["device"], "/var/lib");
  EXPECT_DOUBLE_EQ(s["network"][0]["rx_bytes_per_s"]["avg"].get<double>(), 100000.0);
  EXPECT_EQ(s["network"][0]["rx_errors"], 1);
  EXPECT_NE(text_of(r).find("10.0.1.11:3306: CPU avg 40.0%, max 50.0%, latest 50.0%"), std::string::npos)
      << text_of(r);
  // The four series are read with four statByName calls, each with the window and the names CMON knows.
  std::set<std::string> names;
  for (const auto& c : cmon.calls)
    if (c.operation == "statByName") {
      names.insert(c.fields["name"].get<std::string>());
      EXPECT_EQ(c.fields["start_datetime"], "2025-03-01T08:59:00.000Z");
      EXPECT_EQ(c.fields["end_datetime"], "2025-03-01T10:00:00.000Z");
    }
  EXPECT_EQ(names, (std::set<std::string>{"cpustat", "memorystat", "diskstat", "netstat"}));
}

TEST_F(ToolsTest, DbStatsPickTheStatOfTheProductAndTurnCountersIntoRates) {
  const std::map<int, std::string> stat = {{1, "sqlstat"},   {2, "sqlstat"}, {3, "dbstat"},
                                           {5, "mongoStat"}, {7, "dbstat"},  {8, "dbstat"}};
  for (const auto& [cid, name] : stat) {
    json args{{"cluster_id", cid}};
    auto r = run("get_db_stats", args);
    ASSERT_FALSE(r.is_error) << text_of(r);
    EXPECT_EQ((*r.structured)["stat"], name) << cid;
  }
  json args{{"cluster_id", 1}};
  auto r = run("get_db_stats", args);
  const json& m = (*r.structured)["nodes"][0]["metrics"];
  EXPECT_DOUBLE_EQ(m["QUERIES"]["avg"].get<double>(), 1000.0);  // 60000 per 60 s
  EXPECT_EQ(m["QUERIES"]["unit"], "per_s");
  EXPECT_DOUBLE_EQ(m["THREADS_CONNECTED"]["latest"].get<double>(), 12.0);  // a gauge stays as is
  EXPECT_EQ(m["THREADS_CONNECTED"]["unit"], "value");
}

TEST_F(ToolsTest, TopQueriesRunningQueriesAndProcesses) {
  json args{{"cluster_id", 1}, {"sort_by", "avg_time"}};
  auto r = run("get_top_queries", args);
  ASSERT_FALSE(r.is_error) << text_of(r);
  ASSERT_EQ((*r.structured)["digests"].size(), 2u);
  EXPECT_EQ((*r.structured)["digests"][0]["count"], 250);  // "250" as a string
  EXPECT_NE(text_of(r).find("1. UPDATE stock"), std::string::npos) << text_of(r);
  json redis{{"cluster_id", 8}};
  auto rr = run("get_top_queries", redis);
  EXPECT_FALSE(rr.is_error);
  EXPECT_FALSE((*rr.structured)["applies"].get<bool>());
  EXPECT_EQ(cmon.count("getTopQueries"), 1u);  // Redis is answered without asking CMON

  json running{{"cluster_id", 1}};
  auto q = run("list_running_queries", running);
  ASSERT_EQ((*q.structured)["queries"].size(), 1u) << text_of(q);  // the Sleep session is hidden
  EXPECT_DOUBLE_EQ((*q.structured)["queries"][0]["time_s"].get<double>(), 42.0);
  json idle{{"cluster_id", 1}, {"include_idle", true}};
  auto qi = run("list_running_queries", idle);
  ASSERT_EQ((*qi.structured)["queries"].size(), 2u);
  EXPECT_DOUBLE_EQ((*qi.structured)["queries"][0]["time_s"].get<double>(), 600.0);  // "00:10:00.000000"

  json procs{{"cluster_id", 1}, {"top", 1}};
  auto p = run("list_host_processes", procs);
  ASSERT_EQ((*p.structured)["hosts"][0]["processes"].size(), 1u);
  EXPECT_EQ((*p.structured)["hosts"][0]["process_count"], 2);
  EXPECT_NE(text_of(p).find("mysqld"), std::string::npos);
}

TEST_F(ToolsTest, ClusterLogStripsHtmlAndMapsTheSeverityFloor) {
  json args{{"cluster_id", 1}, {"severity", "warning"}};
  auto r = run("get_cluster_log", args);
  ASSERT_FALSE(r.is_error) << text_of(r);
  EXPECT_EQ(text_of(r).find("<strong>"), std::string::npos);
  EXPECT_NE(text_of(r).find("Host 10.0.1.13 is not responding."), std::string::npos) << text_of(r);
  for (const auto& c : cmon.calls)
    if (c.operation == "getLogEntries") {
      EXPECT_EQ(c.fields["severity"], "LOG_WARNING");
      EXPECT_EQ(c.fields["cluster_id"], 1);
      EXPECT_FALSE(c.fields["ascending"].get<bool>());
    }
  json one{{"log_id", 150}};
  auto e = run("get_log_entry", one);
  ASSERT_FALSE(e.is_error) << text_of(e);
  EXPECT_EQ((*e.structured)["message"], "Host 10.0.1.13 is down.");
}

TEST_F(ToolsTest, RecentChangesIsTimeOrderedAndSurvivesOneUnreadableSource) {
  json args{{"cluster_id", 1}, {"since", "2025-03-01T09:00:00Z"}, {"until", "2025-03-01T10:30:00Z"}};
  auto r = run("get_recent_changes", args);
  ASSERT_FALSE(r.is_error) << text_of(r);
  const json& s = *r.structured;
  EXPECT_EQ(s["counts"]["state_changes"], 1) << text_of(r);
  EXPECT_EQ(s["counts"]["config_changes"], 1) << text_of(r);
  for (size_t i = 1; i < s["events"].size(); ++i)
    EXPECT_LE(s["events"][i - 1]["time"].get<std::string>(), s["events"][i]["time"].get<std::string>());
  for (const char* op : {"getJobInstances", "getAlarms", "getLogEntries", "getEntries"})
    EXPECT_EQ(cmon.count(op), 1u) << op;

  cmon.fail("/v2/audit", "getEntries", cmon::Errc::access_denied, "Access denied.");
  auto partial = run("get_recent_changes", args);
  ASSERT_FALSE(partial.is_error) << text_of(partial);
  ASSERT_EQ((*partial.structured)["gaps"].size(), 1u);
  EXPECT_NE(text_of(partial).find("Note: could not read the audit log"), std::string::npos)
      << text_of(partial);
  EXPECT_EQ((*partial.structured)["counts"]["state_changes"], 1);
}

}  // namespace
}  // namespace cmon_mcp::tools
