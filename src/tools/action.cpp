// The safety pipeline every W and D tool runs through (see action.hpp for the order of the steps).
#include "cmon_mcp/tools/action.hpp"

#include <openssl/rand.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>

#include <algorithm>
#include <stdexcept>

#include "cmon_mcp/cmon/normalize.hpp"

namespace cmon_mcp::tools {

// ---------------------------------------------------------------------------------------------------
// Small pieces.

std::string CmonRequest::job_command() const {
  if (!creates_job()) return "";
  return tools::job_command(fields.value("job", json::object()));
}

SafetySettings ActionState::settings() const {
  std::lock_guard lock(mutex_);
  return settings_;
}

void ActionState::set_settings(SafetySettings s) {
  std::lock_guard lock(mutex_);
  settings_ = s;
}

bool ActionState::try_lock(int64_t cluster_id) {
  std::lock_guard lock(mutex_);
  return busy_.insert(cluster_id).second;
}

void ActionState::unlock(int64_t cluster_id) {
  std::lock_guard lock(mutex_);
  busy_.erase(cluster_id);
}

std::shared_ptr<const ActionSpec> make_action(Planner plan, ActionKind kind, BackupGuard guard) {
  return std::make_shared<const ActionSpec>(
      ActionSpec{std::move(plan), kind == ActionKind::job, guard == BackupGuard::on});
}

bool is_topology_command(std::string_view command) {
  static const std::set<std::string, std::less<>> commands = {"start_cluster",
                                                              "stop_cluster",
                                                              "rolling_restart",
                                                              "start",
                                                              "stop",
                                                              "restart",
                                                              "reboot",
                                                              "addnode",
                                                              "removenode",
                                                              "registernode",
                                                              "add_replication_slave",
                                                              "promote_replication_slave",
                                                              "failover_replication_slave",
                                                              "stage_replication_slave",
                                                              "restore_backup",
                                                              "remove_cluster",
                                                              "demote_node",
                                                              "upgrade_cluster",
                                                              "add_shard"};
  return commands.count(command) > 0;
}

CmonRequest job_request(int64_t cluster_id, std::string title, std::string command, json job_data,
                        json extra_job_fields) {
  json spec = json::object();
  spec["command"] = std::move(command);
  spec["job_data"] = std::move(job_data);
  json job = json::object();
  job["class_name"] = "CmonJobInstance";
  job["title"] = std::move(title);
  job["job_spec"] = std::move(spec);
  for (auto& [k, v] : extra_job_fields.items()) job[k] = v;
  json fields = json::object();
  fields["cluster_id"] = cluster_id;
  fields["job"] = std::move(job);
  return CmonRequest{"/v2/jobs", "createJobInstance", std::move(fields), {}};
}

std::string cluster_label(const Cluster& c) {
  return "cluster " + (c.name.empty() ? std::string("#") + std::to_string(c.id) : c.name) + " (id " +
         std::to_string(c.id) + ")";
}

ActionPlan job_plan(const Cluster& cluster, std::string summary, std::string command, json job_data) {
  ActionPlan plan;
  plan.cluster = cluster;
  plan.requests.push_back(job_request(cluster.id, summary, std::move(command), std::move(job_data)));
  plan.summary = std::move(summary);
  return plan;
}

json node_ref(const json& host) {
  json ref = json::object();
  ref["class_name"] = "CmonHost";
  ref["hostname"] = get_string(host, "hostname", get_string(host, "ip"));
  ref["port"] = get_int(host, "port");
  return ref;
}

json action_result_base(std::string_view tool, const ActionPlan& plan, std::string status) {
  json out = json::object();
  out["tool"] = tool;
  out["status"] = std::move(status);
  out["summary"] = plan.summary;
  if (plan.cluster) {
    out["cluster_id"] = plan.cluster->id;
    out["cluster_name"] = plan.cluster->name;
  }
  return out;
}

json s_secret(std::string description, size_t max_length) {
  json s = s_string(std::move(description), std::nullopt, max_length);
  s["writeOnly"] = true;
  return s;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::string generate_password() {
  // 62 letters and digits plus three punctuation marks that need no quoting in SQL, shells or URLs.
  static constexpr std::string_view alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789_-.";
  std::string out;
  unsigned char buf[64];
  while (out.size() < 24) {
    if (RAND_bytes(buf, sizeof buf) != 1) throw std::runtime_error("no randomness for a password");
    for (unsigned char b : buf) {
      // Rejection sampling keeps the distribution uniform.
      if (b >= 256 - 256 % alphabet.size()) continue;
      out.push_back(alphabet[b % alphabet.size()]);
      if (out.size() == 24) break;
    }
  }
  return out;
}

json redact_pointers(json value, const std::vector<std::string>& pointers) {
  for (const auto& p : pointers) {
    try {
      json::json_pointer ptr(p);
      if (value.contains(ptr)) value[ptr] = "***";
    } catch (const json::exception&) {
      // A malformed pointer is a programming error in a planner; redact nothing rather than throw.
    }
  }
  return value;
}

void add_action_arguments(ToolDefinition& def) {
  json& props = def.input_schema["properties"];
  props["dry_run"] = s_boolean(
      "Only show what would be sent to ClusterControl (job command and fields, secrets redacted) and what "
      "the safety checks say; change nothing.");
  if (def.tool_class == ToolClass::destructive)
    props["confirm"] = s_boolean(
        "Set to true to confirm this destructive action when your client cannot ask the user itself "
        "(without it the tool only describes the effect).");
  if (def.action && def.action->job) {
    props["wait"] = s_boolean(
        "Follow the job until it ends (progress notifications with CMON's percentage) instead of returning "
        "the job id at once.");
    props["timeout_s"] = s_integer(
        "With wait: how long to follow the job, in seconds (default 300). A job "
        "still running then is not an error.",
        1, 3600);
    props["abort_on_cancel"] =
        s_boolean("With wait: abort the CMON job when this request is cancelled (default: the job goes on).");
    props["force_new"] = s_boolean(
        "Start a new job even when an identical one was submitted in the last minutes (by default the "
        "existing job is returned, so retries never start a second backup or restart).");
  }
  if (def.action && def.action->backup_guard)
    props["override_backup_guard"] = s_boolean(
        "Proceed although the cluster has no recent successful backup (the backup guard refuses otherwise).");
  if (!def.output_schema)
    def.output_schema = o_obj({{"tool", o_str()},
                               {"status", o_str()},
                               {"summary", o_str()},
                               {"cluster_id", o_int()},
                               {"job_id", o_int()},
                               {"command", o_str()},
                               {"dry_run", o_bool()}},
                              {"status", "summary"});
}

// ---------------------------------------------------------------------------------------------------
// The pipeline.

namespace {

struct Options {
  bool dry_run = false;
  bool confirm = false;
  bool wait = false;
  std::chrono::seconds timeout{300};
  bool abort_on_cancel = false;
  bool force_new = false;
  bool override_guard = false;
};

Options options_of(const json& args) {
  Options o;
  o.dry_run = args.value("dry_run", false);
  o.confirm = args.value("confirm", false);
  o.wait = args.value("wait", false);
  o.timeout = std::chrono::seconds(args.value("timeout_s", int64_t{300}));
  o.abort_on_cancel = args.value("abort_on_cancel", false);
  o.force_new = args.value("force_new", false);
  o.override_guard = args.value("override_backup_guard", false);
  return o;
}

std::string percent_text(const json& job) {
  return fixed(std::clamp(get_double(job, "progress_percent"), 0.0, 100.0), 0) + " % done";
}

std::string job_label(const json& job) {
  std::string title = strip_html(get_string(job, "title"));
  std::string command = job_command(job);
  std::string label = "job " + std::to_string(get_int(job, "job_id"));
  if (!title.empty() && !command.empty() && !iequals(title, command))
    label += " (" + title + ", " + command + ")";
  else if (!title.empty() || !command.empty())
    label += " (" + (title.empty() ? command : title) + ")";
  return label;
}

// The request as shown in a dry run: the envelope CMON would receive, secrets redacted.
json shown_request(const CmonRequest& r) {
  json body = redact_pointers(r.fields, r.secrets);
  json shown = json::object();
  shown["path"] = r.path;
  shown["operation"] = r.operation;
  shown["body"] = std::move(body);
  return shown;
}

// ----- backup guard

struct GuardVerdict {
  bool pass = true;
  std::string text;  // "newest successful backup: 3h 10m old (backup 12, xtrabackupfull)"
};

awaitable<Expected<GuardVerdict, ToolResult>> backup_guard(ToolContext& ctx, const Cluster& cluster,
                                                           int64_t hours) {
  json fields{{"cluster_id", cluster.id}, {"limit", 100}, {"offset", 0}, {"ascending", false}};
  auto r = co_await call(ctx, "/v2/backup", "getBackups", std::move(fields),
                         "check the backups of " + cluster_label(cluster) + " (backup guard)");
  if (!r) co_return unexpected(std::move(r.error()));
  std::optional<SysTime> newest;
  json newest_rec;
  for (const auto& rec : get_list(*r, "backup_records")) {
    json m = rec.contains("metadata") && rec["metadata"].is_object() ? rec["metadata"] : rec;
    if (!iequals(get_string(m, "status"), "Completed")) continue;
    auto t = cmon_time(m.value("finished", json()));
    if (!t) t = cmon_time(m.value("created", json()));
    if (t && (!newest || *t > *newest)) {
      newest = t;
      newest_rec = m;
    }
  }
  GuardVerdict v;
  const auto now = std::chrono::system_clock::now();
  if (!newest) {
    v.pass = false;
    v.text = cluster_label(cluster) + " has no successful backup";
    co_return v;
  }
  double age = std::chrono::duration<double>(now - *newest).count();
  v.pass = age <= static_cast<double>(hours) * 3600.0;
  v.text = "the newest successful backup of " + cluster_label(cluster) + " is " +
           human_duration(std::max(0.0, age)) + " old (backup " + std::to_string(get_int(newest_rec, "id")) +
           ", " + get_string(newest_rec, "method") + ", " + iso_utc(*newest) + ")";
  co_return v;
}

// ----- duplicates and the topology lock

struct JobCheck {
  json duplicate;       // an identical recent job, or null
  json topology_block;  // a running topology job on the cluster, or null
};

bool job_alive_or_recent_success(const json& job) {
  std::string status = get_string(job, "status");
  return !(iequals(status, "FAILED") || iequals(status, "ABORTED"));
}

awaitable<Expected<JobCheck, ToolResult>> check_jobs(ToolContext& ctx, const Cluster& cluster,
                                                     const CmonRequest& request, bool look_for_duplicates,
                                                     std::chrono::seconds window) {
  JobCheck out;
  const std::string command = request.job_command();
  const json& new_job = request.fields.at("job");
  json new_data = get_object(cmon::parse_job_spec(new_job.value("job_spec", json())), "job_data");
  const bool scheduled = new_job.contains("recurrence");
  json fields{{"cluster_id", cluster.id}, {"limit", 100}, {"offset", 0}};
  if (scheduled) fields["show_scheduled"] = true;
  auto r = co_await call(ctx, "/v2/jobs", "getJobInstances", std::move(fields),
                         "check the running jobs of " + cluster_label(cluster));
  if (!r) co_return unexpected(std::move(r.error()));
  const auto now = std::chrono::system_clock::now();
  const bool topology = is_topology_command(command);
  // A finished identical job counts as the one a retry meant only while no other job was submitted on the
  // cluster after it: "stop node, start node, stop node" must stop the node again.
  std::optional<SysTime> newest_other;
  std::vector<json> identical;
  for (const auto& job : get_list(*r, "jobs")) {
    if (get_int(job, "cluster_id", cluster.id) != cluster.id) continue;
    std::string status = get_string(job, "status");
    bool active = cmon::is_job_running(status) || cmon::is_job_pending(status);
    if (topology && out.topology_block.is_null() && active && is_topology_command(job_command(job)))
      out.topology_block = job;
    auto created = cmon_time(job.value("created", json()));
    bool same = job_command(job) == command && scheduled == !get_string(job, "recurrence").empty() &&
                (!scheduled || get_string(job, "recurrence") == new_job.value("recurrence", "")) &&
                get_object(cmon::parse_job_spec(job.value("job_spec", json())), "job_data") == new_data;
    if (!same) {
      if (created && (!newest_other || *created > *newest_other)) newest_other = created;
      continue;
    }
    if (look_for_duplicates && job_alive_or_recent_success(job) && created && now - *created <= window)
      identical.push_back(job);
  }
  for (const auto& job : identical) {
    std::string status = get_string(job, "status");
    bool active = cmon::is_job_running(status) || cmon::is_job_pending(status);
    auto created = cmon_time(job.value("created", json()));
    if (active || !newest_other || *created >= *newest_other) {
      out.duplicate = job;
      break;
    }
  }
  co_return out;
}

// ----- results

ToolResult action_result(std::string text, json structured) {
  return ToolResult::structured_text(std::move(text), std::move(structured));
}

json base_result(const ToolDefinition& def, const ActionPlan& plan, std::string status) {
  return action_result_base(def.name, plan, std::move(status));
}

std::string follow_hint(int64_t job_id) {
  return "Follow it with get_job {\"job_id\": " + std::to_string(job_id) +
         "} or wait_for_job {\"job_id\": " + std::to_string(job_id) + "}.";
}

json log_lines(const json& messages) {
  json out = json::array();
  for (const auto& m : messages)
    out.push_back(json{{"created", cmon_ts(m, "created")},
                       {"status", get_string(m, "message_status")},
                       {"text", strip_html(get_string(m, "message_text"))}});
  return out;
}

// Follows a job (new or duplicate) and fills `out` and `text` with the outcome; a CMON failure while
// following is returned as the tool's result.
awaitable<std::optional<ToolResult>> follow(ToolContext& ctx, int64_t job_id, const Options& o, json& out,
                                            std::string& text) {
  auto w = co_await wait_job(ctx, job_id, o.timeout);
  if (!w) co_return std::move(w.error());
  if (w->cancelled) {
    if (o.abort_on_cancel) {
      // The request is cancelled and its reply will not be sent; the abort still has to reach CMON, so it
      // runs detached from this request's cancellation.
      auto executor = co_await asio::this_coro::executor;
      cmon::Api& api = ctx.cmon;
      asio::co_spawn(
          executor,
          [&api, job_id]() -> awaitable<void> {
            json fields{{"job_id", job_id}, {"signal", 15}};
            co_await api.call("/v2/jobs", "killJobInstance", std::move(fields));
          },
          asio::detached);
    }
    out["outcome"] = "cancelled";
    text += "Stopped following job " + std::to_string(job_id) + " (request cancelled)" +
            (o.abort_on_cancel ? "; the job is being aborted.\n" : "; the job itself goes on.\n");
    co_return std::nullopt;
  }
  const json& job = w->job;
  std::string status = get_string(job, "status");
  out["job_status"] = status;
  out["progress_percent"] = get_double(job, "progress_percent");
  out["duration_s"] = job_duration_s(job, std::chrono::system_clock::now());
  out["waited_s"] = w->waited_s;
  out["log_tail"] = log_lines(w->messages);
  if (w->timed_out) {
    out["outcome"] = "still_running";
    text += "Job " + std::to_string(job_id) + " is still " + status + " after " +
            human_duration(w->waited_s) + " (" + percent_text(job) + "); this is not an error. " +
            follow_hint(job_id) + "\n";
  } else {
    out["outcome"] = "ended";
    if (out.value("status", "") != "duplicate")
      out["status"] = iequals(status, "FINISHED") ? "done" : "failed";
    text += "Job " + std::to_string(job_id) + " ended " + status + " after " +
            human_duration(out["duration_s"].get<double>()) + ".\n";
  }
  if (!w->messages.empty()) text += "Log (failures and warnings first):\n" + render_job_messages(w->messages);
  co_return std::nullopt;
}

// Releases a cluster's submission lock when the submission ends, however it ends.
struct ClusterLock {
  std::shared_ptr<ActionState> state;
  int64_t cluster_id = -1;
  ClusterLock() = default;
  ClusterLock(const ClusterLock&) = delete;
  ClusterLock& operator=(const ClusterLock&) = delete;
  ~ClusterLock() { release(); }
  void release() {
    if (state && cluster_id >= 0) state->unlock(cluster_id);
    state.reset();
    cluster_id = -1;
  }
};

// "4m 10s" since a CMON timestamp, "" when unset.
std::string age_of(const json& timestamp) {
  auto t = cmon_time(timestamp);
  if (!t) return "";
  return human_duration(
      std::max(0.0, std::chrono::duration<double>(std::chrono::system_clock::now() - *t).count()));
}

awaitable<ToolResult> run_action(const ToolDefinition& def, std::shared_ptr<ActionState> state,
                                 ToolContext& ctx, const json& args) {
  const Options o = options_of(args);
  const SafetySettings settings = state->settings();
  auto planned = co_await def.action->plan(ctx, args);
  if (!planned) co_return std::move(planned.error());
  ActionPlan plan = std::move(*planned);
  if (plan.requests.empty()) co_return ToolResult::error(def.name + ": nothing to do");
  // A recurring job (job.recurrence: a backup schedule) is created, not run now: it is not followed or
  // reported as a started job; its planner checks for an identical schedule and shapes the result.
  const bool job = plan.requests.size() == 1 && plan.requests[0].creates_job() &&
                   !plan.requests[0].fields.value("job", json::object()).contains("recurrence");
  const bool destructive = def.tool_class == ToolClass::destructive;
  const bool guarded = def.action->backup_guard && settings.backup_guard_hours > 0 && plan.cluster;

  // Dry run: the requests and what the checks would say; nothing is sent that changes anything.
  if (o.dry_run) {
    json out = base_result(def, plan, "dry_run");
    out["dry_run"] = true;
    out["effect"] = plan.effect;
    json requests = json::array();
    for (const auto& r : plan.requests) requests.push_back(shown_request(r));
    out["requests"] = requests;
    std::string text = "Dry run, nothing was changed. " + plan.summary + ".\n";
    if (!plan.effect.empty()) text += plan.effect + "\n";
    json checks = json::object();
    if (guarded) {
      auto g = co_await backup_guard(ctx, *plan.cluster, settings.backup_guard_hours);
      if (g) {
        checks["backup_guard"] = json{{"pass", g->pass || o.override_guard}, {"detail", g->text}};
        text += std::string("Backup guard: ") +
                (g->pass            ? "passes, "
                 : o.override_guard ? "overridden, "
                                    : "would refuse, ") +
                g->text + ".\n";
      }
    }
    if (job && plan.cluster) {
      auto c =
          co_await check_jobs(ctx, *plan.cluster, plan.requests[0], !o.force_new, settings.duplicate_window);
      if (c) {
        if (!c->duplicate.is_null()) {
          checks["duplicate_of_job"] = get_int(c->duplicate, "job_id");
          text += "An identical " + job_label(c->duplicate) +
                  " was submitted recently: it would be returned "
                  "instead of starting another (force_new overrides).\n";
        }
        if (!c->topology_block.is_null()) {
          checks["blocked_by_job"] = get_int(c->topology_block, "job_id");
          text += "Would be refused now: " + job_label(c->topology_block) + " is running, " +
                  percent_text(c->topology_block) + ".\n";
        }
      }
    }
    if (destructive && settings.confirm_destructive)
      text += "Needs confirmation: the user is asked (or confirm: true when the client cannot ask).\n";
    out["checks"] = checks;
    text += "Would send:\n";
    for (const auto& r : requests) text += "- " + r.dump() + "\n";
    co_return action_result(std::move(text), std::move(out));
  }

  // Backup guard.
  if (guarded && !o.override_guard) {
    auto g = co_await backup_guard(ctx, *plan.cluster, settings.backup_guard_hours);
    if (!g) co_return std::move(g.error());
    if (!g->pass) {
      json out = base_result(def, plan, "refused");
      out["reason"] = "backup_guard";
      out["detail"] = g->text;
      co_return ToolResult{
          json::array(
              {json{{"type", "text"},
                    {"text", "Refused by the backup guard: " + g->text + ", and " + def.name +
                                 " destroys data. Take a backup first (create_backup with wait: true), "
                                 "or send override_backup_guard: true if losing the data is "
                                 "acceptable. The guard accepts backups up to " +
                                 std::to_string(settings.backup_guard_hours) + " h old."}}}),
          std::move(out), true};
    }
  }

  // Duplicates and the topology lock, checked under this process's per-cluster submission lock so that
  // two concurrent identical calls cannot both start a job.
  ClusterLock lock;
  auto check = [&]() -> awaitable<std::optional<ToolResult>> {
    if (!job || !plan.cluster) co_return std::nullopt;
    auto c =
        co_await check_jobs(ctx, *plan.cluster, plan.requests[0], !o.force_new, settings.duplicate_window);
    if (!c) co_return std::move(c.error());
    if (!c->duplicate.is_null()) {
      int64_t id = get_int(c->duplicate, "job_id");
      json out = base_result(def, plan, "duplicate");
      out["job_id"] = id;
      out["command"] = plan.requests[0].job_command();
      out["job_status"] = get_string(c->duplicate, "status");
      std::string text = "An identical " + job_label(c->duplicate) + " was submitted " +
                         age_of(c->duplicate.value("created", json())) + " ago and is " +
                         get_string(c->duplicate, "status") +
                         "; returning it instead of starting another (send force_new: true to start a new "
                         "one).\n";
      if (o.wait) {
        if (auto failed = co_await follow(ctx, id, o, out, text); failed) co_return std::move(*failed);
      } else {
        text += follow_hint(id) + "\n";
      }
      co_return action_result(std::move(text), std::move(out));
    }
    if (!c->topology_block.is_null()) {
      json out = base_result(def, plan, "refused");
      out["reason"] = "topology_change_running";
      out["blocked_by_job"] = get_int(c->topology_block, "job_id");
      co_return ToolResult{
          json::array(
              {json{{"type", "text"},
                    {"text", "Refused: " + job_label(c->topology_block) + " is running on " +
                                 cluster_label(*plan.cluster) + ", " + percent_text(c->topology_block) +
                                 ". Only one change of topology or availability runs per cluster at a "
                                 "time; follow it with wait_for_job {\"job_id\": " +
                                 std::to_string(get_int(c->topology_block, "job_id")) +
                                 "} and try again when it has ended."}}}),
          std::move(out), true};
    }
    co_return std::nullopt;
  };

  // Confirmation of destructive tools. Duplicate and topology refusals come first: the user is not asked
  // to confirm something that would be refused anyway.
  if (destructive && settings.confirm_destructive) {
    if (auto early = co_await check(); early) co_return std::move(*early);
    std::string effect = plan.effect.empty() ? plan.summary + "." : plan.effect;
    bool confirmed = false;
    if (ctx.host.can_elicit()) {
      json confirm_prop{
          {"type", "boolean"}, {"title", "Proceed"}, {"description", "Tick to let cmon-mcp do this."}};
      json schema{
          {"type", "object"}, {"properties", json{{"confirm", confirm_prop}}}, {"required", {"confirm"}}};
      auto answer = co_await ctx.host.elicit(effect + " Proceed?", std::move(schema));
      if (answer.action == "accept" && answer.content.value("confirm", false)) {
        confirmed = true;
      } else if (answer.action == "accept" || answer.action == "decline" || answer.action == "cancel") {
        json out = base_result(def, plan, answer.action == "cancel" ? "cancelled" : "declined");
        out["effect"] = effect;
        co_return action_result("Not done: the user " +
                                    std::string(answer.action == "cancel" ? "cancelled" : "declined") +
                                    " the confirmation. Nothing was changed.\n" + effect + "\n",
                                std::move(out));
      }
      // "unsupported" or no answer in time: fall back to the confirm argument.
    }
    if (!confirmed && !o.confirm) {
      json out = base_result(def, plan, "confirmation_required");
      out["effect"] = effect;
      out["resend_with"] = json{{"confirm", true}};
      co_return action_result("Confirmation required, nothing was changed. " + effect +
                                  "\nIf the user agrees, call " + def.name +
                                  " again with the same arguments and \"confirm\": true.\n",
                              std::move(out));
    }
  }

  if (job && plan.cluster) {
    // Waits (bounded) for another submission on the same cluster in this process to finish.
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer timer(executor);
    for (int i = 0; !state->try_lock(plan.cluster->id); ++i) {
      if (i >= 600)
        co_return ToolResult::error("another submission on " + cluster_label(*plan.cluster) +
                                    " has not finished for 30 s; try again");
      timer.expires_after(std::chrono::milliseconds(50));
      auto [ec] = co_await timer.async_wait(asio::as_tuple(use_awaitable));
      if (ec) co_return ToolResult::error("cancelled");
    }
    lock.state = state;
    lock.cluster_id = plan.cluster->id;
    if (auto early = co_await check(); early) co_return std::move(*early);
  }

  // Send.
  std::vector<json> replies;
  for (const auto& r : plan.requests) {
    auto reply = co_await call(ctx, r.path, r.operation, r.fields, plan.summary);
    if (!reply) {
      ToolResult failure = std::move(reply.error());
      if (!replies.empty())
        failure.content.push_back(
            json{{"type", "text"},
                 {"text", "Note: " + std::to_string(replies.size()) + " of " +
                              std::to_string(plan.requests.size()) + " requests had already been applied."}});
      co_return failure;
    }
    replies.push_back(std::move(*reply));
  }

  if (!job) {
    if (plan.on_done) {
      ToolResult r = plan.on_done(plan, replies);
      if (!plan.generated.empty() && r.structured) (*r.structured)["generated"] = plan.generated;
      co_return r;
    }
    json out = base_result(def, plan, "done");
    std::string text = "Done: " + plan.summary + ".\n";
    json messages = json::array();
    for (const auto& rep : replies)
      for (const auto& m : get_list(rep, "messages")) {
        messages.push_back(strip_html(get_string(json{{"m", m}}, "m")));
        text += "- " + messages.back().get<std::string>() + "\n";
      }
    out["messages"] = messages;
    if (!plan.generated.empty()) {
      out["generated"] = plan.generated;
      for (auto& [k, v] : plan.generated.items())
        text += "Generated " + k + " (shown only this once): " + v.get<std::string>() + "\n";
    }
    co_return action_result(std::move(text), std::move(out));
  }

  const json created = get_object(replies[0], "job");
  const int64_t job_id = get_int(created, "job_id");
  lock.release();  // the job exists now: later checks see it in CMON
  json out = base_result(def, plan, "submitted");
  out["job_id"] = job_id;
  out["command"] = plan.requests[0].job_command();
  out["job_status"] = get_string(created, "status", "DEFINED");
  std::string text = "Started job " + std::to_string(job_id) + " (" + plan.requests[0].job_command() +
                     "): " + plan.summary + ".\n";
  // A value the server chose (create_cluster's database admin password) is returned here, once.
  if (!plan.generated.empty()) {
    out["generated"] = plan.generated;
    for (auto& [k, v] : plan.generated.items())
      text += "Generated " + k + " (shown only this once): " + v.get<std::string>() + "\n";
  }
  if (o.wait) {
    if (auto failed = co_await follow(ctx, job_id, o, out, text); failed) co_return std::move(*failed);
  } else {
    text += follow_hint(job_id) + "\n";
  }
  co_return action_result(std::move(text), std::move(out));
}

}  // namespace

ToolHandler make_action_handler(const ToolDefinition& def, std::shared_ptr<ActionState> state) {
  // The registry keeps its definitions at stable addresses (it never moves one after add), but a copy of
  // the definition's parts keeps the handler independent of that. Only the parts run_action reads: a
  // whole copy would hold a second set of schemas and descriptions for every W/D tool, all our lives.
  auto copy = std::make_shared<ToolDefinition>();
  copy->name = def.name;
  copy->tool_class = def.tool_class;
  copy->action = def.action;
  copy->input_schema = nullptr;
  return [copy, state](ToolContext& ctx, const json& args) -> awaitable<ToolResult> {
    return run_action(*copy, state, ctx, args);
  };
}

}  // namespace cmon_mcp::tools
