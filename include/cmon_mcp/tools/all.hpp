// Registration of every tool the server offers, one function per catalogue domain (src/tools/<domain>.cpp).
// The app calls register_all_tools once; tests and docs generation use the same entry point.
#pragma once

#include "cmon_mcp/tools/registry.hpp"

namespace cmon_mcp::tools {

void register_clusters_tools(Registry& registry);
void register_nodes_tools(Registry& registry);
void register_jobs_tools(Registry& registry);
void register_backups_tools(Registry& registry);
void register_accounts_tools(Registry& registry);
void register_users_tools(Registry& registry);
void register_monitoring_tools(Registry& registry);
void register_alarms_tools(Registry& registry);
void register_logs_tools(Registry& registry);
void register_maintenance_tools(Registry& registry);
void register_config_tools(Registry& registry);
void register_controller_tools(Registry& registry);

// The state-changing (W and D) tools of each domain, in src/tools/<domain>_actions.cpp.
void register_clusters_actions(Registry& registry);
void register_nodes_actions(Registry& registry);
void register_jobs_actions(Registry& registry);
void register_backups_actions(Registry& registry);
void register_accounts_actions(Registry& registry);
void register_users_actions(Registry& registry);
void register_alarms_actions(Registry& registry);
void register_maintenance_actions(Registry& registry);
void register_config_actions(Registry& registry);
void register_controller_actions(Registry& registry);

// Every domain above, in catalogue order.
void register_all_tools(Registry& registry);

}  // namespace cmon_mcp::tools
