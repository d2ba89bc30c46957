// Node tools (catalogue B.3, state-changing side). Each tool is a planner: it resolves the cluster and
// the node, checks that the operation makes sense for them (product, role, state), and describes the
// CMON job it would create with the job_data fields of cmon-rpc-v2.md §6.5; the safety pipeline
// (action.cpp) does the rest.
#include <algorithm>
#include <map>
#include <set>

#include "cmon_mcp/tools/action.hpp"
#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"

namespace cmon_mcp::tools {
namespace {

// ---------------------------------------------------------------------------------------------------
// Reading the topology.

bool is_controller(const json& host) {
  return iequals(get_string(host, "nodetype"), "controller");
}

// Load balancers, sentinels, agents and the controller: hosts CMON manages that hold no data.
bool is_helper(const json& host) {
  static const std::set<std::string> helper_types = {"controller", "haproxy",        "proxysql",   "maxscale",
                                                     "keepalived", "pgbouncer",      "pgbackrest", "pbmagent",
                                                     "prometheus", "redis-sentinel", "garbd",      "nfs"};
  static const std::set<std::string> helper_classes = {
      "cmonproxysqlhost",      "cmonhaproxyhost",    "cmonmaxscalehost", "cmonkeepalivedhost",
      "cmonpgbouncerhost",     "cmonpgbackresthost", "cmonpbmagenthost", "cmonprometheushost",
      "cmonredissentinelhost", "cmongarbdhost"};
  std::string type = lower(get_string(host, "nodetype"));
  if (helper_types.count(type) || type.find("sentinel") != std::string::npos) return true;
  return helper_classes.count(lower(get_string(host, "class_name"))) > 0;
}

bool is_db_node(const json& host) {
  return !is_helper(host);
}

std::vector<json> db_nodes(const Cluster& c) {
  std::vector<json> out;
  for (const auto& h : cluster_hosts(c.info))
    if (is_db_node(h)) out.push_back(h);
  return out;
}

std::string role_of(const json& host) {
  return get_string(host, "member_role", get_string(host, "role"));
}

// A node that replicates from another one: MySQL/PostgreSQL slave, SQL Server SECONDARY, Redis replica,
// MongoDB secondary member.
bool is_replica(const json& host) {
  std::string role = get_string(host, "role");
  return iequals(role, "slave") || iequals(role, "replica") || iequals(role, "secondary") ||
         iequals(get_string(host, "member_role"), "secondary");
}

// The node that takes the writes of a primary/replica topology. Galera nodes are all writable
// ("master") but none of them is "the primary" a replica can take over from.
bool is_primary(const Cluster& c, const json& host) {
  if (!is_db_node(host) || is_replica(host)) return false;
  if (iequals(get_string(host, "member_role"), "primary")) return true;
  if (c.family == Family::galera || c.family == Family::mongo) return false;
  std::string role = get_string(host, "role");
  return iequals(role, "master") || iequals(role, "primary");
}

std::vector<json> primaries(const Cluster& c) {
  std::vector<json> out;
  for (const auto& h : db_nodes(c))
    if (is_primary(c, h)) out.push_back(h);
  return out;
}

std::string labels(const std::vector<json>& hosts) {
  std::string s;
  for (const auto& h : hosts) s += (s.empty() ? "" : ", ") + host_label(h);
  return s.empty() ? std::string("none") : s;
}

bool same_node(const json& a, const json& b) {
  return host_label(a) == host_label(b);
}

bool same_hostname(const json& a, const std::string& hostname) {
  return iequals(get_string(a, "hostname"), hostname) || iequals(get_string(a, "ip"), hostname);
}

std::string status_of(const json& host) {
  std::string s = get_string(host, "hoststatus", "unknown status");
  if (s.rfind("CmonHost", 0) == 0) s = s.substr(8);
  return s;
}

// "2 of 3 database node(s) online" once the nodes in `leaving` are down.
std::string remaining_online(const Cluster& c, const std::vector<json>& leaving) {
  size_t total = 0, online_after = 0;
  for (const auto& h : db_nodes(c)) {
    ++total;
    bool leaves = std::any_of(leaving.begin(), leaving.end(), [&](const json& l) { return same_node(l, h); });
    if (host_online(h) && !leaves) ++online_after;
  }
  return std::to_string(online_after) + " of " + std::to_string(total) + " database node(s) online";
}

// The port a new node of `cluster` listens on when the caller gave none: the port of its existing nodes
// of the same kind, else the product's default.
int64_t default_port(const Cluster& c, const std::vector<json>& like) {
  for (const auto& h : like)
    if (get_int(h, "port") > 0) return get_int(h, "port");
  int64_t port = tools::default_port(c.family);
  return port > 0 ? port : 3306;
}

// ---------------------------------------------------------------------------------------------------
// Resolving arguments.

// The cluster (with its hosts) and the node the arguments name.
struct Target {
  Cluster cluster;
  json host;
};

awaitable<Expected<Target, ToolResult>> resolve_target(ToolContext& ctx, const json& args,
                                                       const std::string& key = "node") {
  json extra{{"with_hosts", true}};
  auto c = co_await resolve_cluster(ctx, args, std::move(extra));
  if (!c) co_return unexpected(std::move(c.error()));
  auto h = find_node(*c, args.value(key, std::string()));
  if (!h) co_return unexpected(ToolResult::error(h.error()));
  if (is_controller(*h))
    co_return unexpected(
        ToolResult::error(host_label(*h) + " is the ClusterControl controller, not a node of " +
                          cluster_label(*c) + "; name one of its database nodes (list_nodes shows them)"));
  co_return Target{std::move(*c), std::move(*h)};
}

// A second node of the same cluster named by argument `key` (source of a replica, ...).
Expected<json, ToolResult> other_node(const Cluster& c, const json& args, const std::string& key) {
  auto h = find_node(c, args.value(key, std::string()));
  if (!h) return unexpected(ToolResult::error(key + ": " + h.error()));
  if (is_controller(*h) || !is_db_node(*h))
    return unexpected(
        ToolResult::error(key + ": " + host_label(*h) + " is not a database node of " + cluster_label(c)));
  return *h;
}

// Every cluster with its hosts, for checks that look beyond the target cluster.
awaitable<Expected<json, ToolResult>> all_clusters(ToolContext& ctx, const std::string& doing) {
  json fields{{"with_hosts", true}};
  auto r = co_await call(ctx, "/v2/clusters", "getAllClusterInfo", std::move(fields), doing);
  if (!r) co_return unexpected(std::move(r.error()));
  co_return get_list(*r, "clusters");
}

// Refuses a new node on hostname:port when CMON already manages a node there, and a second node of the
// same cluster on one host.
awaitable<std::optional<ToolResult>> check_new_host(ToolContext& ctx, const Cluster& target,
                                                    const std::string& hostname, int64_t port) {
  auto clusters = co_await all_clusters(ctx, "check whether " + hostname + " is already in use");
  if (!clusters) co_return std::move(clusters.error());
  for (const auto& info : *clusters) {
    Cluster c = cluster_from(info);
    for (const auto& h : cluster_hosts(info)) {
      if (!same_hostname(h, hostname)) continue;
      bool same_port = get_int(h, "port") == port;
      if (same_port || (c.id == target.id && is_db_node(h)))
        co_return ToolResult::error(hostname + " already runs node " + host_label(h) + " (" +
                                    get_string(h, "nodetype", "?") + ") of " + cluster_label(c) +
                                    "; give a host that is not part of " +
                                    (c.id == target.id ? "this cluster" : "another cluster") +
                                    " (list_nodes shows the hosts in use)");
    }
  }
  co_return std::nullopt;
}

// Completed backup `id` of the cluster, read with getBackups (which has no id filter).
awaitable<Expected<json, ToolResult>> find_backup(ToolContext& ctx, const Cluster& c, int64_t id) {
  for (int64_t offset = 0; offset < 5000; offset += 200) {
    json fields{{"cluster_id", c.id}, {"limit", 200}, {"offset", offset}, {"ascending", false}};
    auto r = co_await call(ctx, "/v2/backup", "getBackups", std::move(fields),
                           "look up backup " + std::to_string(id) + " of " + cluster_label(c));
    if (!r) co_return unexpected(std::move(r.error()));
    json records = get_list(*r, "backup_records");
    for (const auto& rec : records) {
      json m = rec.contains("metadata") && rec["metadata"].is_object() ? rec["metadata"] : rec;
      if (get_int(m, "id") != id) continue;
      if (get_int(m, "cid", get_int(m, "cluster_id", c.id)) != c.id) break;
      co_return m;
    }
    if (static_cast<int64_t>(records.size()) < 200) break;
  }
  co_return unexpected(
      ToolResult::error("backup " + std::to_string(id) + " not found in " + cluster_label(c) +
                        "; list_backups {\"cluster_id\": " + std::to_string(c.id) + "} shows its backups"));
}

json node_job_data(const Target& t) {
  json data = json::object();
  data["clusterid"] = t.cluster.id;
  data["node"] = node_ref(t.host);
  return data;
}

std::string node_in(const Target& t) {
  return "node " + host_label(t.host) + " of " + cluster_label(t.cluster);
}

// ---------------------------------------------------------------------------------------------------
// start_node, stop_node, restart_node, reboot_host

awaitable<Expected<ActionPlan, ToolResult>> plan_start_node(ToolContext& ctx, const json& args) {
  auto t = co_await resolve_target(ctx, args);
  if (!t) co_return unexpected(std::move(t.error()));
  const bool bootstrap = args.value("bootstrap", false);
  if (bootstrap && t->cluster.family != Family::galera)
    co_return unexpected(ToolResult::error("bootstrap applies to Galera clusters only; " +
                                           cluster_label(t->cluster) + " is " + t->cluster.type));
  if (host_online(t->host))
    co_return unexpected(ToolResult::error(node_in(*t) + " is already online; restart_node restarts it"));
  json data = node_job_data(*t);
  if (bootstrap) data["bootstrap"] = true;
  co_return job_plan(t->cluster, "Start " + node_in(*t), "start", std::move(data));
}

awaitable<Expected<ActionPlan, ToolResult>> plan_stop_node(ToolContext& ctx, const json& args) {
  auto t = co_await resolve_target(ctx, args);
  if (!t) co_return unexpected(std::move(t.error()));
  if (iequals(get_string(t->host, "hoststatus"), "CmonHostShutDown"))
    co_return unexpected(ToolResult::error(node_in(*t) + " is already stopped; start_node starts it"));
  json data = node_job_data(*t);
  if (args.value("force", false)) data["force_stop"] = true;
  if (args.contains("stop_timeout_s")) data["stop_timeout"] = args["stop_timeout_s"];
  ActionPlan plan = job_plan(t->cluster, "Stop " + node_in(*t), "stop", std::move(data));
  plan.effect =
      "This stops the database on " + node_in(*t) + "; clients connected to it lose their connections";
  if (is_db_node(t->host)) {
    plan.effect += ", and the cluster runs with " + remaining_online(t->cluster, {t->host}) + ".";
    if (is_primary(t->cluster, t->host))
      plan.effect += t->cluster.family == Family::mongo
                         ? " It is the primary of its replica set: MongoDB elects another member, and writes "
                           "fail until the election ends."
                         : " It is the primary: writes fail until it is started again or a replica is "
                           "promoted.";
  } else {
    plan.effect += "; the database nodes keep running.";
  }
  co_return plan;
}

awaitable<Expected<ActionPlan, ToolResult>> plan_restart_node(ToolContext& ctx, const json& args) {
  auto t = co_await resolve_target(ctx, args);
  if (!t) co_return unexpected(std::move(t.error()));
  json data = node_job_data(*t);
  if (args.value("force", false)) data["force_stop"] = true;
  if (args.contains("stop_timeout_s")) data["stop_timeout"] = args["stop_timeout_s"];
  co_return job_plan(t->cluster, "Restart " + node_in(*t), "restart", std::move(data));
}

awaitable<Expected<ActionPlan, ToolResult>> plan_reboot_host(ToolContext& ctx, const json& args) {
  auto t = co_await resolve_target(ctx, args);
  if (!t) co_return unexpected(std::move(t.error()));
  const std::string hostname = get_string(t->host, "hostname");
  // Everything CMON manages on that server goes down with it, whichever cluster it belongs to.
  auto clusters = co_await all_clusters(ctx, "list the services on " + hostname);
  if (!clusters) co_return unexpected(std::move(clusters.error()));
  std::vector<std::string> services;
  bool controller_there = false;
  for (const auto& info : *clusters) {
    Cluster c = cluster_from(info);
    for (const auto& h : cluster_hosts(info, true)) {
      if (!same_hostname(h, hostname)) continue;
      if (is_controller(h)) {
        controller_there = true;
        continue;
      }
      services.push_back(get_string(h, "nodetype", "?") + " " + host_label(h) + " (cluster " + c.name + ", " +
                         status_of(h) + ")");
    }
  }
  std::vector<json> leaving;
  for (const auto& h : cluster_hosts(t->cluster.info))
    if (same_hostname(h, hostname)) leaving.push_back(h);

  json data = node_job_data(*t);
  if (args.value("force", false)) data["force_stop"] = true;
  ActionPlan plan = job_plan(t->cluster, "Reboot the server of " + node_in(*t), "reboot", std::move(data));
  std::string list;
  for (const auto& s : services) list += (list.empty() ? "" : "; ") + s;
  plan.effect = "This reboots the server " + hostname +
                ": every service on it goes down until the machine is back (" + list + "). Meanwhile " +
                cluster_label(t->cluster) + " runs with " + remaining_online(t->cluster, leaving) + ".";
  if (is_primary(t->cluster, t->host))
    plan.effect += " " + host_label(t->host) + " is the primary: writes fail while it is down.";
  if (controller_there)
    plan.effect += " The ClusterControl controller runs on this server too and becomes unreachable.";
  co_return plan;
}

// ---------------------------------------------------------------------------------------------------
// add_node, remove_node

// The MongoDB replica sets of a cluster with their members ("" for mongos routers).
std::map<std::string, std::vector<json>> replica_sets(const Cluster& c) {
  std::map<std::string, std::vector<json>> sets;
  for (const auto& h : db_nodes(c))
    if (!iequals(get_string(h, "role"), "mongos")) sets[get_string(h, "replicaset")].push_back(h);
  return sets;
}

awaitable<Expected<ActionPlan, ToolResult>> plan_add_node(ToolContext& ctx, const json& args) {
  json extra{{"with_hosts", true}};
  auto c = co_await resolve_cluster(ctx, args, std::move(extra));
  if (!c) co_return unexpected(std::move(c.error()));
  const std::string hostname = args.value("hostname", std::string());
  if (c->family == Family::mysql && iequals(c->type, "REPLICATION"))
    co_return unexpected(
        ToolResult::error(cluster_label(*c) +
                          " is a MySQL/MariaDB replication cluster: a new node there is a replica; use "
                          "add_replica {\"cluster_id\": " +
                          std::to_string(c->id) + ", \"hostname\": \"" + hostname + "\"}"));
  const bool mongo = c->family == Family::mongo;
  if (!mongo && (args.contains("node_type") || args.contains("replicaset")))
    co_return unexpected(ToolResult::error("node_type and replicaset apply to MongoDB clusters only; " +
                                           cluster_label(*c) + " is " + c->type));
  if (c->family != Family::elastic && args.contains("roles"))
    co_return unexpected(ToolResult::error("roles applies to Elasticsearch clusters only; " +
                                           cluster_label(*c) + " is " + c->type));

  json data = json::object();
  data["clusterid"] = c->id;
  int64_t port = args.value("port", int64_t{0});
  std::string what = "node";
  if (mongo) {
    const std::string node_type = args.value("node_type", std::string("mongodb"));
    auto sets = replica_sets(*c);
    std::vector<json> routers, config_members;
    std::string config_set;
    for (const auto& h : db_nodes(*c)) {
      if (iequals(get_string(h, "role"), "mongos")) routers.push_back(h);
      if (iequals(get_string(h, "role"), "configsvr")) {
        config_members.push_back(h);
        config_set = get_string(h, "replicaset");
      }
    }
    const bool sharded = !routers.empty() || !config_members.empty();
    std::string set = args.value("replicaset", std::string());
    std::vector<json> like;
    if (node_type == "mongos" || node_type == "mongocfg") {
      if (!sharded)
        co_return unexpected(ToolResult::error(cluster_label(*c) +
                                               " is a replica set, not a sharded cluster: "
                                               "it takes node_type mongodb or arbiter only"));
      if (node_type == "mongos") {
        if (!set.empty())
          co_return unexpected(
              ToolResult::error("a mongos router belongs to no replica set; drop replicaset"));
        like = routers;
        what = "mongos router";
      } else {
        if (set.empty()) set = config_set;
        if (set != config_set)
          co_return unexpected(ToolResult::error("config servers belong to replica set '" + config_set +
                                                 "', not '" + set + "'"));
        like = config_members;
        what = "config server";
      }
    } else {
      std::vector<std::string> names;
      for (const auto& [name, members] : sets)
        if (!name.empty() && name != config_set) names.push_back(name);
      std::string known;
      for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
      if (set.empty()) {
        if (names.size() != 1)
          co_return unexpected(ToolResult::error("give replicaset: " + cluster_label(*c) +
                                                 " has the replica sets " +
                                                 (known.empty() ? std::string("(none)") : known)));
        set = names.front();
      } else if (std::find(names.begin(), names.end(), set) == names.end()) {
        co_return unexpected(ToolResult::error("replica set '" + set + "' is not a data replica set of " +
                                               cluster_label(*c) +
                                               " (it has: " + (known.empty() ? std::string("none") : known) +
                                               "); a new shard is added with add_shard, not add_node"));
      }
      like = sets[set];
      what = node_type == "arbiter" ? "arbiter of replica set " + set : "member of replica set " + set;
    }
    if (port == 0) port = default_port(*c, like);
    // MongoDB members are named at the top level of job_data (§6.5).
    data["hostname"] = hostname;
    data["port"] = port;
    if (!set.empty()) data["replicaset"] = set;
    data["node_type"] = node_type;
  } else {
    if (port == 0) port = default_port(*c, db_nodes(*c));
    json node = json::object();
    node["class_name"] = "CmonHost";
    node["hostname"] = hostname;
    node["port"] = port;
    if (c->family == Family::elastic) {
      node["class_name"] = "CmonElasticHost";
      node["protocol"] = "elastic";
      node["roles"] = args.value("roles", std::string("master-data"));
      what = "Elasticsearch node (" + node["roles"].get<std::string>() + ")";
    }
    if (c->family == Family::elastic)
      data["nodes"] = json::array({node});
    else
      data["node"] = std::move(node);
  }
  if (auto busy = co_await check_new_host(ctx, *c, hostname, port); busy)
    co_return unexpected(std::move(*busy));
  data["install_software"] = args.value("install_software", true);
  if (args.contains("disable_firewall")) data["disable_firewall"] = args["disable_firewall"];
  if (args.contains("disable_selinux")) data["disable_selinux"] = args["disable_selinux"];
  co_return job_plan(
      *c, "Add " + hostname + ":" + std::to_string(port) + " as " + what + " to " + cluster_label(*c),
      "addnode", std::move(data));
}

awaitable<Expected<ActionPlan, ToolResult>> plan_remove_node(ToolContext& ctx, const json& args) {
  auto t = co_await resolve_target(ctx, args);
  if (!t) co_return unexpected(std::move(t.error()));
  const Cluster& c = t->cluster;
  const json& host = t->host;
  const bool uninstall = args.value("uninstall", false);
  const bool unregister_only = args.value("unregister_only", false);
  if (uninstall && unregister_only)
    co_return unexpected(ToolResult::error(
        "uninstall and unregister_only contradict each other: unregister_only leaves the node running and "
        "installed, uninstall removes its software; choose one"));
  std::vector<json> rest;
  for (const auto& h : db_nodes(c))
    if (!same_node(h, host)) rest.push_back(h);
  if (is_db_node(host)) {
    if (rest.empty())
      co_return unexpected(ToolResult::error(
          host_label(host) + " is the last database node of " + cluster_label(c) +
          "; a cluster cannot run without nodes. remove_cluster removes the whole cluster."));
    if (is_primary(c, host)) {
      std::vector<json> replicas;
      for (const auto& h : rest)
        if (is_replica(h) &&
            (c.family != Family::mongo || get_string(h, "replicaset") == get_string(host, "replicaset")))
          replicas.push_back(h);
      std::string how =
          c.family == Family::mongo
              ? "step it down first so that another member of replica set '" +
                    get_string(host, "replicaset") + "' becomes primary"
              : "promote one of its replicas first with promote_replica (" + labels(replicas) + ")";
      co_return unexpected(
          ToolResult::error(host_label(host) + " is the primary of " + cluster_label(c) +
                            "; removing it would leave the cluster without a writable node. " + how + "."));
    }
    if (c.family == Family::mongo) {
      std::string role = get_string(host, "role");
      std::string set = get_string(host, "replicaset");
      size_t same_kind = 0;
      for (const auto& h : rest)
        if (iequals(role, "mongos") ? iequals(get_string(h, "role"), "mongos")
                                    : get_string(h, "replicaset") == set && !set.empty())
          ++same_kind;
      if (same_kind == 0)
        co_return unexpected(ToolResult::error(
            host_label(host) + " is the last " +
            (iequals(role, "mongos") ? std::string("mongos router") : "member of replica set '" + set + "'") +
            " of " + cluster_label(c) + "; the cluster cannot work without it"));
    }
  }

  json data = json::object();
  data["clusterid"] = c.id;
  data["nodes"] = json::array({node_ref(host)});
  data["enable_uninstall"] = uninstall;
  data["unregister_only"] = unregister_only;
  if (args.contains("stop_timeout_s")) data["stop_timeout"] = args["stop_timeout_s"];
  ActionPlan plan = job_plan(c, "Remove " + node_in(*t), "removenode", std::move(data));
  std::string effect = "This removes " + get_string(host, "nodetype", "node") + " " + host_label(host) +
                       " (" + role_of(host) + ", " + status_of(host) + ") from " + cluster_label(c) + ". ";
  if (unregister_only)
    effect += "ClusterControl only forgets it: the service keeps running on the host, unmanaged. ";
  else if (uninstall)
    effect += "The service is stopped and its software is uninstalled from the host. ";
  else
    effect +=
        "The service is stopped and the node leaves the cluster; its software and data stay on the host. ";
  if (is_db_node(host)) {
    effect += "The cluster keeps " + std::to_string(rest.size()) + " database node(s): " + labels(rest) + ".";
    if (c.family == Family::galera && rest.size() % 2 == 0)
      effect += " With an even number of Galera nodes, losing half of them loses the quorum.";
  } else {
    effect += "The database nodes are not affected.";
  }
  plan.effect = std::move(effect);
  co_return plan;
}

// ---------------------------------------------------------------------------------------------------
// add_replica, promote_replica, rebuild_replica

// Replication in the sense of add_replication_slave / stage_replication_slave: MySQL/MariaDB (also as
// asynchronous replicas of a Galera cluster) and PostgreSQL streaming replication.
std::optional<ToolResult> needs_replication(const Cluster& c, const std::string& tool) {
  if (c.family == Family::mysql || c.family == Family::galera || c.family == Family::postgres)
    return std::nullopt;
  std::string hint;
  if (c.family == Family::mongo)
    hint = "MongoDB replicates through replica-set members: add one with add_node";
  else if (c.family == Family::redis)
    hint = "add a Redis replica with add_node";
  else if (c.family == Family::mssql)
    hint = "SQL Server availability-group replicas are added with add_node";
  else
    hint = std::string(family_name(c.family)) + " clusters have no replication replicas";
  return ToolResult::error(tool + " works on MySQL/MariaDB, Galera and PostgreSQL clusters; " +
                           cluster_label(c) + " is " + c.type + " (" + hint + ")");
}

// The primary a replica replicates from, else the cluster's (first) primary.
std::optional<json> source_of(const Cluster& c, const json& replica) {
  std::string master = get_string(get_object(replica, "replication_slave"), "master_host");
  for (const auto& h : db_nodes(c))
    if (!master.empty() && same_hostname(h, master) && !same_node(h, replica)) return h;
  auto p = primaries(c);
  if (!p.empty()) return p.front();
  return std::nullopt;
}

awaitable<Expected<ActionPlan, ToolResult>> plan_add_replica(ToolContext& ctx, const json& args) {
  json extra{{"with_hosts", true}};
  auto c = co_await resolve_cluster(ctx, args, std::move(extra));
  if (!c) co_return unexpected(std::move(c.error()));
  if (auto refused = needs_replication(*c, "add_replica")) co_return unexpected(std::move(*refused));
  const std::string hostname = args.value("hostname", std::string());
  if (args.contains("delay_s") && c->family == Family::postgres)
    co_return unexpected(ToolResult::error(
        "delay_s (a delayed replica, MASTER_DELAY) is supported for MySQL/MariaDB replicas only; " +
        cluster_label(*c) + " is PostgreSQL"));
  json source;
  if (args.contains("source")) {
    auto s = other_node(*c, args, "source");
    if (!s) co_return unexpected(std::move(s.error()));
    source = std::move(*s);
  } else {
    auto p = primaries(*c);
    if (!p.empty()) {
      source = p.front();
    } else {
      for (const auto& h : db_nodes(*c))
        if (source.is_null() && host_online(h)) source = h;
    }
    if (source.is_null())
      co_return unexpected(
          ToolResult::error(cluster_label(*c) + " has no online primary to replicate from; give source"));
  }
  if (!host_online(source))
    co_return unexpected(ToolResult::error("the source " + host_label(source) + " is " + status_of(source) +
                                           "; a new replica copies its data from an online node: start it "
                                           "first or give another source"));
  int64_t port = args.value("port", int64_t{0});
  if (port == 0) port = default_port(*c, db_nodes(*c));
  if (auto busy = co_await check_new_host(ctx, *c, hostname, port); busy)
    co_return unexpected(std::move(*busy));

  json data = json::object();
  data["clusterid"] = c->id;
  data["master_address"] = get_string(source, "hostname");
  data["slave_address"] = hostname;
  data["port"] = port;
  data["install_software"] = args.value("install_software", true);
  if (args.contains("delay_s")) data["master_delay"] = args["delay_s"];
  if (args.contains("disable_firewall")) data["disable_firewall"] = args["disable_firewall"];
  if (args.contains("disable_selinux")) data["disable_selinux"] = args["disable_selinux"];
  std::string summary = "Add " + hostname + ":" + std::to_string(port) + " as a replica of " +
                        host_label(source) + " to " + cluster_label(*c);
  if (args.contains("delay_s"))
    summary += ", delayed by " + std::to_string(args["delay_s"].get<int64_t>()) + " s";
  co_return job_plan(*c, std::move(summary), "add_replication_slave", std::move(data));
}

awaitable<Expected<ActionPlan, ToolResult>> plan_promote_replica(ToolContext& ctx, const json& args) {
  auto t = co_await resolve_target(ctx, args);
  if (!t) co_return unexpected(std::move(t.error()));
  const Cluster& c = t->cluster;
  const json& host = t->host;
  if (c.family == Family::mongo)
    co_return unexpected(
        ToolResult::error("MongoDB elects its primary itself; " + cluster_label(c) +
                          " has no replica promotion (step the current primary down instead)"));
  if (c.family != Family::mysql && c.family != Family::galera && c.family != Family::postgres &&
      c.family != Family::mssql && c.family != Family::redis)
    co_return unexpected(ToolResult::error(std::string(family_name(c.family)) +
                                           " clusters have no replicas to promote (" + cluster_label(c) +
                                           " is " + c.type + ")"));
  auto current = primaries(c);
  std::vector<json> replicas;
  for (const auto& h : db_nodes(c))
    if (is_replica(h)) replicas.push_back(h);
  if (!is_replica(host)) {
    if (is_primary(c, host))
      co_return unexpected(ToolResult::error(host_label(host) + " is already the primary of " +
                                             cluster_label(c) + "; promote one of its replicas instead (" +
                                             labels(replicas) + ")"));
    if (c.family == Family::galera)
      co_return unexpected(ToolResult::error(
          host_label(host) + " is a Galera node: every node of " + cluster_label(c) +
          " already takes writes, there is nothing to promote (promote_replica applies to asynchronous "
          "replicas only)"));
    co_return unexpected(ToolResult::error(host_label(host) + " is not a replica (role " + role_of(host) +
                                           "); the current primary of " + cluster_label(c) + " is " +
                                           labels(current) + ", its replicas: " + labels(replicas)));
  }
  if (!host_online(host))
    co_return unexpected(ToolResult::error(host_label(host) + " is " + status_of(host) +
                                           "; only an online replica can be promoted (start_node first)"));
  json data = json::object();
  data["clusterid"] = c.id;
  data["replication_slave"] = node_ref(host);
  ActionPlan plan = job_plan(c, "Promote replica " + host_label(host) + " to primary of " + cluster_label(c),
                             "promote_replication_slave", std::move(data));
  std::vector<json> others;
  for (const auto& r : replicas)
    if (!same_node(r, host)) others.push_back(r);
  std::string effect =
      "This makes " + host_label(host) + " the primary of " + cluster_label(c) + " (switchover). ";
  if (!current.empty())
    effect += "The current primary " + labels(current) + " becomes a read-only replica of it";
  else
    effect += "The cluster has no primary at the moment";
  effect += others.empty() ? ". " : ", and the other replicas (" + labels(others) + ") replicate from it. ";
  effect += "Writes are refused during the switch and clients writing to the old primary must reconnect to " +
            host_label(host) + ".";
  json rep = replication_of(host, c.family);
  if (rep.is_object() && rep.value("lag_s", int64_t{-1}) > 0)
    effect += " The replica is " + human_duration(static_cast<double>(rep["lag_s"].get<int64_t>())) +
              " behind its primary at the moment; get_replication_status shows whether it has caught up.";
  plan.effect = std::move(effect);
  co_return plan;
}

bool logical_backup(const std::string& method) {
  static const std::set<std::string> logical = {"mysqldump",  "pgdump",    "pgdumpall", "pg_dump",
                                                "pg_dumpall", "mongodump", "mysqlpump", "mydumper"};
  return logical.count(lower(method)) > 0;
}

awaitable<Expected<ActionPlan, ToolResult>> plan_rebuild_replica(ToolContext& ctx, const json& args) {
  auto t = co_await resolve_target(ctx, args);
  if (!t) co_return unexpected(std::move(t.error()));
  const Cluster& c = t->cluster;
  const json& host = t->host;
  if (auto refused = needs_replication(c, "rebuild_replica")) co_return unexpected(std::move(*refused));
  if (!is_replica(host)) {
    auto current = primaries(c);
    co_return unexpected(ToolResult::error(
        host_label(host) + " is not a replica (role " + role_of(host) + ")" +
        (is_primary(c, host)
             ? ", it is the primary of " + cluster_label(c) + ": its data is the source, not a copy"
             : std::string()) +
        "; rebuild_replica re-copies the data of a replica. Current primary: " + labels(current)));
  }
  json source;
  if (args.contains("source")) {
    auto s = other_node(c, args, "source");
    if (!s) co_return unexpected(std::move(s.error()));
    source = std::move(*s);
  } else {
    auto s = source_of(c, host);
    if (!s)
      co_return unexpected(ToolResult::error(cluster_label(c) + " has no primary to copy from; give source"));
    source = std::move(*s);
  }
  if (same_node(source, host))
    co_return unexpected(
        ToolResult::error("the source must be another node than the replica " + host_label(host)));
  if (!host_online(source))
    co_return unexpected(ToolResult::error("the source " + host_label(source) + " is " + status_of(source) +
                                           "; give an online source"));
  json data = json::object();
  data["clusterid"] = c.id;
  data["replication_slave"] = node_ref(host);
  data["replication_master"] = node_ref(source);
  std::string from = "a fresh copy of " + host_label(source);
  if (args.contains("backup_id")) {
    const int64_t id = args["backup_id"].get<int64_t>();
    auto b = co_await find_backup(ctx, c, id);
    if (!b) co_return unexpected(std::move(b.error()));
    const std::string status = get_string(*b, "status");
    const std::string method = get_string(*b, "method");
    if (!iequals(status, "Completed"))
      co_return unexpected(ToolResult::error("backup " + std::to_string(id) + " is " + status +
                                             ", not Completed; only a completed backup can seed a replica"));
    if (logical_backup(method))
      co_return unexpected(ToolResult::error("backup " + std::to_string(id) + " is a logical " + method +
                                             " dump; a replica is rebuilt from a physical backup "
                                             "(xtrabackup/mariabackup, pg_basebackup, pgbackrest)"));
    data["backupid"] = id;
    from = "backup " + std::to_string(id) + " (" + method + ", " + cmon_ts(*b, "created") +
           "), then catches up from " + host_label(source);
  }
  ActionPlan plan =
      job_plan(c,
               "Rebuild replica " + host_label(host) + " of " + cluster_label(c) + " from " +
                   (args.contains("backup_id") ? "backup " + std::to_string(args["backup_id"].get<int64_t>())
                                               : host_label(source)),
               "stage_replication_slave", std::move(data));
  plan.effect = "This erases the data directory of replica " + host_label(host) + " of " + cluster_label(c) +
                " and replaces it with " + from +
                ". The replica is out of service until the copy ends; "
                "the cluster runs with " +
                remaining_online(c, {host}) + " meanwhile.";
  co_return plan;
}

// ---------------------------------------------------------------------------------------------------
// set_node_read_only

awaitable<Expected<ActionPlan, ToolResult>> plan_set_node_read_only(ToolContext& ctx, const json& args) {
  auto t = co_await resolve_target(ctx, args);
  if (!t) co_return unexpected(std::move(t.error()));
  const Cluster& c = t->cluster;
  if (c.family != Family::mysql && c.family != Family::galera && c.family != Family::postgres)
    co_return unexpected(
        ToolResult::error("node read-only mode is a MySQL/MariaDB/Galera and PostgreSQL setting; " +
                          cluster_label(c) + " is " + c.type));
  if (!is_db_node(t->host))
    co_return unexpected(ToolResult::error(host_label(t->host) + " is a " + get_string(t->host, "nodetype") +
                                           " node, not a database node"));
  const bool on = args.value("read_only", true);
  if (get_bool(t->host, "readonly") == on)
    co_return unexpected(ToolResult::error(node_in(*t) + " is already " + (on ? "read-only" : "writable") +
                                           "; nothing to change"));
  ActionPlan plan = job_plan(c, "Make " + node_in(*t) + (on ? " read-only" : " writable"),
                             on ? "enable_db_readonly" : "disable_db_readonly", node_job_data(*t));
  if (on && is_primary(c, t->host))
    plan.effect = host_label(t->host) + " is the primary: while it is read-only, application writes fail.";
  if (!on && is_replica(t->host))
    plan.effect = host_label(t->host) +
                  " is a replica: writes made directly on it diverge from the primary "
                  "and can break replication.";
  co_return plan;
}

}  // namespace

void register_nodes_actions(Registry& registry) {
  json stop_timeout =
      s_integer("Seconds to wait for a clean shutdown before CMON gives up (default: CMON's).", 1, 86400);
  json hostname_schema = s_string(
      "Host name or IP address of the new server (reachable by the controller over SSH); the port goes in "
      "port.",
      "^[A-Za-z0-9][A-Za-z0-9._:-]*$", 253);
  json port_schema = s_integer("Port of the new node (default: the port the cluster's nodes use).", 1, 65535);
  json install = s_boolean(
      "Install the database packages on the host (default true; false when they are "
      "already installed).");
  json firewall = s_boolean("Let CMON disable the host's firewall (default: CMON's).");
  json selinux = s_boolean("Let CMON disable SELinux/AppArmor on the host (default: CMON's).");

  registry.add(ToolDefinition{
      .name = "start_node",
      .title = "Start node",
      .description =
          "Starts the database service on a stopped node of a cluster (CMON job 'start'). Returns the job id "
          "at once, or with wait=true follows the job with progress. Changes state: the node comes back and "
          "rejoins the cluster. Refused when the node is already online.\nExample: {\"cluster_id\": 3, "
          "\"node\": \"10.0.0.13\", \"wait\": true}",
      .group = "nodes",
      .tool_class = ToolClass::write,
      .input_schema =
          Schema()
              .cluster()
              .node(true, "the stopped node to start")
              .prop("bootstrap", s_boolean("Galera only: start this node as a new cluster (bootstrap)."))
              .build(),
      .action = make_action(plan_start_node, ActionKind::job),
  });
  registry.add(ToolDefinition{
      .name = "stop_node",
      .title = "Stop node",
      .description =
          "Stops the database service on one node (CMON job 'stop'). Destructive for availability: the user "
          "is asked to confirm (or confirm=true when the client cannot ask), after being told how many nodes "
          "stay online. The cluster keeps running on the other nodes. dry_run=true shows the job without "
          "sending it.\nExample: {\"cluster_name\": \"prod-galera\", \"node\": \"10.0.0.13:3306\"}",
      .group = "nodes",
      .tool_class = ToolClass::destructive,
      .input_schema = Schema()
                          .cluster()
                          .node(true, "the node to stop")
                          .prop("force", s_boolean("Kill the service if it does not stop cleanly."))
                          .prop("stop_timeout_s", stop_timeout)
                          .build(),
      .action = make_action(plan_stop_node, ActionKind::job),
  });
  registry.add(ToolDefinition{
      .name = "restart_node",
      .title = "Restart node",
      .description =
          "Restarts the database service on one node (CMON job 'restart'), e.g. after a configuration "
          "change. Refused while another restart, stop or topology change runs on the cluster; a retry of "
          "the same call returns the running job instead of restarting twice.\nExample: {\"cluster_id\": 3, "
          "\"node\": \"10.0.0.12\", \"wait\": true}",
      .group = "nodes",
      .tool_class = ToolClass::write,
      .input_schema = Schema()
                          .cluster()
                          .node(true, "the node to restart")
                          .prop("force", s_boolean("Kill the service if it does not stop cleanly."))
                          .prop("stop_timeout_s", stop_timeout)
                          .build(),
      .action = make_action(plan_restart_node, ActionKind::job),
  });
  registry.add(ToolDefinition{
      .name = "reboot_host",
      .title = "Reboot host",
      .description =
          "Reboots the server a node runs on (CMON job 'reboot'), e.g. after a kernel update. Destructive "
          "for availability: every service on that server (of any cluster) goes down until it is back; the "
          "confirmation lists them and says how many database nodes stay online. Returns the job id, or "
          "follows it with wait=true.\nExample: {\"cluster_id\": 1, \"node\": \"10.0.1.13\", \"wait\": true}",
      .group = "nodes",
      .tool_class = ToolClass::destructive,
      .input_schema = Schema()
                          .cluster()
                          .node(true, "a node on the server to reboot")
                          .prop("force", s_boolean("Kill the database service if it does not stop cleanly "
                                                   "before the reboot."))
                          .build(),
      .action = make_action(plan_reboot_host, ActionKind::job),
  });
  registry.add(ToolDefinition{
      .name = "add_node",
      .title = "Add node",
      .description =
          "Adds a new node to a cluster (CMON job 'addnode'): a Galera node, a PostgreSQL node, a MongoDB "
          "replica-set member, config server, mongos router or arbiter (node_type, replicaset), an "
          "Elasticsearch node (roles), a Redis or SQL Server node. CMON installs and configures the software "
          "over SSH and the node joins the cluster. For MySQL/MariaDB replication clusters use add_replica. "
          "Refused when the host already runs a node CMON manages. Returns the job id, or follows it with "
          "wait=true.\nExample: {\"cluster_name\": \"mongo-rs\", \"hostname\": \"10.0.5.14\", \"wait\": "
          "true}",
      .group = "nodes",
      .tool_class = ToolClass::write,
      .input_schema =
          Schema()
              .cluster()
              .prop("hostname", hostname_schema, true)
              .prop("port", port_schema)
              .prop("node_type", s_enum("MongoDB only: what the new node is (default mongodb: a data-bearing "
                                        "replica-set member).",
                                        {"mongodb", "mongocfg", "mongos", "arbiter"}))
              .prop("replicaset", s_string("MongoDB only: the replica set the member joins (default: the "
                                           "cluster's only data replica set; config servers: the config "
                                           "replica set).",
                                           "^[A-Za-z0-9_.-]+$", 128))
              .prop("roles", s_enum("Elasticsearch only: the roles of the new node (default master-data).",
                                    {"master-data", "master", "data", "coordinator_only"}))
              .prop("install_software", install)
              .prop("disable_firewall", firewall)
              .prop("disable_selinux", selinux)
              .build(),
      .action = make_action(plan_add_node, ActionKind::job),
  });
  registry.add(ToolDefinition{
      .name = "remove_node",
      .title = "Remove node",
      .description =
          "Removes a node from a cluster (CMON job 'removenode'), optionally uninstalling its software, or "
          "only unregistering it from ClusterControl (unregister_only). Refused for the last database node "
          "(use remove_cluster), for the primary (promote a replica first), for the last member of a MongoDB "
          "replica set or the last mongos. Destructive: needs confirmation, and a recent successful backup "
          "of the cluster (backup guard). dry_run=true shows the job and what would remain.\nExample: "
          "{\"cluster_id\": 1, \"node\": \"10.0.1.13\", \"uninstall\": true}",
      .group = "nodes",
      .tool_class = ToolClass::destructive,
      .input_schema =
          Schema()
              .cluster()
              .node(true, "the node to remove")
              .prop("uninstall",
                    s_boolean("Also uninstall the database software from the host (default false: "
                              "software and data stay)."))
              .prop(
                  "unregister_only",
                  s_boolean("Only make ClusterControl forget the node; the service keeps running untouched."))
              .prop("stop_timeout_s", stop_timeout)
              .build(),
      .action = make_action(plan_remove_node, ActionKind::job, BackupGuard::on),
  });
  registry.add(ToolDefinition{
      .name = "add_replica",
      .title = "Add replica",
      .description =
          "Adds a new replication replica to a MySQL/MariaDB replication cluster, a Galera cluster "
          "(asynchronous replica) or a PostgreSQL cluster (CMON job 'add_replication_slave'): CMON installs "
          "the server on the host, copies the data from the source (default: the primary) and starts "
          "replication. delay_s makes a delayed MySQL replica. Not for MongoDB, Redis or SQL Server (use "
          "add_node). Returns the job id, or follows it with wait=true.\nExample: {\"cluster_id\": 2, "
          "\"hostname\": \"10.0.2.14\", \"delay_s\": 3600}",
      .group = "nodes",
      .tool_class = ToolClass::write,
      .input_schema =
          Schema()
              .cluster()
              .prop("hostname", hostname_schema, true)
              .prop("port", port_schema)
              .prop("source",
                    s_string("The node to replicate from, \"host\" or \"host:port\" (default: the primary).",
                             std::nullopt, 300))
              .prop("delay_s", s_integer("MySQL/MariaDB only: keep the replica this many seconds behind its "
                                         "source (MASTER_DELAY), as a guard against mistakes.",
                                         1, 7 * 86400))
              .prop("install_software", install)
              .prop("disable_firewall", firewall)
              .prop("disable_selinux", selinux)
              .build(),
      .action = make_action(plan_add_replica, ActionKind::job),
  });
  registry.add(ToolDefinition{
      .name = "promote_replica",
      .title = "Promote replica",
      .description =
          "Makes a replica the new primary of its cluster (switchover, CMON job "
          "'promote_replication_slave'): "
          "the old primary becomes a replica and the other replicas follow the new one. For MySQL/MariaDB "
          "replication, PostgreSQL, SQL Server and Redis. Refused when the node is not a replica (the error "
          "names the current primary). Destructive for availability: needs confirmation. Check lag first "
          "with "
          "get_replication_status.\nExample: {\"cluster_id\": 2, \"node\": \"10.0.2.12\", \"wait\": true}",
      .group = "nodes",
      .tool_class = ToolClass::destructive,
      .input_schema = Schema().cluster().node(true, "the replica to promote").build(),
      .action = make_action(plan_promote_replica, ActionKind::job),
  });
  registry.add(ToolDefinition{
      .name = "rebuild_replica",
      .title = "Rebuild replica",
      .description =
          "Rebuilds a broken or drifted replica (CMON job 'stage_replication_slave'): its data directory is "
          "erased and copied again from the source (default: its primary) or seeded from a completed "
          "physical backup of the cluster (backup_id), then replication resumes. For MySQL/MariaDB, Galera "
          "asynchronous replicas and PostgreSQL. Destructive for that node: needs confirmation.\nExample: "
          "{\"cluster_id\": 2, \"node\": \"10.0.2.13\", \"backup_id\": 3, \"wait\": true}",
      .group = "nodes",
      .tool_class = ToolClass::destructive,
      .input_schema =
          Schema()
              .cluster()
              .node(true, "the replica to rebuild")
              .prop("source",
                    s_string("The node to copy from and replicate from, \"host\" or \"host:port\" (default: "
                             "the replica's current primary).",
                             std::nullopt, 300))
              .prop("backup_id",
                    s_integer("Seed the replica from this completed backup of the cluster instead "
                              "of copying from the source (see list_backups).",
                              1))
              .build(),
      .action = make_action(plan_rebuild_replica, ActionKind::job),
  });
  registry.add(ToolDefinition{
      .name = "set_node_read_only",
      .title = "Set node read-only",
      .description =
          "Turns read-only mode on or off on one MySQL/MariaDB/Galera or PostgreSQL node (CMON jobs "
          "'enable_db_readonly' / 'disable_db_readonly'), e.g. to freeze writes before maintenance or on a "
          "replica. Refused when the node is already in that mode. Making a replica writable lets writes "
          "diverge from the primary. Returns the job id, or follows it with wait=true.\nExample: "
          "{\"cluster_id\": 2, \"node\": \"10.0.2.11\", \"read_only\": true, \"wait\": true}",
      .group = "nodes",
      .tool_class = ToolClass::write,
      .input_schema =
          Schema()
              .cluster()
              .node(true, "the database node")
              .prop("read_only", s_boolean("true: make the node read-only; false: writable."), true)
              .build(),
      .action = make_action(plan_set_node_read_only, ActionKind::job),
  });
}

}  // namespace cmon_mcp::tools
