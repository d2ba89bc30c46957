// Job tools (catalogue B.4, read side): list_jobs, get_job, get_job_log, wait_for_job.
#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"

namespace cmon_mcp::tools {
namespace {

json job_item(const json& j, SysTime now) {
  return json{{"job_id", get_int(j, "job_id")},
              {"cluster_id", get_int(j, "cluster_id")},
              {"command", job_command(j)},
              {"title", strip_html(get_string(j, "title"))},
              {"status", get_string(j, "status")},
              {"status_text", strip_html(get_string(j, "status_text"))},
              {"progress_percent", get_double(j, "progress_percent")},
              {"created", cmon_ts(j, "created")},
              {"started", cmon_ts(j, "started")},
              {"ended", cmon_ts(j, "ended")},
              {"duration_s", job_duration_s(j, now)},
              {"exit_code", get_int(j, "exit_code")},
              {"user_name", get_string(j, "user_name")},
              {"recurrence", get_string(j, "recurrence")}};
}

json job_item_schema() {
  return o_obj({{"job_id", o_int()},
                {"cluster_id", o_int()},
                {"command", o_str()},
                {"title", o_str()},
                {"status", o_str()},
                {"status_text", o_str()},
                {"progress_percent", o_num()},
                {"created", o_str()},
                {"started", o_str()},
                {"ended", o_str()},
                {"duration_s", o_num()},
                {"exit_code", o_int()},
                {"user_name", o_str()}},
               {"job_id", "status", "title"});
}

std::string job_line(const json& j) {
  std::string s = "job " + std::to_string(j["job_id"].get<int64_t>()) + " [" +
                  j["status"].get<std::string>() + "] " + j["title"].get<std::string>();
  if (!j["command"].get<std::string>().empty()) s += " (" + j["command"].get<std::string>() + ")";
  if (cmon::is_job_running(j["status"].get<std::string>()))
    s += " " + fixed(j["progress_percent"].get<double>(), 0) + "%";
  s += ", cluster " + std::to_string(j["cluster_id"].get<int64_t>());
  if (!j["created"].get<std::string>().empty()) s += ", created " + j["created"].get<std::string>();
  if (j["duration_s"].get<double>() > 0) s += ", took " + human_duration(j["duration_s"].get<double>());
  if (!j["user_name"].get<std::string>().empty()) s += ", by " + j["user_name"].get<std::string>();
  if (!j["status_text"].get<std::string>().empty() && j["status"] != "FINISHED")
    s += " — " + j["status_text"].get<std::string>();
  return s;
}

awaitable<ToolResult> list_jobs(ToolContext& ctx, const json& in) {
  json args = in;
  auto c = co_await resolve_optional_cluster(ctx, args);
  if (!c) co_return c.error();
  Paging page = paging_of(args, 20);
  std::string command = args.value("command", std::string());
  json fields{{"limit", page.limit}, {"offset", page.offset}};
  if (*c) fields["cluster_id"] = (*c)->id;
  std::string state = args.value("state", std::string());
  if (!state.empty()) fields["show_" + lower(state)] = true;
  // A command filter is applied here, so ask CMON for a larger window and page locally.
  if (!command.empty()) {
    fields["limit"] = 500;
    fields["offset"] = 0;
  }
  auto r = co_await call(ctx, "/v2/jobs", "getJobInstances", std::move(fields), "list jobs");
  if (!r) co_return r.error();
  const auto now = std::chrono::system_clock::now();
  json items = json::array();
  for (const auto& j : get_list(*r, "jobs")) {
    json item = job_item(j, now);
    if (!command.empty() && !iequals(item["command"].get<std::string>(), command)) continue;
    // Controllers that ignore show_* flags still get the state filter.
    if (!state.empty() && !(state == "RUNNING" ? cmon::is_job_running(item["status"].get<std::string>())
                                               : iequals(item["status"].get<std::string>(), state)))
      continue;
    if (detail_of(args) == Detail::full) item["raw"] = j;
    items.push_back(std::move(item));
  }
  json out = json::object();
  if (!command.empty()) {
    page_array(out, "jobs", std::move(items), page);
  } else {
    size_t n = items.size();
    out["jobs"] = std::move(items);
    out.update(page_info(get_int(*r, "total", static_cast<long long>(n)), page, n));
  }
  std::string text = std::to_string(out["total"].get<int64_t>()) + " job(s), newest first:\n";
  for (const auto& j : out["jobs"]) text += "- " + job_line(j) + "\n";
  co_return respond(args, std::move(text), std::move(out), "jobs");
}

awaitable<Expected<json, ToolResult>> fetch_job(ToolContext& ctx, int64_t job_id) {
  json fields{{"job_id", job_id}};
  auto r = co_await ctx.cmon.call("/v2/jobs", "getJobInstance", std::move(fields));
  if (!r) {
    if (r.error().code == cmon::Errc::not_found || icontains(r.error().message, "not found"))
      co_return unexpected(ToolResult::error("job " + std::to_string(job_id) +
                                             " not found; list_jobs shows the existing job ids"));
    co_return unexpected(cmon_failure(r.error(), "read job " + std::to_string(job_id)));
  }
  json job = get_object(*r, "job");
  if (job.empty())
    co_return unexpected(ToolResult::error("job " + std::to_string(job_id) +
                                           " not found; list_jobs shows the existing job ids"));
  co_return job;
}

awaitable<ToolResult> get_job(ToolContext& ctx, const json& in) {
  json args = in;
  auto j = co_await fetch_job(ctx, args["job_id"].get<int64_t>());
  if (!j) co_return j.error();
  json item = job_item(*j, std::chrono::system_clock::now());
  json spec = cmon::parse_job_spec(j->value("job_spec", json()));
  item["job_data"] = get_object(spec, "job_data");
  item["can_be_aborted"] = get_bool(*j, "can_be_aborted");
  if (detail_of(args) == Detail::full) item["raw"] = *j;
  std::string text = job_line(item) + "\n";
  if (!item["job_data"].empty()) text += "Job data: " + item["job_data"].dump() + "\n";
  if (cmon::is_job_running(item["status"].get<std::string>()) ||
      cmon::is_job_pending(item["status"].get<std::string>()))
    text += "Still in progress: wait_for_job follows it to the end.\n";
  if (item["status"] == "FAILED") text += "It failed: get_job_log shows why.\n";
  co_return respond(args, std::move(text), std::move(item));
}

awaitable<ToolResult> get_job_log(ToolContext& ctx, const json& in) {
  json args = in;
  int64_t job_id = args["job_id"].get<int64_t>();
  bool all = args.value("all", false);
  int64_t tail = args.value("tail", int64_t{40});
  json fields{
      {"job_id", job_id}, {"ascending", false}, {"limit", all ? 2000 : std::max<int64_t>(tail * 5, 200)}};
  if (args.value("include_debug", false)) fields["log_level"] = "DEBUG";
  auto r = co_await ctx.cmon.call("/v2/jobs", "getJobLog", std::move(fields));
  if (!r) {
    if (r.error().code == cmon::Errc::not_found)
      co_return ToolResult::error("job " + std::to_string(job_id) +
                                  " not found; list_jobs shows the existing job ids");
    co_return cmon_failure(r.error(), "read the log of job " + std::to_string(job_id));
  }
  json messages = get_list(*r, "messages");
  json chosen =
      all ? job_log_tail(messages, messages.size()) : job_log_tail(messages, static_cast<size_t>(tail));
  json items = json::array();
  int64_t failures = 0, warnings = 0;
  for (const auto& m : messages) {
    std::string s = get_string(m, "message_status");
    failures += s == "JOB_FAILED";
    warnings += s == "JOB_WARNING";
  }
  for (const auto& m : chosen)
    items.push_back(json{{"message_id", get_int(m, "message_id")},
                         {"created", cmon_ts(m, "created")},
                         {"status", get_string(m, "message_status")},
                         {"text", strip_html(get_string(m, "message_text"))}});
  json job = get_object(*r, "job");
  json out{{"job_id", job_id},
           {"job_status", get_string(job, "status")},
           {"total", get_int(*r, "total", static_cast<long long>(messages.size()))},
           {"failures", failures},
           {"warnings", warnings},
           {"messages", items}};
  std::string text =
      "Job " + std::to_string(job_id) + (job.empty() ? "" : " [" + get_string(job, "status") + "]") + ": " +
      std::to_string(messages.size()) + " message(s), " + std::to_string(failures) + " failure(s), " +
      std::to_string(warnings) + " warning(s); " +
      (all ? "all messages" : "failures and warnings first, then the last " + std::to_string(tail)) + ":\n" +
      render_job_messages(chosen);
  co_return respond(args, std::move(text), std::move(out), "messages");
}

awaitable<ToolResult> wait_for_job(ToolContext& ctx, const json& in) {
  json args = in;
  int64_t job_id = args["job_id"].get<int64_t>();
  auto timeout = std::chrono::seconds(args.value("timeout_s", int64_t{300}));
  auto first = co_await fetch_job(ctx, job_id);
  if (!first) co_return first.error();
  auto w = co_await wait_job(ctx, job_id, timeout);
  if (!w) co_return w.error();
  json job = w->job.empty() ? *first : w->job;
  json item = job_item(job, std::chrono::system_clock::now());
  std::string outcome = w->cancelled ? "cancelled" : w->timed_out ? "still_running" : "ended";
  json log = json::array();
  for (const auto& m : w->messages)
    log.push_back(json{{"created", cmon_ts(m, "created")},
                       {"status", get_string(m, "message_status")},
                       {"text", strip_html(get_string(m, "message_text"))}});
  json out{{"job", item}, {"outcome", outcome}, {"waited_s", w->waited_s}, {"log_tail", log}};
  std::string text;
  if (w->cancelled)
    text = "Stopped waiting for job " + std::to_string(job_id) +
           " (request cancelled); the job itself goes on.\n";
  else if (w->timed_out)
    text = "Job " + std::to_string(job_id) + " is still " + item["status"].get<std::string>() + " after " +
           human_duration(w->waited_s) + " (" + fixed(item["progress_percent"].get<double>(), 0) +
           "%); call wait_for_job again to keep following it.\n";
  else
    text = "Job " + std::to_string(job_id) + " ended " + item["status"].get<std::string>() + " after " +
           human_duration(item["duration_s"].get<double>()) + ": " + item["title"].get<std::string>() + "\n";
  text += job_line(item) + "\n";
  if (!log.empty()) text += "Log (failures and warnings first):\n" + render_job_messages(w->messages);
  co_return respond(args, std::move(text), std::move(out));
}

}  // namespace

void register_jobs_tools(Registry& registry) {
  json job_id = s_integer("The job id (from list_jobs or a tool that started a job).", 1);
  json job_detail = job_item_schema();
  job_detail["properties"]["job_data"] = o_obj(json::object());
  registry.add(ToolDefinition{
      .name = "list_jobs",
      .title = "List jobs",
      .description = "Recent CMON jobs (backups, restarts, deployments, ...) newest first: id, state, title, "
                     "command, progress, "
                     "timing, user. Filter by cluster, state (e.g. FAILED) or command (e.g. backup); paged. "
                     "Use it for \"what "
                     "failed last night?\" or to find a job id. Read-only: changes nothing.\nExample: "
                     "{\"cluster_id\": 3, "
                     "\"state\": \"FAILED\", \"limit\": 10}",
      .group = "jobs",
      .tool_class = ToolClass::read,
      .input_schema =
          Schema()
              .cluster("the cluster (omit for all clusters)")
              .prop("state", s_enum("Only jobs in this state.",
                                    {"DEFINED", "RUNNING", "SCHEDULED", "FINISHED", "FAILED", "ABORTED"}))
              .prop("command", s_string("Only jobs running this CMON command (backup, restart, "
                                        "create_cluster, rolling_restart, ...)."))
              .paging(20, 200)
              .detail()
              .format()
              .build(),
      .output_schema = o_page("jobs", job_item_schema()),
      .handler = list_jobs,
  });
  registry.add(ToolDefinition{
      .name = "get_job",
      .title = "Get job",
      .description =
          "Status, progress, timing, user and parameters (job_data) of one job. Use get_job_log for its "
          "messages and wait_for_job to follow a running job. Read-only: changes nothing.\nExample: "
          "{\"job_id\": 118}",
      .group = "jobs",
      .tool_class = ToolClass::read,
      .input_schema = Schema().prop("job_id", job_id, true).detail().format().build(),
      .output_schema = job_detail,
      .handler = get_job,
  });
  registry.add(ToolDefinition{
      .name = "get_job_log",
      .title = "Job log",
      .description = "Messages of a job, failures and warnings first, then the last `tail` lines (default "
                     "40); all=true gives "
                     "every message in time order. Use it to explain why a job failed. Read-only: changes "
                     "nothing.\nExample: "
                     "{\"job_id\": 118, \"tail\": 20}",
      .group = "jobs",
      .tool_class = ToolClass::read,
      .input_schema =
          Schema()
              .prop("job_id", job_id, true)
              .prop("tail", s_integer("How many of the latest messages to show (default 40).", 1, 500))
              .prop("all", s_boolean("Every message in time order instead of the tail."))
              .prop("include_debug", s_boolean("Include DEBUG messages."))
              .format()
              .build(),
      .output_schema =
          o_obj({{"job_id", o_int()},
                 {"job_status", o_str()},
                 {"total", o_int()},
                 {"failures", o_int()},
                 {"warnings", o_int()},
                 {"messages", o_arr(o_obj({{"created", o_str()}, {"status", o_str()}, {"text", o_str()}},
                                          {"status", "text"}))}},
                {"job_id", "messages"}),
      .handler = get_job_log,
  });
  registry.add(ToolDefinition{
      .name = "wait_for_job",
      .title = "Wait for a job",
      .description =
          "Follows a job until it ends or timeout_s passes (default 300), sending progress notifications "
          "with "
          "CMON's percentage and latest message; honours cancellation. Returns the final state, duration and "
          "the "
          "log tail with failures and warnings first. A job still running at the timeout is reported as "
          "outcome=still_running, not as an error: call again to keep waiting. Read-only: changes nothing "
          "(the job "
          "was started elsewhere).\nExample: {\"job_id\": 118, \"timeout_s\": 600}",
      .group = "jobs",
      .tool_class = ToolClass::read,
      .input_schema =
          Schema()
              .prop("job_id", job_id, true)
              .prop("timeout_s", s_integer("How long to wait, in seconds (default 300).", 1, 3600))
              .format()
              .build(),
      .output_schema = o_obj({{"job", job_item_schema()},
                              {"outcome", s_enum("", {"ended", "still_running", "cancelled"})},
                              {"waited_s", o_num()},
                              {"log_tail", o_arr(o_obj({{"status", o_str()}, {"text", o_str()}}))}},
                             {"job", "outcome", "log_tail"}),
      .handler = wait_for_job,
  });
}

}  // namespace cmon_mcp::tools
