// The job engine: validation of job commands, the DEFINED -> RUNNING -> FINISHED/FAILED timeline
// (driven lazily by wall time and the --job-speed factor), job logs, and each command's effect on the
// model when it finishes; plus the /v2/jobs operations.
#include <algorithm>
#include <set>

#include "cmon_sim/engine.hpp"
#include "cmon_sim/model_builder.hpp"

namespace cmon_sim {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const std::set<std::string>& known_commands() {
  static const std::set<std::string> s = {"create_cluster",
                                          "add_cluster",
                                          "remove_cluster",
                                          "start_cluster",
                                          "stop_cluster",
                                          "rolling_restart",
                                          "start",
                                          "stop",
                                          "restart",
                                          "reboot",
                                          "addnode",
                                          "removenode",
                                          "registernode",
                                          "add_replication_slave",
                                          "promote_replication_slave",
                                          "failover_replication_slave",
                                          "stage_replication_slave",
                                          "start_replication_slave",
                                          "stop_replication_slave",
                                          "reset_replication_slave",
                                          "demote_node",
                                          "toggle_replication_sync",
                                          "enable_db_readonly",
                                          "disable_db_readonly",
                                          "enable_cluster_readonly",
                                          "disable_cluster_readonly",
                                          "enable_recovery",
                                          "disable_recovery",
                                          "enable_node_recovery",
                                          "disable_node_recovery",
                                          "create_maintenance",
                                          "backup",
                                          "restore_backup",
                                          "verify_backup",
                                          "delete_backup",
                                          "delete_old_backups",
                                          "delete_all_backups",
                                          "delete_database",
                                          "setup_ssl",
                                          "setup_audit_logging",
                                          "setup_logrotate",
                                          "enable_binary_logging",
                                          "enable_log_archiving",
                                          "upgrade_cluster",
                                          "check_pkg_upgrades",
                                          "calculate_db_growth",
                                          "error_report",
                                          "collect_logs",
                                          "import_config",
                                          "deploy_agents",
                                          "deploy_cmonagents",
                                          "uninstall_cmonagents",
                                          "haproxy",
                                          "proxysql",
                                          "maxscale",
                                          "keepalived",
                                          "pgbouncer",
                                          "pgbackrest",
                                          "pbmagent",
                                          "nfsclient",
                                          "nfsserver",
                                          "garbd",
                                          "add_shard",
                                          "execute",
                                          "inspect_host",
                                          "save_cluster",
                                          "restore_cluster",
                                          "save_controller",
                                          "restore_controller",
                                          "sync_clusters",
                                          "renew_mssql_certificate",
                                          "create_local_repository",
                                          "success",
                                          "fail"};
  return s;
}

bool controller_level(const std::string& cmd) {
  static const std::set<std::string> s = {
      "create_cluster",  "add_cluster",        "execute",         "success",       "fail",
      "save_controller", "restore_controller", "restore_cluster", "sync_clusters", "create_local_repository",
      "inspect_host"};
  return s.count(cmd) > 0;
}

int64_t to_int(const json& v, int64_t def = 0) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_string()) {
    try {
      return std::stoll(v.get<std::string>());
    } catch (...) {
      return def;
    }
  }
  return def;
}

struct NodeRef {
  std::string hostname;
  int64_t port = 0;
};

// "host", "host:port", or {hostname, port}.
std::optional<NodeRef> node_ref(const json& v) {
  if (v.is_string()) {
    std::string s = v;
    if (s.empty()) return std::nullopt;
    auto colon = s.rfind(':');
    if (colon == std::string::npos) return NodeRef{s, 0};
    return NodeRef{s.substr(0, colon), to_int(json(s.substr(colon + 1)))};
  }
  if (v.is_object() && v.contains("hostname") && v["hostname"].is_string() && v["hostname"] != "")
    return NodeRef{v["hostname"], v.contains("port") ? to_int(v["port"]) : 0};
  return std::nullopt;
}

// The node a single-node job targets.
std::optional<NodeRef> job_node(const std::string& cmd, const json& data) {
  std::vector<const char*> keys = {"node"};
  if (cmd.find("replication_slave") != std::string::npos)
    keys = {"replication_slave", "node", "slave_address"};
  for (const char* k : keys)
    if (data.contains(k)) return node_ref(data[k]);
  if (data.contains("hostname") && data["hostname"].is_string() && data["hostname"] != "auto")
    return NodeRef{data["hostname"], data.contains("port") ? to_int(data["port"]) : 0};
  return std::nullopt;
}

std::string node_text(const NodeRef& n) {
  return n.hostname + (n.port ? ":" + std::to_string(n.port) : "");
}

bool is_replica(const json& h) {
  std::string r = h.value("role", "");
  return r == "slave" || r == "replica" || r == "SECONDARY" || h.value("member_role", "") == "Secondary";
}

json* find_backup(Engine& e, int64_t id) {
  for (auto& b : e.model()["backups"])
    if (b.value("id", int64_t{-1}) == id) return &b;
  return nullptr;
}

}  // namespace

// Returns why the job will fail ("" when it is valid). Structural problems are reported at creation.
std::string validate_job(Engine& e, json* cluster, const std::string& cmd, const json& data) {
  static const std::set<std::string> node_cmds = {"start",
                                                  "stop",
                                                  "restart",
                                                  "reboot",
                                                  "enable_db_readonly",
                                                  "disable_db_readonly",
                                                  "promote_replication_slave",
                                                  "failover_replication_slave",
                                                  "stage_replication_slave",
                                                  "start_replication_slave",
                                                  "stop_replication_slave",
                                                  "reset_replication_slave",
                                                  "demote_node",
                                                  "toggle_replication_sync"};
  if (cmd == "fail") return "The job failed as requested (test job 'fail').";
  if (node_cmds.count(cmd)) {
    auto n = job_node(cmd, data);
    if (!n) return "The job data has no target node ('node' with 'hostname' and 'port').";
    json* h = e.find_host(*cluster, n->hostname, n->port);
    if (!h)
      return "Host " + node_text(*n) + " is not a member of cluster " +
             std::to_string((*cluster)["cluster_id"].get<int64_t>()) + ".";
    if ((cmd == "promote_replication_slave" || cmd == "failover_replication_slave") && !is_replica(*h))
      return "Host " + node_text(*n) + " is not a replica, it can not be promoted.";
  }
  if (cmd == "removenode") {
    json nodes = data.contains("nodes")  ? data["nodes"]
                 : data.contains("node") ? json::array({data["node"]})
                                         : json::array();
    if (!nodes.is_array() || nodes.empty()) return "The job data has no 'nodes' to remove.";
    for (const auto& nv : nodes) {
      auto n = node_ref(nv);
      if (!n || !e.find_host(*cluster, n->hostname, n->port))
        return "Host " + (n ? node_text(*n) : nv.dump()) + " is not a member of the cluster.";
    }
  }
  if (cmd == "addnode" || cmd == "add_replication_slave" || cmd == "registernode") {
    std::optional<NodeRef> n;
    if (data.contains("slave_address"))
      n = node_ref(data["slave_address"]);
    else if (data.contains("node"))
      n = node_ref(data["node"]);
    else if (data.contains("nodes") && data["nodes"].is_array() && !data["nodes"].empty())
      n = node_ref(data["nodes"][0]);
    else if (data.contains("hostname"))
      n = node_ref(json(data.value("hostname", "")));
    if (!n) return "The job data has no node to add.";
    for (auto& c : e.model()["clusters"])
      if (e.find_host(c, n->hostname, n->port ? n->port : 0))
        return "Host " + n->hostname + " is already in use by cluster " +
               std::to_string(c["cluster_id"].get<int64_t>()) + ".";
  }
  if (cmd == "backup") {
    auto methods = backup_methods_for(*cluster);
    std::string m = data.value("backup_method", "");
    if (!m.empty() && std::find(methods.begin(), methods.end(), m) == methods.end())
      return "Backup method '" + m + "' is not supported for " +
             (*cluster)["cluster_type"].get<std::string>() + " (" + (*cluster)["vendor"].get<std::string>() +
             ") clusters.";
    auto n = job_node(cmd, data);
    if (n && !e.find_host(*cluster, n->hostname, n->port))
      return "Host " + node_text(*n) + " is not a member of cluster " +
             std::to_string((*cluster)["cluster_id"].get<int64_t>()) + ".";
  }
  if (cmd == "restore_backup" || cmd == "verify_backup" || cmd == "delete_backup" ||
      cmd == "stage_replication_slave") {
    if (cmd != "stage_replication_slave" || data.contains("backupid")) {
      int64_t id = data.contains("backupid")    ? to_int(data["backupid"], -1)
                   : data.contains("backup_id") ? to_int(data["backup_id"], -1)
                                                : -1;
      json* b = find_backup(e, id);
      if (!b || (*b)["cid"] != (*cluster)["cluster_id"])
        return "Backup " + std::to_string(id) + " was not found in this cluster.";
      if ((*b)["status"] != "Completed")
        return "Backup " + std::to_string(id) + " is not a completed backup.";
    }
  }
  if (cmd == "delete_database") {
    std::string db = data.value("database", data.value("database_name", ""));
    bool found = false;
    for (const auto& d : (*cluster)["databases"])
      if (d["database_name"] == db) found = true;
    if (!found) return "Database '" + db + "' was not found.";
  }
  if (cmd == "create_cluster" || cmd == "add_cluster") {
    if (!data.contains("cluster_type") || !data["cluster_type"].is_string())
      return "The job data has no 'cluster_type'.";
    if (!data.contains("nodes") || !data["nodes"].is_array() || data["nodes"].empty())
      return "The job data has no 'nodes'.";
    for (const auto& nv : data["nodes"]) {
      auto n = node_ref(nv);
      if (!n) return "A node in the job data has no hostname.";
      for (auto& c : e.model()["clusters"])
        if (e.find_host(c, n->hostname, 0))
          return "Host " + n->hostname + " is already in use by cluster " +
                 std::to_string(c["cluster_id"].get<int64_t>()) + ".";
    }
  }
  return "";
}

json Engine::create_job(Call& c, json* cluster, const json& jr) {
  int64_t id = next_id("job");
  json spec = jr["job_spec"];
  std::string recurrence = jr.value("recurrence", "");
  std::string status = jr.value("status", "");
  bool scheduled = !recurrence.empty() || status == "SCHEDULED" || jr.contains("scheduled");
  json* user = c.user;
  json group =
      user && !(*user)["groups"].empty() ? (*user)["groups"][0] : json{{"group_id", 0}, {"group_name", ""}};
  json job = {{"class_name", "CmonJobInstance"},
              {"job_id", id},
              {"cluster_id", cluster ? (*cluster)["cluster_id"].get<int64_t>() : 0},
              {"title", jr.value("title", spec.value("command", "job"))},
              {"status", scheduled ? "SCHEDULED" : "DEFINED"},
              {"status_text", scheduled ? "Scheduled" : "Pending"},
              {"created", now_iso()},
              {"user_id", c.user_id()},
              {"user_name", c.user_name()},
              {"group_id", group.value("group_id", 0)},
              {"group_name", group.value("group_name", "")},
              {"ip_address", "127.0.0.1"},
              {"rpc_version", "2.0"},
              {"can_be_aborted", false},
              {"can_be_deleted", true},
              {"exit_code", 0},
              {"has_progress", false},
              {"progress_percent", 0},
              {"tags", jr.contains("tags") && jr["tags"].is_array() ? jr["tags"] : json::array()},
              {"job_spec", spec}};
  if (!recurrence.empty()) job["recurrence"] = recurrence;
  if (jr.contains("scheduled")) job["scheduled"] = jr["scheduled"];
  job["_t0_ms"] = now_ms();
  job["_dur_ms"] = std::max<int64_t>(40, static_cast<int64_t>(3000.0 / job_speed_));
  job["_messages"] = json::array();
  job["_fail"] =
      cluster || controller_level(spec.value("command", ""))
          ? validate_job(*this, cluster, spec.value("command", ""), spec.value("job_data", json::object()))
          : std::string();
  if (jr.contains("scheduled") && recurrence.empty()) {
    // One-off scheduled job: runs when its time comes (ISO-8601 string or epoch seconds).
    int64_t at = 0;
    if (jr["scheduled"].is_number_integer())
      at = jr["scheduled"].get<int64_t>() * 1000;
    else if (jr["scheduled"].is_string()) {
      std::tm tm{};
      if (strptime(jr["scheduled"].get<std::string>().c_str(), "%Y-%m-%dT%H:%M:%S", &tm))
        at = static_cast<int64_t>(timegm(&tm)) * 1000;
    }
    job["_run_at_ms"] = at;
  }
  model_["jobs"].push_back(job);
  if (cluster)
    add_log_entry((*cluster)["cluster_id"], "LOG_INFO", "JobCreated",
                  "Job '" + job["title"].get<std::string>() + "' created.");
  return model_["jobs"].back();
}

void Engine::add_job_message(int64_t job_id, const std::string& status, const std::string& text) {
  json* j = find_job(job_id);
  if (!j) return;
  (*j)["_messages"].push_back({{"class_name", "CmonJobMessage"},
                               {"message_id", next_id("message")},
                               {"job_id", job_id},
                               {"created", now_iso()},
                               {"message_status", status},
                               {"message_text", text},
                               {"file_name", "CmonJobSimulator.cpp"},
                               {"line_number", 100 + static_cast<int64_t>((*j)["_messages"].size())}});
}

void Engine::finish_job(json& job, bool success, const std::string& reason) {
  int64_t id = job["job_id"];
  job["status"] = success ? "FINISHED" : "FAILED";
  job["status_text"] = success ? "Job finished." : "Job failed.";
  job["exit_code"] = success ? 0 : 1;
  job["ended"] = now_iso();
  job["can_be_aborted"] = false;
  job["can_be_deleted"] = true;
  if (success) job["progress_percent"] = 100;
  add_job_message(id, success ? "JOB_SUCCESS" : "JOB_FAILED",
                  success ? "Job finished successfully." : reason);
  int64_t cid = job.value("cluster_id", int64_t{0});
  add_log_entry(cid, success ? "LOG_INFO" : "LOG_ERR", "JobEnded",
                "Job " + std::to_string(id) + " '" + job.value("title", "") + "' " +
                    (success ? "finished." : "failed: " + reason));
}

void Engine::step_job(json& job, int64_t now) {
  std::string st = job.value("status", "");
  int64_t t0 = job.value("_t0_ms", int64_t{0});
  int64_t dur = job.value("_dur_ms", int64_t{3000});
  if (st == "SCHEDULED" && job.contains("_run_at_ms") && !job.contains("recurrence")) {
    if (now < job["_run_at_ms"].get<int64_t>()) return;
    job["status"] = st = "DEFINED";
    job["_t0_ms"] = t0 = now;
  }
  if (st == "DEFINED" && now - t0 >= dur / 10) {
    job["status"] = st = "RUNNING";
    job["status_text"] = "Running...";
    job["started"] = now_iso();
    job["has_progress"] = true;
    job["can_be_aborted"] = true;
    job["can_be_deleted"] = false;
    add_job_message(job["job_id"], "JOB_SUCCESS", "Job '" + job.value("title", "") + "' started.");
    std::string cmd = job["job_spec"].value("command", "");
    json data = job["job_spec"].value("job_data", json::object());
    auto n = job_node(cmd, data);
    if (n)
      add_job_message(job["job_id"], "JOB_SUCCESS", "Target node is <strong>" + node_text(*n) + "</strong>.");
  }
  if (st != "RUNNING") return;
  double frac = static_cast<double>(now - t0 - dur / 10) / static_cast<double>(dur - dur / 10);
  int pct = static_cast<int>(std::clamp(frac, 0.0, 0.99) * 100);
  if (pct >= 50 && job.value("progress_percent", 0) < 50)
    add_job_message(job["job_id"], "JOB_SUCCESS", "Progress: half of the work is done.");
  job["progress_percent"] = pct;
  if (now - t0 < dur) return;
  std::string reason = job.value("_fail", "");
  if (reason.empty()) {
    apply_job_effect(job);
    reason = job.value("_fail", "");
  }
  finish_job(job, reason.empty(), reason);
}

void Engine::advance() {
  int64_t now = now_ms();
  // Index loop: effects may add jobs (never remove) while we iterate.
  for (size_t i = 0; i < model_["jobs"].size(); ++i) {
    json& job = model_["jobs"][i];
    std::string st = job.value("status", "");
    // A job on its way (or due to start) changes what reads return as time passes.
    if (st == "DEFINED" || st == "RUNNING" || (st == "SCHEDULED" && job.contains("_run_at_ms")))
      ++generation_;
    step_job(job, now);
  }
}

void Engine::apply_job_effect(json& job) {
  std::string cmd = job["job_spec"].value("command", "");
  json data = job["job_spec"].value("job_data", json::object());
  if (!data.is_object()) data = json::object();
  int64_t job_id = job["job_id"];
  json* cluster = find_cluster(job.value("cluster_id", int64_t{0}));
  auto fail_now = [&](const std::string& why) { job["_fail"] = why; };
  if (!cluster && !controller_level(cmd)) return fail_now("The cluster of this job no longer exists.");
  int64_t cid = cluster ? (*cluster)["cluster_id"].get<int64_t>() : 0;
  auto set_status = [&](json& h, bool online, const std::string& why) {
    h["hoststatus"] = online ? "CmonHostOnline" : "CmonHostShutDown";
    h["connected"] = online;
    h["message"] = why;
    h["errormsg"] = why;
    h["status"] = online ? 0 : 1;
    if (online) h["uptime"] = 1;
  };
  auto db_hosts = [&]() {
    std::vector<json*> v;
    for (auto& h : (*cluster)["hosts"])
      if (h.value("nodetype", "") != "controller") v.push_back(&h);
    return v;
  };
  auto target = [&]() -> json* {
    auto n = job_node(cmd, data);
    return n ? find_host(*cluster, n->hostname, n->port) : nullptr;
  };

  if (cmd == "start" || cmd == "restart" || cmd == "reboot" || cmd == "stop") {
    json* h = target();
    if (!h) return fail_now("The target node is no longer a member of the cluster.");
    set_status(*h, cmd != "stop",
               cmd == "stop" ? "Stopped by job " + std::to_string(job_id) + "." : "Up and running.");
    (*cluster)["_stopped"] = false;
    add_log_entry(cid, cmd == "stop" ? "LOG_WARNING" : "LOG_INFO", "HostStateChange",
                  "Host " + h->value("hostname", "") + ":" + std::to_string(h->value("port", 0)) +
                      (cmd == "stop" ? " was stopped." : " is up and running."),
                  "Node");
  } else if (cmd == "start_cluster" || cmd == "rolling_restart") {
    for (auto* h : db_hosts()) set_status(*h, true, "Up and running.");
    (*cluster)["_stopped"] = false;
  } else if (cmd == "stop_cluster") {
    for (auto* h : db_hosts()) set_status(*h, false, "Stopped by job " + std::to_string(job_id) + ".");
    (*cluster)["_stopped"] = true;
  } else if (cmd == "enable_db_readonly" || cmd == "disable_db_readonly") {
    json* h = target();
    if (!h) return fail_now("The target node is no longer a member of the cluster.");
    (*h)["readonly"] = cmd == "enable_db_readonly";
  } else if (cmd == "enable_cluster_readonly" || cmd == "disable_cluster_readonly") {
    bool ro = cmd == "enable_cluster_readonly";
    (*cluster)["readonly"] = ro;
    for (auto* h : db_hosts())
      if (!is_replica(*h)) (*h)["readonly"] = ro;
  } else if (cmd == "enable_recovery" || cmd == "disable_recovery") {
    bool on = cmd == "enable_recovery";
    (*cluster)["cluster_auto_recovery"] = on;
    (*cluster)["node_auto_recovery"] = on;
    for (auto& s : (*cluster)["_settings"])
      if (s["name"] == "enable_cluster_autorecovery" || s["name"] == "enable_node_autorecovery")
        s["current_value"] = on ? "true" : "false";
  } else if (cmd == "enable_node_recovery" || cmd == "disable_node_recovery") {
    (*cluster)["node_auto_recovery"] = cmd == "enable_node_recovery";
  } else if (cmd == "promote_replication_slave" || cmd == "failover_replication_slave") {
    json* h = target();
    if (!h) return fail_now("The target node is no longer a member of the cluster.");
    std::string fam = family_of(*cluster);
    std::string primary_role = fam == "mssql" ? "PRIMARY" : fam == "redis" ? "primary" : "master";
    std::string replica_role = fam == "mssql" ? "SECONDARY" : fam == "redis" ? "replica" : "slave";
    std::string new_master = h->value("hostname", "");
    for (auto* o : db_hosts()) {
      if (o == h) continue;
      if (o->value("role", "") == primary_role) {
        (*o)["role"] = replica_role;
        (*o)["readonly"] = true;
      }
      if (o->contains("replication_slave") && (*o)["replication_slave"].is_object())
        (*o)["replication_slave"]["master_host"] = new_master;
    }
    (*h)["role"] = primary_role;
    (*h)["readonly"] = false;
    if (h->contains("replication_slave") && (*h)["replication_slave"].is_object()) {
      (*h)["replication_slave"]["master_host"] = "";
      (*h)["replication_slave"]["seconds_behind_master"] = "";
      (*h)["replication_slave"]["slave_io_running"] = "";
      (*h)["replication_slave"]["slave_sql_running"] = "";
    }
    if (h->contains("replica") && (*h)["replica"].is_object()) (*h)["replica"]["role"] = primary_role;
    add_log_entry(cid, "LOG_WARNING", "ClusterStateChange",
                  "Host " + new_master + " was promoted to primary.");
  } else if (cmd == "start_replication_slave" || cmd == "stop_replication_slave" ||
             cmd == "reset_replication_slave" || cmd == "stage_replication_slave") {
    json* h = target();
    if (!h) return fail_now("The target node is no longer a member of the cluster.");
    bool running = cmd != "stop_replication_slave";
    if (h->contains("replication_slave") && (*h)["replication_slave"].is_object()) {
      (*h)["replication_slave"]["slave_io_running"] = running ? "Yes" : "No";
      (*h)["replication_slave"]["slave_sql_running"] = running ? "Yes" : "No";
      if (cmd == "stage_replication_slave") (*h)["replication_slave"]["seconds_behind_master"] = "0";
    }
  } else if (cmd == "addnode" || cmd == "add_replication_slave" || cmd == "registernode") {
    std::optional<NodeRef> n;
    if (data.contains("slave_address"))
      n = node_ref(data["slave_address"]);
    else if (data.contains("node"))
      n = node_ref(data["node"]);
    else if (data.contains("nodes") && data["nodes"].is_array() && !data["nodes"].empty())
      n = node_ref(data["nodes"][0]);
    else
      n = node_ref(json(data.value("hostname", "")));
    if (!n) return fail_now("No node to add.");
    std::string fam = family_of(*cluster);
    json first = db_hosts().empty() ? json::object() : *db_hosts().front();
    int64_t port = n->port ? n->port : to_int(data.value("port", json(first.value("port", 0))));
    json nh = {{"hostname", n->hostname}, {"port", port}, {"nodetype", first.value("nodetype", fam)}};
    if (cmd == "add_replication_slave" || fam != "mysql" || (*cluster)["cluster_type"] != "GALERA") {
      std::string master;
      for (auto* h : db_hosts())
        if (!is_replica(*h)) master = h->value("hostname", "");
      nh["role"] = fam == "mssql"     ? "SECONDARY"
                   : fam == "redis"   ? "replica"
                   : fam == "mongodb" ? "shardsvr"
                                      : "slave";
      nh["master"] = data.value("master_address", master);
      nh["lag"] = 0;
      if (fam == "mongodb") nh["member_role"] = "Secondary";
    } else {
      nh["role"] = first.value("role", "master");
    }
    json host = finish_host(model_, *cluster, nh);
    std::string key = n->hostname + ":" + std::to_string(port);
    (*cluster)["_node_configs"][key] = make_node_config(*cluster, host);
    // Keep the controller entry last, as a controller lists it.
    auto& hosts = (*cluster)["hosts"];
    size_t pos = hosts.size();
    for (size_t i = 0; i < hosts.size(); ++i)
      if (hosts[i].value("nodetype", "") == "controller") pos = i;
    hosts.insert(hosts.begin() + static_cast<std::ptrdiff_t>(pos), host);
    add_log_entry(cid, "LOG_INFO", "HostStateChange", "Host " + key + " was added to the cluster.", "Node");
  } else if (cmd == "removenode") {
    json nodes = data.contains("nodes") ? data["nodes"] : json::array({data.value("node", json())});
    for (const auto& nv : nodes) {
      auto n = node_ref(nv);
      if (!n) continue;
      auto& hosts = (*cluster)["hosts"];
      for (size_t i = 0; i < hosts.size(); ++i)
        if (hosts[i]["hostname"] == n->hostname && (n->port == 0 || hosts[i]["port"] == n->port) &&
            hosts[i].value("nodetype", "") != "controller") {
          (*cluster)["_node_configs"].erase(n->hostname + ":" +
                                            std::to_string(hosts[i]["port"].get<int64_t>()));
          hosts.erase(i);
          break;
        }
    }
  } else if (cmd == "backup") {
    std::string method = data.value("backup_method", "");
    if (method.empty()) method = backup_methods_for(*cluster).front();
    auto n = job_node(cmd, data);
    std::string host;
    if (n)
      host = n->hostname;
    else
      for (auto* h : db_hosts())
        if (host.empty() && h->value("hoststatus", "") == "CmonHostOnline") host = h->value("hostname", "");
    json* bh = host.empty() ? nullptr : find_host(*cluster, host, n ? n->port : 0);
    if (!bh || (*bh).value("hoststatus", "") != "CmonHostOnline") {
      if (!data.value("backup_failover", false) || host.empty())
        return fail_now("The backup host " + (host.empty() ? std::string("(none)") : host) +
                        " is not online.");
      for (auto* h : db_hosts())
        if (h->value("hoststatus", "") == "CmonHostOnline") host = h->value("hostname", "");
    }
    int64_t bid = next_id("backup");
    json dbs = json::array();
    int64_t size = 0;
    for (const auto& d : (*cluster)["databases"]) {
      dbs.push_back(d["database_name"]);
      size += d.value("database_size", int64_t{0}) / 3;
    }
    if (size == 0) size = 52428800;
    int64_t now = now_epoch();
    json rec = make_backup_record(model_, *cluster, bid, method, host, "Completed", now - 2, now, size, dbs,
                                  job_id, 0, data.value("backupdir", std::string("/var/backups")));
    rec["title"] = data.value("backup_title", std::string("Untitled Backup Record"));
    rec["description"] = data.value("description", std::string(""));
    rec["compressed"] = data.value("compression", true);
    rec["encrypted"] = data.value("encrypt_backup", false);
    if (job.contains("_schedule_id")) rec["schedule_id"] = job["_schedule_id"];
    model_["backups"].push_back(rec);
    add_job_message(job_id, "JOB_SUCCESS",
                    "Backup " + std::to_string(bid) + " created on " + host + " with " + method + ".");
  } else if (cmd == "restore_backup" || cmd == "verify_backup") {
    int64_t id = to_int(data.value("backupid", json(-1)), -1);
    json* b = find_backup(*this, id);
    if (!b) return fail_now("Backup " + std::to_string(id) + " was not found.");
    if (cmd == "verify_backup")
      (*b)["verified"] = {
          {"message", "Restored on " + data.value("server_address", std::string("a test server")) + "."},
          {"status", "Verified"},
          {"verified_time", now_iso()}};
    add_job_message(job_id, "JOB_SUCCESS",
                    "Backup " + std::to_string(id) + (cmd == "verify_backup" ? " verified." : " restored."));
  } else if (cmd == "delete_backup") {
    int64_t id = to_int(data.value("backupid", data.value("backup_id", json(-1))), -1);
    auto& list = model_["backups"];
    for (size_t i = 0; i < list.size(); ++i)
      if (list[i]["id"] == id) {
        list.erase(i);
        break;
      }
  } else if (cmd == "delete_old_backups") {
    int64_t days = to_int(data.value("backup_retention", json(31)), 31);
    std::string cutoff = iso_from_epoch(now_epoch() - days * 86400);
    auto& list = model_["backups"];
    for (size_t i = list.size(); i-- > 0;)
      if (list[i]["cid"] == cid && list[i].value("created", "") < cutoff) list.erase(i);
  } else if (cmd == "delete_database") {
    std::string db = data.value("database", data.value("database_name", ""));
    auto& list = (*cluster)["databases"];
    for (size_t i = 0; i < list.size(); ++i)
      if (list[i]["database_name"] == db) {
        list.erase(i);
        break;
      }
  } else if (cmd == "remove_cluster") {
    bool remove_backups = data.value("remove_backups", json(false)) == true ||
                          data.value("remove_backups", json(false)) == "true";
    auto& list = model_["clusters"];
    for (size_t i = 0; i < list.size(); ++i)
      if (list[i]["cluster_id"] == cid) {
        list.erase(i);
        break;
      }
    if (remove_backups) {
      auto& b = model_["backups"];
      for (size_t i = b.size(); i-- > 0;)
        if (b[i]["cid"] == cid) b.erase(i);
    }
    auto& a = model_["alarms"];
    for (size_t i = a.size(); i-- > 0;)
      if (a[i]["cluster_id"] == cid) a.erase(i);
    return;  // the cluster is gone: no state refresh
  } else if (cmd == "create_cluster" || cmd == "add_cluster") {
    std::string type = data.value("cluster_type", "");
    json nc = {{"cluster_name", data.value("cluster_name", std::string())},
               {"cluster_type", type},
               {"vendor", data.value("vendor", std::string("percona"))},
               {"version", data.value("version", std::string(""))},
               {"tags", data.contains("with_tags") && data["with_tags"].is_array() ? data["with_tags"]
                                                                                   : json::array()}};
    if (nc["cluster_name"] == "") nc.erase("cluster_name");
    if (data.value("install_timescaledb", false)) nc["timescaledb"] = true;
    json hosts = json::array();
    bool first = true;
    std::string fam = family_of(nc);
    std::string master;
    for (const auto& nv : data["nodes"]) {
      auto n = node_ref(nv);
      if (!n) continue;
      json h = {{"hostname", n->hostname}, {"port", n->port}};
      std::string t = type;
      for (auto& ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (t == "galera")
        h["role"] = "master", h["nodetype"] = "galera";
      else {
        if (first) master = n->hostname;
        h["role"] = fam == "mssql"     ? (first ? "PRIMARY" : "SECONDARY")
                    : fam == "redis"   ? (first ? "primary" : "replica")
                    : fam == "mongodb" ? "shardsvr"
                                       : (first ? "master" : "slave");
        if (fam == "mongodb") h["member_role"] = first ? "Primary" : "Secondary";
        if (!first) h["master"] = master;
        h["nodetype"] = fam == "mysql"        ? "mysql"
                        : fam == "postgresql" ? "postgres"
                        : fam == "mongodb"    ? "mongo"
                                              : fam;
      }
      if (nv.is_object() && nv.contains("role") && nv["role"].is_string()) h["role"] = nv["role"];
      if (h["port"] == 0)
        h["port"] = fam == "postgresql" ? 5432
                    : fam == "mongodb"  ? 27017
                    : fam == "mssql"    ? 1433
                    : fam == "redis"    ? 6379
                                        : 3306;
      hosts.push_back(h);
      first = false;
    }
    hosts.push_back(
        {{"hostname", "10.0.0.5"}, {"port", 9500}, {"nodetype", "controller"}, {"role", "controller"}});
    nc["hosts"] = hosts;
    nc["databases"] = json::array();
    nc["accounts"] = json::array();
    json built = finish_cluster(model_, nc);
    int64_t new_id = built["cluster_id"];
    job["cluster_id"] = new_id;
    model_["clusters"].push_back(built);
    add_job_message(job_id, "JOB_SUCCESS",
                    "Cluster " + std::to_string(new_id) + " '" + built["cluster_name"].get<std::string>() +
                        "' is ready.");
    return;
  } else if (cmd == "create_maintenance") {
    int64_t minutes = to_int(data.value("maintenance_minutes", json(60)), 60);
    json p = {{"class_name", "CmonMaintenanceDate"},
              {"UUID", random_uuid()},
              {"initiate", data.value("begin", now_iso())},
              {"deadline", data.value("end", iso_from_epoch(now_epoch() + minutes * 60))},
              {"reason", data.value("reason", std::string(""))},
              {"username", job.value("user_name", "")},
              {"groupname", job.value("group_name", "")},
              {"userid", job.value("user_id", 0)},
              {"groupid", job.value("group_id", 0)},
              {"cluster_id", cid}};
    model_["maintenance"].push_back(p);
  } else if (cmd == "setup_ssl") {
    bool enable = data.value("action", std::string("enable")) != "disable";
    for (auto* h : db_hosts())
      if (h->contains("ssl_certs") && (*h)["ssl_certs"].contains("server"))
        (*h)["ssl_certs"]["server"]["ssl_enabled"] = enable;
  } else if (cmd == "upgrade_cluster" && data.contains("upgrade_to_version") &&
             data["upgrade_to_version"].is_string()) {
    (*cluster)["version"] = data["upgrade_to_version"];
  } else if (cmd == "calculate_db_growth") {
    add_job_message(job_id, "JOB_SUCCESS", "Database growth data refreshed.");
  } else if (cmd == "error_report" || cmd == "collect_logs") {
    add_job_message(
        job_id, "JOB_SUCCESS",
        "Report written to /var/lib/cmon/error-reports/error-report-" + std::to_string(job_id) + ".tar.gz.");
  } else if (cmd == "execute") {
    add_job_message(
        job_id, "JOB_SUCCESS",
        "Executed " + data.value("shell_command", data.value("path", std::string("the script"))) + ".");
  }
  if (cluster) refresh_cluster_state(*cluster);
}

// ---------------------------------------------------------------- /v2/jobs

void register_job_operations(Engine& e, std::vector<OperationSpec>& ops) {
  ops.push_back({"jobs", "createJobInstance", true, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(jr, c.object_field("job"));
                   if (!jr->contains("job_spec"))
                     return fail("InvalidRequest", "Missing 'job.job_spec' field.");
                   json spec = (*jr)["job_spec"];
                   // job_spec may arrive as a JSON string holding the object (§17.5).
                   if (spec.is_string()) spec = json::parse(spec.get<std::string>(), nullptr, false);
                   if (!spec.is_object())
                     return fail("InvalidRequest", "The 'job.job_spec' field should be an object.");
                   if (!spec.contains("command") || !spec["command"].is_string())
                     return fail("InvalidRequest", "Missing 'job.job_spec.command' field.");
                   std::string cmd = spec["command"];
                   if (!known_commands().count(cmd))
                     return fail("InvalidRequest", "Unknown job command '" + cmd + "'.");
                   if (spec.contains("job_data") && !spec["job_data"].is_object())
                     return fail("InvalidRequest", "The 'job.job_spec.job_data' field should be an object.");
                   if (!spec.contains("job_data")) spec["job_data"] = json::object();
                   json req_copy = c.req;
                   // Node jobs may name the cluster only inside job_data.
                   if (!req_copy.contains("cluster_id") && !req_copy.contains("cluster_name") &&
                       spec["job_data"].contains("clusterid"))
                     req_copy["cluster_id"] = spec["job_data"]["clusterid"];
                   Call rc{e, req_copy, c.module, c.operation, c.session, c.user, std::nullopt};
                   SIM_TRY(cl, e.resolve_cluster(rc, NotFoundStyle::ObjectNotFound, false));
                   if (!*cl && !controller_level(cmd) && cmd != "error_report")
                     return fail(
                         "InvalidRequest",
                         "The '" + cmd + "' job needs a cluster: send 'cluster_id' or 'cluster_name'.");
                   json job = *jr;
                   job["job_spec"] = spec;
                   json created = e.create_job(c, *cl, job);
                   e.add_audit(created["cluster_id"], "JobCreated",
                               "Job '" + cmd + "' created by '" + c.user_name() + "'.");
                   return json{{"job", e.public_job(created)}};
                 }});

  ops.push_back({"jobs", "getJobInstance", false, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(id, c.int_field("job_id"));
                   json* j = e.find_job(*id);
                   if (!j)
                     return fail("ObjectNotFound", "Job instance " + std::to_string(*id) + " was not found.");
                   return json{{"job", e.public_job(*j)}, {"total", 1}};
                 }});

  ops.push_back({"jobs", "getJobInstances", false, false, [&e](Call& c) -> Outcome {
                   std::set<int64_t> cids;
                   bool filter_cluster = false;
                   if (c.req.contains("cluster_ids") && c.req["cluster_ids"].is_array()) {
                     filter_cluster = true;
                     for (const auto& v : c.req["cluster_ids"])
                       if (v.is_number_integer()) cids.insert(v.get<int64_t>());
                   } else if (c.req.contains("cluster_name") ||
                              (c.req.contains("cluster_id") && c.req["cluster_id"] != 0)) {
                     SIM_TRY(cl, e.resolve_cluster(c, NotFoundStyle::ObjectNotFound));
                     filter_cluster = true;
                     cids.insert((**cl)["cluster_id"].get<int64_t>());
                   }
                   std::set<std::string> states;
                   static const std::vector<std::pair<const char*, std::vector<std::string>>> flags = {
                       {"show_defined", {"DEFINED", "DEQUEUED"}},
                       {"show_running", {"RUNNING", "RUNNING2", "RUNNING3", "RUNNING_EXT"}},
                       {"show_scheduled", {"SCHEDULED", "PAUSED"}},
                       {"show_finished", {"FINISHED"}},
                       {"show_failed", {"FAILED"}},
                       {"show_aborted", {"ABORTED"}}};
                   for (const auto& [flag, sts] : flags) {
                     SIM_TRY(on, c.opt_bool(flag, false));
                     if (*on) states.insert(sts.begin(), sts.end());
                   }
                   std::set<std::string> tags;
                   if (c.req.contains("tags") && c.req["tags"].is_array())
                     for (const auto& t : c.req["tags"])
                       if (t.is_string()) tags.insert(t.get<std::string>());
                   SIM_TRY(asc, c.opt_bool("ascending", false));
                   json all = json::array();
                   for (const auto& j : e.model()["jobs"]) {
                     if (filter_cluster && !cids.count(j.value("cluster_id", int64_t{0}))) continue;
                     if (!states.empty() && !states.count(j.value("status", ""))) continue;
                     bool tag_ok = tags.empty();
                     for (const auto& t : j.value("tags", json::array()))
                       if (t.is_string() && tags.count(t.get<std::string>())) tag_ok = true;
                     if (!tag_ok) continue;
                     all.push_back(e.public_job(j));
                   }
                   std::stable_sort(all.begin(), all.end(), [&](const json& a, const json& b) {
                     return *asc ? a["job_id"] < b["job_id"] : a["job_id"] > b["job_id"];
                   });
                   SIM_TRY(page, paginate(c, all));
                   return json{{"jobs", *page}, {"total", all.size()}};
                 }});

  ops.push_back({"jobs", "getJobLog", false, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(id, c.int_field("job_id"));
                   json* j = e.find_job(*id);
                   if (!j)
                     return fail("ObjectNotFound", "Job instance " + std::to_string(*id) + " was not found.");
                   SIM_TRY(asc, c.opt_bool("ascending", true));
                   SIM_TRY(level, c.opt_string("log_level", ""));
                   json all = json::array();
                   for (const auto& m : (*j)["_messages"])
                     if (*level == "DEBUG" || m.value("message_status", "") != "JOB_DEBUG") all.push_back(m);
                   if (!*asc) std::reverse(all.begin(), all.end());
                   SIM_TRY(page, paginate(c, all));
                   return json{{"job", e.public_job(*j)}, {"messages", *page}, {"total", all.size()}};
                 }});

  ops.push_back({"jobs", "killJobInstance", true, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(id, c.int_field("job_id"));
                   SIM_TRY(sig, c.opt_int("signal", 15));
                   (void)sig;
                   json* j = e.find_job(*id);
                   if (!j)
                     return fail("ObjectNotFound", "Job instance " + std::to_string(*id) + " was not found.");
                   std::string st = (*j)["status"];
                   if (st != "DEFINED" && st.rfind("RUNNING", 0) != 0 &&
                       !(st == "SCHEDULED" && !j->contains("recurrence")))
                     return fail("InvalidRequest",
                                 "Job " + std::to_string(*id) + " is not running (" + st + ").");
                   (*j)["status"] = "ABORTED";
                   (*j)["status_text"] = "Job aborted.";
                   (*j)["ended"] = Engine::now_iso();
                   (*j)["can_be_aborted"] = false;
                   (*j)["can_be_deleted"] = true;
                   (*j)["exit_code"] = 1;
                   e.add_job_message(*id, "JOB_FAILED", "Job aborted by user '" + c.user_name() + "'.");
                   return json::object();
                 }});

  ops.push_back({"jobs", "deleteJobInstance", true, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(id, c.int_field("job_id"));
                   auto& jobs = e.model()["jobs"];
                   for (size_t i = 0; i < jobs.size(); ++i) {
                     if (jobs[i]["job_id"] != *id) continue;
                     std::string st = jobs[i]["status"];
                     if (st.rfind("RUNNING", 0) == 0)
                       return fail("InvalidRequest",
                                   "Job " + std::to_string(*id) + " is running and can not be deleted.");
                     jobs.erase(i);
                     return json::object();
                   }
                   return fail("ObjectNotFound", "Job instance " + std::to_string(*id) + " was not found.");
                 }});

  ops.push_back({"jobs", "cloneJobInstance", true, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(id, c.int_field("job_id"));
                   json* j = e.find_job(*id);
                   if (!j)
                     return fail("ObjectNotFound", "Job instance " + std::to_string(*id) + " was not found.");
                   json req = {{"title", (*j)["title"]},
                               {"job_spec", (*j)["job_spec"]},
                               {"tags", (*j).value("tags", json::array())}};
                   json* cl = e.find_cluster((*j).value("cluster_id", int64_t{0}));
                   std::string cmd = (*j)["job_spec"].value("command", "");
                   if (!cl && !controller_level(cmd)) return fail("ObjectNotFound", "Cluster was not found.");
                   json created = e.create_job(c, cl, req);
                   return json{{"job", e.public_job(created)}};
                 }});

  ops.push_back(
      {"jobs", "updateJobInstance", true, false, [&e](Call& c) -> Outcome {
         SIM_TRY(jr, c.object_field("job"));
         if (!jr->contains("job_id")) return fail("InvalidRequest", "Missing 'job.job_id' field.");
         json* j = e.find_job(to_int((*jr)["job_id"], -1));
         if (!j) return fail("ObjectNotFound", "Job instance " + (*jr)["job_id"].dump() + " was not found.");
         if (jr->contains("status")) {
           std::string st = (*jr).value("status", "");
           if (st != "SCHEDULED" && st != "PAUSED")
             return fail("InvalidRequest", "A job's status can only be set to SCHEDULED or PAUSED.");
           std::string cur = (*j)["status"];
           if (cur != "SCHEDULED" && cur != "PAUSED")
             return fail("InvalidRequest",
                         "Job " + (*j)["job_id"].dump() + " is not a scheduled job (" + cur + ").");
           (*j)["status"] = st;
           (*j)["status_text"] = st == "PAUSED" ? "Paused" : "Scheduled";
         }
         if (jr->contains("recurrence") && (*jr)["recurrence"].is_string())
           (*j)["recurrence"] = (*jr)["recurrence"];
         if (jr->contains("title") && (*jr)["title"].is_string()) (*j)["title"] = (*jr)["title"];
         if (jr->contains("job_spec") && (*jr)["job_spec"].is_object()) (*j)["job_spec"] = (*jr)["job_spec"];
         return json{{"job", e.public_job(*j)}};
       }});
}

}  // namespace cmon_sim
