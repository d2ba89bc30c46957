// State-changing tools (classes W and D) are written as planners: a coroutine that validates the
// arguments against CMON (cluster exists, node belongs to it, the method fits the vendor, ...) and returns
// an ActionPlan saying exactly which CMON requests it would send and what they do. The safety pipeline in
// action.cpp runs every plan the same way, so the safety model lives in one place:
//
//   plan -> dry run? -> backup guard -> duplicate job? -> topology lock -> confirmation (D) -> send
//        -> follow the job (wait, progress, cancellation, abort_on_cancel) -> result
//
// The registry installs that pipeline as the handler of every W and D tool (Registry::add), and adds the
// common arguments (dry_run, confirm, wait, timeout_s, abort_on_cancel, force_new,
// override_backup_guard) to their input schemas, so no tool can forget one.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cmon_mcp/tools/common.hpp"
#include "cmon_mcp/tools/tool.hpp"

namespace cmon_mcp::tools {

// One CMON request of a plan.
struct CmonRequest {
  std::string path;       // "/v2/jobs"
  std::string operation;  // "createJobInstance"
  json fields = json::object();
  // JSON pointers into `fields` holding secrets (passwords): redacted in dry runs, never echoed.
  std::vector<std::string> secrets;

  bool creates_job() const { return operation == "createJobInstance"; }
  // The job's command (job.job_spec.command) for createJobInstance, "" otherwise.
  std::string job_command() const;
};

struct ActionPlan {
  // The target cluster, when the action is cluster-scoped (backup guard, topology lock, duplicates).
  std::optional<Cluster> cluster;
  // One line in the imperative: "Restart node 10.0.0.12:3306 of cluster prod-galera (id 2)".
  std::string summary;
  // The consequences in plain words, shown when a destructive tool asks for confirmation and in dry runs:
  // "This stops node 10.0.0.13:3306 of cluster prod-galera; the cluster will run with 2 of 3 nodes."
  std::string effect;
  // Sent in order; a job-backed action has exactly one request, a createJobInstance.
  std::vector<CmonRequest> requests;
  // Values the server chose for the user (a generated password), returned once in the result and never
  // logged. Keys are argument names.
  json generated = json::object();
  // Turns the CMON replies (one per request) into the result of a non-job action. Optional: by default
  // the result lists CMON's messages.
  std::function<ToolResult(const ActionPlan& plan, const std::vector<json>& replies)> on_done;
};

using Planner = std::function<awaitable<Expected<ActionPlan, ToolResult>>(ToolContext&, const json& args)>;

// What a W or D tool declares beside its planner.
struct ActionSpec {
  Planner plan;
  // The action creates a CMON job: the tool takes wait, timeout_s, abort_on_cancel and force_new.
  bool job = false;
  // A destructive data operation (restore, drop database, delete user, remove node, stop cluster): refused
  // on a cluster without a recent successful backup unless override_backup_guard is true.
  bool backup_guard = false;
};

enum class ActionKind { request, job };
enum class BackupGuard { off, on };
// The value of ToolDefinition::action.
std::shared_ptr<const ActionSpec> make_action(Planner plan, ActionKind kind = ActionKind::request,
                                              BackupGuard guard = BackupGuard::off);

// The operator's safety settings for state-changing tools (part of the registry's Policy).
struct SafetySettings {
  // D tools need the user's confirmation (elicitation, or confirm:true when the client cannot elicit).
  bool confirm_destructive = true;
  // Backup guard: hours a successful backup stays "recent"; 0 turns the guard off.
  int64_t backup_guard_hours = 24;
  // An identical job submitted again within this window returns the existing job.
  std::chrono::seconds duplicate_window{std::chrono::minutes(10)};
};

// Shared by the handlers of all action tools: the settings in force and the clusters whose submission
// is in progress in this process (so that two concurrent identical calls cannot both pass the duplicate
// and topology checks before either job exists).
class ActionState {
 public:
  SafetySettings settings() const;
  void set_settings(SafetySettings s);
  // Marks `cluster_id` busy; false when it already is.
  bool try_lock(int64_t cluster_id);
  void unlock(int64_t cluster_id);

 private:
  mutable std::mutex mutex_;
  SafetySettings settings_;
  std::set<int64_t> busy_;
};

// The handler the registry installs for a W/D tool.
ToolHandler make_action_handler(const ToolDefinition& def, std::shared_ptr<ActionState> state);
// Adds the common action arguments to a W/D tool's input schema, and the common output schema when the
// tool declares none.
void add_action_arguments(ToolDefinition& def);

// CMON job commands that change topology or availability: one at a time per cluster.
bool is_topology_command(std::string_view command);

// ---------------------------------------------------------------------------------------------------
// Building blocks for planners.

// createJobInstance for `cluster_id` (0 for controller-level jobs) with `command` and `job_data`.
CmonRequest job_request(int64_t cluster_id, std::string title, std::string command, json job_data,
                        json extra_job_fields = json::object());
// A plan with one job request on `cluster`.
ActionPlan job_plan(const Cluster& cluster, std::string summary, std::string command, json job_data);
// {"class_name":"CmonHost","hostname":...,"port":...} for a host object of the cluster.
json node_ref(const json& host);
// "cluster prod-galera (id 2)"
std::string cluster_label(const Cluster& c);
// The fields every action result starts with: {tool, status, summary, cluster_id, cluster_name}.
json action_result_base(std::string_view tool, const ActionPlan& plan, std::string status);
// A secret string argument (a password): writeOnly, so dry runs and audit records show "***".
json s_secret(std::string description, size_t max_length = 128);
// "a, b, c"
std::string join(const std::vector<std::string>& items, std::string_view sep = ", ");
// A strong random password (24 characters from a set that needs no quoting in SQL or shells).
std::string generate_password();
// Replaces the values at `pointers` with "***" (missing pointers are ignored).
json redact_pointers(json value, const std::vector<std::string>& pointers);

}  // namespace cmon_mcp::tools
