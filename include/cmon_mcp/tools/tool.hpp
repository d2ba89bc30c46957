// A tool is data plus a coroutine (style.md, rule 2): its definition is declared next to its handler in
// src/tools/<domain>.cpp. Tools know CMON (through cmon::Api) but nothing of MCP transports: whatever a
// handler needs from the client side (progress, log lines, asking the user) goes through ToolHost.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cmon_mcp/cmon/api.hpp"
#include "cmon_mcp/util/asio.hpp"

namespace cmon_mcp::tools {

using nlohmann::json;

// R reads, W changes state recoverably, D is destructive or affects availability. The MCP annotations
// are derived from the class so that they cannot drift from it.
enum class ToolClass { read, write, destructive };

struct ToolResult {
  json content = json::array();    // MCP content blocks
  std::optional<json> structured;  // structuredContent (an object), when the tool has one
  bool is_error = false;

  static ToolResult text(std::string text);
  static ToolResult error(std::string text);
  // Text for the model plus the structured object (also serialised into a second text block for
  // clients older than 2025-06-18, which do not read structuredContent).
  static ToolResult structured_text(std::string text, json structured);
};

// The answer of a user to an elicitation/create request.
struct ElicitationAnswer {
  std::string action;  // "accept", "decline", "cancel"; "unsupported" when the client cannot elicit
  json content = json::object();
};

// What the protocol side offers a running tool handler. Implemented by the MCP dispatcher per request.
class ToolHost {
 public:
  virtual ~ToolHost() = default;
  // notifications/progress when the request carried a progressToken (no-op otherwise); progress must
  // increase, total may be 0 for "unknown".
  virtual void progress(double progress, double total, std::string message) = 0;
  // notifications/message at `level` ("debug", "info", "warning", "error") when the session's log level
  // lets it through.
  virtual void log(std::string_view level, json data) = 0;
  // True when the client declared the elicitation capability.
  virtual bool can_elicit() const = 0;
  // elicitation/create on the request's stream; returns action "unsupported" when !can_elicit().
  virtual awaitable<ElicitationAnswer> elicit(std::string message, json requested_schema) = 0;
  // Any other server->client request (e.g. sampling/createMessage) on the request's stream; returns the
  // client's response object ({"result":...} or {"error":...}), nullopt on timeout or cancellation.
  virtual awaitable<std::optional<json>> request_client(std::string method, json params) = 0;
  // The protocol version negotiated by the session (e.g. "2025-06-18").
  virtual std::string protocol_version() const = 0;
};

// Everything a handler may use. Cancellation arrives through the coroutine's cancellation slot:
// awaited operations end with operation_aborted, and `cancelled()` reports it between awaits.
struct ToolContext {
  cmon::Api& cmon;
  ToolHost& host;
  std::function<bool()> cancelled = [] { return false; };
};

using ToolHandler = std::function<awaitable<ToolResult>(ToolContext&, const json& arguments)>;

struct ActionSpec;  // action.hpp: how a W or D tool plans its CMON requests

struct ToolDefinition {
  std::string name;         // verb_noun, snake_case
  std::string title;        // human display name
  std::string description;  // written for a model: what, when, returns, example
  std::string group;        // catalogue group: clusters, nodes, jobs, backups, ...
  ToolClass tool_class = ToolClass::read;
  json input_schema = json{{"type", "object"}, {"properties", json::object()}};
  std::optional<json> output_schema;
  // R tools have a handler. W and D tools have an action instead: the registry turns it into a handler
  // that runs the safety pipeline (dry run, confirmation, backup guard, duplicates, topology lock, wait).
  ToolHandler handler;
  std::shared_ptr<const ActionSpec> action;
};

// MCP "annotations" object for a definition (readOnlyHint, destructiveHint, idempotentHint,
// openWorldHint, title).
json annotations_for(const ToolDefinition& def);

}  // namespace cmon_mcp::tools
