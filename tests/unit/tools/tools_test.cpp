// Every read tool against the in-memory CMON world (fixture.hpp): each cluster type, structuredContent
// checked against the declared outputSchema, and the main failure cases (unknown cluster, access denied,
// controller down).
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

}  // namespace
}  // namespace cmon_mcp::tools
