// The one JSON-RPC/MCP dispatcher behind every transport: lifecycle, tools, resources, prompts,
// completion, logging, progress and cancellation. Transports only frame messages and call it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cmon_mcp/mcp/session.hpp"
#include "cmon_mcp/tools/registry.hpp"

namespace cmon_mcp::mcp {

class ResourceProvider;
class PromptProvider;

struct ServerIdentity {
  std::string name = "cmon-mcp";
  std::string title = "ClusterControl MCP server";
  std::string version;
  std::string instructions;
};

struct DispatcherOptions {
  ServerIdentity identity;
  // Page size of tools/list, resources/list, prompts/list.
  size_t page_size = 100;
  // How long a server->client request (elicitation) may wait for the user.
  std::chrono::milliseconds client_request_timeout{std::chrono::minutes(10)};
  // Receives one audit record per call of a state-changing (W or D) tool, whatever its outcome (see
  // audit_record); unset = no audit trail.
  std::function<void(const json& record)> audit;
  // Tool calls running at once across all sessions, and how many may wait for a slot (more: a "busy"
  // tool error the model can retry on).
  size_t max_concurrent_calls = 32;
  size_t max_queued_calls = 256;
};

// The audit record of one W/D tool call: {time, session, token, client, tool, class, arguments (secrets
// redacted), outcome, cluster_id, job_id, error}. `token` is the name of the session's principal (null
// without a token, e.g. stdio). `outcome` is the result's status (submitted, done, failed, dry_run,
// duplicate, refused, confirmation_required, declined, cancelled...), "forbidden" when the token's scope
// or clusters do not allow the call, else "error" or "ok".
json audit_record(const Session& session, const tools::ToolDefinition& def, const json& arguments,
                  const tools::ToolResult* result, std::string_view outcome_override = {});

// The session's principal (Session::principal) is enforced here, in one place: tools/list lists only the
// tools of the classes it may use, tools/call of another tool is answered like an unknown tool, and a
// principal restricted to some clusters may call a cluster-scoped tool only on one of them.
class Dispatcher {
 public:
  Dispatcher(DispatcherOptions options, const tools::Registry& registry, cmon::Api& cmon);
  ~Dispatcher();

  void set_resources(std::shared_ptr<ResourceProvider> resources);
  void set_prompts(std::shared_ptr<PromptProvider> prompts);

  // Handles one inbound frame (a stdio line, a POST body): parses it and routes every message in it.
  // Returns the direct answer: a response, an array of responses (batch), or nullopt when nothing is
  // owed (notifications, responses, a cancelled request). `related` carries the server->client messages
  // that belong to these requests (progress, log lines, elicitation) while they run.
  // Must be awaited on session->strand() (co_spawn it there).
  awaitable<std::optional<json>> handle_frame(std::shared_ptr<Session> session, std::string_view frame,
                                              std::shared_ptr<MessageSink> related);
  // Same for an already parsed message or batch.
  awaitable<std::optional<json>> handle_message(std::shared_ptr<Session> session, json message,
                                                std::shared_ptr<MessageSink> related);

  const DispatcherOptions& options() const { return options_; }
  // Tool calls running now and waiting for a slot (for /metrics).
  size_t calls_running() const;
  size_t calls_waiting() const;
  // Messages whose handling has begun and not ended. Transports cancel and await theirs before they
  // report stopped; after the io_context stopped, nonzero means some coroutine ignored cancellation and
  // would outlive what it uses (the daemon then exits without running destructors).
  size_t messages_in_progress() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  DispatcherOptions options_;
};

}  // namespace cmon_mcp::mcp
