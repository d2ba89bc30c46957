// Node tools (catalogue B.3, state-changing side). Each tool is a planner: it resolves the cluster and
// the node, checks that the operation makes sense for them, and describes the CMON job it would create;
// the safety pipeline (action.cpp) does the rest.
#include "cmon_mcp/tools/action.hpp"
#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"

namespace cmon_mcp::tools {
namespace {

// The cluster (with its hosts) and the node the arguments name.
struct Target {
  Cluster cluster;
  json host;
};

awaitable<Expected<Target, ToolResult>> resolve_target(ToolContext& ctx, const json& args) {
  json extra{{"with_hosts", true}};
  auto c = co_await resolve_cluster(ctx, args, std::move(extra));
  if (!c) co_return unexpected(std::move(c.error()));
  auto h = find_node(*c, args.value("node", std::string()));
  if (!h) co_return unexpected(ToolResult::error(h.error()));
  co_return Target{std::move(*c), std::move(*h)};
}

// "2 of 3 nodes" online after `host` goes down (controller and the host itself left out).
std::string remaining_nodes(const Cluster& c, const json& host) {
  size_t total = 0, online_after = 0;
  for (const auto& h : cluster_hosts(c.info)) {
    ++total;
    if (host_online(h) && host_label(h) != host_label(host)) ++online_after;
  }
  return std::to_string(online_after) + " of " + std::to_string(total) + " node(s) online";
}

json node_job_data(const Target& t) {
  json data = json::object();
  data["clusterid"] = t.cluster.id;
  data["node"] = node_ref(t.host);
  return data;
}

awaitable<Expected<ActionPlan, ToolResult>> plan_start_node(ToolContext& ctx, const json& args) {
  auto t = co_await resolve_target(ctx, args);
  if (!t) co_return unexpected(std::move(t.error()));
  if (host_online(t->host))
    co_return unexpected(ToolResult::error("node " + host_label(t->host) + " of " +
                                           cluster_label(t->cluster) +
                                           " is already online; restart_node restarts it"));
  json data = node_job_data(*t);
  if (args.value("bootstrap", false)) data["bootstrap"] = true;
  co_return job_plan(t->cluster, "Start node " + host_label(t->host) + " of " + cluster_label(t->cluster),
                     "start", std::move(data));
}

awaitable<Expected<ActionPlan, ToolResult>> plan_stop_node(ToolContext& ctx, const json& args) {
  auto t = co_await resolve_target(ctx, args);
  if (!t) co_return unexpected(std::move(t.error()));
  json data = node_job_data(*t);
  if (args.value("force", false)) data["force_stop"] = true;
  if (args.contains("stop_timeout_s")) data["stop_timeout"] = args["stop_timeout_s"];
  ActionPlan plan =
      job_plan(t->cluster, "Stop node " + host_label(t->host) + " of " + cluster_label(t->cluster), "stop",
               std::move(data));
  plan.effect = "This stops the database on node " + host_label(t->host) + " of " +
                cluster_label(t->cluster) + "; the cluster will run with " +
                remaining_nodes(t->cluster, t->host) +
                ", and clients connected to that node lose their connections.";
  co_return plan;
}

awaitable<Expected<ActionPlan, ToolResult>> plan_restart_node(ToolContext& ctx, const json& args) {
  auto t = co_await resolve_target(ctx, args);
  if (!t) co_return unexpected(std::move(t.error()));
  json data = node_job_data(*t);
  if (args.value("force", false)) data["force_stop"] = true;
  if (args.contains("stop_timeout_s")) data["stop_timeout"] = args["stop_timeout_s"];
  co_return job_plan(t->cluster, "Restart node " + host_label(t->host) + " of " + cluster_label(t->cluster),
                     "restart", std::move(data));
}

}  // namespace

void register_nodes_actions(Registry& registry) {
  json stop_timeout =
      s_integer("Seconds to wait for a clean shutdown before CMON gives up (default: CMON's).", 1, 86400);
  registry.add(ToolDefinition{
      .name = "start_node",
      .title = "Start node",
      .description =
          "Starts the database service on a stopped node of a cluster (CMON job 'start'). Returns the job id "
          "at "
          "once, or with wait=true follows the job with progress. Changes state: the node comes back and "
          "rejoins the cluster.\nExample: {\"cluster_id\": 3, \"node\": \"10.0.0.13\", \"wait\": true}",
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
          "is "
          "asked to confirm (or confirm=true when the client cannot ask). The cluster keeps running on the "
          "other nodes. dry_run=true shows the job without sending it.\nExample: {\"cluster_name\": "
          "\"prod-galera\", \"node\": \"10.0.0.13:3306\"}",
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
          "change. "
          "Refused while another restart, stop or topology change runs on the cluster; a retry of the same "
          "call returns the running job instead of restarting twice.\nExample: {\"cluster_id\": 3, \"node\": "
          "\"10.0.0.12\", \"wait\": true}",
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
}

}  // namespace cmon_mcp::tools
