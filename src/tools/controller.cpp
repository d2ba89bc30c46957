// Controller and report tools (catalogue B.13, read side): get_controller_info, list_report_templates,
// list_reports, get_report.
#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"

namespace cmon_mcp::tools {
namespace {

awaitable<ToolResult> get_controller_info(ToolContext& ctx, const json& in) {
  json args = in;
  json info_fields = json::object();
  auto info = co_await ctx.cmon.call("/v2/info", "ping", std::move(info_fields));
  json ping_fields{{"cluster_id", 0}};
  auto ping = co_await ctx.cmon.call("/v2/clusters", "ping", std::move(ping_fields));
  if (!info && !ping) co_return cmon_failure(ping.error(), "reach the controller");
  json license_fields = json::object();
  auto license = co_await ctx.cmon.call("/v2/config", "getLicense", std::move(license_fields));
  json src = ping ? *ping : *info;
  json out{
      {"endpoint", ctx.cmon.endpoint()},
      {"reachable", true},
      {"authenticated", ping.has_value() && get_bool(*ping, "authenticated", true)},
      {"controller_id", get_string(src, "controller_id", info ? get_string(*info, "controller_id") : "")},
      {"version", get_string(src, "package_version", info ? get_string(*info, "package_version") : "")},
      {"rpc_version", ping ? get_string(*ping, "rpc_version") : ""},
      {"license", json::object()}};
  if (license) {
    json l = get_object(*license, "license");
    if (l.empty()) l = *license;
    out["license"] = json{{"type", get_string(l, "type")},
                          {"expires", get_string(l, "expiration_date", get_string(l, "valid_date"))},
                          {"status", get_string(l, "status", get_string(l, "license_status"))}};
  }
  std::string text =
      "Controller " + ctx.cmon.endpoint() + " is reachable: cmon " + out["version"].get<std::string>() +
      (out["rpc_version"].get<std::string>().empty() ? ""
                                                     : ", RPC " + out["rpc_version"].get<std::string>()) +
      ", id " + out["controller_id"].get<std::string>() + ".\n";
  if (!ping)
    text += "The authenticated ping failed: " +
            cmon_failure(ping.error(), "").content[0]["text"].get<std::string>() + "\n";
  if (license && !out["license"]["type"].get<std::string>().empty())
    text += "Licence: " + out["license"]["type"].get<std::string>() + ", expires " +
            out["license"]["expires"].get<std::string>() + "\n";
  co_return respond(args, std::move(text), std::move(out));
}

awaitable<ToolResult> list_report_templates(ToolContext& ctx, const json& in) {
  json args = in;
  json fields = json::object();
  auto r =
      co_await call(ctx, "/v2/reports", "getReportTemplates", std::move(fields), "list report templates");
  if (!r) co_return r.error();
  json items = json::array();
  std::string text = "Report types:\n";
  for (const auto& t : get_list(*r, "reports")) {
    items.push_back(json{{"report_type", get_string(t, "report_type")}, {"title", get_string(t, "title")}});
    text += "- " + get_string(t, "report_type") + ": " + get_string(t, "title") + "\n";
  }
  json out{{"templates", items}};
  co_return respond(args, std::move(text), std::move(out));
}

json report_item(const json& r) {
  return json{{"report_id", get_int(r, "report_id")},
              {"report_type", get_string(r, "report_type")},
              {"title", get_string(r, "title")},
              {"created", cmon_ts(r, "created")},
              {"owner", get_string(r, "owner_user_name", get_string(r, "owner"))}};
}

awaitable<ToolResult> list_reports(ToolContext& ctx, const json& in) {
  json args = in;
  auto c = co_await resolve_cluster(ctx, args);
  if (!c) co_return c.error();
  json fields{{"cluster_id", c->id}};
  auto r = co_await call(ctx, "/v2/reports", "getReports", std::move(fields), "list reports of " + c->name);
  if (!r) co_return r.error();
  json items = json::array();
  for (const auto& rep : get_list(*r, "reports")) items.push_back(report_item(rep));
  json out = json::object();
  page_array(out, "reports", std::move(items), paging_of(args, 50));
  std::string text = std::to_string(out["total"].get<int64_t>()) + " report(s) for " + c->name + ":\n";
  for (const auto& rep : out["reports"])
    text += "- report " + std::to_string(rep["report_id"].get<int64_t>()) + " " +
            rep["report_type"].get<std::string>() + " \"" + rep["title"].get<std::string>() + "\" " +
            rep["created"].get<std::string>() + "\n";
  co_return respond(args, std::move(text), std::move(out), "reports");
}

std::string strip_ansi(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\x1b' && i + 1 < s.size() && s[i + 1] == '[') {
      i += 2;
      while (i < s.size() && !std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
      continue;
    }
    out += s[i];
  }
  return out;
}

awaitable<ToolResult> get_report(ToolContext& ctx, const json& in) {
  json args = in;
  int64_t id = args["report_id"].get<int64_t>();
  auto c = co_await resolve_optional_cluster(ctx, args);
  if (!c) co_return c.error();
  json fields{{"report", {{"class_name", "CmonReport"}, {"report_id", id}, {"text_format", "AnsiTerminal"}}}};
  if (*c) fields["cluster_id"] = (*c)->id;
  auto r = co_await ctx.cmon.call("/v2/reports", "getReport", std::move(fields));
  if (!r) {
    // CMON answers a missing report with UnknownError "Report with id N was not found." (§1.7).
    if (icontains(r.error().message, "not found"))
      co_return ToolResult::error("report " + std::to_string(id) +
                                  " not found; list_reports shows the existing ones");
    co_return cmon_failure(r.error(), "read report " + std::to_string(id));
  }
  json rep = get_object(*r, "report");
  json item = report_item(rep);
  item["content"] = strip_html(strip_ansi(get_string(rep, "content")));
  std::string text = "Report " + std::to_string(id) + " " + item["report_type"].get<std::string>() + " (" +
                     item["created"].get<std::string>() + "):\n" + item["content"].get<std::string>();
  if (item["content"].get<std::string>().size() > kTextCap)
    item["content"] = item["content"].get<std::string>().substr(0, kTextCap);
  co_return respond(args, std::move(text), std::move(item));
}

}  // namespace

void register_controller_tools(Registry& registry) {
  registry.add(ToolDefinition{
      .name = "get_controller_info",
      .title = "Controller info",
      .description =
          "Is the ClusterControl controller reachable and logged in? Its id, cmon version, RPC version "
          "and licence. Use it first when every other tool fails. Read-only: changes nothing.\nExample: {}",
      .group = "controller",
      .tool_class = ToolClass::read,
      .input_schema = Schema().format().build(),
      .output_schema = o_obj({{"endpoint", o_str()},
                              {"reachable", o_bool()},
                              {"authenticated", o_bool()},
                              {"controller_id", o_str()},
                              {"version", o_str()},
                              {"rpc_version", o_str()},
                              {"license", o_obj(json::object())}},
                             {"endpoint", "reachable", "version"}),
      .handler = get_controller_info,
  });
  registry.add(ToolDefinition{
      .name = "list_report_templates",
      .title = "Report types",
      .description =
          "Operational report types the controller can generate (availability, backup, capacity, ...). "
          "Read-only: changes nothing.\nExample: {}",
      .group = "controller",
      .tool_class = ToolClass::read,
      .input_schema = Schema().format().build(),
      .output_schema = o_obj(
          {{"templates", o_arr(o_obj({{"report_type", o_str()}, {"title", o_str()}}, {"report_type"}))}},
          {"templates"}),
      .handler = list_report_templates,
  });
  json report_schema =
      o_obj({{"report_id", o_int()}, {"report_type", o_str()}, {"title", o_str()}, {"created", o_str()}},
            {"report_id", "report_type"});
  registry.add(ToolDefinition{
      .name = "list_reports",
      .title = "List reports",
      .description =
          "Operational reports already generated for a cluster. Read-only: changes nothing.\nExample: "
          "{\"cluster_id\": 3}",
      .group = "controller",
      .tool_class = ToolClass::read,
      .input_schema = Schema().cluster().paging(50, 500).format().build(),
      .output_schema = o_page("reports", report_schema),
      .handler = list_reports,
  });
  json content_schema = report_schema;
  content_schema["properties"]["content"] = o_str();
  registry.add(ToolDefinition{
      .name = "get_report",
      .title = "Get report",
      .description =
          "The text of one generated report (plain text, capped at 16 KB). Read-only: changes nothing.\n"
          "Example: {\"report_id\": 12}",
      .group = "controller",
      .tool_class = ToolClass::read,
      .input_schema = Schema()
                          .prop("report_id", s_integer("The report id (from list_reports).", 1), true)
                          .cluster("the report's cluster (optional)")
                          .format()
                          .build(),
      .output_schema = content_schema,
      .handler = get_report,
  });
}

}  // namespace cmon_mcp::tools
