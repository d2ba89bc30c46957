// Node tools (catalogue B.3, read side): list_nodes, get_node, get_replication_status. CMON has no node
// list operation: nodes are the hosts of getClusterInfo / getAllClusterInfo with with_hosts.
#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"

namespace cmon_mcp::tools {
namespace {

bool status_matches(const json& n, const std::string& want) {
  if (want.empty()) return true;
  if (want == "online") return n["online"].get<bool>();
  if (want == "not_online") return !n["online"].get<bool>();
  return iequals(n["status"].get<std::string>(), want);
}

awaitable<ToolResult> list_nodes(ToolContext& ctx, const json& in) {
  json args = in;
  json extra{{"with_hosts", true}};
  auto one = co_await resolve_optional_cluster(ctx, args, extra);
  if (!one) co_return one.error();
  const bool full = detail_of(args) == Detail::full;
  json clusters = json::array();
  if (*one) {
    clusters.push_back((*one)->info);
  } else {
    // Of every cluster, its id, name and what node_summary() reads of its hosts (all for "full").
    static const cmon::ReplyParts node_parts(
        json{{"clusters", {{"cluster_id", true}, {"cluster_name", true}, {"hosts", node_summary_reads()}}}});
    cmon::CallOptions options;
    options.parts = full ? nullptr : &node_parts;
    auto r = co_await call(ctx, "/v2/clusters", "getAllClusterInfo", std::move(extra), "list nodes", options);
    if (!r) co_return r.error();
    clusters = get_list(*r, "clusters");
  }
  std::string status = args.value("status", std::string());
  std::string type = args.value("nodetype", std::string());
  bool with_controller = args.value("include_controller", false);
  json items = json::array();
  for (const auto& c : clusters) {
    for (const auto& h : cluster_hosts(c, with_controller)) {
      json n = node_summary(h);
      if (!status_matches(n, status)) continue;
      if (!type.empty() && !icontains(n["nodetype"].get<std::string>(), type)) continue;
      n["cluster_id"] = get_int(c, "cluster_id");
      n["cluster_name"] = get_string(c, "cluster_name");
      if (full) n["raw"] = h;
      items.push_back(std::move(n));
    }
  }
  json out = json::object();
  page_array(out, "nodes", std::move(items), paging_of(args, 100));
  std::string text = std::to_string(out["total"].get<int64_t>()) + " node(s)";
  text += *one ? " in " + (*one)->name + ":\n" : ":\n";
  std::string current;
  for (const auto& n : out["nodes"]) {
    if (!*one && n["cluster_name"].get<std::string>() != current) {
      current = n["cluster_name"].get<std::string>();
      text += current + " (id " + std::to_string(n["cluster_id"].get<int64_t>()) + "):\n";
    }
    text += "- " + node_line(n) + "\n";
  }
  co_return respond(args, std::move(text), std::move(out), "nodes");
}

awaitable<ToolResult> get_node(ToolContext& ctx, const json& in) {
  json args = in;
  json extra{{"with_hosts", true}};
  auto c = co_await resolve_cluster(ctx, args, std::move(extra));
  if (!c) co_return c.error();
  auto h = find_node(*c, args["node"].get<std::string>());
  if (!h) co_return ToolResult::error(h.error());
  json n = node_summary(*h);
  n["cluster_id"] = c->id;
  n["cluster_name"] = c->name;
  n["datadir"] = get_string(*h, "datadir");
  json cfg = h->value("configfile", json());
  n["config_files"] = cfg.is_array() ? cfg : cfg.is_string() ? json::array({cfg}) : json::array();
  n["log_file"] = get_string(*h, "logfile");
  n["pid"] = get_int(*h, "pid");
  n["last_seen"] = cmon_ts(*h, "lastseen");
  json dist = get_object(*h, "distribution");
  n["os"] = (get_string(dist, "name") + " " + get_string(dist, "release")).substr(0, 80);
  json ssl = get_object(get_object(*h, "ssl_certs"), "server");
  n["tls"] = get_bool(ssl, "ssl_enabled");
  json rep = replication_of(*h, c->family);
  n["replication"] = rep.is_null() ? json::object() : rep;
  if (detail_of(args) == Detail::full) n["raw"] = *h;

  std::string text = node_line(n) + "\n";
  text += "Cluster: " + c->name + " (id " + std::to_string(c->id) + ", " + c->type + ")\n";
  if (!n["datadir"].get<std::string>().empty()) text += "Data dir: " + n["datadir"].get<std::string>() + "\n";
  if (!n["config_files"].empty()) text += "Config: " + n["config_files"].dump() + "\n";
  if (n["os"].get<std::string>() != " ") text += "OS: " + n["os"].get<std::string>() + "\n";
  text += std::string("TLS: ") + (n["tls"].get<bool>() ? "enabled" : "off") + "\n";
  if (!rep.is_null()) text += "Replication: " + rep.dump() + "\n";
  if (!n["last_seen"].get<std::string>().empty())
    text += "Last seen: " + n["last_seen"].get<std::string>() + "\n";
  co_return respond(args, std::move(text), std::move(n));
}

awaitable<ToolResult> get_replication_status(ToolContext& ctx, const json& in) {
  json args = in;
  json extra{{"with_hosts", true}};
  auto c = co_await resolve_cluster(ctx, args, std::move(extra));
  if (!c) co_return c.error();
  if (c->family == Family::elastic || c->family == Family::clickhouse || c->family == Family::other)
    co_return ToolResult::error(std::string("replication status is not available for ") +
                                family_name(c->family) + " clusters (" + c->type +
                                "); use get_cluster for node states");
  json topology = json::array();
  int64_t max_lag = -1;
  std::string text = c->name + " (" + c->type + ", " + family_name(c->family) + ") replication:\n";
  for (const auto& h : cluster_hosts(c->info)) {
    json n = node_summary(h);
    json r = replication_of(h, c->family);
    if (r.is_null()) r = json{{"node", n["node"]}, {"role", n["role"]}};
    r["status"] = n["status"];
    r["readonly"] = n["readonly"];
    if (h.contains("replication_master") && h["replication_master"].is_object()) {
      const json& m = h["replication_master"];
      r["binlog"] =
          get_string(m, "file") + (get_string(m, "position").empty() ? "" : ":" + get_string(m, "position"));
      r["gtid"] = get_string(m, "exec_gtid");
    }
    if (h.contains("replication_slave") && h["replication_slave"].is_object() && !r.contains("gtid"))
      r["gtid"] = get_string(h["replication_slave"], "exec_gtid");
    max_lag = std::max<int64_t>(max_lag, r.value("lag_s", int64_t{-1}));
    std::string line = "- " + r["node"].get<std::string>() + " " + r["role"].get<std::string>() + " " +
                       r["status"].get<std::string>();
    if (r.contains("source")) line += ", from " + r["source"].get<std::string>();
    if (r.value("lag_s", int64_t{-1}) >= 0)
      line += ", lag " + human_duration(static_cast<double>(r["lag_s"].get<int64_t>()));
    if (r.contains("io_running"))
      line += ", IO " + r["io_running"].get<std::string>() + " SQL " + r["sql_running"].get<std::string>();
    if (r.contains("state")) line += ", state " + r["state"].get<std::string>();
    if (r.contains("galera_status"))
      line += " (" + r["galera_status"].get<std::string>() + ", size " +
              std::to_string(r["cluster_size"].get<int64_t>()) + ")";
    if (r.contains("error")) line += ", ERROR: " + r["error"].get<std::string>();
    if (r.value("gtid", std::string()).size() > 0 && detail_of(args) == Detail::full)
      line += ", GTID " + r["gtid"].get<std::string>();
    text += line + "\n";
    topology.push_back(std::move(r));
  }
  json out{{"cluster_id", c->id},     {"cluster_name", c->name},
           {"cluster_type", c->type}, {"family", family_name(c->family)},
           {"nodes", topology},       {"max_lag_s", max_lag}};
  co_return respond(args, std::move(text), std::move(out));
}

}  // namespace

void register_nodes_tools(Registry& registry) {
  json node_item = node_summary_schema();
  node_item["properties"]["cluster_id"] = o_int();
  node_item["properties"]["cluster_name"] = o_str();
  registry.add(ToolDefinition{
      .name = "list_nodes",
      .title = "List nodes",
      .description = "Nodes of one cluster (or of every cluster when none is given): address, type, role, "
                     "status, version, "
                     "read-only and maintenance flags, uptime and the controller's status message. Use it to "
                     "find a node's "
                     "host:port or to see which nodes are down (status=not_online). Read-only: changes "
                     "nothing.\nExample: "
                     "{\"cluster_name\": \"prod-galera\", \"status\": \"not_online\"}",
      .group = "nodes",
      .tool_class = ToolClass::read,
      .input_schema =
          Schema()
              .cluster("the cluster (omit for all clusters)")
              .prop("status", s_enum("Only nodes in this status: online, not_online, or a CMON status "
                                     "(Offline, Failed, Recovery, ShutDown, Unknown).",
                                     {"online", "not_online", "Offline", "OffLine", "Failed", "Recovery",
                                      "ShutDown", "Unknown"}))
              .prop("nodetype", s_string("Only nodes whose type contains this (galera, mysql, postgres, "
                                         "mongo, mssql, redis, haproxy, proxysql, ...)."))
              .prop("include_controller", s_boolean("Also list the controller entry (default false)."))
              .paging(100, 500)
              .detail()
              .format()
              .build(),
      .output_schema = o_page("nodes", node_item),
      .handler = list_nodes,
  });
  json node_detail = node_summary_schema();
  node_detail["properties"].update(json{{"cluster_id", o_int()},
                                        {"datadir", o_str()},
                                        {"config_files", o_arr(json::object())},
                                        {"tls", o_bool()},
                                        {"replication", o_obj(json::object())}});
  registry.add(ToolDefinition{
      .name = "get_node",
      .title = "Get node",
      .description =
          "One node in detail: status and message, role, version, uptime, data directory, configuration "
          "files, "
          "OS, TLS, and its replication or Galera state. Use it after list_nodes or get_cluster_health "
          "points at a "
          "node. Read-only: changes nothing.\nExample: {\"cluster_id\": 3, \"node\": \"10.0.0.12:3306\"}",
      .group = "nodes",
      .tool_class = ToolClass::read,
      .input_schema = Schema().cluster().node(true).detail().format().build(),
      .output_schema = node_detail,
      .handler = get_node,
  });
  registry.add(ToolDefinition{
      .name = "get_replication_status",
      .title = "Replication status",
      .description =
          "Replication topology of a cluster in its product's terms: MySQL/MariaDB primary and replicas with "
          "lag, "
          "IO/SQL threads, errors and GTID; Galera node states and component; PostgreSQL streaming state and "
          "replay lag; MongoDB member roles; SQL Server replica health; Redis primary/replica. Use it for "
          "\"is "
          "the replica behind?\" or before promoting a replica. Read-only: changes nothing.\nExample: "
          "{\"cluster_name\": \"mariadb-repl\"}",
      .group = "nodes",
      .tool_class = ToolClass::read,
      .input_schema = Schema().cluster().detail().format().build(),
      .output_schema =
          o_obj({{"cluster_id", o_int()},
                 {"cluster_type", o_str()},
                 {"family", o_str()},
                 {"nodes", o_arr(o_obj({{"node", o_str()}, {"role", o_str()}, {"status", o_str()}},
                                       {"node", "role", "status"}))},
                 {"max_lag_s", o_int()}},
                {"cluster_id", "nodes", "max_lag_s"}),
      .handler = get_replication_status,
  });
}

}  // namespace cmon_mcp::tools
