// The one list of tool domains, in catalogue order (tools-catalogue.md section B).
#include "cmon_mcp/tools/all.hpp"

namespace cmon_mcp::tools {

void register_all_tools(Registry& registry) {
  register_clusters_tools(registry);
  register_clusters_actions(registry);
  register_nodes_tools(registry);
  register_nodes_actions(registry);
  register_jobs_tools(registry);
  register_jobs_actions(registry);
  register_backups_tools(registry);
  register_backups_actions(registry);
  register_accounts_tools(registry);
  register_accounts_actions(registry);
  register_users_tools(registry);
  register_users_actions(registry);
  register_monitoring_tools(registry);
  register_alarms_tools(registry);
  register_alarms_actions(registry);
  register_logs_tools(registry);
  register_maintenance_tools(registry);
  register_maintenance_actions(registry);
  register_config_tools(registry);
  register_config_actions(registry);
  register_controller_tools(registry);
  register_controller_actions(registry);
}

}  // namespace cmon_mcp::tools
