// The node tools of catalogue B.3 (state-changing side) against the simulator: each tool's effect in the
// simulator's model, its dry run, its main refusals, confirmation of the destructive ones and the backup
// guard of remove_node. Fixture clusters: 1 prod-galera, 2 mariadb-repl (10.0.2.11 primary), 3
// pg-streaming, 4 metrics-timescale (backups 30 h old only), 5 mongo-rs, 6 mongo-sharded, 7 mssql-ao,
// 8 redis-sentinel (no backup).
#include "sim_fixture.hpp"

namespace cmon_mcp::tools::test_support {
namespace {

class NodeActions : public SimActionTest {
 protected:
  size_t job_count() { return state()["jobs"].size(); }

  static int64_t job_id_of(const ToolResult& r) { return structured(r).value("job_id", int64_t{0}); }

  // Runs `tool` with `args`, expects a submitted job and waits for it to end; returns the job.
  json run_job(const std::string& tool, json args, const std::string& expect_status = "FINISHED") {
    ToolResult r = ok(tool, args);
    json s = structured(r);
    EXPECT_EQ(s.value("status", ""), "submitted") << text_of(r);
    int64_t id = job_id_of(r);
    EXPECT_GT(id, 0) << text_of(r);
    if (id <= 0) return json::object();
    json j = wait_job_end(id);
    EXPECT_EQ(j.value("status", ""), expect_status) << j.dump(1).substr(0, 3000);
    return j;
  }

  static json job_data(const json& job) { return job["job_spec"]["job_data"]; }
  static std::string command(const json& job) { return job["job_spec"].value("command", ""); }

  // The job_data a dry run shows for its single request.
  static json dry_job_data(const ToolResult& r) {
    json s = structured(r);
    EXPECT_EQ(s.value("status", ""), "dry_run") << text_of(r);
    return s["requests"][0]["body"]["job"]["job_spec"]["job_data"];
  }
  static std::string dry_command(const ToolResult& r) {
    return structured(r)["requests"][0]["body"]["job"]["job_spec"].value("command", "");
  }

  // A completed backup of `cluster_id` taken now, through a raw CMON backup job (so this file does not
  // depend on the backup tools).
  void backup_now(int64_t cluster_id) {
    json spec{{"command", "backup"}, {"job_data", json::object()}};
    json job{{"class_name", "CmonJobInstance"}, {"title", "test backup"}, {"job_spec", spec}};
    auto r = raw("/v2/jobs", "createJobInstance", json{{"cluster_id", cluster_id}, {"job", job}});
    ASSERT_TRUE(r.has_value());
    json j = wait_job_end((*r)["job"]["job_id"].get<int64_t>());
    ASSERT_EQ(j.value("status", ""), "FINISHED") << j.dump();
  }

  // Backup records of a cluster from the simulator's model.
  json backups_of(int64_t cluster_id) {
    json out = json::array();
    json s = state();
    for (const auto& b : s["backups"])
      if (b.value("cid", int64_t{-1}) == cluster_id) out.push_back(b);
    return out;
  }

  void stop(int64_t cluster_id, const std::string& node) {
    run_job("stop_node", json{{"cluster_id", cluster_id}, {"node", node}, {"confirm", true}});
    ASSERT_EQ(sim_host(cluster_id, node).value("hoststatus", ""), "CmonHostShutDown");
  }
};

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// ------------------------------------------------------------------------------ start / stop / restart

TEST_F(NodeActions, StopNodeAsksForConfirmationThenStopsTheNode) {
  size_t jobs = job_count();
  ToolResult r = ok("stop_node", json{{"cluster_id", 1}, {"node", "10.0.1.13"}});
  json s = structured(r);
  EXPECT_EQ(s["status"], "confirmation_required");
  EXPECT_TRUE(contains(s["effect"], "2 of 3 database node(s) online")) << s["effect"];
  EXPECT_EQ(job_count(), jobs);
  EXPECT_EQ(sim_host(1, "10.0.1.13")["hoststatus"], "CmonHostOnline");

  json j =
      run_job("stop_node",
              json{{"cluster_id", 1}, {"node", "10.0.1.13"}, {"confirm", true}, {"stop_timeout_s", 120}});
  EXPECT_EQ(command(j), "stop");
  EXPECT_EQ(job_data(j)["node"]["hostname"], "10.0.1.13");
  EXPECT_EQ(job_data(j)["node"]["port"], 3306);
  EXPECT_EQ(job_data(j)["clusterid"], 1);
  EXPECT_EQ(job_data(j)["stop_timeout"], 120);
  EXPECT_EQ(sim_host(1, "10.0.1.13")["hoststatus"], "CmonHostShutDown");
  EXPECT_EQ(sim_host(1, "10.0.1.12")["hoststatus"], "CmonHostOnline");

  fails("stop_node", json{{"cluster_id", 1}, {"node", "10.0.1.13"}, {"confirm", true}}, "already stopped");
}

TEST_F(NodeActions, StopNodeOfThePrimarySaysWritesFail) {
  ToolResult r = ok("stop_node", json{{"cluster_id", 2}, {"node", "10.0.2.11"}, {"dry_run", true}});
  json s = structured(r);
  EXPECT_TRUE(contains(s["effect"], "It is the primary")) << s["effect"];
  EXPECT_EQ(dry_command(r), "stop");
  EXPECT_EQ(sim_host(2, "10.0.2.11")["hoststatus"], "CmonHostOnline");
}

TEST_F(NodeActions, StartNodeBringsAStoppedNodeBack) {
  fails("start_node", json{{"cluster_id", 1}, {"node", "10.0.1.12"}}, "already online");
  stop(1, "10.0.1.12");
  json j = run_job("start_node", json{{"cluster_id", 1}, {"node", "10.0.1.12"}});
  EXPECT_EQ(command(j), "start");
  EXPECT_EQ(job_data(j)["node"]["hostname"], "10.0.1.12");
  EXPECT_FALSE(job_data(j).contains("bootstrap"));
  EXPECT_EQ(sim_host(1, "10.0.1.12")["hoststatus"], "CmonHostOnline");
}

TEST_F(NodeActions, StartNodeBootstrapIsForGaleraOnly) {
  fails("start_node", json{{"cluster_id", 2}, {"node", "10.0.2.12"}, {"bootstrap", true}},
        "bootstrap applies to Galera clusters only");
  fails("start_node", json{{"cluster_id", 1}, {"node", "10.0.1.11"}, {"bootstrap", true}}, "already online");
  stop(1, "10.0.1.11");
  ToolResult d = ok("start_node",
                    json{{"cluster_id", 1}, {"node", "10.0.1.11"}, {"bootstrap", true}, {"dry_run", true}});
  EXPECT_EQ(dry_job_data(d)["bootstrap"], true);
}

TEST_F(NodeActions, RestartNodeDryRunThenRestart) {
  size_t jobs = job_count();
  json args{
      {"cluster_name", "prod-galera"}, {"node", "10.0.1.11:3306"}, {"force", true}, {"stop_timeout_s", 60}};
  json dry = args;
  dry["dry_run"] = true;
  ToolResult r = ok("restart_node", dry);
  json data = dry_job_data(r);
  EXPECT_EQ(dry_command(r), "restart");
  EXPECT_EQ(data["force_stop"], true);
  EXPECT_EQ(data["stop_timeout"], 60);
  EXPECT_EQ(data["node"]["hostname"], "10.0.1.11");
  EXPECT_EQ(job_count(), jobs);

  json j = run_job("restart_node", args);
  EXPECT_EQ(command(j), "restart");
  EXPECT_EQ(job_data(j)["force_stop"], true);
  EXPECT_EQ(sim_host(1, "10.0.1.11")["hoststatus"], "CmonHostOnline");
  EXPECT_EQ(job_count(), jobs + 1);
}

TEST_F(NodeActions, NodeToolsRefuseTheControllerAndUnknownNodes) {
  fails("restart_node", json{{"cluster_id", 1}, {"node", "10.0.0.5:9500"}}, "ClusterControl controller");
  fails("stop_node", json{{"cluster_id", 1}, {"node", "10.0.0.5:9500"}, {"confirm", true}},
        "ClusterControl controller");
  fails("restart_node", json{{"cluster_id", 1}, {"node", "10.9.9.9"}}, "10.0.1.11:3306");
  fails("restart_node", json{{"cluster_id", 99}, {"node", "10.0.1.11"}}, "99");
}

// ------------------------------------------------------------------------------ reboot_host

TEST_F(NodeActions, RebootHostListsEveryServiceOnTheServerAndNeedsConfirmation) {
  size_t jobs = job_count();
  ToolResult r = ok("reboot_host", json{{"cluster_id", 8}, {"node", "10.0.8.12:6379"}});
  json s = structured(r);
  EXPECT_EQ(s["status"], "confirmation_required");
  std::string effect = s["effect"];
  EXPECT_TRUE(contains(effect, "10.0.8.12:6379")) << effect;
  EXPECT_TRUE(contains(effect, "10.0.8.12:26379")) << effect;  // the sentinel goes down too
  EXPECT_TRUE(contains(effect, "2 of 3 database node(s) online")) << effect;
  EXPECT_EQ(job_count(), jobs);

  json j = run_job("reboot_host", json{{"cluster_id", 8}, {"node", "10.0.8.12:6379"}, {"confirm", true}});
  EXPECT_EQ(command(j), "reboot");
  EXPECT_EQ(job_data(j)["node"]["hostname"], "10.0.8.12");
  EXPECT_EQ(job_data(j)["node"]["port"], 6379);
  EXPECT_EQ(sim_host(8, "10.0.8.12", 6379)["hoststatus"], "CmonHostOnline");
}

TEST_F(NodeActions, RebootHostBringsAStoppedNodeBackUp) {
  stop(1, "10.0.1.12");
  json j = run_job("reboot_host", json{{"cluster_id", 1}, {"node", "10.0.1.12"}, {"confirm", true}});
  EXPECT_EQ(command(j), "reboot");
  EXPECT_EQ(sim_host(1, "10.0.1.12")["hoststatus"], "CmonHostOnline");
}

TEST_F(NodeActions, RebootHostDryRunAndRefusals) {
  size_t jobs = job_count();
  ToolResult r =
      ok("reboot_host", json{{"cluster_id", 2}, {"node", "10.0.2.11"}, {"force", true}, {"dry_run", true}});
  EXPECT_EQ(dry_command(r), "reboot");
  EXPECT_EQ(dry_job_data(r)["force_stop"], true);
  EXPECT_TRUE(contains(structured(r)["effect"], "is the primary")) << structured(r)["effect"];
  EXPECT_EQ(job_count(), jobs);
  fails("reboot_host", json{{"cluster_id", 2}, {"node", "10.0.0.5:9500"}, {"confirm", true}},
        "ClusterControl controller");
}

// ------------------------------------------------------------------------------ add_node

TEST_F(NodeActions, AddNodeJoinsAGaleraCluster) {
  json j = run_job("add_node", json{{"cluster_id", 1}, {"hostname", "10.0.1.14"}});
  EXPECT_EQ(command(j), "addnode");
  json data = job_data(j);
  EXPECT_EQ(data["node"]["hostname"], "10.0.1.14");
  EXPECT_EQ(data["node"]["port"], 3306);
  EXPECT_EQ(data["install_software"], true);
  EXPECT_FALSE(data.contains("disable_firewall"));
  json h = sim_host(1, "10.0.1.14");
  ASSERT_TRUE(h.is_object());
  EXPECT_EQ(h["port"], 3306);
  EXPECT_EQ(h["nodetype"], "galera");
  EXPECT_EQ(sim_cluster(1)["hosts"].size(), 5u);  // 4 nodes and the controller
}

TEST_F(NodeActions, AddNodeAddsAMongoMemberToItsReplicaSet) {
  size_t jobs = job_count();
  ToolResult r =
      ok("add_node", json{{"cluster_name", "mongo-rs"}, {"hostname", "10.0.5.14"}, {"dry_run", true}});
  json data = dry_job_data(r);
  EXPECT_EQ(data["hostname"], "10.0.5.14");
  EXPECT_EQ(data["port"], 27017);
  EXPECT_EQ(data["replicaset"], "rs0");
  EXPECT_EQ(data["node_type"], "mongodb");
  EXPECT_EQ(job_count(), jobs);
  EXPECT_TRUE(sim_host(5, "10.0.5.14").is_null());

  json j =
      run_job("add_node", json{{"cluster_id", 5}, {"hostname", "10.0.5.14"}, {"disable_firewall", false}});
  EXPECT_EQ(job_data(j)["disable_firewall"], false);
  json h = sim_host(5, "10.0.5.14", 27017);
  ASSERT_TRUE(h.is_object());
  EXPECT_EQ(h["member_role"], "Secondary");

  fails("add_node", json{{"cluster_id", 5}, {"hostname", "10.0.5.15"}, {"node_type", "mongos"}},
        "not a sharded cluster");
}

TEST_F(NodeActions, AddNodeToAShardedMongoNeedsTheReplicaSet) {
  std::string t = fails("add_node", json{{"cluster_id", 6}, {"hostname", "10.0.6.43"}}, "give replicaset");
  EXPECT_TRUE(contains(t, "shard01") && contains(t, "shard02")) << t;
  fails("add_node", json{{"cluster_id", 6}, {"hostname", "10.0.6.43"}, {"replicaset", "shard09"}},
        "add_shard");

  ToolResult member =
      ok("add_node",
         json{{"cluster_id", 6}, {"hostname", "10.0.6.43"}, {"replicaset", "shard02"}, {"dry_run", true}});
  EXPECT_EQ(dry_job_data(member)["port"], 27018);
  ToolResult router =
      ok("add_node",
         json{{"cluster_id", 6}, {"hostname", "10.0.6.23"}, {"node_type", "mongos"}, {"dry_run", true}});
  EXPECT_EQ(dry_job_data(router)["port"], 27017);
  EXPECT_EQ(dry_job_data(router)["node_type"], "mongos");
  EXPECT_FALSE(dry_job_data(router).contains("replicaset"));
  ToolResult cfg =
      ok("add_node",
         json{{"cluster_id", 6}, {"hostname", "10.0.6.14"}, {"node_type", "mongocfg"}, {"dry_run", true}});
  EXPECT_EQ(dry_job_data(cfg)["replicaset"], "cfg");
  EXPECT_EQ(dry_job_data(cfg)["port"], 27019);

  json j = run_job("add_node", json{{"cluster_id", 6}, {"hostname", "10.0.6.43"}, {"replicaset", "shard02"}});
  EXPECT_TRUE(sim_host(6, "10.0.6.43", 27018).is_object());
}

TEST_F(NodeActions, AddNodeRefusals) {
  size_t jobs = job_count();
  fails("add_node", json{{"cluster_id", 2}, {"hostname", "10.0.2.14"}}, "add_replica");
  std::string t = fails("add_node", json{{"cluster_id", 1}, {"hostname", "10.0.2.11"}}, "already runs node");
  EXPECT_TRUE(contains(t, "mariadb-repl")) << t;
  fails("add_node", json{{"cluster_id", 1}, {"hostname", "10.0.1.11"}, {"port", 3307}}, "this cluster");
  fails("add_node", json{{"cluster_id", 1}, {"hostname", "10.0.1.14"}, {"node_type", "mongos"}},
        "MongoDB clusters only");
  fails("add_node", json{{"cluster_id", 1}, {"hostname", "10.0.1.14"}, {"roles", "data"}},
        "Elasticsearch clusters only");
  EXPECT_EQ(job_count(), jobs);
}

// ------------------------------------------------------------------------------ remove_node

TEST_F(NodeActions, RemoveNodeAsksForConfirmationThenRemovesTheNode) {
  size_t jobs = job_count();
  ToolResult r = ok("remove_node", json{{"cluster_id", 1}, {"node", "10.0.1.13"}});
  json s = structured(r);
  EXPECT_EQ(s["status"], "confirmation_required");
  std::string effect = s["effect"];
  EXPECT_TRUE(contains(effect, "keeps 2 database node(s): 10.0.1.11:3306, 10.0.1.12:3306")) << effect;
  EXPECT_TRUE(contains(effect, "quorum")) << effect;
  EXPECT_EQ(job_count(), jobs);
  EXPECT_TRUE(sim_host(1, "10.0.1.13").is_object());

  // Cluster 1 has a 2 h old backup: the guard passes.
  json j = run_job("remove_node", json{{"cluster_id", 1}, {"node", "10.0.1.13"}, {"confirm", true}});
  EXPECT_EQ(command(j), "removenode");
  json data = job_data(j);
  ASSERT_EQ(data["nodes"].size(), 1u);
  EXPECT_EQ(data["nodes"][0]["hostname"], "10.0.1.13");
  EXPECT_EQ(data["nodes"][0]["port"], 3306);
  EXPECT_EQ(data["enable_uninstall"], false);
  EXPECT_EQ(data["unregister_only"], false);
  EXPECT_TRUE(sim_host(1, "10.0.1.13").is_null());
  EXPECT_TRUE(sim_host(1, "10.0.1.12").is_object());
}

TEST_F(NodeActions, RemoveNodeIsRefusedByTheBackupGuardUntilABackupExists) {
  json args{{"cluster_id", 4}, {"node", "10.0.4.12"}, {"confirm", true}};
  size_t jobs = job_count();
  ToolResult r = run("remove_node", args);
  EXPECT_TRUE(r.is_error);
  EXPECT_EQ(structured(r)["status"], "refused");
  EXPECT_EQ(structured(r)["reason"], "backup_guard");
  EXPECT_EQ(job_count(), jobs);
  EXPECT_TRUE(sim_host(4, "10.0.4.12").is_object());

  backup_now(4);
  run_job("remove_node", args);
  EXPECT_TRUE(sim_host(4, "10.0.4.12").is_null());
}

TEST_F(NodeActions, RemoveNodeWithGuardOverrideAndUninstall) {
  // Cluster 8 has no backup at all.
  ToolResult refused =
      run("remove_node", json{{"cluster_id", 8}, {"node", "10.0.8.13:6379"}, {"confirm", true}});
  EXPECT_TRUE(refused.is_error);
  EXPECT_TRUE(contains(text_of(refused), "no successful backup")) << text_of(refused);

  json j = run_job("remove_node", json{{"cluster_id", 8},
                                       {"node", "10.0.8.13:6379"},
                                       {"uninstall", true},
                                       {"confirm", true},
                                       {"override_backup_guard", true}});
  EXPECT_EQ(job_data(j)["enable_uninstall"], true);
  EXPECT_TRUE(sim_host(8, "10.0.8.13", 6379).is_null());
  EXPECT_TRUE(sim_host(8, "10.0.8.13", 26379).is_object());  // the sentinel stays
}

TEST_F(NodeActions, RemoveNodeRefusesThePrimaryAndTheLastNode) {
  size_t jobs = job_count();
  std::string t = fails("remove_node", json{{"cluster_id", 2}, {"node", "10.0.2.11"}, {"confirm", true}},
                        "is the primary of cluster mariadb-repl");
  EXPECT_TRUE(contains(t, "promote_replica")) << t;
  fails("remove_node", json{{"cluster_id", 6}, {"node", "10.0.6.31"}, {"confirm", true}}, "is the primary");
  fails("remove_node",
        json{{"cluster_id", 1}, {"node", "10.0.1.12"}, {"uninstall", true}, {"unregister_only", true}},
        "contradict");
  fails("remove_node", json{{"cluster_id", 1}, {"node", "10.0.0.5:9500"}}, "ClusterControl controller");
  EXPECT_EQ(job_count(), jobs);

  run_job("remove_node", json{{"cluster_id", 3}, {"node", "10.0.3.12"}, {"confirm", true}});
  EXPECT_TRUE(sim_host(3, "10.0.3.12").is_null());
  fails("remove_node", json{{"cluster_id", 3}, {"node", "10.0.3.11"}, {"confirm", true}},
        "last database node");
  EXPECT_TRUE(sim_host(3, "10.0.3.11").is_object());
}

TEST_F(NodeActions, RemoveNodeDryRunShowsTheJobAndTheGuard) {
  size_t jobs = job_count();
  ToolResult r = ok("remove_node", json{{"cluster_id", 4},
                                        {"node", "10.0.4.12"},
                                        {"unregister_only", true},
                                        {"stop_timeout_s", 30},
                                        {"dry_run", true}});
  json data = dry_job_data(r);
  EXPECT_EQ(dry_command(r), "removenode");
  EXPECT_EQ(data["unregister_only"], true);
  EXPECT_EQ(data["stop_timeout"], 30);
  EXPECT_EQ(data["nodes"][0]["hostname"], "10.0.4.12");
  EXPECT_EQ(structured(r)["checks"]["backup_guard"]["pass"], false);
  EXPECT_TRUE(contains(structured(r)["effect"], "forgets")) << structured(r)["effect"];
  EXPECT_EQ(job_count(), jobs);
  EXPECT_TRUE(sim_host(4, "10.0.4.12").is_object());
}

// ------------------------------------------------------------------------------ add_replica

TEST_F(NodeActions, AddReplicaToAMariaDbReplicationCluster) {
  json j = run_job("add_replica", json{{"cluster_id", 2}, {"hostname", "10.0.2.14"}, {"delay_s", 3600}});
  EXPECT_EQ(command(j), "add_replication_slave");
  json data = job_data(j);
  EXPECT_EQ(data["master_address"], "10.0.2.11");
  EXPECT_EQ(data["slave_address"], "10.0.2.14");
  EXPECT_EQ(data["port"], 3306);
  EXPECT_EQ(data["master_delay"], 3600);
  EXPECT_EQ(data["install_software"], true);
  json h = sim_host(2, "10.0.2.14");
  ASSERT_TRUE(h.is_object());
  EXPECT_EQ(h["role"], "slave");
  EXPECT_EQ(h["replication_slave"]["master_host"], "10.0.2.11");
}

TEST_F(NodeActions, AddReplicaToPostgresFromAChosenSource) {
  fails("add_replica", json{{"cluster_id", 3}, {"hostname", "10.0.3.13"}, {"delay_s", 60}},
        "MySQL/MariaDB replicas only");
  size_t jobs = job_count();
  ToolResult r = ok("add_replica", json{{"cluster_id", 3},
                                        {"hostname", "10.0.3.13"},
                                        {"source", "10.0.3.12"},
                                        {"install_software", false},
                                        {"dry_run", true}});
  json data = dry_job_data(r);
  EXPECT_EQ(dry_command(r), "add_replication_slave");
  EXPECT_EQ(data["master_address"], "10.0.3.12");
  EXPECT_EQ(data["port"], 5432);
  EXPECT_EQ(data["install_software"], false);
  EXPECT_EQ(job_count(), jobs);

  run_job("add_replica", json{{"cluster_id", 3}, {"hostname", "10.0.3.13"}});
  json h = sim_host(3, "10.0.3.13", 5432);
  ASSERT_TRUE(h.is_object());
  EXPECT_EQ(h["role"], "slave");
}

TEST_F(NodeActions, AddReplicaRefusals) {
  fails("add_replica", json{{"cluster_id", 5}, {"hostname", "10.0.5.14"}}, "add_node");
  fails("add_replica", json{{"cluster_id", 8}, {"hostname", "10.0.8.14"}}, "add_node");
  fails("add_replica", json{{"cluster_id", 2}, {"hostname", "10.0.1.11"}}, "prod-galera");
  fails("add_replica", json{{"cluster_id", 2}, {"hostname", "10.0.2.14"}, {"source", "10.9.9.9"}}, "source:");
  stop(2, "10.0.2.12");
  size_t jobs = job_count();
  fails("add_replica", json{{"cluster_id", 2}, {"hostname", "10.0.2.14"}, {"source", "10.0.2.12"}},
        "start it first");
  EXPECT_EQ(job_count(), jobs);
  EXPECT_TRUE(sim_host(2, "10.0.2.14").is_null());
}

// ------------------------------------------------------------------------------ promote_replica

TEST_F(NodeActions, PromoteReplicaAsksForConfirmationThenSwitchesThePrimary) {
  size_t jobs = job_count();
  ToolResult r = ok("promote_replica", json{{"cluster_id", 2}, {"node", "10.0.2.12"}});
  json s = structured(r);
  EXPECT_EQ(s["status"], "confirmation_required");
  std::string effect = s["effect"];
  EXPECT_TRUE(contains(effect, "current primary 10.0.2.11:3306 becomes a read-only replica")) << effect;
  EXPECT_TRUE(contains(effect, "10.0.2.13:3306")) << effect;
  EXPECT_EQ(job_count(), jobs);
  EXPECT_EQ(sim_host(2, "10.0.2.11")["role"], "master");

  json j = run_job("promote_replica", json{{"cluster_id", 2}, {"node", "10.0.2.12"}, {"confirm", true}});
  EXPECT_EQ(command(j), "promote_replication_slave");
  EXPECT_EQ(job_data(j)["replication_slave"]["hostname"], "10.0.2.12");
  EXPECT_EQ(job_data(j)["replication_slave"]["port"], 3306);
  EXPECT_EQ(sim_host(2, "10.0.2.12")["role"], "master");
  EXPECT_EQ(sim_host(2, "10.0.2.11")["role"], "slave");
  EXPECT_EQ(sim_host(2, "10.0.2.13")["replication_slave"]["master_host"], "10.0.2.12");

  // The old primary is now a replica, the new one is refused.
  fails("promote_replica", json{{"cluster_id", 2}, {"node", "10.0.2.12"}, {"confirm", true}},
        "already the primary");
}

TEST_F(NodeActions, PromoteReplicaOnSqlServer) {
  run_job("promote_replica", json{{"cluster_id", 7}, {"node", "10.0.7.12"}, {"confirm", true}});
  EXPECT_EQ(sim_host(7, "10.0.7.12")["role"], "PRIMARY");
  EXPECT_EQ(sim_host(7, "10.0.7.11")["role"], "SECONDARY");
}

TEST_F(NodeActions, PromoteReplicaRefusals) {
  size_t jobs = job_count();
  std::string t = fails("promote_replica", json{{"cluster_id", 2}, {"node", "10.0.2.11"}, {"confirm", true}},
                        "10.0.2.11:3306 is already the primary of cluster mariadb-repl");
  EXPECT_TRUE(contains(t, "10.0.2.12:3306, 10.0.2.13:3306")) << t;
  fails("promote_replica", json{{"cluster_id", 1}, {"node", "10.0.1.12"}, {"confirm", true}}, "Galera node");
  fails("promote_replica", json{{"cluster_id", 5}, {"node", "10.0.5.12"}, {"confirm", true}}, "elects");
  EXPECT_EQ(job_count(), jobs);
  stop(3, "10.0.3.12");
  fails("promote_replica", json{{"cluster_id", 3}, {"node", "10.0.3.12"}, {"confirm", true}},
        "start_node first");
}

TEST_F(NodeActions, PromoteReplicaDryRunChangesNothing) {
  size_t jobs = job_count();
  ToolResult r = ok("promote_replica", json{{"cluster_id", 3}, {"node", "10.0.3.12"}, {"dry_run", true}});
  EXPECT_EQ(dry_command(r), "promote_replication_slave");
  EXPECT_EQ(dry_job_data(r)["replication_slave"]["hostname"], "10.0.3.12");
  EXPECT_TRUE(contains(structured(r)["effect"], "10.0.3.11:5432")) << structured(r)["effect"];
  EXPECT_EQ(job_count(), jobs);
  EXPECT_EQ(sim_host(3, "10.0.3.12")["role"], "slave");
}

// ------------------------------------------------------------------------------ rebuild_replica

TEST_F(NodeActions, RebuildReplicaFromThePrimary) {
  ASSERT_EQ(sim_host(2, "10.0.2.13")["replication_slave"]["seconds_behind_master"], "12");
  size_t jobs = job_count();
  ToolResult r = ok("rebuild_replica", json{{"cluster_id", 2}, {"node", "10.0.2.13"}});
  json s = structured(r);
  EXPECT_EQ(s["status"], "confirmation_required");
  EXPECT_TRUE(contains(s["effect"], "erases the data directory of replica 10.0.2.13:3306")) << s["effect"];
  EXPECT_EQ(job_count(), jobs);

  json j = run_job("rebuild_replica", json{{"cluster_id", 2}, {"node", "10.0.2.13"}, {"confirm", true}});
  EXPECT_EQ(command(j), "stage_replication_slave");
  EXPECT_EQ(job_data(j)["replication_slave"]["hostname"], "10.0.2.13");
  EXPECT_EQ(job_data(j)["replication_master"]["hostname"], "10.0.2.11");
  EXPECT_FALSE(job_data(j).contains("backupid"));
  EXPECT_EQ(sim_host(2, "10.0.2.13")["replication_slave"]["seconds_behind_master"], "0");
}

TEST_F(NodeActions, RebuildReplicaFromABackup) {
  int64_t good = -1, failed = -1;
  for (const auto& b : backups_of(2)) {
    if (b["status"] == "Completed" && b["method"] == "mariabackupfull") good = b["id"];
    if (b["status"] == "Failed") failed = b["id"];
  }
  ASSERT_GT(good, 0);
  ASSERT_GT(failed, 0);
  int64_t other_cluster = backups_of(1)[0]["id"];

  fails("rebuild_replica",
        json{{"cluster_id", 2}, {"node", "10.0.2.13"}, {"backup_id", failed}, {"confirm", true}},
        "not Completed");
  fails("rebuild_replica",
        json{{"cluster_id", 2}, {"node", "10.0.2.13"}, {"backup_id", other_cluster}, {"confirm", true}},
        "not found in cluster mariadb-repl");
  fails("rebuild_replica",
        json{{"cluster_id", 2}, {"node", "10.0.2.13"}, {"backup_id", 9999}, {"confirm", true}},
        "list_backups");

  ToolResult d = ok("rebuild_replica",
                    json{{"cluster_id", 2}, {"node", "10.0.2.13"}, {"backup_id", good}, {"dry_run", true}});
  EXPECT_EQ(dry_job_data(d)["backupid"], good);
  EXPECT_TRUE(contains(structured(d)["effect"], "mariabackupfull")) << structured(d)["effect"];

  json j = run_job("rebuild_replica",
                   json{{"cluster_id", 2}, {"node", "10.0.2.13"}, {"backup_id", good}, {"confirm", true}});
  EXPECT_EQ(job_data(j)["backupid"], good);
  EXPECT_EQ(sim_host(2, "10.0.2.13")["replication_slave"]["seconds_behind_master"], "0");
}

TEST_F(NodeActions, RebuildReplicaRefusesLogicalBackups) {
  json spec{{"command", "backup"}, {"job_data", json{{"backup_method", "mysqldump"}}}};
  json job{{"class_name", "CmonJobInstance"}, {"title", "dump"}, {"job_spec", spec}};
  auto r = raw("/v2/jobs", "createJobInstance", json{{"cluster_id", 2}, {"job", job}});
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(wait_job_end((*r)["job"]["job_id"].get<int64_t>())["status"], "FINISHED");
  int64_t dump = -1;
  for (const auto& b : backups_of(2))
    if (b["status"] == "Completed" && b["method"] == "mysqldump") dump = b["id"];
  ASSERT_GT(dump, 0);
  fails("rebuild_replica",
        json{{"cluster_id", 2}, {"node", "10.0.2.12"}, {"backup_id", dump}, {"confirm", true}}, "logical");
}

TEST_F(NodeActions, RebuildReplicaRefusals) {
  size_t jobs = job_count();
  std::string t = fails("rebuild_replica", json{{"cluster_id", 2}, {"node", "10.0.2.11"}, {"confirm", true}},
                        "not a replica");
  EXPECT_TRUE(contains(t, "primary")) << t;
  fails("rebuild_replica",
        json{{"cluster_id", 2}, {"node", "10.0.2.12"}, {"source", "10.0.2.12"}, {"confirm", true}},
        "another node");
  fails("rebuild_replica", json{{"cluster_id", 5}, {"node", "10.0.5.12"}, {"confirm", true}}, "MongoDB");
  fails("rebuild_replica", json{{"cluster_id", 1}, {"node", "10.0.1.12"}, {"confirm", true}},
        "not a replica");
  EXPECT_EQ(job_count(), jobs);
}

// ------------------------------------------------------------------------------ set_node_read_only

TEST_F(NodeActions, SetNodeReadOnlyOnThePrimary) {
  ASSERT_EQ(sim_host(2, "10.0.2.11")["readonly"], false);
  ToolResult d = ok("set_node_read_only",
                    json{{"cluster_id", 2}, {"node", "10.0.2.11"}, {"read_only", true}, {"dry_run", true}});
  EXPECT_EQ(dry_command(d), "enable_db_readonly");
  EXPECT_EQ(dry_job_data(d)["node"]["hostname"], "10.0.2.11");
  EXPECT_TRUE(contains(structured(d)["effect"], "writes fail")) << structured(d)["effect"];
  EXPECT_EQ(sim_host(2, "10.0.2.11")["readonly"], false);

  json j = run_job("set_node_read_only", json{{"cluster_id", 2}, {"node", "10.0.2.11"}, {"read_only", true}});
  EXPECT_EQ(command(j), "enable_db_readonly");
  EXPECT_EQ(sim_host(2, "10.0.2.11")["readonly"], true);
  fails("set_node_read_only", json{{"cluster_id", 2}, {"node", "10.0.2.11"}, {"read_only", true}},
        "already read-only");
}

TEST_F(NodeActions, SetNodeReadOnlyOffOnAReplica) {
  ASSERT_EQ(sim_host(2, "10.0.2.13")["readonly"], true);
  // wait: true follows the job to its end.
  ToolResult r = ok(
      "set_node_read_only",
      json{
          {"cluster_id", 2}, {"node", "10.0.2.13"}, {"read_only", false}, {"wait", true}, {"timeout_s", 30}});
  json s = structured(r);
  EXPECT_EQ(s.value("status", ""), "done") << text_of(r);
  EXPECT_EQ(s.value("job_status", ""), "FINISHED") << text_of(r);
  json j = job(s.value("job_id", int64_t{0}));
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(command(j), "disable_db_readonly");
  EXPECT_EQ(job_data(j)["node"]["hostname"], "10.0.2.13");
  EXPECT_EQ(sim_host(2, "10.0.2.13")["readonly"], false);
  EXPECT_EQ(sim_host(2, "10.0.2.12")["readonly"], true);
}

TEST_F(NodeActions, SetNodeReadOnlyRefusals) {
  size_t jobs = job_count();
  fails("set_node_read_only", json{{"cluster_id", 2}, {"node", "10.0.2.12"}, {"read_only", true}},
        "already read-only");
  fails("set_node_read_only", json{{"cluster_id", 5}, {"node", "10.0.5.11"}, {"read_only", true}}, "MONGODB");
  fails("set_node_read_only", json{{"cluster_id", 8}, {"node", "10.0.8.11:6379"}, {"read_only", true}},
        "REDIS");
  EXPECT_EQ(job_count(), jobs);
}

}  // namespace
}  // namespace cmon_mcp::tools::test_support
