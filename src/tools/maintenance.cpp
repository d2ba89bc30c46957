// Maintenance tools (catalogue B.11, read side): list_maintenance, get_current_maintenance.
#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"

namespace cmon_mcp::tools {
namespace {

json period_item(const json& p, const json& record) {
  json cluster = get_object(record, "cluster");
  return json{
      {"uuid", get_string(p, "UUID")},
      {"cluster_id", get_int(cluster, "cluster_id", get_int(record, "cluster_id"))},
      {"target", !get_string(record, "hostname").empty() ? "node " + get_string(record, "hostname")
                                                         : "cluster " + get_string(cluster, "cluster_name")},
      {"initiate", cmon_ts(p, "initiate")},
      {"deadline", cmon_ts(p, "deadline")},
      {"reason", strip_html(get_string(p, "reason"))},
      {"active", get_bool(p, "is_active")},
      {"user", get_string(p, "username")}};
}

json period_schema() {
  return o_obj({{"uuid", o_str()},
                {"cluster_id", o_int()},
                {"target", o_str()},
                {"initiate", o_str()},
                {"deadline", o_str()},
                {"reason", o_str()},
                {"active", o_bool()}},
               {"uuid", "initiate", "deadline", "active"});
}

std::string period_line(const json& p) {
  return p["target"].get<std::string>() + " from " + p["initiate"].get<std::string>() + " to " +
         p["deadline"].get<std::string>() + (p["active"].get<bool>() ? " (ACTIVE)" : "") + ": " +
         p["reason"].get<std::string>() +
         (p["user"].get<std::string>().empty() ? "" : " by " + p["user"].get<std::string>()) + " [" +
         p["uuid"].get<std::string>() + "]";
}

awaitable<ToolResult> list_maintenance(ToolContext& ctx, const json& in) {
  json args = in;
  auto c = co_await resolve_optional_cluster(ctx, args);
  if (!c) co_return c.error();
  json fields = json::object();
  if (*c) fields["cluster_id"] = (*c)->id;
  auto r =
      co_await call(ctx, "/v2/maintenance", "getMaintenance", std::move(fields), "list maintenance windows");
  if (!r) co_return r.error();
  bool past = args.value("include_past", false);
  std::string now = iso_utc(std::chrono::system_clock::now());
  json items = json::array();
  for (const auto& rec : get_list(*r, "maintenance_records")) {
    for (const auto& p : get_list(rec, "maintenance_periods")) {
      json item = period_item(p, rec);
      if (*c && item["cluster_id"].get<int64_t>() != (*c)->id && item["cluster_id"].get<int64_t>() != 0)
        continue;
      if (!past && !item["deadline"].get<std::string>().empty() && item["deadline"].get<std::string>() < now)
        continue;
      items.push_back(std::move(item));
    }
  }
  json out = json::object();
  page_array(out, "windows", std::move(items), paging_of(args, 50));
  std::string text = std::to_string(out["total"].get<int64_t>()) + " maintenance window(s)" +
                     (past ? "" : " (current and future)") + ":\n";
  for (const auto& p : out["windows"]) text += "- " + period_line(p) + "\n";
  co_return respond(args, std::move(text), std::move(out), "windows");
}

awaitable<ToolResult> get_current_maintenance(ToolContext& ctx, const json& in) {
  json args = in;
  json extra{{"with_hosts", true}};
  auto c = co_await resolve_cluster(ctx, args, std::move(extra));
  if (!c) co_return c.error();
  json fields{{"cluster_id", c->id}};
  std::string target = "cluster " + c->name;
  if (args.contains("node")) {
    auto h = find_node(*c, args["node"].get<std::string>());
    if (!h) co_return ToolResult::error(h.error());
    fields = json{{"hostname", get_string(*h, "hostname")}};
    target = "node " + host_label(*h);
  }
  json next_fields = fields;
  auto cur = co_await call(ctx, "/v2/maintenance", "getCurrentMaintenance", std::move(fields),
                           "read the maintenance of " + target);
  if (!cur) co_return cur.error();
  auto next = co_await ctx.cmon.call("/v2/maintenance", "getNextMaintenance", std::move(next_fields));
  json out{{"target", target},
           {"in_maintenance", get_bool(*cur, "found_maintenance")},
           {"current", nullptr},
           {"next", nullptr}};
  std::string text;
  if (out["in_maintenance"].get<bool>()) {
    json p = period_item(get_object(*cur, "maintenance_period"), json::object());
    p["target"] = target;
    out["current"] = p;
    text = target + " IS in maintenance: " + period_line(p) + "\n";
  } else {
    text = target + " is not in maintenance now.\n";
  }
  if (next && get_bool(*next, "found_maintenance")) {
    json p = period_item(get_object(*next, "maintenance_period"), json::object());
    p["target"] = target;
    out["next"] = p;
    text += "Next window: " + period_line(p) + "\n";
  }
  co_return respond(args, std::move(text), std::move(out));
}

}  // namespace

void register_maintenance_tools(Registry& registry) {
  json nullable_period = period_schema();
  nullable_period["type"] = json::array({"object", "null"});
  registry.add(ToolDefinition{
      .name = "list_maintenance",
      .title = "List maintenance windows",
      .description =
          "Maintenance windows of clusters and nodes, current and future (past ones with include_past): "
          "target, start, end, reason, who. Read-only: changes nothing.\nExample: {\"cluster_id\": 3}",
      .group = "maintenance",
      .tool_class = ToolClass::read,
      .input_schema = Schema()
                          .cluster("the cluster (omit for all clusters)")
                          .prop("include_past", s_boolean("Also list windows that have ended."))
                          .paging(50, 500)
                          .format()
                          .build(),
      .output_schema = o_page("windows", period_schema()),
      .handler = list_maintenance,
  });
  registry.add(ToolDefinition{
      .name = "get_current_maintenance",
      .title = "Current maintenance",
      .description =
          "Whether a cluster (or one of its nodes) is in maintenance right now, and its next scheduled "
          "window. Alarms and recovery are muted during maintenance, so check this when a node is down but "
          "nothing alerts. Read-only: changes nothing.\nExample: {\"cluster_id\": 3, \"node\": "
          "\"10.0.0.12\"}",
      .group = "maintenance",
      .tool_class = ToolClass::read,
      .input_schema = Schema().cluster().node(false, "A node of the cluster (optional)").format().build(),
      .output_schema = o_obj({{"target", o_str()},
                              {"in_maintenance", o_bool()},
                              {"current", nullable_period},
                              {"next", nullable_period}},
                             {"target", "in_maintenance"}),
      .handler = get_current_maintenance,
  });
}

}  // namespace cmon_mcp::tools
