// Job tools (catalogue B.4), state-changing side: abort_job (killJobInstance), rerun_job
// (cloneJobInstance) and delete_job (deleteJobInstance), API §6.4. Each planner reads the job first
// (getJobInstance) and refuses what CMON's job states do not allow: aborting an ended job, re-running a
// job that has not ended, deleting a running one.
#include <algorithm>
#include <map>
#include <optional>
#include <string>

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

std::string id_text(int64_t id) {
  return std::to_string(id);
}

awaitable<Expected<json, ToolResult>> fetch_job(ToolContext& ctx, int64_t job_id) {
  json fields{{"job_id", job_id}};
  auto r = co_await ctx.cmon.call("/v2/jobs", "getJobInstance", std::move(fields));
  if (!r) {
    if (r.error().code == cmon::Errc::not_found || icontains(r.error().message, "not found"))
      co_return unexpected(
          ToolResult::error("job " + id_text(job_id) + " not found; list_jobs shows the existing job ids"));
    co_return unexpected(cmon_failure(r.error(), "read job " + id_text(job_id)));
  }
  json job = get_object(*r, "job");
  if (job.empty())
    co_return unexpected(
        ToolResult::error("job " + id_text(job_id) + " not found; list_jobs shows the existing job ids"));
  co_return job;
}

// The job's cluster (name for the texts, cluster_id/cluster_name in the result); nullopt for
// controller-level jobs or when the cluster cannot be read (e.g. removed since).
awaitable<std::optional<Cluster>> job_cluster(ToolContext& ctx, const json& job) {
  int64_t id = get_int(job, "cluster_id");
  if (id <= 0) co_return std::nullopt;
  json fields{{"cluster_id", id}};
  auto r = co_await ctx.cmon.call("/v2/clusters", "getClusterInfo", std::move(fields));
  if (!r || !r->contains("cluster") || !(*r)["cluster"].is_object()) co_return std::nullopt;
  co_return cluster_from((*r)["cluster"]);
}

// "job 12 (Restart node 10.0.3.12, restart)"
std::string job_label(const json& job) {
  std::string title = strip_html(get_string(job, "title"));
  std::string command = job_command(job);
  std::string label = "job " + id_text(get_int(job, "job_id"));
  if (!title.empty() && !command.empty() && !iequals(title, command))
    label += " (" + title + ", " + command + ")";
  else if (!title.empty() || !command.empty())
    label += " (" + (title.empty() ? command : title) + ")";
  return label;
}

std::string where(const json& job, const std::optional<Cluster>& c) {
  if (c) return " of " + cluster_label(*c);
  int64_t id = get_int(job, "cluster_id");
  return id > 0 ? " of cluster " + id_text(id) : " (controller level)";
}

std::string percent(const json& job) {
  return fixed(std::clamp(get_double(job, "progress_percent"), 0.0, 100.0), 0) + " %";
}

// A recurring job (schedule): it has a recurrence, or it is a paused schedule.
bool is_schedule(const json& job) {
  return !get_string(job, "recurrence").empty() || iequals(get_string(job, "status"), "PAUSED");
}

std::string schedule_text(const json& job) {
  std::string r = get_string(job, "recurrence");
  return r.empty() ? "" : " (cron '" + r + "')";
}

// "FINISHED at 2025-03-01T10:09:44Z"
std::string ended_text(const json& job) {
  std::string s = get_string(job, "status");
  std::string ended = cmon_ts(job, "ended");
  if (!ended.empty()) s += " at " + ended;
  std::string st = strip_html(get_string(job, "status_text"));
  if (!st.empty() && !iequals(st, "Job finished.")) s += ", \"" + st + "\"";
  return s;
}

ToolResult done(std::string text, json out) {
  return ToolResult::structured_text(std::move(text), std::move(out));
}

json base_out(const char* tool, const ActionPlan& p) {
  json out{{"tool", tool}, {"status", "done"}, {"summary", p.summary}};
  if (p.cluster) {
    out["cluster_id"] = p.cluster->id;
    out["cluster_name"] = p.cluster->name;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// abort_job

awaitable<Expected<ActionPlan, ToolResult>> plan_abort_job(ToolContext& ctx, const json& args) {
  const int64_t job_id = args.value("job_id", int64_t{0});
  auto j = co_await fetch_job(ctx, job_id);
  if (!j) co_return unexpected(std::move(j.error()));
  const json job = std::move(*j);
  const std::string status = get_string(job, "status");
  if (cmon::is_job_terminal(status))
    co_return unexpected(ToolResult::error(
        job_label(job) + " has already ended: " + ended_text(job) +
        ". There is nothing to abort; rerun_job runs it again, delete_job removes its record."));
  if (is_schedule(job))
    co_return unexpected(ToolResult::error(
        job_label(job) + " is a recurring schedule" + schedule_text(job) + ", status " + status +
        ", not a running job: it cannot be aborted. set_backup_schedule_enabled pauses a backup schedule; "
        "delete_job removes a schedule."));
  auto cluster = co_await job_cluster(ctx, job);
  ActionPlan plan;
  plan.cluster = cluster;
  plan.summary = "Abort " + job_label(job) + where(job, cluster);
  const bool waiting = cmon::is_job_pending(status) || iequals(status, "SCHEDULED");
  plan.effect = waiting ? "The job has not started yet (" + status + "); it will not run."
                        : "The job (" + status + ", " + percent(job) +
                              " done) stops where it is; what it already changed is not rolled back.";
  json fields{{"job_id", job_id}, {"signal", 15}};
  plan.requests.push_back(CmonRequest{"/v2/jobs", "killJobInstance", std::move(fields), {}});
  const std::string command = job_command(job);
  plan.on_done = [job_id, status, command, job](const ActionPlan& p, const std::vector<json>&) {
    json out = base_out("abort_job", p);
    out["job_id"] = job_id;
    out["command"] = command;
    out["previous_status"] = status;
    out["progress_percent"] = get_double(job, "progress_percent");
    std::string text = "Done: " + p.summary + ".\nCMON accepted the abort of job " + id_text(job_id) +
                       " (it was " + status + ", " + percent(job) +
                       "). The job shows ABORTED once it has stopped; what it had already changed is not "
                       "rolled back. Check with wait_for_job {\"job_id\": " +
                       id_text(job_id) + "}; rerun_job starts it again later.\n";
    return done(std::move(text), std::move(out));
  };
  co_return plan;
}

// ---------------------------------------------------------------------------------------------------
// rerun_job

// Job commands whose tools are destructive (class D: confirmation, backup guard): rerun_job does not
// repeat them, since that would skip those checks.
const std::map<std::string, std::string>& guarded_commands() {
  static const std::map<std::string, std::string> m = {{"stop", "stop_node"},
                                                       {"stop_cluster", "stop_cluster"},
                                                       {"remove_cluster", "remove_cluster"},
                                                       {"removenode", "remove_node"},
                                                       {"reboot", "reboot_host"},
                                                       {"promote_replication_slave", "promote_replica"},
                                                       {"failover_replication_slave", "promote_replica"},
                                                       {"stage_replication_slave", "rebuild_replica"},
                                                       {"restore_backup", "restore_backup"},
                                                       {"delete_backup", "delete_backup"},
                                                       {"delete_old_backups", "purge_old_backups"},
                                                       {"delete_all_backups", "delete_backup"},
                                                       {"delete_database", "drop_database"}};
  return m;
}

awaitable<Expected<ActionPlan, ToolResult>> plan_rerun_job(ToolContext& ctx, const json& args) {
  const int64_t job_id = args.value("job_id", int64_t{0});
  auto j = co_await fetch_job(ctx, job_id);
  if (!j) co_return unexpected(std::move(j.error()));
  const json job = std::move(*j);
  const std::string status = get_string(job, "status");
  if (is_schedule(job))
    co_return unexpected(ToolResult::error(job_label(job) + " is a recurring schedule" + schedule_text(job) +
                                           ": it runs by itself at its times. Only ended jobs (FINISHED, "
                                           "FAILED, ABORTED) can be run again."));
  if (!cmon::is_job_terminal(status))
    co_return unexpected(ToolResult::error(
        job_label(job) + " has not ended: it is " + status +
        (cmon::is_job_running(status) ? " (" + percent(job) + " done)" : std::string()) +
        ". Only ended jobs (FINISHED, FAILED, ABORTED) can be run again: follow it with wait_for_job "
        "{\"job_id\": " +
        id_text(job_id) + "}, or stop it with abort_job."));
  const std::string command = job_command(job);
  if (command.empty())
    co_return unexpected(ToolResult::error(job_label(job) +
                                           " has no job command (an internal job of the controller); it "
                                           "cannot be run again"));
  if (auto g = guarded_commands().find(command); g != guarded_commands().end())
    co_return unexpected(ToolResult::error(
        job_label(job) + " runs '" + command +
        "', which affects availability or destroys data: rerun_job does not repeat it without the safety "
        "checks. Use " +
        g->second +
        " instead, which asks for confirmation (and checks for a recent backup where it applies)."));

  auto cluster = co_await job_cluster(ctx, job);
  const json data = get_object(cmon::parse_job_spec(job.value("job_spec", json())), "job_data");
  // The same checks the pipeline makes for new jobs: no second identical job while one is active, and one
  // change of topology or availability at a time per cluster.
  const int64_t cid = get_int(job, "cluster_id");
  json list_fields{{"cluster_id", cid}, {"limit", 100}, {"offset", 0}};
  const std::string doing = "check the running jobs" + where(job, cluster);
  auto running = co_await call(ctx, "/v2/jobs", "getJobInstances", std::move(list_fields), doing);
  if (!running) co_return unexpected(std::move(running.error()));
  for (const auto& other : get_list(*running, "jobs")) {
    if (get_int(other, "cluster_id", cid) != cid) continue;
    std::string st = get_string(other, "status");
    if (!cmon::is_job_running(st) && !cmon::is_job_pending(st)) continue;
    std::string other_command = job_command(other);
    json other_data = get_object(cmon::parse_job_spec(other.value("job_spec", json())), "job_data");
    if (other_command == command && other_data == data)
      co_return unexpected(ToolResult::error(
          "an identical " + job_label(other) + " is already " + st +
          "; follow it with wait_for_job {\"job_id\": " + id_text(get_int(other, "job_id")) +
          "} instead of "
          "starting another"));
    if (is_topology_command(command) && is_topology_command(other_command))
      co_return unexpected(ToolResult::error(
          "Refused: " + job_label(other) + " is " + st + where(job, cluster) + ", " + percent(other) +
          " done. Only one change of topology or availability runs per cluster at a time; follow it with "
          "wait_for_job {\"job_id\": " +
          id_text(get_int(other, "job_id")) + "} and try again when it has ended."));
  }

  ActionPlan plan;
  plan.cluster = cluster;
  plan.summary = "Run " + job_label(job) + where(job, cluster) + " again as a new job";
  json fields{{"job_id", job_id}};
  plan.requests.push_back(CmonRequest{"/v2/jobs", "cloneJobInstance", std::move(fields), {}});
  plan.on_done = [job_id, status, command](const ActionPlan& p, const std::vector<json>& replies) {
    json created = replies.empty() ? json::object() : get_object(replies[0], "job");
    int64_t new_id = get_int(created, "job_id");
    json out = base_out("rerun_job", p);
    out["status"] = "submitted";
    out["job_id"] = new_id;
    out["source_job_id"] = job_id;
    out["command"] = command;
    out["job_status"] = get_string(created, "status", "DEFINED");
    std::string text = "Started job " + id_text(new_id) + " (" + command + "), a copy of job " +
                       id_text(job_id) + " (which ended " + status + "): " + p.summary +
                       ".\nFollow it with wait_for_job {\"job_id\": " + id_text(new_id) +
                       "} or get_job {\"job_id\": " + id_text(new_id) + "}.\n";
    if (new_id <= 0) text += "CMON's reply did not include the new job id; list_jobs shows it.\n";
    return done(std::move(text), std::move(out));
  };
  co_return plan;
}

// ---------------------------------------------------------------------------------------------------
// delete_job

awaitable<Expected<ActionPlan, ToolResult>> plan_delete_job(ToolContext& ctx, const json& args) {
  const int64_t job_id = args.value("job_id", int64_t{0});
  auto j = co_await fetch_job(ctx, job_id);
  if (!j) co_return unexpected(std::move(j.error()));
  const json job = std::move(*j);
  const std::string status = get_string(job, "status");
  if (cmon::is_job_running(status) || cmon::is_job_pending(status))
    co_return unexpected(ToolResult::error(
        job_label(job) + " is " + status +
        (cmon::is_job_running(status) ? " (" + percent(job) + " done)" : std::string(" (queued)")) +
        ": a job that has not ended cannot be deleted. Abort it first with abort_job {\"job_id\": " +
        id_text(job_id) + "} and delete it once it shows ABORTED."));
  auto cluster = co_await job_cluster(ctx, job);
  ActionPlan plan;
  plan.cluster = cluster;
  const bool schedule = is_schedule(job);
  plan.summary = std::string("Delete ") + (schedule ? "the recurring " : "the record of ") + job_label(job) +
                 where(job, cluster);
  if (schedule)
    plan.effect = "This deletes the recurring " + job_label(job) + schedule_text(job) + where(job, cluster) +
                  ", now " + status +
                  ": it will not run again and cannot be restored. Results of its past "
                  "runs (e.g. backups) are kept.";
  else if (iequals(status, "SCHEDULED"))
    plan.effect = "This deletes " + job_label(job) + where(job, cluster) +
                  ", scheduled to run once later: it will not run.";
  else
    plan.effect = "This deletes the record of " + job_label(job) + where(job, cluster) + ", which ended " +
                  ended_text(job) +
                  ": its status and log can no longer be read (get_job, get_job_log) and it can no longer be "
                  "run again with rerun_job. Nothing changes on the database nodes.";
  json fields{{"job_id", job_id}};
  plan.requests.push_back(CmonRequest{"/v2/jobs", "deleteJobInstance", std::move(fields), {}});
  const std::string command = job_command(job);
  plan.on_done = [job_id, command, status](const ActionPlan& p, const std::vector<json>&) {
    json out = base_out("delete_job", p);
    out["job_id"] = job_id;
    out["command"] = command;
    out["previous_status"] = status;
    return done("Done: " + p.summary + ". Job " + id_text(job_id) + " no longer exists in ClusterControl.\n",
                std::move(out));
  };
  co_return plan;
}

}  // namespace

void register_jobs_actions(Registry& registry) {
  json job_id = s_integer("The job id (from list_jobs or a tool that started a job).", 1);
  registry.add(ToolDefinition{
      .name = "abort_job",
      .title = "Abort job",
      .description =
          "Aborts a running or queued CMON job (killJobInstance with signal 15). Refused for a job that has "
          "already ended (the answer gives its state) and for recurring schedules. The job shows ABORTED "
          "once "
          "it has stopped; what it already changed is not rolled back. Returns the job id and how to check "
          "(wait_for_job).\nExample: {\"job_id\": 118}",
      .group = "jobs",
      .tool_class = ToolClass::write,
      .input_schema = Schema().prop("job_id", job_id, true).build(),
      .output_schema = action_output({{"previous_status", o_str()}}),
      .action = make_action(plan_abort_job),
  });
  registry.add(ToolDefinition{
      .name = "rerun_job",
      .title = "Run a job again",
      .description =
          "Runs an ended job (FINISHED, FAILED or ABORTED) again as a new job with the same parameters "
          "(cloneJobInstance), e.g. a backup that failed last night. Refused for jobs that have not ended, "
          "for "
          "schedules, while an identical job or another topology change runs on the cluster, and for "
          "destructive commands (stop, restore, remove, delete...: use their own tools, which ask for "
          "confirmation). Returns the new job id; follow it with wait_for_job.\nExample: {\"job_id\": 118}",
      .group = "jobs",
      .tool_class = ToolClass::write,
      .input_schema = Schema().prop("job_id", job_id, true).build(),
      .output_schema = action_output({{"source_job_id", o_int()}, {"job_status", o_str()}}),
      .action = make_action(plan_rerun_job),
  });
  registry.add(ToolDefinition{
      .name = "delete_job",
      .title = "Delete job",
      .description =
          "Deletes a job record from ClusterControl (deleteJobInstance): its status and log are gone for "
          "good. For a recurring job (schedule) it deletes the schedule: it will not run again. Refused for "
          "a "
          "job that is running or queued (abort_job first). Destructive: the user is asked to confirm (or "
          "confirm: true when the client cannot ask).\nExample: {\"job_id\": 97}",
      .group = "jobs",
      .tool_class = ToolClass::destructive,
      .input_schema = Schema().prop("job_id", job_id, true).build(),
      .output_schema = action_output({{"previous_status", o_str()}}),
      .action = make_action(plan_delete_job),
  });
}

}  // namespace cmon_mcp::tools
