// Catalogue B.9 (alarms), state-changing side: planners run by the
// safety pipeline (action.cpp).
#include "cmon_mcp/tools/action.hpp"
#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"

namespace cmon_mcp::tools {
namespace {

// "alarm 3 (warning: Replication lag on 10.0.2.13)"
std::string alarm_label(const json& a) {
  std::string sev = get_string(a, "severity_name");
  std::string s = "alarm " + std::to_string(get_int(a, "alarm_id")) + " (" +
                  (icontains(sev, "critical")  ? std::string("critical")
                   : icontains(sev, "warning") ? std::string("warning")
                                               : lower(sev)) +
                  ": " + strip_html(get_string(a, "title"));
  if (!get_string(a, "hostname").empty()) s += " on " + get_string(a, "hostname");
  return s + ")";
}

awaitable<Expected<ActionPlan, ToolResult>> plan_ignore_alarm(ToolContext& ctx, const json& args) {
  auto c = co_await resolve_cluster(ctx, args);
  if (!c) co_return unexpected(std::move(c.error()));
  const int64_t id = get_int(args, "alarm_id", -1);
  const bool ignore = get_bool(args, "ignore", true);

  json fields = json::object();
  fields["cluster_id"] = c->id;
  const std::string doing = "list the alarms of " + cluster_label(*c);
  auto r = co_await call(ctx, "/v2/alarm", "getAlarms", std::move(fields), doing);
  if (!r) co_return unexpected(std::move(r.error()));
  json alarm;
  std::vector<std::string> known;
  for (const auto& a : get_list(*r, "alarms")) {
    if (!a.is_object()) continue;  // lists may hold null entries (cmon-rpc-v2.md §17)
    if (get_int(a, "cluster_id", c->id) != c->id) continue;
    if (get_int(a, "alarm_id") == id) alarm = a;
    known.push_back(alarm_label(a) + (get_bool(a, "ignored") ? " [ignored]" : ""));
  }
  if (alarm.is_null()) {
    std::string msg = "alarm " + std::to_string(id) + " is not an alarm of " + cluster_label(*c);
    // Say where it is when the id belongs to another cluster.
    json all_fields = json::object();
    auto all = co_await ctx.cmon.call("/v2/alarm", "getAlarms", std::move(all_fields));
    if (all)
      for (const auto& a : get_list(*all, "alarms"))
        if (a.is_object() && get_int(a, "alarm_id") == id)
          msg += "; it belongs to cluster id " + std::to_string(get_int(a, "cluster_id")) +
                 " (give that cluster_id)";
    if (known.empty())
      msg += "; " + cluster_label(*c) + " has no alarms";
    else {
      msg += "; its alarms:";
      for (const auto& k : known) msg += "\n- " + k;
    }
    co_return unexpected(ToolResult::error(msg + "\n(list_alarms with include_ignored: true lists them)"));
  }
  if (get_bool(alarm, "ignored") == ignore)
    co_return unexpected(ToolResult::error("nothing to change: " + alarm_label(alarm) + " of " +
                                           cluster_label(*c) + " is already " +
                                           (ignore ? "ignored" : "not ignored")));

  ActionPlan plan;
  plan.cluster = *c;
  plan.summary =
      std::string(ignore ? "Ignore " : "Stop ignoring ") + alarm_label(alarm) + " of " + cluster_label(*c);
  plan.effect = ignore ? "The alarm stays in the list but is left out of the alarm counts and of "
                         "list_alarms (unless include_ignored); the condition behind it is not fixed."
                       : "The alarm counts again in the alarm statistics and shows in list_alarms.";
  json req = json::object();
  req["alarm_id"] = id;
  req["cluster_id"] = c->id;
  req["ignore"] = ignore;
  plan.requests.push_back(CmonRequest{"/v2/alarm", "ignoreAlarm", std::move(req), {}});
  const int64_t cluster_id = c->id;
  const std::string cluster_name = c->name;
  plan.on_done = [id, ignore, cluster_id, cluster_name, alarm](const ActionPlan& p,
                                                               const std::vector<json>& replies) {
    json a = alarm;
    if (!replies.empty() && replies[0].contains("alarm") && replies[0]["alarm"].is_object())
      a = replies[0]["alarm"];
    else
      a["ignored"] = ignore ? 1 : 0;
    json out = json::object();
    out["tool"] = "ignore_alarm";
    out["status"] = "done";
    out["summary"] = p.summary;
    out["cluster_id"] = cluster_id;
    out["cluster_name"] = cluster_name;
    out["alarm_id"] = id;
    out["ignored"] = get_bool(a, "ignored");
    std::string text = std::string(get_bool(a, "ignored") ? "Ignored " : "No longer ignoring ") +
                       alarm_label(a) + " of cluster " + cluster_name + " (id " + std::to_string(cluster_id) +
                       ").\n";
    return ToolResult::structured_text(std::move(text), std::move(out));
  };
  co_return plan;
}

}  // namespace

void register_alarms_actions(Registry& registry) {
  registry.add(ToolDefinition{
      .name = "ignore_alarm",
      .title = "Ignore alarm",
      .description =
          "Ignores (silences) or un-ignores one alarm of a cluster (CMON ignoreAlarm). An ignored alarm no "
          "longer counts in get_alarm_summary nor shows in list_alarms (unless include_ignored); the "
          "underlying problem is not fixed. Use it for a known, accepted condition; ignore: "
          "false brings the alarm back. The alarm id must be one of the cluster's alarms (list_alarms). "
          "Returns the alarm's new state.\nExample: {\"cluster_id\": 2, \"alarm_id\": 3, \"ignore\": true}",
      .group = "alarms",
      .tool_class = ToolClass::write,
      .input_schema =
          Schema()
              .cluster("the alarm's cluster")
              .prop("alarm_id", s_integer("The alarm id (from list_alarms).", 0), true)
              .prop("ignore", s_boolean("true (default) to ignore the alarm, false to stop ignoring it."))
              .build(),
      .output_schema = o_obj({{"tool", o_str()},
                              {"status", o_str()},
                              {"summary", o_str()},
                              {"cluster_id", o_int()},
                              {"dry_run", o_bool()},
                              {"alarm_id", o_int()},
                              {"ignored", o_bool()}},
                             {"status", "summary"}),
      .action = make_action(plan_ignore_alarm),
  });
}

}  // namespace cmon_mcp::tools
