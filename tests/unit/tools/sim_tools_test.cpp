// Every read-only tool against the real simulator (tests/sim, started as a child process on 127.0.0.1)
// through the real CmonClient: each cluster type a tool applies to, the text naming the expected
// objects, structuredContent validated against the outputSchema; then the failure cases (unknown
// cluster, read-only user, rejected login, controller down).
#include <future>
#include <set>

#include <gtest/gtest.h>
#include <boost/asio/use_future.hpp>

#include "cmon_mcp/cmon/client.hpp"
#include "cmon_mcp/cmon/errors.hpp"
#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"
#include "cmon_mcp/util/json_schema.hpp"
#include "fake_cmon.hpp"
#include "sim_process.hpp"

namespace cmon_mcp::tools {
namespace {

using json = nlohmann::json;

struct SimCluster {
  int64_t id;
  std::string name;
  std::string type;
  std::vector<std::string> hosts;  // node hostnames (no controller)
  std::string first_node;          // "host:port"
};

class SimToolsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sim_ = new test::SimProcess(); }
  static void TearDownTestSuite() {
    delete sim_;
    sim_ = nullptr;
  }

  SimToolsTest() {
    register_all_tools(registry);
    if (sim_->running()) sim_->clear_fault();
    client = make_client("admin", "admin");
    auto r = raw("/v2/clusters", "getAllClusterInfo", json{{"with_hosts", true}});
    if (!r) throw std::runtime_error("getAllClusterInfo failed: " + cmon::describe(r.error()));
    for (const auto& c : get_list(*r, "clusters")) {
      SimCluster sc{
          get_int(c, "cluster_id"), get_string(c, "cluster_name"), get_string(c, "cluster_type"), {}, {}};
      for (const auto& h : cluster_hosts(c)) {
        sc.hosts.push_back(get_string(h, "hostname"));
        if (sc.first_node.empty()) sc.first_node = host_label(h);
      }
      clusters.push_back(sc);
    }
  }

  std::unique_ptr<cmon::CmonClient> make_client(const std::string& user, const std::string& password) {
    cmon::CmonClientOptions o;
    o.endpoints = {sim_->endpoint()};
    o.username = user;
    o.password = password;
    o.tls_fingerprint = sim_->fingerprint();
    o.connect_timeout = std::chrono::seconds(5);
    o.default_timeout = std::chrono::seconds(20);
    return std::make_unique<cmon::CmonClient>(io.get_executor(), o);
  }

  template <class T>
  T run_on_io(awaitable<T> a) {
    auto fut = asio::co_spawn(io, std::move(a), asio::use_future);
    io.restart();
    io.run();
    return fut.get();
  }

  cmon::Result<json> raw(std::string path, std::string op, json fields) {
    return run_on_io(client->call(path, op, std::move(fields)));
  }

  const ToolDefinition& def(const std::string& name) {
    for (const auto& d : registry.all())
      if (d.name == name) return d;
    throw std::invalid_argument(name);
  }

  // Runs a tool through the given client on this test's io_context; a success is checked against the
  // tool's outputSchema.
  ToolResult run(const std::string& name, json args, cmon::Api* api = nullptr) {
    const ToolDefinition& d = def(name);
    auto violations = util::validate_schema(d.input_schema, args);
    EXPECT_TRUE(violations.empty()) << name << " input: " << util::describe_violations(violations);
    test::RecordingHost host;
    ToolContext ctx{api ? *api : *client, host};
    ToolResult r = run_on_io(d.handler(ctx, args));
    if (!r.is_error) {
      EXPECT_TRUE(r.structured.has_value()) << name;
      if (r.structured && d.output_schema) {
        auto v = util::validate_schema(*d.output_schema, *r.structured);
        EXPECT_TRUE(v.empty()) << name << " " << args.dump() << " output: " << util::describe_violations(v)
                               << "\n"
                               << r.structured->dump(1).substr(0, 4000);
      }
    }
    return r;
  }

  ToolResult ok(const std::string& name, json args) {
    ToolResult r = run(name, args);
    EXPECT_FALSE(r.is_error) << name << " " << args.dump() << ": " << test::text_of(r);
    return r;
  }

  const SimCluster& cluster(int64_t id) {
    for (const auto& c : clusters)
      if (c.id == id) return c;
    throw std::invalid_argument("cluster " + std::to_string(id));
  }

  static test::SimProcess* sim_;
  asio::io_context io;
  Registry registry;
  std::unique_ptr<cmon::CmonClient> client;
  std::vector<SimCluster> clusters;
};

test::SimProcess* SimToolsTest::sim_ = nullptr;

bool mentions_any(const std::string& text, const std::vector<std::string>& needles) {
  for (const auto& n : needles)
    if (!n.empty() && text.find(n) != std::string::npos) return true;
  return false;
}

// The R tools that take a cluster selector, with the arguments each needs besides it.
const std::vector<std::string> kClusterTools = {"get_cluster",
                                                "get_cluster_health",
                                                "list_nodes",
                                                "get_replication_status",
                                                "list_jobs",
                                                "list_backups",
                                                "list_backup_schedules",
                                                "list_db_users",
                                                "list_databases",
                                                "list_alarms",
                                                "get_alarm_summary",
                                                "list_maintenance",
                                                "get_current_maintenance",
                                                "get_cluster_settings",
                                                "list_reports",
                                                "get_host_stats",
                                                "get_cpu_stats",
                                                "get_memory_stats",
                                                "get_disk_stats",
                                                "get_network_stats",
                                                "get_db_stats",
                                                "get_top_queries",
                                                "list_running_queries",
                                                "list_host_processes",
                                                "get_database_growth",
                                                "get_cluster_log",
                                                "get_audit_log",
                                                "get_recent_changes"};

TEST_F(SimToolsTest, SimulatorHasEveryClusterType) {
  std::set<std::string> types;
  for (const auto& c : clusters) types.insert(c.type);
  EXPECT_GE(clusters.size(), 8u);
  for (const char* t : {"GALERA", "REPLICATION", "POSTGRESQL_SINGLE", "MONGODB", "MSSQL_AO_ASYNC", "REDIS"})
    EXPECT_TRUE(types.count(t)) << t;
}

TEST_F(SimToolsTest, ClusterScopedReadToolsOnEveryClusterType) {
  for (const auto& c : clusters) {
    std::vector<std::string> names = c.hosts;
    names.push_back(c.name);
    for (const auto& tool : kClusterTools) {
      json args{{"cluster_id", c.id}};
      ToolResult r = run(tool, args);
      // Statistics and query tools of products the controller does not monitor that way may answer
      // with an explanation, but never with an error.
      std::string text = test::text_of(r);
      if (r.is_error) {
        // A tool that does not apply to a product says so (list_db_users on Redis).
        EXPECT_NE(text.find("not available for"), std::string::npos)
            << tool << " on " << c.name << ": " << text;
        continue;
      }
      EXPECT_FALSE(text.empty()) << tool;
      // Cluster-level answers name the cluster or one of its hosts; the paged lists that may be empty
      // at least say so.
      static const std::set<std::string> may_be_anonymous = {"list_jobs",
                                                             "list_backups",
                                                             "list_backup_schedules",
                                                             "list_db_users",
                                                             "list_databases",
                                                             "list_alarms",
                                                             "get_alarm_summary",
                                                             "list_maintenance",
                                                             "get_current_maintenance",
                                                             "get_cluster_settings",
                                                             "list_reports",
                                                             "get_audit_log",
                                                             "list_running_queries"};
      if (!may_be_anonymous.count(tool)) {
        EXPECT_TRUE(mentions_any(text, names)) << tool << " on " << c.name << ":\n" << text;
      }
      // The same tool by name.
      json by_name{{"cluster_name", c.name}};
      ToolResult n = run(tool, by_name);
      EXPECT_FALSE(n.is_error) << tool << " by name " << c.name << ": " << test::text_of(n);
    }
  }
}

TEST_F(SimToolsTest, HostStatisticsAggregatePerNode) {
  for (const auto& c : clusters) {
    json args{{"cluster_id", c.id}, {"since", "2h"}};
    ToolResult r = ok("get_host_stats", args);
    std::string text = test::text_of(r);
    for (const auto& h : c.hosts) EXPECT_NE(text.find(h), std::string::npos) << h << " in\n" << text;
    ASSERT_TRUE(r.structured);
    for (const char* part : {"cpu", "memory", "disk", "network"}) {
      ASSERT_FALSE((*r.structured)[part].empty()) << part << " of " << c.name;
      for (const auto& item : (*r.structured)[part]) {
        EXPECT_GT(item["samples"].get<int64_t>(), 1) << part;
        if (item.contains("cpu_used_pct")) {
          EXPECT_LE(item["cpu_used_pct"]["avg"].get<double>(), item["cpu_used_pct"]["max"].get<double>());
          EXPECT_GE(item["cpu_used_pct"]["max"].get<double>(), 0.0);
          EXPECT_LE(item["cpu_used_pct"]["max"].get<double>(), 100.0);
        }
        if (item.contains("used_pct")) {
          EXPECT_LE(item["used_pct"]["avg"].get<double>(), item["used_pct"]["max"].get<double>());
        }
      }
    }
  }
  // One node only.
  const auto& g = cluster(1);
  json one{{"cluster_id", 1}, {"node", g.first_node}};
  ToolResult r = ok("get_cpu_stats", one);
  ASSERT_TRUE(r.structured);
  ASSERT_EQ((*r.structured)["cpu"].size(), 1u);
  EXPECT_EQ((*r.structured)["cpu"][0]["node"], g.first_node);
  // A window in the future has no samples and says so.
  json future{{"cluster_id", 1}, {"since", "2099-01-01T00:00:00Z"}, {"until", "2099-01-01T01:00:00Z"}};
  ToolResult f = ok("get_memory_stats", future);
  EXPECT_NE(test::text_of(f).find("No Memory samples"), std::string::npos) << test::text_of(f);
  // An unknown node is refused with the node list.
  json bad{{"cluster_id", 1}, {"node", "10.9.9.9"}};
  ToolResult b = run("get_disk_stats", bad);
  EXPECT_TRUE(b.is_error);
  EXPECT_NE(test::text_of(b).find(g.hosts[0]), std::string::npos) << test::text_of(b);
}

TEST_F(SimToolsTest, DbStatsUseTheProductsCounters) {
  const std::map<int64_t, std::pair<std::string, std::string>> expect = {
      {1, {"sqlstat", "queries/s"}},   {2, {"sqlstat", "queries/s"}}, {3, {"dbstat", "commits/s"}},
      {5, {"mongoStat", "queries/s"}}, {8, {"dbstat", "ops/s"}},      {7, {"dbstat", "connections"}}};
  for (const auto& [id, e] : expect) {
    json args{{"cluster_id", id}};
    ToolResult r = ok("get_db_stats", args);
    ASSERT_TRUE(r.structured);
    EXPECT_EQ((*r.structured)["stat"], e.first) << id;
    EXPECT_NE(test::text_of(r).find(e.second), std::string::npos) << id << ":\n" << test::text_of(r);
    EXPECT_FALSE((*r.structured)["nodes"].empty()) << id;
  }
}

TEST_F(SimToolsTest, TopQueriesAndTheirVendorLimits) {
  json galera{{"cluster_id", 1}, {"limit", 3}};
  ToolResult r = ok("get_top_queries", galera);
  ASSERT_TRUE(r.structured);
  EXPECT_TRUE((*r.structured)["applies"].get<bool>());
  ASSERT_FALSE((*r.structured)["digests"].empty());
  EXPECT_LE((*r.structured)["digests"].size(), 3u);
  EXPECT_NE(
      test::text_of(r).find((*r.structured)["digests"][0]["statement"].get<std::string>().substr(0, 20)),
      std::string::npos);
  // Ordered by total time; by calls when asked.
  auto digests = (*r.structured)["digests"];
  for (size_t i = 1; i < digests.size(); ++i)
    EXPECT_GE(digests[i - 1]["total_ms"].get<double>(), digests[i]["total_ms"].get<double>());
  json by_count{{"cluster_id", 1}, {"sort_by", "count"}};
  ToolResult rc = ok("get_top_queries", by_count);
  auto dc = (*rc.structured)["digests"];
  for (size_t i = 1; i < dc.size(); ++i)
    EXPECT_GE(dc[i - 1]["count"].get<int64_t>(), dc[i]["count"].get<int64_t>());

  json redis{{"cluster_id", 8}};
  ToolResult rr = ok("get_top_queries", redis);
  EXPECT_FALSE((*rr.structured)["applies"].get<bool>());
  EXPECT_NE(test::text_of(rr).find("do not apply"), std::string::npos) << test::text_of(rr);
  EXPECT_NE(test::text_of(rr).find("redis"), std::string::npos) << test::text_of(rr);
}

TEST_F(SimToolsTest, RunningQueriesAndProcesses) {
  for (int64_t id : {1, 2, 3, 7}) {
    json args{{"cluster_id", id}, {"include_idle", true}};
    ToolResult r = ok("list_running_queries", args);
    auto q = (*r.structured)["queries"];
    for (size_t i = 1; i < q.size(); ++i)
      EXPECT_GE(q[i - 1]["time_s"].get<double>(), q[i]["time_s"].get<double>());
  }
  for (const auto& c : clusters) {
    json args{{"cluster_id", c.id}, {"top", 2}};
    ToolResult r = ok("list_host_processes", args);
    for (const auto& h : c.hosts) EXPECT_NE(test::text_of(r).find(h), std::string::npos) << h;
    for (const auto& h : (*r.structured)["hosts"]) EXPECT_LE(h["processes"].size(), 2u);
  }
  const auto& pg = cluster(3);
  json one{{"cluster_id", 3}, {"node", pg.first_node}};
  ToolResult r = ok("list_host_processes", one);
  ASSERT_EQ((*r.structured)["hosts"].size(), 1u);
  EXPECT_NE(test::text_of(r).find("postgres"), std::string::npos) << test::text_of(r);
}

TEST_F(SimToolsTest, DatabaseGrowth) {
  json args{{"cluster_id", 1}};
  ToolResult r = ok("get_database_growth", args);
  ASSERT_FALSE((*r.structured)["databases"].empty());
  EXPECT_GE((*r.structured)["days"].size(), 7u);
  for (const auto& d : (*r.structured)["databases"]) {
    EXPECT_NE(test::text_of(r).find(d["database"].get<std::string>()), std::string::npos);
    EXPECT_GE(d["growth_bytes"].get<int64_t>(), 0);
  }
  std::string db = (*r.structured)["databases"][0]["database"];
  json one{{"cluster_id", 1}, {"database", db}};
  ToolResult r1 = ok("get_database_growth", one);
  EXPECT_EQ((*r1.structured)["databases"].size(), 1u);
}

TEST_F(SimToolsTest, ClusterLogAuditAndOneEntry) {
  json all{{"cluster_id", 1}, {"severity", "debug"}, {"since", "2d"}};
  ToolResult r = ok("get_cluster_log", all);
  auto entries = (*r.structured)["entries"];
  ASSERT_FALSE(entries.empty());
  std::string text = test::text_of(r);
  EXPECT_EQ(text.find("<strong>"), std::string::npos) << "HTML not stripped:\n" << text;
  EXPECT_NE(text.find("HostStateChange"), std::string::npos) << text;
  for (const auto& e : entries) EXPECT_EQ(e["cluster_id"], 1);
  // Severity floor.
  json errors{{"cluster_id", 1}, {"severity", "error"}, {"since", "2d"}};
  ToolResult re = ok("get_cluster_log", errors);
  ASSERT_FALSE((*re.structured)["entries"].empty());
  for (const auto& e : (*re.structured)["entries"])
    EXPECT_TRUE(e["severity"] == "error" || e["severity"] == "critical");
  EXPECT_LT((*re.structured)["total"].get<int64_t>(), (*r.structured)["total"].get<int64_t>());
  // Text filter and paging.
  json filtered{{"cluster_id", 1}, {"contains", "slow to respond"}, {"since", "2d"}};
  ToolResult rf = ok("get_cluster_log", filtered);
  ASSERT_EQ((*rf.structured)["entries"].size(), 1u) << test::text_of(rf);
  json paged{{"cluster_id", 1}, {"severity", "debug"}, {"since", "2d"}, {"limit", 2}};
  ToolResult rp = ok("get_cluster_log", paged);
  EXPECT_EQ((*rp.structured)["entries"].size(), 2u);
  EXPECT_EQ((*rp.structured)["next_offset"], 2);
  // An empty window.
  json old{{"cluster_id", 1}, {"since", "2000-01-01"}, {"until", "2000-01-02"}};
  EXPECT_NE(test::text_of(ok("get_cluster_log", old)).find("No info-or-worse"), std::string::npos);

  int64_t id = entries[0]["log_id"];
  json one{{"log_id", id}};
  ToolResult r1 = ok("get_log_entry", one);
  EXPECT_EQ((*r1.structured)["log_id"], id);
  EXPECT_NE(test::text_of(r1).find("Origin: cmon"), std::string::npos) << test::text_of(r1);
  json missing{{"log_id", 99999999}};
  ToolResult rm = run("get_log_entry", missing);
  EXPECT_TRUE(rm.is_error);
  EXPECT_NE(test::text_of(rm).find("99999999"), std::string::npos) << test::text_of(rm);

  json audit{{"since", "7d"}};
  ToolResult ra = ok("get_audit_log", audit);
  EXPECT_GE((*ra.structured)["total"].get<int64_t>(), static_cast<int64_t>(clusters.size()));
  EXPECT_NE(test::text_of(ra).find("logged in"), std::string::npos) << test::text_of(ra);
  json audit1{{"cluster_id", 2}, {"since", "7d"}};
  ToolResult ra1 = ok("get_audit_log", audit1);
  for (const auto& e : (*ra1.structured)["entries"]) EXPECT_EQ(e["cluster_id"], 2);
  json nobody{{"since", "7d"}, {"user", "nobody-at-all"}};
  EXPECT_EQ((*ok("get_audit_log", nobody).structured)["total"], 0);
}

TEST_F(SimToolsTest, RecentChangesCollectsJobsStateAndConfiguration) {
  // Nothing happened in the last hour of a fresh simulator on cluster 4.
  json quiet{{"cluster_id", 4}, {"since", "5m"}};
  ToolResult q = ok("get_recent_changes", quiet);
  EXPECT_NE(test::text_of(q).find("Nothing changed"), std::string::npos) << test::text_of(q);

  // A configuration change and a node restart job on cluster 2.
  const auto& repl = cluster(2);
  json set{{"cluster_id", 2},
           {"configuration", json::array({json{{"name", "enable_node_autorecovery"}, {"value", "false"}}})}};
  auto s = raw("/v2/clusters", "setConfig", set);
  ASSERT_TRUE(s) << cmon::describe(s.error());
  std::string host = repl.first_node.substr(0, repl.first_node.rfind(':'));
  json job{{"cluster_id", 2},
           {"job", json{{"class_name", "CmonJobInstance"},
                        {"title", "Restart node"},
                        {"job_spec", json{{"command", "restart"},
                                          {"job_data", json{{"hostname", host}, {"port", 3306}}}}}}}};
  auto j = raw("/v2/jobs", "createJobInstance", job);
  ASSERT_TRUE(j) << cmon::describe(j.error());
  int64_t job_id = get_int(get_object(*j, "job"), "job_id");
  json wait{{"job_id", job_id}, {"timeout_s", 60}};
  ok("wait_for_job", wait);

  json args{{"cluster_id", 2}, {"since", "10m"}};
  ToolResult r = ok("get_recent_changes", args);
  std::string text = test::text_of(r);
  EXPECT_NE(text.find("Configuration change"), std::string::npos) << text;
  EXPECT_NE(text.find("Job " + std::to_string(job_id)), std::string::npos) << text;
  EXPECT_GE((*r.structured)["counts"]["config_changes"].get<int64_t>(), 1);
  EXPECT_GE((*r.structured)["counts"]["jobs"].get<int64_t>(), 1);
  EXPECT_GE((*r.structured)["counts"]["state_changes"].get<int64_t>(), 1) << text;
  EXPECT_TRUE((*r.structured)["gaps"].empty());
  auto events = (*r.structured)["events"];
  for (size_t i = 1; i < events.size(); ++i)
    EXPECT_LE(events[i - 1]["time"].get<std::string>(), events[i]["time"].get<std::string>());
  for (const auto& e : events) EXPECT_EQ(e["cluster_id"], 2);
  // Across all clusters the change is there too, labelled with its cluster.
  json everywhere{{"since", "10m"}};
  EXPECT_NE(test::text_of(ok("get_recent_changes", everywhere)).find("[cluster 2]"), std::string::npos);
}

// The R tools that are not scoped to one cluster, or need an object id.
TEST_F(SimToolsTest, OtherReadTools) {
  for (const char* tool :
       {"list_clusters", "list_supported_cluster_types", "whoami", "list_cmon_users", "list_cmon_groups",
        "get_controller_info", "list_report_templates", "get_alarm_summary", "list_alarms", "list_jobs",
        "get_cluster_log", "get_audit_log", "get_recent_changes"})
    ok(tool, json::object());
  EXPECT_NE(test::text_of(ok("list_clusters", json::object())).find(cluster(5).name), std::string::npos);
  json hosts{{"hosts", json::array({cluster(1).hosts[0]})}};
  ok("check_hosts", hosts);

  for (const auto& c : clusters) {
    json node{{"cluster_id", c.id}, {"node", c.first_node}};
    ToolResult n = ok("get_node", node);
    EXPECT_NE(test::text_of(n).find(c.hosts[0]), std::string::npos) << test::text_of(n);
    ok("get_node_config", node);
  }

  json jobs{{"limit", 5}};
  ToolResult lj = ok("list_jobs", jobs);
  ASSERT_FALSE((*lj.structured)["jobs"].empty());
  int64_t job_id = (*lj.structured)["jobs"][0]["job_id"];
  json job{{"job_id", job_id}};
  EXPECT_NE(test::text_of(ok("get_job", job)).find(std::to_string(job_id)), std::string::npos);
  ok("get_job_log", job);

  for (const auto& c : clusters) {
    json b{{"cluster_id", c.id}};
    ToolResult lb = ok("list_backups", b);
    if ((*lb.structured)["backups"].empty()) continue;
    json one = (*lb.structured)["backups"][0];
    int64_t id = one.contains("backup_id") ? one["backup_id"].get<int64_t>() : one["id"].get<int64_t>();
    json gb{{"backup_id", id}, {"cluster_id", c.id}};
    EXPECT_NE(test::text_of(ok("get_backup", gb)).find(std::to_string(id)), std::string::npos);
  }
  ToolResult la = ok("list_alarms", json::object());
  if (!(*la.structured)["alarms"].empty()) {
    json ga{{"alarm_id", (*la.structured)["alarms"][0]["alarm_id"]}};
    ok("get_alarm", ga);
  }
  int reports = 0;
  for (const auto& c : clusters) {
    json lr_args{{"cluster_id", c.id}};
    ToolResult lr = ok("list_reports", lr_args);
    for (const auto& [k, v] : lr.structured->items())
      if (v.is_array() && !v.empty() && v[0].contains("report_id")) {
        json gr{{"report_id", v[0]["report_id"]}, {"cluster_id", c.id}};
        ok("get_report", gr);
        ++reports;
        break;
      }
  }
  EXPECT_GT(reports, 0);
}

// The concise lists and get_cluster ask CMON's reply for only what their summaries read
// (cmon::ReplyParts): through the real client, the summaries of the parts are those of the whole reply,
// and list_clusters, list_nodes and get_cluster show what the whole reply says.
TEST_F(SimToolsTest, ConciseListsReadOnlyWhatTheySummarise) {
  auto whole = raw("/v2/clusters", "getAllClusterInfo", json{{"with_hosts", true}});
  ASSERT_TRUE(whole) << cmon::describe(whole.error());
  const cmon::ReplyParts parts(json{{"clusters", cluster_summary_reads()}});
  const cmon::ReplyParts host_parts(json{{"clusters", {{"hosts", node_summary_reads()}}}});
  cmon::CallOptions options;
  options.parts = &parts;
  auto part =
      run_on_io(client->call("/v2/clusters", "getAllClusterInfo", json{{"with_hosts", true}}, options));
  ASSERT_TRUE(part) << cmon::describe(part.error());
  options.parts = &host_parts;
  auto hosts =
      run_on_io(client->call("/v2/clusters", "getAllClusterInfo", json{{"with_hosts", true}}, options));
  ASSERT_TRUE(hosts) << cmon::describe(hosts.error());
  // Most of the reply is never built.
  EXPECT_LT(part->dump().size() * 4, whole->dump().size());

  const json all = get_list(*whole, "clusters");
  ASSERT_EQ(all.size(), get_list(*part, "clusters").size());
  ASSERT_EQ(all.size(), get_list(*hosts, "clusters").size());
  json summaries = json::array();
  json nodes = json::array();
  for (size_t i = 0; i < all.size(); ++i) {
    summaries.push_back(cluster_summary(all[i]));
    EXPECT_EQ(cluster_summary(get_list(*part, "clusters")[i]), summaries.back());
    const auto full_hosts = cluster_hosts(all[i], true);
    const auto part_hosts = cluster_hosts(get_list(*hosts, "clusters")[i], true);
    ASSERT_EQ(full_hosts.size(), part_hosts.size());
    // Uptime is the one field that moves between two calls (the simulator counts it by the clock).
    auto summary_of = [](const json& host) {
      json n = node_summary(host);
      n.erase("uptime_s");
      return n;
    };
    for (size_t j = 0; j < full_hosts.size(); ++j)
      EXPECT_EQ(summary_of(part_hosts[j]), summary_of(full_hosts[j]));
    for (const auto& h : cluster_hosts(all[i], false)) nodes.push_back(host_label(h));
  }

  auto listed = ok("list_clusters", json{{"limit", 200}});
  ASSERT_TRUE(listed.structured);
  EXPECT_EQ((*listed.structured)["clusters"], summaries);
  auto listed_nodes = ok("list_nodes", json{{"limit", 500}});
  ASSERT_TRUE(listed_nodes.structured);
  json labels = json::array();
  for (const auto& n : (*listed_nodes.structured)["nodes"]) labels.push_back(n["node"]);
  EXPECT_EQ(labels, nodes);
  // detail "full" still carries every field of the raw objects.
  auto full = ok("list_clusters", json{{"limit", 200}, {"detail", "full"}});
  ASSERT_TRUE(full.structured);
  ASSERT_EQ((*full.structured)["clusters"].size(), all.size());
  EXPECT_EQ((*full.structured)["clusters"][0]["raw"], all[0]);

  // get_cluster reads its parts of getClusterInfo: the same answer as from the whole object, which
  // detail "full" parses.
  for (const auto& c : clusters) {
    SCOPED_TRACE(c.name);
    auto concise = ok("get_cluster", json{{"cluster_id", c.id}});
    auto whole_answer = ok("get_cluster", json{{"cluster_id", c.id}, {"detail", "full"}});
    ASSERT_TRUE(concise.structured && whole_answer.structured);
    json expected = *whole_answer.structured;
    EXPECT_TRUE(expected.contains("raw"));
    expected.erase("raw");
    json got = *concise.structured;
    for (auto* answer : {&expected, &got})
      for (auto& n : (*answer)["nodes"]) n.erase("uptime_s");
    EXPECT_EQ(got, expected);
  }
}

TEST_F(SimToolsTest, UnknownClusterIsRefusedWithAHint) {
  for (const auto& tool : kClusterTools) {
    json args{{"cluster_id", 999}};
    ToolResult r = run(tool, args);
    EXPECT_TRUE(r.is_error) << tool << ": " << test::text_of(r);
    EXPECT_NE(test::text_of(r).find("999"), std::string::npos) << tool << ": " << test::text_of(r);
    json by_name{{"cluster_name", "no-such-cluster"}};
    ToolResult n = run(tool, by_name);
    EXPECT_TRUE(n.is_error) << tool;
    EXPECT_NE(test::text_of(n).find("no-such-cluster"), std::string::npos)
        << tool << ": " << test::text_of(n);
  }
}

TEST_F(SimToolsTest, ReadOnlyUserReadsButCannotWrite) {
  auto viewer = make_client("viewer", "viewer");
  for (const auto& tool : kClusterTools) {
    json args{{"cluster_id", 1}};
    ToolResult r = run(tool, args, viewer.get());
    EXPECT_FALSE(r.is_error) << tool << ": " << test::text_of(r);
  }
  // The controller refuses the same user a write: the tools report CMON's AccessDenied plainly.
  auto w = run_on_io(viewer->call(
      "/v2/clusters", "setConfig",
      json{{"cluster_id", 1}, {"configuration", json::array({json{{"name", "x"}, {"value", "1"}}})}}));
  ASSERT_FALSE(w);
  std::string why = cmon_failure(w.error(), "change settings").content[0]["text"];
  EXPECT_NE(lower(why).find("access denied"), std::string::npos) << why;
  EXPECT_NE(why.find("read-only"), std::string::npos) << why;
  // A rejected login surfaces as an actionable error from any tool.
  auto wrong = make_client("viewer", "wrong-password");
  json args{{"cluster_id", 1}};
  ToolResult r = run("get_cpu_stats", args, wrong.get());
  ASSERT_TRUE(r.is_error);
  std::string text = test::text_of(r);
  EXPECT_TRUE(lower(text).find("password") != std::string::npos ||
              lower(text).find("denied") != std::string::npos)
      << text;
}

TEST_F(SimToolsTest, ControllerDownIsReportedWithTheEndpoint) {
  sim_->set_fault({{"mode", "down"}});
  for (const char* tool : {"get_host_stats", "get_top_queries", "get_cluster_log", "get_recent_changes",
                           "list_clusters", "get_audit_log"}) {
    json args = std::string(tool) == "list_clusters" ? json::object() : json{{"cluster_id", 1}};
    ToolResult r = run(tool, args);
    ASSERT_TRUE(r.is_error) << tool;
    std::string text = test::text_of(r);
    EXPECT_NE(text.find("127.0.0.1:" + std::to_string(sim_->port())), std::string::npos)
        << tool << ": " << text;
  }
  sim_->clear_fault();
  json args{{"cluster_id", 1}};
  EXPECT_FALSE(run("get_cpu_stats", args).is_error);
}

}  // namespace
}  // namespace cmon_mcp::tools
