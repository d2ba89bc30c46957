// The tool surface is a reviewed artefact (style.md rule 7): every definition is compared with the committed
// tools_list.golden.json (docs/tools.md is generated from the same registry by scripts/gen-docs.sh).
// Regenerate after an intended change: CMON_MCP_UPDATE_GOLDEN=1 ./tools_tests --gtest_filter='Golden*'
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/util/json_schema.hpp"

namespace cmon_mcp::tools {
namespace {

using nlohmann::json;

const std::string kGolden = std::string(CMON_MCP_SOURCE_DIR) + "/tests/unit/tools/tools_list.golden.json";

Registry all_tools() {
  Registry r;
  register_all_tools(r);
  return r;
}

const char* class_letter(ToolClass c) {
  return c == ToolClass::read ? "R" : c == ToolClass::write ? "W" : "D";
}

json definitions(const Registry& registry) {
  json arr = json::array();
  for (const auto& d : registry.all()) {
    json t{{"name", d.name},
           {"title", d.title},
           {"group", d.group},
           {"class", class_letter(d.tool_class)},
           {"description", d.description},
           {"inputSchema", d.input_schema},
           {"annotations", annotations_for(d)}};
    if (d.output_schema) t["outputSchema"] = *d.output_schema;
    arr.push_back(std::move(t));
  }
  return arr;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool updating() {
  const char* v = std::getenv("CMON_MCP_UPDATE_GOLDEN");
  return v && std::string(v) == "1";
}

TEST(Golden, ToolDefinitionsMatchTheCommittedSnapshot) {
  Registry registry = all_tools();
  std::string now = definitions(registry).dump(2) + "\n";
  if (updating()) {
    std::ofstream(kGolden) << now;
    GTEST_SKIP() << "wrote " << kGolden;
  }
  std::string committed = read_file(kGolden);
  ASSERT_FALSE(committed.empty()) << "missing " << kGolden << "; run with CMON_MCP_UPDATE_GOLDEN=1";
  EXPECT_EQ(json::parse(committed), json::parse(now))
      << "the tool surface changed; review, then regenerate with CMON_MCP_UPDATE_GOLDEN=1";
}

TEST(Definitions, AreWellFormedAndWrittenForAModel) {
  Registry registry = all_tools();
  std::regex name_re("^[a-z]+(_[a-z0-9]+)+$|^whoami$");
  for (const auto& d : registry.all()) {
    SCOPED_TRACE(d.name);
    EXPECT_TRUE(std::regex_match(d.name, name_re));
    EXPECT_FALSE(d.title.empty());
    EXPECT_GT(d.description.size(), 80u);
    EXPECT_NE(d.description.find("Example"), std::string::npos);
    if (d.tool_class == ToolClass::read) {
      EXPECT_NE(d.description.find("Read-only"), std::string::npos);
    }
    EXPECT_EQ(d.input_schema["type"], "object");
    EXPECT_TRUE(d.input_schema.contains("properties"));
    EXPECT_EQ(d.input_schema["additionalProperties"], false);
    ASSERT_TRUE(d.output_schema.has_value());
    EXPECT_EQ((*d.output_schema)["type"], "object");
    for (const auto& r : d.input_schema.value("required", json::array()))
      EXPECT_TRUE(d.input_schema["properties"].contains(r.get<std::string>())) << r;
    // Every schema must itself be usable by the validator (an empty object is valid input where nothing is
    // required).
    if (!d.input_schema.contains("required")) {
      EXPECT_TRUE(util::validate_schema(d.input_schema, json::object()).empty());
    }
  }
}

TEST(Definitions, CoverTheCatalogueReadTools) {
  // tools-catalogue.md section B, every tool of class R, plus get_recent_changes.
  const std::set<std::string> catalogue = {"list_clusters",
                                           "get_cluster",
                                           "get_cluster_health",
                                           "list_supported_cluster_types",
                                           "check_hosts",
                                           "list_nodes",
                                           "get_node",
                                           "get_replication_status",
                                           "list_jobs",
                                           "get_job",
                                           "get_job_log",
                                           "wait_for_job",
                                           "list_backups",
                                           "get_backup",
                                           "list_backup_schedules",
                                           "list_db_users",
                                           "list_databases",
                                           "whoami",
                                           "list_cmon_users",
                                           "list_cmon_groups",
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
                                           "list_alarms",
                                           "get_alarm",
                                           "get_alarm_summary",
                                           "get_cluster_log",
                                           "get_log_entry",
                                           "get_audit_log",
                                           "list_maintenance",
                                           "get_current_maintenance",
                                           "get_node_config",
                                           "get_cluster_settings",
                                           "get_controller_info",
                                           "list_report_templates",
                                           "list_reports",
                                           "get_report",
                                           "get_recent_changes"};
  ASSERT_EQ(catalogue.size(), 45u);
  Registry registry = all_tools();
  std::set<std::string> have;
  for (const auto& d : registry.all())
    if (d.tool_class == ToolClass::read) have.insert(d.name);
  for (const auto& n : catalogue) EXPECT_TRUE(have.count(n)) << "missing " << n;
  for (const auto& n : have) EXPECT_TRUE(catalogue.count(n)) << "not in the catalogue: " << n;
}

}  // namespace
}  // namespace cmon_mcp::tools
