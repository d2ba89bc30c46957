// set_node_config and set_cluster_settings (catalogue B.12) against the simulator: the effect is checked
// in the simulator's model (the node's configuration file values, the cluster's controller settings).
#include "sim_fixture.hpp"

namespace cmon_mcp::tools::test_support {
namespace {

class ConfigActions : public SimActionTest {
 protected:
  // The simulator's cluster `id` (SimActionTest::sim_cluster loops over a temporary's member, which
  // dangles: the state is kept in a local here).
  json sim_cluster(int64_t id) {
    const json st = state();
    for (const auto& c : st["clusters"])
      if (c.value("cluster_id", int64_t{-1}) == id) return c;
    ADD_FAILURE() << "no cluster " << id << " in the simulator";
    return json::object();
  }
  // The value of `name` (in `section`, any when empty) in the configuration of node `key` ("host:port")
  // of cluster `cid`, "<absent>" when not set.
  std::string conf_value(int64_t cid, const std::string& key, const std::string& name,
                         const std::string& section = "") {
    const json configs = sim_cluster(cid)["configs"];
    EXPECT_TRUE(configs.contains(key)) << key << " has no configuration in the simulator";
    if (!configs.contains(key)) return "<absent>";
    for (const auto& f : configs[key]["files"])
      for (const auto& v : f["values"])
        if (v.value("variablename", "") == name && (section.empty() || v.value("section", "") == section))
          return v.value("value", "");
    return "<absent>";
  }
  int count_of(int64_t cid, const std::string& key, const std::string& name) {
    int n = 0;
    const json files = sim_cluster(cid)["configs"][key]["files"];
    for (const auto& f : files)
      for (const auto& v : f["values"]) n += v.value("variablename", "") == name;
    return n;
  }
  std::string setting(int64_t cid, const std::string& name) {
    const json settings = sim_cluster(cid)["settings"];
    for (const auto& s : settings)
      if (s.value("name", "") == name)
        return s["current_value"].is_string() ? s["current_value"].get<std::string>() : "";
    ADD_FAILURE() << "no setting " << name;
    return "";
  }
};

// ----------------------------------------------------------------------------------------- set_node_config

TEST_F(ConfigActions, SetNodeConfigChangesOneNodeOnly) {
  const std::string other_before = conf_value(1, "10.0.1.12:3306", "max_connections");
  json args{{"cluster_id", 1},
            {"node", "10.0.1.11"},
            {"variables", json::array({json{{"name", "max_connections"}, {"value", 812}}})}};
  auto r = ok("set_node_config", args);
  EXPECT_EQ(conf_value(1, "10.0.1.11:3306", "max_connections", "mysqld"), "812");
  EXPECT_EQ(conf_value(1, "10.0.1.12:3306", "max_connections"), other_before);
  json s = structured(r);
  EXPECT_EQ(s.value("status", ""), "done");
  ASSERT_EQ(s["nodes"].size(), 1u);
  EXPECT_EQ(s["nodes"][0]["node"], "10.0.1.11:3306");
  EXPECT_EQ(s["nodes"][0]["changes"][0]["new_value"], "812");
  EXPECT_EQ(s["nodes"][0]["changes"][0]["section"], "mysqld");
  // max_connections is dynamic in MySQL and CMON (the simulator) does not ask for a restart.
  EXPECT_FALSE(s["restart_needed"].get<bool>()) << text_of(r);
  EXPECT_NE(text_of(r).find("-> 812"), std::string::npos) << text_of(r);
}

TEST_F(ConfigActions, SetNodeConfigReportsRestartFromCmonReply) {
  json args{{"cluster_name", "prod-galera"},
            {"node", "10.0.1.13:3306"},
            {"variables", json::array({json{{"name", "innodb_buffer_pool_size"}, {"value", "6G"}}})}};
  auto r = ok("set_node_config", args);
  EXPECT_EQ(conf_value(1, "10.0.1.13:3306", "innodb_buffer_pool_size"), "6G");
  json s = structured(r);
  EXPECT_TRUE(s["restart_needed"].get<bool>()) << text_of(r);
  EXPECT_TRUE(s["nodes"][0]["restart_needed"].get<bool>());
  EXPECT_NE(s["nodes"][0]["restart_reasons"].dump().find("CMON"), std::string::npos);
  EXPECT_NE(text_of(r).find("restart_node {\"cluster_id\": 1, \"node\": \"10.0.1.13:3306\"}"),
            std::string::npos)
      << text_of(r);
}

TEST_F(ConfigActions, SetNodeConfigAllNodesOneRequestPerNodeAndKnownStaticVariable) {
  json args{{"cluster_id", 3},
            {"all_nodes", true},
            {"variables", json::array({json{{"name", "max_connections"}, {"value", "321"}}})}};
  auto r = ok("set_node_config", args);
  EXPECT_EQ(conf_value(3, "10.0.3.11:5432", "max_connections"), "321");
  EXPECT_EQ(conf_value(3, "10.0.3.12:5432", "max_connections"), "321");
  json s = structured(r);
  ASSERT_EQ(s["nodes"].size(), 2u);
  // The simulator does not ask for a restart here; PostgreSQL's max_connections is a postmaster
  // parameter, which our list knows.
  EXPECT_TRUE(s["restart_needed"].get<bool>());
  EXPECT_NE(s["nodes"][0]["restart_reasons"].dump().find("postmaster"), std::string::npos);
  EXPECT_NE(s.value("restart_hint", "").find("rolling_restart {\"cluster_id\": 3}"), std::string::npos)
      << s.dump();
}

TEST_F(ConfigActions, SetNodeConfigAllNodesLeavesSentinelsOut) {
  json args{{"cluster_id", 8},
            {"all_nodes", true},
            {"dry_run", true},
            {"variables", json::array({json{{"name", "maxmemory"}, {"value", "2gb"}}})}};
  auto r = ok("set_node_config", args);
  json s = structured(r);
  ASSERT_EQ(s["requests"].size(), 3u) << s.dump();
  for (const auto& req : s["requests"]) {
    EXPECT_EQ(req["operation"], "setConfig");
    EXPECT_EQ(req["body"]["port"], 6379);
  }
  EXPECT_EQ(conf_value(8, "10.0.8.11:6379", "maxmemory"), "4gb");
}

TEST_F(ConfigActions, SetNodeConfigDryRunShowsRequestAndChangesNothing) {
  const std::string before = conf_value(1, "10.0.1.12:3306", "long_query_time");
  json args{{"cluster_id", 1},
            {"node", "10.0.1.12"},
            {"dry_run", true},
            {"variables", json::array({json{{"name", "long-query-time"}, {"value", "7"}}})}};
  auto r = ok("set_node_config", args);
  json s = structured(r);
  EXPECT_EQ(s.value("status", ""), "dry_run");
  ASSERT_EQ(s["requests"].size(), 1u);
  const json& req = s["requests"][0];
  EXPECT_EQ(req["path"], "/v2/config");
  EXPECT_EQ(req["operation"], "setConfig");
  EXPECT_EQ(req["body"]["cluster_id"], 1);
  EXPECT_EQ(req["body"]["hostname"], "10.0.1.12");
  EXPECT_EQ(req["body"]["port"], 3306);
  // The file's spelling is sent (MySQL treats '-' and '_' alike), with its section as group.
  EXPECT_EQ(req["body"]["configuration"][0],
            (json{{"name", "long_query_time"}, {"value", "7"}, {"group", "mysqld"}}));
  EXPECT_NE(s.value("effect", "").find("10.0.1.12:3306: long_query_time " + before + " -> 7"),
            std::string::npos)
      << s.dump();
  EXPECT_EQ(conf_value(1, "10.0.1.12:3306", "long_query_time"), before);

  // The dry run already says when a restart will be needed.
  json pg{{"cluster_id", 4},
          {"node", "10.0.4.11"},
          {"dry_run", true},
          {"variables", json::array({json{{"name", "shared_buffers"}, {"value", "4GB"}}})}};
  auto p = ok("set_node_config", pg);
  EXPECT_NE(structured(p).value("effect", "").find("restart will be needed"), std::string::npos)
      << text_of(p);
  EXPECT_EQ(conf_value(4, "10.0.4.11:5432", "shared_buffers"), "2GB");
}

TEST_F(ConfigActions, SetNodeConfigRefusesUnknownVariableUnlessAddMissing) {
  json vars = json::array({json{{"name", "max_conections"}, {"value", "900"}}});
  json args{{"cluster_id", 1}, {"node", "10.0.1.11"}, {"variables", vars}};
  fails("set_node_config", args, "close matches: max_connections");
  EXPECT_EQ(conf_value(1, "10.0.1.11:3306", "max_conections"), "<absent>");

  json add{{"cluster_id", 1},
           {"node", "10.0.1.11"},
           {"add_missing", true},
           {"variables", json::array({json{{"name", "table_open_cache"}, {"value", "4000"}}})}};
  auto r = ok("set_node_config", add);
  EXPECT_EQ(conf_value(1, "10.0.1.11:3306", "table_open_cache", "mysqld"), "4000");
  EXPECT_TRUE(structured(r)["nodes"][0]["changes"][0]["added"].get<bool>());
}

TEST_F(ConfigActions, SetNodeConfigAsksForSectionWhenNameIsInSeveral) {
  // max_allowed_packet is set in [mysqldump] only; add it to [mysqld] too.
  json add{{"cluster_id", 1},
           {"node", "10.0.1.12"},
           {"add_missing", true},
           {"variables",
            json::array({json{{"name", "max_allowed_packet"}, {"value", "64M"}, {"section", "mysqld"}}})}};
  ok("set_node_config", add);
  EXPECT_EQ(conf_value(1, "10.0.1.12:3306", "max_allowed_packet", "mysqld"), "64M");
  EXPECT_EQ(conf_value(1, "10.0.1.12:3306", "max_allowed_packet", "mysqldump"), "512M");

  json ambiguous{{"cluster_id", 1},
                 {"node", "10.0.1.12"},
                 {"variables", json::array({json{{"name", "max_allowed_packet"}, {"value", "128M"}}})}};
  fails("set_node_config", ambiguous, "several sections");
  json precise = ambiguous;
  precise["variables"][0]["section"] = "[mysqldump]";
  ok("set_node_config", precise);
  EXPECT_EQ(conf_value(1, "10.0.1.12:3306", "max_allowed_packet", "mysqldump"), "128M");
  EXPECT_EQ(conf_value(1, "10.0.1.12:3306", "max_allowed_packet", "mysqld"), "64M");
  EXPECT_EQ(count_of(1, "10.0.1.12:3306", "max_allowed_packet"), 2);
}

TEST_F(ConfigActions, SetNodeConfigRedactsCredentials) {
  json args{{"cluster_id", 8},
            {"node", "10.0.8.12:6379"},
            {"add_missing", true},
            {"variables", json::array({json{{"name", "masterauth"}, {"value", "S3cret-Pw"}},
                                       json{{"name", "maxmemory-policy"}, {"value", "volatile-lru"}}})}};
  json dry = args;
  dry["dry_run"] = true;
  auto d = ok("set_node_config", dry);
  EXPECT_EQ(text_of(d).find("S3cret-Pw"), std::string::npos) << text_of(d);
  EXPECT_EQ(structured(d).dump().find("S3cret-Pw"), std::string::npos) << structured(d).dump();
  EXPECT_EQ(structured(d)["requests"][0]["body"]["configuration"][0]["value"], "***");
  EXPECT_EQ(structured(d)["requests"][0]["body"]["configuration"][1]["value"], "volatile-lru");
  EXPECT_EQ(conf_value(8, "10.0.8.12:6379", "masterauth"), "<absent>");

  auto r = ok("set_node_config", args);
  EXPECT_EQ(text_of(r).find("S3cret-Pw"), std::string::npos) << text_of(r);
  EXPECT_EQ(structured(r).dump().find("S3cret-Pw"), std::string::npos);
  EXPECT_EQ(conf_value(8, "10.0.8.12:6379", "masterauth"), "S3cret-Pw");
  EXPECT_EQ(conf_value(8, "10.0.8.12:6379", "maxmemory-policy"), "volatile-lru");
}

TEST_F(ConfigActions, SetNodeConfigMongoDottedNameAndRestart) {
  json args{{"cluster_id", 5},
            {"node", "10.0.5.12"},
            {"variables",
             json::array({json{{"name", "storage.wiredTiger.engineConfig.cacheSizeGB"}, {"value", 3}}})}};
  auto r = ok("set_node_config", args);
  EXPECT_EQ(conf_value(5, "10.0.5.12:27017", "wiredTiger.engineConfig.cacheSizeGB", "storage"), "3");
  EXPECT_TRUE(structured(r)["restart_needed"].get<bool>());
}

TEST_F(ConfigActions, SetNodeConfigTargetErrors) {
  json vars = json::array({json{{"name", "max_connections"}, {"value", "600"}}});
  fails("set_node_config", json({{"cluster_id", 1}, {"variables", vars}}), "all_nodes: true");
  fails("set_node_config",
        json({{"cluster_id", 1}, {"node", "10.0.1.11"}, {"all_nodes", true}, {"variables", vars}}),
        "not both");
  fails("set_node_config", json({{"cluster_id", 1}, {"node", "10.9.9.9"}, {"variables", vars}}), "not found");
  fails("set_node_config", json({{"cluster_id", 1}, {"node", "10.0.0.5:9500"}, {"variables", vars}}),
        "controller");
  fails("set_node_config", json({{"cluster_id", 99}, {"node", "10.0.1.11"}, {"variables", vars}}),
        "not found");
  json twice = json::array({json{{"name", "max_connections"}, {"value", "600"}},
                            json{{"name", "MAX_CONNECTIONS"}, {"value", "700"}}});
  fails("set_node_config", json({{"cluster_id", 1}, {"node", "10.0.1.11"}, {"variables", twice}}), "twice");
  EXPECT_NE(conf_value(1, "10.0.1.11:3306", "max_connections"), "600");
}

TEST_F(ConfigActions, SetNodeConfigAllOrNothingAcrossNodes) {
  // replSetName is not in the mongos nodes' files: with all_nodes on the sharded cluster nothing is
  // changed, not even on the nodes that have it.
  json args{{"cluster_id", 6},
            {"all_nodes", true},
            {"variables",
             json::array({json{{"name", "replSetName"}, {"value", "rs-x"}, {"section", "replication"}}})}};
  auto text = fails("set_node_config", args, "Nothing was changed");
  EXPECT_NE(text.find("10.0.6.21"), std::string::npos) << text;
  EXPECT_EQ(text.find("10.0.6.11"), std::string::npos) << text;
  EXPECT_EQ(conf_value(6, "10.0.6.11:27019", "replSetName"), "cfg");
  EXPECT_EQ(conf_value(6, "10.0.6.31:27018", "replSetName"), "shard01");
}

// -----------------------------------------------------------------------------------------
// set_cluster_settings

TEST_F(ConfigActions, SetClusterSettingsChangesTheSettings) {
  json args{{"cluster_id", 2},
            {"settings", json::array({json{{"name", "backup_retention"}, {"value", 14}},
                                      json{{"name", "enable_node_autorecovery"}, {"value", false}}})}};
  auto r = ok("set_cluster_settings", args);
  EXPECT_EQ(setting(2, "backup_retention"), "14");
  EXPECT_EQ(setting(2, "enable_node_autorecovery"), "false");
  EXPECT_FALSE(sim_cluster(2).value("node_auto_recovery", true));
  json s = structured(r);
  EXPECT_EQ(s.value("status", ""), "done");
  ASSERT_EQ(s["changes"].size(), 2u);
  EXPECT_EQ(s["changes"][0]["old_value"], "31");
  EXPECT_EQ(s["changes"][0]["new_value"], "14");
  // Other clusters keep theirs.
  EXPECT_EQ(setting(1, "backup_retention"), "31");
}

TEST_F(ConfigActions, SetClusterSettingsRefusesUnknownNamesWithCloseMatches) {
  json before = sim_cluster(1)["settings"];
  json args{{"cluster_name", "prod-galera"},
            {"settings", json::array({json{{"name", "backup_retension"}, {"value", "10"}},
                                      json{{"name", "host_stats_collection_interval"}, {"value", "15"}}})}};
  auto text = fails("set_cluster_settings", args,
                    "unknown setting 'backup_retension'; close matches: backup_retention");
  EXPECT_EQ(sim_cluster(1)["settings"], before);
  fails("set_cluster_settings",
        json({{"cluster_id", 1},
              {"settings", json::array({json{{"name", "autorecovery"}, {"value", "true"}}})}}),
        "enable_cluster_autorecovery");
}

TEST_F(ConfigActions, SetClusterSettingsRefusesReadOnlyAndWrongKinds) {
  json before = sim_cluster(1)["settings"];
  auto one = [](const char* name, json value) {
    return json{{"cluster_id", 1}, {"settings", json::array({json{{"name", name}, {"value", value}}})}};
  };
  fails("set_cluster_settings", one("cluster_type", "galera"), "read-only");
  fails("set_cluster_settings", one("config_file_path", "/tmp/x.cnf"), "read-only");
  fails("set_cluster_settings", one("enable_cluster_autorecovery", "maybe"), "true or false");
  fails("set_cluster_settings", one("host_stats_collection_interval", "fast"), "whole number");
  fails("set_cluster_settings", one("long_query_time", "slow"), "number");
  EXPECT_EQ(sim_cluster(1)["settings"], before);
  // A decimal where the current value is decimal is fine.
  ok("set_cluster_settings", one("long_query_time", 1.5));
  EXPECT_EQ(setting(1, "long_query_time"), "1.5");
}

TEST_F(ConfigActions, SetClusterSettingsDryRun) {
  json before = sim_cluster(3)["settings"];
  json args{{"cluster_id", 3},
            {"dry_run", true},
            {"settings", json::array({json{{"name", "Host_Stats_Collection_Interval"}, {"value", "60"}}})}};
  auto r = ok("set_cluster_settings", args);
  json s = structured(r);
  EXPECT_EQ(s.value("status", ""), "dry_run");
  ASSERT_EQ(s["requests"].size(), 1u);
  EXPECT_EQ(s["requests"][0]["path"], "/v2/clusters");
  EXPECT_EQ(s["requests"][0]["operation"], "setConfig");
  EXPECT_EQ(s["requests"][0]["body"],
            (json{{"cluster_id", 3},
                  {"configuration",
                   json::array({json{{"name", "host_stats_collection_interval"}, {"value", "60"}}})}}));
  EXPECT_EQ(sim_cluster(3)["settings"], before);
}

}  // namespace
}  // namespace cmon_mcp::tools::test_support
