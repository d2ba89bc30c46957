// Controller and report tools (catalogue B.13), state-changing side: generate_report (/v2/reports
// generateReport, API §15.4) and create_error_report (job error_report, API §6.5). Planners run by the
// safety pipeline (action.cpp).
#include <string>
#include <vector>

#include "cmon_mcp/tools/action.hpp"
#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"

namespace cmon_mcp::tools {
namespace {

json action_output(json extra) {
  json props{{"tool", o_str()},   {"status", o_str()},  {"summary", o_str()}, {"cluster_id", o_int()},
             {"job_id", o_int()}, {"command", o_str()}, {"dry_run", o_bool()}};
  for (auto& [k, v] : extra.items()) props[k] = v;
  return o_obj(std::move(props), {"status", "summary"});
}

// ---------------------------------------------------------------------------------------------------
// generate_report

awaitable<Expected<ActionPlan, ToolResult>> plan_generate_report(ToolContext& ctx, const json& args) {
  auto c = co_await resolve_cluster(ctx, args);
  if (!c) co_return unexpected(std::move(c.error()));
  json tfields = json::object();
  auto t =
      co_await call(ctx, "/v2/reports", "getReportTemplates", std::move(tfields), "list report templates");
  if (!t) co_return unexpected(std::move(t.error()));
  const std::string wanted = args.value("report_type", std::string("default"));
  std::string type, title;
  std::string valid;
  for (const auto& tpl : get_list(*t, "reports")) {
    std::string rt = get_string(tpl, "report_type");
    if (rt.empty()) continue;
    valid += (valid.empty() ? "" : ", ") + rt + " (" + get_string(tpl, "title") + ")";
    if (iequals(rt, wanted)) {
      type = rt;
      title = get_string(tpl, "title");
    }
  }
  if (type.empty())
    co_return unexpected(ToolResult::error("unknown report type '" + wanted + "'; the controller offers: " +
                                           (valid.empty() ? std::string("none") : valid)));
  json report{{"class_name", "CmonReport"}, {"report_type", type}, {"text_format", "AnsiTerminal"}};
  if (args.contains("recipients")) {
    std::string to;
    for (const auto& r : args["recipients"])
      if (r.is_string() && !r.get<std::string>().empty())
        to += (to.empty() ? "" : ",") + r.get<std::string>();
    if (!to.empty()) report["recipients"] = to;
  }
  ActionPlan plan;
  plan.cluster = *c;
  plan.summary = "Generate report '" + type + "' (" + title + ") for " + cluster_label(*c);
  json fields{{"cluster_id", c->id}, {"report", std::move(report)}};
  plan.requests.push_back(CmonRequest{"/v2/reports", "generateReport", std::move(fields), {}});
  const int64_t cid = c->id;
  plan.on_done = [cid, type](const ActionPlan& p, const std::vector<json>& replies) {
    json rep = replies.empty() ? json::object() : get_object(replies[0], "report");
    const int64_t id = get_int(rep, "report_id");
    json out{{"tool", "generate_report"},
             {"status", "done"},
             {"summary", p.summary},
             {"cluster_id", cid},
             {"cluster_name", p.cluster ? p.cluster->name : std::string()},
             {"report_id", id},
             {"report_type", get_string(rep, "report_type", type)},
             {"title", get_string(rep, "title")},
             {"path", get_string(rep, "path")},
             {"created", cmon_ts(rep, "created")}};
    std::string text = "Done: " + p.summary + ".\n";
    if (id > 0) {
      text += "Report " + std::to_string(id) + " is ready" +
              (get_string(rep, "path").empty() ? std::string()
                                               : " (" + get_string(rep, "path") + " on the controller)") +
              ". Read it with get_report {\"report_id\": " + std::to_string(id) +
              ", \"cluster_id\": " + std::to_string(cid) + "}; list_reports lists the cluster's reports.\n";
    } else {
      text +=
          "CMON's reply did not include a report id; list_reports {\"cluster_id\": " + std::to_string(cid) +
          "} shows the new report.\n";
    }
    return ToolResult::structured_text(std::move(text), std::move(out));
  };
  co_return plan;
}

// ---------------------------------------------------------------------------------------------------
// create_error_report

awaitable<Expected<ActionPlan, ToolResult>> plan_create_error_report(ToolContext& ctx, const json& args) {
  auto c = co_await resolve_cluster(ctx, args);
  if (!c) co_return unexpected(std::move(c.error()));
  json data = json::object();
  data["clusterid"] = c->id;
  // Passwords are masked unless the caller explicitly asks otherwise: the bundle goes to a third party.
  const bool mask = args.value("mask_passwords", true);
  data["mask_passwords"] = mask;
  if (args.value("extended", false)) data["extended"] = true;
  if (args.contains("report_dir")) {
    std::string dir = args["report_dir"].get<std::string>();
    if (dir.empty() || dir.front() != '/')
      co_return unexpected(
          ToolResult::error("report_dir must be an absolute directory on the controller (e.g. "
                            "/var/lib/cmon/error-reports), not '" +
                            dir + "'"));
    if (dir.find("..") != std::string::npos)
      co_return unexpected(ToolResult::error("report_dir must not contain '..'"));
    data["report_dir"] = dir;
  }
  std::string summary = "Create an error report (support bundle) for " + cluster_label(*c);
  if (!mask) summary += ", passwords NOT masked";
  ActionPlan plan = job_plan(*c, summary, "error_report", std::move(data));
  co_return plan;
}

}  // namespace

void register_controller_actions(Registry& registry) {
  registry.add(ToolDefinition{
      .name = "generate_report",
      .title = "Generate report",
      .description =
          "Produces an operational report for a cluster (/v2/reports generateReport) from one of the "
          "controller's templates (list_report_templates: default, availability, backup, ...; an unknown "
          "type "
          "is refused with the valid ones). The report is stored on the controller and optionally mailed. "
          "Returns the report id and path; read the text with get_report.\nExample: {\"cluster_id\": 1, "
          "\"report_type\": \"availability\"}",
      .group = "controller",
      .tool_class = ToolClass::write,
      .input_schema =
          Schema()
              .cluster()
              .prop("report_type", s_string("The template (report_type from list_report_templates); default "
                                            "\"default\"."))
              .prop("recipients",
                    s_array(s_string("An e-mail address.", std::nullopt, 254),
                            "E-mail addresses the controller mails the report to (optional).", 20))
              .build(),
      .output_schema = action_output(
          {{"report_id", o_int()}, {"report_type", o_str()}, {"path", o_str()}, {"title", o_str()}}),
      .action = make_action(plan_generate_report),
  });
  registry.add(ToolDefinition{
      .name = "create_error_report",
      .title = "Create error report",
      .description =
          "Collects a support bundle for Severalnines support (CMON job 'error_report'): controller and node "
          "logs, configuration and cluster state of one cluster, written as an archive on the controller. "
          "Passwords are masked unless mask_passwords is false. Returns the job id at once, or with "
          "wait=true "
          "follows the job; its log names the archive file.\nExample: {\"cluster_id\": 1, \"wait\": true}",
      .group = "controller",
      .tool_class = ToolClass::write,
      .input_schema =
          Schema()
              .cluster()
              .prop("report_dir", s_string("Directory on the controller for the archive (absolute path; "
                                           "default: the controller's).",
                                           std::nullopt, 1024))
              .prop("mask_passwords", s_boolean("Mask passwords in the collected files (default true)."))
              .prop("extended", s_boolean("Collect more (e.g. longer logs); the archive is larger."))
              .build(),
      .action = make_action(plan_create_error_report, ActionKind::job),
  });
}

}  // namespace cmon_mcp::tools
