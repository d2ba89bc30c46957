// Turns a compact fixture (tests/sim/fixtures/*.json) into the simulator's full model: every object
// gets the fields a cmon 1.8.2 controller sends (class names, ids, CDT metadata, per-vendor host
// details, configuration files, settings, query digests), so fixtures stay short and readable.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "cmon_mcp/util/expected.hpp"

namespace cmon_sim {

cmon_mcp::Expected<nlohmann::json, std::string> build_model(const nlohmann::json& fixture);

// Completes a user object (fixture form: user_name, password, groups as names, readonly, ...).
nlohmann::json finish_user(nlohmann::json& model, const nlohmann::json& user);
// Completes a host object for a cluster (used when jobs add nodes).
nlohmann::json finish_host(nlohmann::json& model, const nlohmann::json& cluster, const nlohmann::json& host);
// Completes a cluster object, including its hosts, databases, accounts and generated data.
nlohmann::json finish_cluster(nlohmann::json& model, const nlohmann::json& cluster);
// A v1 backup record (CmonBackupRecord) from its essentials.
nlohmann::json make_backup_record(nlohmann::json& model, const nlohmann::json& cluster, int64_t id,
                                  const std::string& method, const std::string& host,
                                  const std::string& status, int64_t created_epoch, int64_t finished_epoch,
                                  int64_t size, const nlohmann::json& databases, int64_t job_id,
                                  int64_t parent_id, const std::string& backup_dir);
// Configuration files of one node, per vendor (my.cnf, postgresql.conf, mongod.conf, ...).
nlohmann::json make_node_config(const nlohmann::json& cluster, const nlohmann::json& host);
// Re-renders a config file's `content` from its `values`.
void render_config_content(nlohmann::json& file);
// Vendor family of a cluster: "mysql", "postgresql", "mongodb", "mssql", "redis".
std::string family_of(const nlohmann::json& cluster);
// Backup methods allowed for a cluster, first one is the default.
std::vector<std::string> backup_methods_for(const nlohmann::json& cluster);

}  // namespace cmon_sim
