// Alarm tools (catalogue B.9, read side): list_alarms, get_alarm, get_alarm_summary.
#include <algorithm>

#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"

namespace cmon_mcp::tools {
namespace {

json alarm_item(const json& a) {
  std::string sev = get_string(a, "severity_name");
  std::string s = icontains(sev, "critical")  ? "critical"
                  : icontains(sev, "warning") ? "warning"
                                              : lower(sev);
  return json{{"alarm_id", get_int(a, "alarm_id")},
              {"cluster_id", get_int(a, "cluster_id")},
              {"severity", s},
              {"title", strip_html(get_string(a, "title"))},
              {"hostname", get_string(a, "hostname")},
              {"component", get_string(a, "component_name")},
              {"type", get_string(a, "type_name")},
              {"message", strip_html(get_string(a, "message"))},
              {"recommendation", strip_html(get_string(a, "recommendation"))},
              {"counter", get_int(a, "counter")},
              {"ignored", get_bool(a, "ignored")},
              {"created", cmon_ts(a, "created")},
              {"reported", cmon_ts(a, "reported")}};
}

json alarm_item_schema() {
  return o_obj({{"alarm_id", o_int()},
                {"cluster_id", o_int()},
                {"severity", o_str()},
                {"title", o_str()},
                {"hostname", o_str()},
                {"message", o_str()},
                {"recommendation", o_str()},
                {"ignored", o_bool()},
                {"created", o_str()}},
               {"alarm_id", "severity", "title"});
}

std::string alarm_line(const json& a, bool full) {
  std::string s = upper(a["severity"].get<std::string>()) + " alarm " +
                  std::to_string(a["alarm_id"].get<int64_t>()) + ": " + a["title"].get<std::string>();
  if (!a["hostname"].get<std::string>().empty()) s += " on " + a["hostname"].get<std::string>();
  s += " (cluster " + std::to_string(a["cluster_id"].get<int64_t>()) + ", since " +
       a["created"].get<std::string>() + ")";
  if (a["ignored"].get<bool>()) s += " [ignored]";
  if (full || !a["message"].get<std::string>().empty()) s += " — " + a["message"].get<std::string>();
  if (full && !a["recommendation"].get<std::string>().empty())
    s += " Recommendation: " + a["recommendation"].get<std::string>();
  return s;
}

awaitable<ToolResult> list_alarms(ToolContext& ctx, const json& in) {
  json args = in;
  auto c = co_await resolve_optional_cluster(ctx, args);
  if (!c) co_return c.error();
  json fields = json::object();
  if (*c) fields["cluster_id"] = (*c)->id;
  auto r = co_await call(ctx, "/v2/alarm", "getAlarms", std::move(fields), "list alarms");
  if (!r) co_return r.error();
  std::string severity = args.value("severity", std::string());
  bool with_ignored = args.value("include_ignored", false);
  json items = json::array();
  for (const auto& a : get_list(*r, "alarms")) {
    json item = alarm_item(a);
    if (!severity.empty() && item["severity"] != severity) continue;
    if (!with_ignored && item["ignored"].get<bool>()) continue;
    items.push_back(std::move(item));
  }
  // Critical first, then newest first.
  std::stable_sort(items.begin(), items.end(), [](const json& a, const json& b) {
    bool ca = a["severity"] == "critical", cb = b["severity"] == "critical";
    if (ca != cb) return ca;
    return a["created"].get<std::string>() > b["created"].get<std::string>();
  });
  json out = json::object();
  page_array(out, "alarms", std::move(items), paging_of(args, 50));
  std::string text = std::to_string(out["total"].get<int64_t>()) + " active alarm(s)" +
                     (*c ? " in " + (*c)->name : std::string()) + ", critical first:\n";
  for (const auto& a : out["alarms"]) text += "- " + alarm_line(a, detail_of(args) == Detail::full) + "\n";
  if (out["total"] == 0) text = "No active alarms" + (*c ? " in " + (*c)->name : std::string()) + ".";
  co_return respond(args, std::move(text), std::move(out), "alarms");
}

awaitable<ToolResult> get_alarm(ToolContext& ctx, const json& in) {
  json args = in;
  int64_t id = args["alarm_id"].get<int64_t>();
  auto c = co_await resolve_optional_cluster(ctx, args);
  if (!c) co_return c.error();
  // getAlarm needs the cluster: find it from the alarm list when the caller did not name one.
  json list_fields = json::object();
  if (*c) list_fields["cluster_id"] = (*c)->id;
  auto all = co_await call(ctx, "/v2/alarm", "getAlarms", std::move(list_fields),
                           "look up alarm " + std::to_string(id));
  if (!all) co_return all.error();
  json found;
  for (const auto& a : get_list(*all, "alarms"))
    if (get_int(a, "alarm_id") == id) found = a;
  int64_t cid = *c ? (*c)->id : found.is_null() ? -1 : get_int(found, "cluster_id");
  if (cid >= 0) {
    json fields{{"alarm_id", id}, {"cluster_id", cid}};
    auto one = co_await ctx.cmon.call("/v2/alarm", "getAlarm", std::move(fields));
    if (one) {
      json a = one->contains("alarm") ? get_object(*one, "alarm") : *one;
      if (get_int(a, "alarm_id") == id) found = a;
    }
  }
  if (found.is_null())
    co_return ToolResult::error("alarm " + std::to_string(id) +
                                " not found (it may have been cleared); list_alarms "
                                "shows the active ones");
  json item = alarm_item(found);
  std::string text = alarm_line(item, true) + "\n";
  co_return respond(args, std::move(text), std::move(item));
}

awaitable<ToolResult> get_alarm_summary(ToolContext& ctx, const json& in) {
  json args = in;
  auto c = co_await resolve_optional_cluster(ctx, args);
  if (!c) co_return c.error();
  json fields = json::object();
  if (*c) fields["cluster_id"] = (*c)->id;
  auto r = co_await call(ctx, "/v2/alarm", "getStatistics", std::move(fields), "read alarm statistics");
  if (!r) co_return r.error();
  json names_fields = json::object();
  auto names = co_await ctx.cmon.call("/v2/clusters", "getAllClusterInfo", std::move(names_fields));
  auto name_of = [&](int64_t id) {
    if (names)
      for (const auto& cl : get_list(*names, "clusters"))
        if (get_int(cl, "cluster_id") == id) return get_string(cl, "cluster_name");
    return std::string();
  };
  json items = json::array();
  int64_t crit = 0, warn = 0;
  for (const auto& s : get_list(*r, "alarm_statistics")) {
    int64_t id = get_int(s, "cluster_id");
    if (*c && id != (*c)->id) continue;
    json item{{"cluster_id", id},
              {"cluster_name", name_of(id)},
              {"critical", get_int(s, "critical")},
              {"warning", get_int(s, "warning")}};
    crit += item["critical"].get<int64_t>();
    warn += item["warning"].get<int64_t>();
    items.push_back(std::move(item));
  }
  std::stable_sort(items.begin(), items.end(), [](const json& a, const json& b) {
    return std::pair(a["critical"].get<int64_t>(), a["warning"].get<int64_t>()) >
           std::pair(b["critical"].get<int64_t>(), b["warning"].get<int64_t>());
  });
  std::string text = std::to_string(crit) + " critical and " + std::to_string(warn) + " warning alarm(s):\n";
  for (const auto& i : items)
    text +=
        "- " +
        (i["cluster_name"].get<std::string>().empty() ? "cluster" : i["cluster_name"].get<std::string>()) +
        " (id " + std::to_string(i["cluster_id"].get<int64_t>()) +
        "): " + std::to_string(i["critical"].get<int64_t>()) + " critical, " +
        std::to_string(i["warning"].get<int64_t>()) + " warning\n";
  json out{{"clusters", items}, {"critical", crit}, {"warning", warn}};
  co_return respond(args, std::move(text), std::move(out));
}

}  // namespace

void register_alarms_tools(Registry& registry) {
  registry.add(ToolDefinition{
      .name = "list_alarms",
      .title = "List alarms",
      .description =
          "Active alarms, critical first then newest: severity, title, host, message, since when. For one "
          "cluster or all; ignored alarms only on request. Use it for \"what is alerting?\". Read-only: "
          "changes nothing.\nExample: {\"cluster_id\": 3, \"severity\": \"critical\"}",
      .group = "alarms",
      .tool_class = ToolClass::read,
      .input_schema = Schema()
                          .cluster("the cluster (omit for all clusters)")
                          .prop("severity", s_enum("Only this severity.", {"critical", "warning"}))
                          .prop("include_ignored", s_boolean("Also list ignored alarms (default false)."))
                          .paging(50, 500)
                          .detail()
                          .format()
                          .build(),
      .output_schema = o_page("alarms", alarm_item_schema()),
      .handler = list_alarms,
  });
  registry.add(ToolDefinition{
      .name = "get_alarm",
      .title = "Get alarm",
      .description =
          "One alarm with its full message and the controller's recommendation. Read-only: changes "
          "nothing.\nExample: {\"alarm_id\": 77}",
      .group = "alarms",
      .tool_class = ToolClass::read,
      .input_schema = Schema()
                          .prop("alarm_id", s_integer("The alarm id (from list_alarms).", 0), true)
                          .cluster("the alarm's cluster (optional)")
                          .format()
                          .build(),
      .output_schema = alarm_item_schema(),
      .handler = get_alarm,
  });
  registry.add(ToolDefinition{
      .name = "get_alarm_summary",
      .title = "Alarm summary",
      .description =
          "Critical and warning alarm counts per cluster, worst first: a one-glance overview of the whole "
          "estate. Read-only: changes nothing.\nExample: {}",
      .group = "alarms",
      .tool_class = ToolClass::read,
      .input_schema = Schema().cluster("the cluster (omit for all clusters)").format().build(),
      .output_schema = o_obj({{"clusters", o_arr(o_obj({{"cluster_id", o_int()},
                                                        {"cluster_name", o_str()},
                                                        {"critical", o_int()},
                                                        {"warning", o_int()}},
                                                       {"cluster_id", "critical", "warning"}))},
                              {"critical", o_int()},
                              {"warning", o_int()}},
                             {"clusters", "critical", "warning"}),
      .handler = get_alarm_summary,
  });
}

}  // namespace cmon_mcp::tools
