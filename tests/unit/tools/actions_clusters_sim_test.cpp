// The state-changing cluster tools (catalogue B.2) against the simulator: create_cluster,
// import_cluster, remove_cluster, start_cluster, stop_cluster, rolling_restart, set_cluster_read_only,
// set_auto_recovery, tag_cluster. Each test checks the effect in the simulator's model, the dry run,
// and the refusals. Clusters used (fixture): 1 prod-galera (backup 2 h old), 2 mariadb-repl (20 h),
// 3 pg-streaming, 4 metrics-timescale (30 h only), 5 mongo-rs, 6 mongo-sharded, 7 mssql-ao,
// 8 redis-sentinel (no backup). Tests use different clusters so that they also pass in one process.
#include "sim_fixture.hpp"

namespace cmon_mcp::tools::test_support {
namespace {

class ClusterActions : public SimActionTest {
 protected:
  // Note: `for (x : state()["clusters"])` iterates a member of a destroyed temporary (the range-for
  // keeps only the reference operator[] returns alive), so every helper keeps the state in a local.
  // sim_cluster and sim_host of the fixture do exactly that; these replace them here.
  json sim_cluster(int64_t id) {
    const json s = state();
    for (const auto& c : s["clusters"])
      if (c.value("cluster_id", int64_t{-1}) == id) return c;
    ADD_FAILURE() << "no cluster " << id << " in the simulator";
    return json::object();
  }
  json sim_host(int64_t cluster_id, const std::string& hostname, int64_t port = 0) {
    const json c = sim_cluster(cluster_id);
    for (const auto& h : c.value("hosts", json::array()))
      if (h.value("hostname", "") == hostname && (port == 0 || h.value("port", int64_t{0}) == port)) return h;
    ADD_FAILURE() << "no host " << hostname << " in cluster " << cluster_id;
    return json::object();
  }
  // The simulator's cluster named `name`, null when there is none.
  json cluster_named(const std::string& name) {
    const json s = state();
    for (const auto& c : s["clusters"])
      if (c.value("cluster_name", "") == name) return c;
    return nullptr;
  }
  bool cluster_exists(int64_t id) {
    const json s = state();
    for (const auto& c : s["clusters"])
      if (c.value("cluster_id", int64_t{-1}) == id) return true;
    return false;
  }
  size_t job_count() { return state()["jobs"].size(); }
  size_t backups_of(int64_t cluster_id) {
    const json s = state();
    size_t n = 0;
    for (const auto& b : s["backups"])
      if (b.value("cid", int64_t{-1}) == cluster_id) ++n;
    return n;
  }
  std::vector<json> db_hosts(const json& cluster) {
    std::vector<json> out;
    for (const auto& h : cluster.value("hosts", json::array()))
      if (h.value("nodetype", "") != "controller") out.push_back(h);
    return out;
  }
  // A job created directly through CMON (not through a tool), followed to its end.
  json run_job(int64_t cluster_id, const std::string& command, json job_data = json::object()) {
    json spec{{"command", command}, {"job_data", std::move(job_data)}};
    json job{{"class_name", "CmonJobInstance"}, {"title", "test " + command}, {"job_spec", spec}};
    auto r = raw("/v2/jobs", "createJobInstance", json{{"cluster_id", cluster_id}, {"job", job}});
    EXPECT_TRUE(r.has_value()) << command;
    if (!r) return nullptr;
    json end = wait_job_end((*r)["job"]["job_id"].get<int64_t>());
    EXPECT_EQ(end.value("status", ""), "FINISHED") << command << ": " << end.dump();
    return end;
  }
  // The job a tool result names, from the simulator.
  json job_of(const ToolResult& r) { return job(structured(r).value("job_id", int64_t{-1})); }
  static json job_data_of(const json& job) { return job["job_spec"]["job_data"]; }
  // The body of the n-th request of a dry run.
  static json dry_body(const ToolResult& r, size_t n = 0) {
    json s = structured(r);
    EXPECT_EQ(s.value("status", ""), "dry_run");
    EXPECT_GT(s["requests"].size(), n);
    return s["requests"].size() > n ? s["requests"][n]["body"] : json::object();
  }
  static json dry_job_data(const ToolResult& r) { return dry_body(r)["job"]["job_spec"]["job_data"]; }
  static std::string dry_command(const ToolResult& r) {
    return dry_body(r)["job"]["job_spec"].value("command", "");
  }
  static json waited(json args) {
    args["wait"] = true;
    args["timeout_s"] = 30;
    return args;
  }
  void expect_done(const ToolResult& r) {
    EXPECT_EQ(structured(r).value("status", ""), "done") << text_of(r);
    EXPECT_EQ(structured(r).value("job_status", ""), "FINISHED") << text_of(r);
  }
};

// ------------------------------------------------------------------------------------ create_cluster

TEST_F(ClusterActions, CreateClusterDeploysAGaleraCluster) {
  json args{{"cluster_type", "galera"},
            {"vendor", "percona"},
            {"version", "8.0"},
            {"cluster_name", "shop-galera"},
            {"nodes", {"10.0.9.11", "10.0.9.12", "10.0.9.13"}},
            {"db_admin_password", "Sh0p-admin-pw"},
            {"tags", {"shop"}}};
  ToolResult r = ok("create_cluster", waited(args));
  expect_done(r);
  EXPECT_EQ(structured(r).value("command", ""), "create_cluster");
  EXPECT_EQ(text_of(r).find("Sh0p-admin-pw"), std::string::npos) << "the password must not be echoed";

  json data = job_data_of(job_of(r));
  EXPECT_EQ(data.value("cluster_type", ""), "galera");
  EXPECT_EQ(data.value("vendor", ""), "percona");
  EXPECT_EQ(data.value("version", ""), "8.0");
  EXPECT_EQ(data.value("cluster_name", ""), "shop-galera");
  EXPECT_EQ(data.value("db_user", ""), "root");
  EXPECT_EQ(data.value("db_password", ""), "Sh0p-admin-pw");
  EXPECT_EQ(data.value("ssh_user", ""), "root");
  EXPECT_TRUE(data.value("install_software", false));
  ASSERT_EQ(data["nodes"].size(), 3u);
  EXPECT_EQ(data["nodes"][0], (json{{"class_name", "CmonHost"}, {"hostname", "10.0.9.11"}, {"port", 3306}}));

  json c = cluster_named("shop-galera");
  ASSERT_TRUE(c.is_object()) << "the new cluster is in the model";
  EXPECT_EQ(c.value("cluster_type", ""), "GALERA");
  EXPECT_EQ(c.value("vendor", ""), "percona");
  EXPECT_EQ(c.value("version", ""), "8.0");
  auto hosts = db_hosts(c);
  ASSERT_EQ(hosts.size(), 3u);
  EXPECT_EQ(hosts[2].value("hostname", ""), "10.0.9.13");
  EXPECT_EQ(hosts[2].value("port", 0), 3306);
  EXPECT_EQ(c["tags"], json::array({"shop"}));
}

TEST_F(ClusterActions, CreateClusterDefaultsVendorVersionAndGeneratesThePassword) {
  json args{{"cluster_type", "mssql_ao_async"},
            {"cluster_name", "apps-mssql"},
            {"nodes", {"10.0.9.31", "10.0.9.32"}}};
  ToolResult r = ok("create_cluster", waited(args));
  expect_done(r);
  json data = job_data_of(job_of(r));
  EXPECT_EQ(data.value("vendor", ""), "microsoft") << "the only vendor of the type";
  EXPECT_EQ(data.value("version", ""), "2022") << "the newest listed version";
  EXPECT_EQ(data.value("db_password", "").size(), 24u) << "a generated password";
  EXPECT_FALSE(data.contains("db_user")) << "no guessed admin user for SQL Server";
  EXPECT_EQ(data["nodes"][1].value("port", 0), 1433);

  json c = cluster_named("apps-mssql");
  ASSERT_TRUE(c.is_object());
  EXPECT_EQ(c.value("cluster_type", ""), "MSSQL_AO_ASYNC");
  EXPECT_EQ(db_hosts(c)[0].value("role", ""), "PRIMARY");
}

// The pipeline returns plan.generated for request actions only (action.cpp, the job path builds its
// result without it), so a generated database password is lost for job-backed tools. Enable this test
// once the job path adds plan.generated to its result.
TEST_F(ClusterActions, CreateClusterReturnsTheGeneratedPasswordOnce) {
  json args{{"cluster_type", "redis"}, {"cluster_name", "cache-2"}, {"nodes", {"10.0.9.35"}}};
  ToolResult r = ok("create_cluster", waited(args));
  expect_done(r);
  std::string sent = job_data_of(job_of(r)).value("db_password", "");
  EXPECT_EQ(structured(r).value("generated", json::object()).value("db_admin_password", ""), sent);
}

TEST_F(ClusterActions, CreateClusterTimescaleDbIsPostgresWithTheExtension) {
  json args{{"cluster_type", "timescaledb"},
            {"cluster_name", "metrics-2"},
            {"nodes", {"10.0.9.41:5433", "10.0.9.42"}},
            {"db_admin_password", "ts-admin-pw"}};
  ToolResult r = ok("create_cluster", waited(args));
  expect_done(r);
  json data = job_data_of(job_of(r));
  EXPECT_EQ(data.value("cluster_type", ""), "postgresql_single");
  EXPECT_EQ(data.value("vendor", ""), "postgresql");
  EXPECT_EQ(data.value("version", ""), "16");
  EXPECT_TRUE(data.value("install_timescaledb", false));
  EXPECT_EQ(data.value("db_user", ""), "postgres");
  EXPECT_EQ(data["nodes"][0].value("port", 0), 5433);
  EXPECT_EQ(data["nodes"][1].value("port", 0), 5432);
  json c = cluster_named("metrics-2");
  ASSERT_TRUE(c.is_object());
  EXPECT_EQ(c.value("cluster_type", ""), "POSTGRESQL_SINGLE");
  EXPECT_TRUE(c.value("timescaledb", false));
}

TEST_F(ClusterActions, CreateClusterDryRunRedactsSecretsAndChangesNothing) {
  size_t jobs = job_count();
  json args{{"cluster_type", "replication"},
            {"vendor", "mariadb"},
            {"version", "10.11"},
            {"cluster_name", "dry-repl"},
            {"nodes", {"10.0.9.51", "10.0.9.52:3307"}},
            {"ssh_user", "deploy"},
            {"ssh_port", 2222},
            {"sudo_password", "sudo-secret-1"},
            {"db_admin_password", "db-secret-1"},
            {"dry_run", true}};
  ToolResult r = ok("create_cluster", args);
  json body = dry_body(r);
  EXPECT_EQ(structured(r)["requests"][0].value("operation", ""), "createJobInstance");
  EXPECT_EQ(structured(r)["requests"][0].value("path", ""), "/v2/jobs");
  EXPECT_EQ(body.value("cluster_id", int64_t{-1}), 0) << "a controller-level job";
  EXPECT_EQ(dry_command(r), "create_cluster");
  json data = dry_job_data(r);
  EXPECT_EQ(data.value("db_password", ""), "***");
  EXPECT_EQ(data.value("sudo_password", ""), "***");
  EXPECT_EQ(data.value("ssh_user", ""), "deploy");
  EXPECT_EQ(data.value("ssh_port", 0), 2222);
  EXPECT_EQ(data["nodes"][1].value("port", 0), 3307);
  EXPECT_EQ(text_of(r).find("sudo-secret-1"), std::string::npos);
  EXPECT_EQ(text_of(r).find("db-secret-1"), std::string::npos);
  EXPECT_NE(structured(r).value("effect", "").find("primary"), std::string::npos) << structured(r).dump();
  EXPECT_EQ(job_count(), jobs);
  EXPECT_TRUE(cluster_named("dry-repl").is_null());

  // Without a password the generated one is redacted too.
  args.erase("db_admin_password");
  ToolResult g = ok("create_cluster", args);
  EXPECT_EQ(dry_job_data(g).value("db_password", ""), "***");
  EXPECT_EQ(job_count(), jobs);
}

TEST_F(ClusterActions, CreateClusterRefusesWhatCannotWork) {
  size_t jobs = job_count();
  json base{{"cluster_type", "galera"},
            {"vendor", "percona"},
            {"cluster_name", "new-galera"},
            {"nodes", {"10.0.9.71", "10.0.9.72", "10.0.9.73"}}};
  auto with = [&](json patch) {
    json a = base;
    a.merge_patch(patch);
    return a;
  };
  fails("create_cluster", with({{"cluster_type", "cassandra"}}), "not supported by this controller");
  fails("create_cluster", with({{"vendor", "oracle"}}), "choose one of: percona, mariadb, codership");
  fails("create_cluster", with({{"version", "5.5"}}), "supported: 5.7, 8.0");
  json no_vendor = base;
  no_vendor.erase("vendor");
  fails("create_cluster", no_vendor, "give vendor");
  fails("create_cluster", with({{"cluster_type", "postgresql_single"}, {"vendor", nullptr}}), "give vendor");
  fails("create_cluster", with({{"cluster_name", "PROD-galera"}}), "already exists (id 1)");
  fails("create_cluster", with({{"nodes", {"10.0.9.71", "10.0.2.12"}}}), "cluster mariadb-repl (id 2)");
  fails("create_cluster", with({{"nodes", {"10.0.9.71", "10.0.9.71:3306"}}}), "listed twice");
  fails("create_cluster", with({{"nodes", {"10.0.9.71:99999"}}}), "1-65535");
  fails("create_cluster", with({{"timescaledb", true}}), "PostgreSQL");
  EXPECT_EQ(job_count(), jobs) << "nothing was submitted";
  EXPECT_TRUE(cluster_named("new-galera").is_null());
}

TEST_F(ClusterActions, CreateClusterRefusesASecondDeployWhileOneRuns) {
  sim_->config({{"job_speed", 0.2}});  // the first deployment runs for 15 s
  json args{{"cluster_type", "galera"},
            {"vendor", "mariadb"},
            {"cluster_name", "slow-galera"},
            {"nodes", {"10.0.9.81", "10.0.9.82", "10.0.9.83"}},
            {"db_admin_password", "pw-123456"}};
  ToolResult first = ok("create_cluster", args);
  int64_t id = structured(first).value("job_id", int64_t{-1});
  ASSERT_GT(id, 0) << text_of(first);
  json again = args;
  again["nodes"] = {"10.0.9.84"};
  fails("create_cluster", again, "job " + std::to_string(id) + " (create_cluster");
  json same_host = args;
  same_host["cluster_name"] = "other-galera";
  same_host["nodes"] = {"10.0.9.91", "10.0.9.82"};
  fails("create_cluster", same_host, "is already deploying host 10.0.9.82");
  sim_->config({{"job_speed", 20}});
  EXPECT_TRUE(raw("/v2/jobs", "killJobInstance", json{{"job_id", id}, {"signal", 15}}).has_value());
}

// ------------------------------------------------------------------------------------ import_cluster

TEST_F(ClusterActions, ImportClusterRegistersAnExistingCluster) {
  json args{{"cluster_type", "replication"},
            {"vendor", "oracle"},
            {"cluster_name", "legacy-mysql"},
            {"nodes", {"10.0.9.21", "10.0.9.22"}},
            {"db_admin_password", "legacy-pw"}};
  json dry = args;
  dry["dry_run"] = true;
  ToolResult d = ok("import_cluster", dry);
  EXPECT_EQ(dry_command(d), "add_cluster");
  EXPECT_EQ(dry_job_data(d).value("db_password", ""), "***");
  EXPECT_FALSE(dry_job_data(d).contains("version")) << "CMON detects the version of an imported cluster";
  EXPECT_TRUE(cluster_named("legacy-mysql").is_null());

  ToolResult r = ok("import_cluster", waited(args));
  expect_done(r);
  EXPECT_EQ(structured(r).value("command", ""), "add_cluster");
  json data = job_data_of(job_of(r));
  EXPECT_EQ(data.value("cluster_type", ""), "replication");
  EXPECT_EQ(data.value("db_user", ""), "root");
  EXPECT_EQ(data.value("db_password", ""), "legacy-pw");
  EXPECT_FALSE(data.contains("install_software"));
  json c = cluster_named("legacy-mysql");
  ASSERT_TRUE(c.is_object());
  EXPECT_EQ(c.value("cluster_type", ""), "REPLICATION");
  EXPECT_EQ(c.value("vendor", ""), "oracle");
  auto hosts = db_hosts(c);
  ASSERT_EQ(hosts.size(), 2u);
  EXPECT_EQ(hosts[0].value("role", ""), "master");
  EXPECT_EQ(hosts[1].value("role", ""), "slave");

  // The same hosts cannot be imported twice.
  json twice = args;
  twice["cluster_name"] = "legacy-2";
  fails("import_cluster", twice, "already belongs to cluster legacy-mysql");
  fails("import_cluster", args, "already exists");
  json wrong = args;
  wrong["cluster_name"] = "legacy-3";
  wrong["nodes"] = {"10.0.9.25"};
  wrong["version"] = "5.1";
  fails("import_cluster", wrong, "supported: 8.0, 8.4");
}

// ------------------------------------------------------------------------------------ remove_cluster

TEST_F(ClusterActions, RemoveClusterAsksThenUnregistersKeepingBackups) {
  size_t jobs = job_count();
  ASSERT_EQ(backups_of(3), 1u);
  ToolResult ask = ok("remove_cluster", json{{"cluster_id", 3}});
  json s = structured(ask);
  EXPECT_EQ(s.value("status", ""), "confirmation_required");
  std::string effect = s.value("effect", "");
  EXPECT_NE(effect.find("unregisters cluster pg-streaming (id 3)"), std::string::npos) << effect;
  EXPECT_NE(effect.find("2 nodes (10.0.3.11:5432, 10.0.3.12:5432) keep running"), std::string::npos)
      << effect;
  EXPECT_NE(effect.find("1 backup"), std::string::npos) << effect;
  EXPECT_NE(effect.find("stay on their storage"), std::string::npos) << effect;
  EXPECT_TRUE(cluster_exists(3));
  EXPECT_EQ(job_count(), jobs);

  ToolResult d = ok("remove_cluster", json{{"cluster_name", "pg-streaming"}, {"dry_run", true}});
  EXPECT_EQ(dry_command(d), "remove_cluster");
  EXPECT_EQ(dry_body(d).value("cluster_id", int64_t{0}), 3);
  EXPECT_EQ(dry_job_data(d), (json{{"clusterid", 3}, {"remove_backups", false}}));
  EXPECT_TRUE(cluster_exists(3));

  ToolResult r = ok("remove_cluster", waited(json{{"cluster_id", 3}, {"confirm", true}}));
  expect_done(r);
  EXPECT_FALSE(cluster_exists(3));
  EXPECT_EQ(backups_of(3), 1u) << "backups are kept without remove_backups";
  fails("remove_cluster", json{{"cluster_id", 3}, {"confirm", true}}, "cluster 3 not found");
}

TEST_F(ClusterActions, RemoveClusterWithBackupsDeletesThem) {
  ASSERT_EQ(backups_of(7), 1u);
  ToolResult ask = ok("remove_cluster", json{{"cluster_id", 7}, {"remove_backups", true}});
  EXPECT_EQ(structured(ask).value("status", ""), "confirmation_required");
  EXPECT_NE(structured(ask).value("effect", "").find("deleted too"), std::string::npos) << text_of(ask);
  EXPECT_TRUE(cluster_exists(7));
  EXPECT_EQ(backups_of(7), 1u);

  ToolResult r =
      ok("remove_cluster", waited(json{{"cluster_id", 7}, {"remove_backups", true}, {"confirm", true}}));
  expect_done(r);
  EXPECT_EQ(job_data_of(job_of(r)).value("remove_backups", false), true);
  EXPECT_FALSE(cluster_exists(7));
  EXPECT_EQ(backups_of(7), 0u);
  fails("remove_cluster", json{{"cluster_name", "mssql-aoo"}, {"confirm", true}}, "not found");
}

// ------------------------------------------------------------------------------------ stop_cluster

TEST_F(ClusterActions, StopClusterAsksThenStopsEveryNode) {
  ToolResult ask = ok("stop_cluster", json{{"cluster_name", "prod-galera"}});
  EXPECT_EQ(structured(ask).value("status", ""), "confirmation_required");
  std::string effect = structured(ask).value("effect", "");
  EXPECT_NE(effect.find("all 3 nodes of cluster prod-galera (id 1): 3 online nodes go down"),
            std::string::npos)
      << effect;
  for (const auto& h : db_hosts(sim_cluster(1))) EXPECT_EQ(h.value("hoststatus", ""), "CmonHostOnline");

  ToolResult r = ok("stop_cluster", waited(json{{"cluster_id", 1}, {"confirm", true}}));
  expect_done(r);
  EXPECT_EQ(structured(r).value("command", ""), "stop_cluster");
  json c = sim_cluster(1);
  EXPECT_EQ(c.value("state", ""), "STOPPED");
  for (const auto& h : db_hosts(c)) EXPECT_EQ(h.value("hoststatus", ""), "CmonHostShutDown") << h.dump();

  fails("stop_cluster", json{{"cluster_id", 1}, {"confirm", true}}, "is already stopped");
}

TEST_F(ClusterActions, StopClusterDryRunShowsTheJobAndTheGuard) {
  size_t jobs = job_count();
  ToolResult d = ok("stop_cluster", json{{"cluster_id", 2},
                                         {"stop_timeout_s", 120},
                                         {"maintenance_minutes", 30},
                                         {"reason", "OS patching"},
                                         {"dry_run", true}});
  EXPECT_EQ(dry_command(d), "stop_cluster");
  EXPECT_EQ(dry_job_data(d),
            (json{{"stop_timeout", 120}, {"maintenance_minutes", 30}, {"reason", "OS patching"}}));
  EXPECT_TRUE(structured(d)["checks"]["backup_guard"].value("pass", false)) << text_of(d);
  EXPECT_NE(structured(d).value("effect", "").find("maintenance period of 30 minutes"), std::string::npos);
  EXPECT_EQ(job_count(), jobs);
  EXPECT_EQ(sim_cluster(2).value("state", ""), "STARTED");
}

TEST_F(ClusterActions, StopClusterIsRefusedByTheBackupGuardUnlessOverridden) {
  // metrics-timescale's only backup is 30 h old.
  ToolResult refused = run("stop_cluster", json{{"cluster_id", 4}, {"confirm", true}});
  EXPECT_TRUE(refused.is_error);
  EXPECT_EQ(structured(refused).value("reason", ""), "backup_guard") << text_of(refused);
  EXPECT_NE(text_of(refused).find("backup guard"), std::string::npos);
  EXPECT_EQ(sim_cluster(4).value("state", ""), "STARTED");

  ToolResult r =
      ok("stop_cluster", waited(json{{"cluster_id", 4}, {"confirm", true}, {"override_backup_guard", true}}));
  expect_done(r);
  EXPECT_EQ(sim_cluster(4).value("state", ""), "STOPPED");
}

TEST_F(ClusterActions, StopClusterPassesTheGuardAfterAFreshBackup) {
  // redis-sentinel has no backup at all.
  ToolResult refused = run("stop_cluster", json{{"cluster_id", 8}, {"confirm", true}});
  EXPECT_TRUE(refused.is_error);
  EXPECT_NE(text_of(refused).find("has no successful backup"), std::string::npos) << text_of(refused);
  EXPECT_EQ(sim_cluster(8).value("state", ""), "STARTED");

  run_job(8, "backup");
  ToolResult r = ok("stop_cluster", waited(json{{"cluster_id", 8}, {"confirm", true}}));
  expect_done(r);
  EXPECT_EQ(sim_cluster(8).value("state", ""), "STOPPED");
}

// ------------------------------------------------------------------------------------ start_cluster

TEST_F(ClusterActions, StartClusterBringsAStoppedClusterBack) {
  fails("start_cluster", json{{"cluster_id", 5}}, "is already started: all 3 nodes are online");
  fails("start_cluster", json{{"cluster_id", 5}, {"bootstrap", true}}, "Galera clusters only");

  run_job(5, "stop_cluster");
  ASSERT_EQ(sim_cluster(5).value("state", ""), "STOPPED");
  ToolResult r = ok("start_cluster", waited(json{{"cluster_name", "mongo-rs"}}));
  expect_done(r);
  EXPECT_EQ(job_data_of(job_of(r)), json::object());
  json c = sim_cluster(5);
  EXPECT_EQ(c.value("state", ""), "STARTED");
  for (const auto& h : db_hosts(c)) EXPECT_EQ(h.value("hoststatus", ""), "CmonHostOnline") << h.dump();
}

TEST_F(ClusterActions, StartClusterBootstrapsGaleraFromADonor) {
  run_job(1, "stop_cluster");
  ASSERT_EQ(sim_cluster(1).value("state", ""), "STOPPED");
  fails("start_cluster", json{{"cluster_id", 1}, {"donor", "10.0.9.99"}}, "node '10.0.9.99' not found");

  size_t jobs = job_count();
  ToolResult d = ok("start_cluster",
                    json{{"cluster_id", 1}, {"bootstrap", true}, {"donor", "10.0.1.12"}, {"dry_run", true}});
  EXPECT_EQ(dry_command(d), "start_cluster");
  EXPECT_EQ(dry_job_data(d), (json{{"bootstrap", true}, {"donor_address", "10.0.1.12"}}));
  EXPECT_EQ(job_count(), jobs);
  EXPECT_EQ(sim_cluster(1).value("state", ""), "STOPPED");

  ToolResult r =
      ok("start_cluster", waited(json{{"cluster_id", 1}, {"bootstrap", true}, {"donor", "10.0.1.12:3306"}}));
  expect_done(r);
  EXPECT_EQ(job_data_of(job_of(r)).value("donor_address", ""), "10.0.1.12");
  EXPECT_EQ(sim_cluster(1).value("state", ""), "STARTED");
}

// ------------------------------------------------------------------------------------ rolling_restart

TEST_F(ClusterActions, RollingRestartRestartsEveryNodeAndNeedsThemUp) {
  size_t jobs = job_count();
  ToolResult d = ok("rolling_restart", json{{"cluster_id", 2}, {"stop_timeout_s", 300}, {"dry_run", true}});
  EXPECT_EQ(dry_command(d), "rolling_restart");
  EXPECT_EQ(dry_job_data(d), (json{{"stop_timeout", 300}}));
  EXPECT_EQ(job_count(), jobs);
  for (const auto& h : db_hosts(sim_cluster(2))) EXPECT_GT(h.value("uptime", 0), 1000);

  ToolResult r = ok("rolling_restart", waited(json{{"cluster_name", "mariadb-repl"}}));
  expect_done(r);
  EXPECT_EQ(structured(r).value("command", ""), "rolling_restart");
  for (const auto& h : db_hosts(sim_cluster(2))) {
    EXPECT_EQ(h.value("hoststatus", ""), "CmonHostOnline");
    EXPECT_LT(h.value("uptime", 0), 1000) << "restarted: " << h.dump();
  }

  fails("rolling_restart", json{{"cluster_id", 2}, {"initial_start", true}}, "Galera clusters only");
  run_job(2, "stop", json{{"clusterid", 2}, {"node", {{"hostname", "10.0.2.13"}, {"port", 3306}}}});
  fails("rolling_restart", json{{"cluster_id", 2}}, "down: 10.0.2.13:3306 (ShutDown)");
}

// ------------------------------------------------------------------------------------ read-only

TEST_F(ClusterActions, SetClusterReadOnlyTurnsWritesOffAndOn) {
  ASSERT_FALSE(sim_host(2, "10.0.2.11")["readonly"].get<bool>());
  ToolResult d = ok("set_cluster_read_only", json{{"cluster_id", 2}, {"read_only", true}, {"dry_run", true}});
  EXPECT_EQ(dry_command(d), "enable_cluster_readonly");
  EXPECT_EQ(dry_job_data(d), json::object());
  EXPECT_FALSE(sim_host(2, "10.0.2.11")["readonly"].get<bool>());

  expect_done(ok("set_cluster_read_only", waited(json{{"cluster_id", 2}, {"read_only", true}})));
  EXPECT_TRUE(sim_host(2, "10.0.2.11")["readonly"].get<bool>());
  EXPECT_TRUE(sim_cluster(2).value("readonly", false));
  fails("set_cluster_read_only", json{{"cluster_id", 2}, {"read_only", true}}, "is already read-only");

  ToolResult off =
      ok("set_cluster_read_only", waited(json{{"cluster_name", "mariadb-repl"}, {"read_only", false}}));
  expect_done(off);
  EXPECT_EQ(structured(off).value("command", ""), "disable_cluster_readonly");
  EXPECT_FALSE(sim_host(2, "10.0.2.11")["readonly"].get<bool>());
  EXPECT_TRUE(sim_host(2, "10.0.2.12")["readonly"].get<bool>()) << "replicas stay read-only";
  fails("set_cluster_read_only", json{{"cluster_id", 2}, {"read_only", false}}, "is already writable");
  fails("set_cluster_read_only", json{{"cluster_id", 42}, {"read_only", false}}, "cluster 42 not found");
}

// ------------------------------------------------------------------------------------ auto-recovery

TEST_F(ClusterActions, SetAutoRecoverySwitchesClusterAndNodeRecovery) {
  ASSERT_TRUE(sim_cluster(5).value("cluster_auto_recovery", false));
  ToolResult d =
      ok("set_auto_recovery",
         json{{"cluster_id", 5}, {"enabled", false}, {"reason", "planned work"}, {"dry_run", true}});
  EXPECT_EQ(dry_command(d), "disable_recovery");
  EXPECT_EQ(dry_job_data(d), (json{{"reason", "planned work"}}));
  EXPECT_TRUE(sim_cluster(5).value("cluster_auto_recovery", false));

  expect_done(ok("set_auto_recovery",
                 waited(json{{"cluster_id", 5}, {"enabled", false}, {"reason", "planned work"}})));
  EXPECT_FALSE(sim_cluster(5).value("cluster_auto_recovery", true));
  fails("set_auto_recovery", json{{"cluster_id", 5}, {"enabled", false}},
        "cluster auto-recovery of cluster mongo-rs (id 5) is already off");

  // The simulator turns node recovery off with the cluster switch; scope node turns it back on alone.
  ASSERT_FALSE(sim_cluster(5).value("node_auto_recovery", true));
  ToolResult node =
      ok("set_auto_recovery", waited(json{{"cluster_id", 5}, {"enabled", true}, {"scope", "node"}}));
  expect_done(node);
  EXPECT_EQ(structured(node).value("command", ""), "enable_node_recovery");
  EXPECT_TRUE(sim_cluster(5).value("node_auto_recovery", false));
  EXPECT_FALSE(sim_cluster(5).value("cluster_auto_recovery", true));
  fails("set_auto_recovery", json{{"cluster_id", 5}, {"enabled", true}, {"scope", "node"}},
        "node auto-recovery");

  expect_done(ok("set_auto_recovery", waited(json{{"cluster_id", 5}, {"enabled", true}})));
  EXPECT_TRUE(sim_cluster(5).value("cluster_auto_recovery", false));
}

// ------------------------------------------------------------------------------------ tag_cluster

TEST_F(ClusterActions, TagClusterAddsAndRemovesTags) {
  ASSERT_EQ(sim_cluster(6)["tags"], json::array({"analytics"}));
  ToolResult d = ok("tag_cluster",
                    json{{"cluster_id", 6}, {"add", {"pci"}}, {"remove", {"analytics"}}, {"dry_run", true}});
  json s = structured(d);
  ASSERT_EQ(s["requests"].size(), 2u);
  EXPECT_EQ(s["requests"][0].value("path", ""), "/v2/tree");
  EXPECT_EQ(s["requests"][0].value("operation", ""), "appendTag");
  EXPECT_EQ(s["requests"][0]["body"], (json{{"path", "/mongo-sharded"}, {"tag", "pci"}}));
  EXPECT_EQ(s["requests"][1].value("operation", ""), "removeTag");
  EXPECT_EQ(s["requests"][1]["body"], (json{{"path", "/mongo-sharded"}, {"tag", "analytics"}}));
  EXPECT_EQ(sim_cluster(6)["tags"], json::array({"analytics"}));

  ToolResult r =
      ok("tag_cluster",
         json{{"cluster_name", "mongo-sharded"}, {"add", {"pci", "eu"}}, {"remove", {"analytics"}}});
  EXPECT_EQ(structured(r).value("status", ""), "done") << text_of(r);
  EXPECT_EQ(structured(r)["tags"], json::array({"pci", "eu"}));
  EXPECT_EQ(sim_cluster(6)["tags"], json::array({"pci", "eu"}));

  // Already there / already gone: only the rest is done.
  ToolResult partly =
      ok("tag_cluster", json{{"cluster_id", 6}, {"add", {"pci", "gdpr"}}, {"remove", {"staging"}}});
  EXPECT_EQ(structured(partly)["added"], json::array({"gdpr"}));
  EXPECT_NE(text_of(partly).find("already has 'pci'"), std::string::npos) << text_of(partly);
  EXPECT_EQ(sim_cluster(6)["tags"], json::array({"pci", "eu", "gdpr"}));

  fails("tag_cluster", json{{"cluster_id", 6}, {"add", {"pci"}}, {"remove", {"analytics"}}},
        "nothing to change");
  fails("tag_cluster", json{{"cluster_id", 6}, {"add", {"x"}}, {"remove", {"x"}}},
        "both in add and in remove");
  fails("tag_cluster", json{{"cluster_id", 6}}, "give tags to add and/or remove");
  fails("tag_cluster", json{{"cluster_name", "mongo-shard"}, {"add", {"x"}}}, "mongo-sharded (id 6)");
}

}  // namespace
}  // namespace cmon_mcp::tools::test_support
