// The MCP method table: lifecycle, tools, resources, prompts, completion, logging, cancellation.
// Every transport hands frames to handle_frame on the session's strand; nothing here knows a transport.
#include "cmon_mcp/mcp/dispatcher.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>

#include "cmon_mcp/mcp/call_limiter.hpp"
#include "cmon_mcp/mcp/jsonrpc.hpp"
#include "cmon_mcp/mcp/protocol.hpp"
#include "cmon_mcp/mcp/providers.hpp"
#include "cmon_mcp/tools/common.hpp"
#include "cmon_mcp/tools/redact.hpp"
#include "cmon_mcp/util/json_schema.hpp"
#include "cmon_mcp/util/metrics.hpp"

namespace cmon_mcp::mcp {

namespace {

// A JSON-RPC error raised while handling a method; becomes the response's "error".
struct RpcError {
  int code;
  std::string message;
  json data = nullptr;
};

using MethodResult = Expected<json, RpcError>;

RpcError invalid_params(std::string message) {
  return {error_code::invalid_params, std::move(message)};
}

// Opaque cursors: "p1." + offset. Stable while the list does not change.
std::string make_cursor(size_t offset) {
  return "p1." + std::to_string(offset);
}
std::optional<size_t> parse_cursor(const json& params) {
  auto it = params.find("cursor");
  if (it == params.end() || it->is_null()) return size_t{0};
  if (!it->is_string()) return std::nullopt;
  const auto& s = it->get_ref<const std::string&>();
  if (s.rfind("p1.", 0) != 0 || s.size() > 24) return std::nullopt;
  size_t offset = 0;
  for (size_t i = 3; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    offset = offset * 10 + static_cast<size_t>(s[i] - '0');
  }
  return s.size() > 3 ? std::optional<size_t>(offset) : std::nullopt;
}

template <class T, class F>
json page_of(const std::vector<T>& items, size_t offset, size_t page_size, const char* key, F&& to_json) {
  json out{{key, json::array()}};
  for (size_t i = offset; i < items.size() && i < offset + page_size; ++i)
    out[key].push_back(to_json(items[i]));
  if (offset + page_size < items.size()) out["nextCursor"] = make_cursor(offset + page_size);
  return out;
}

// The per-request view of the protocol a tool handler gets (progress, logs, elicitation).
class RequestHost final : public tools::ToolHost {
 public:
  RequestHost(std::shared_ptr<Session> session, std::shared_ptr<MessageSink> sink, json progress_token,
              std::chrono::milliseconds client_timeout)
      : session_(std::move(session)),
        sink_(std::move(sink)),
        progress_token_(std::move(progress_token)),
        client_timeout_(client_timeout) {}

  void progress(double progress, double total, std::string message) override {
    if (progress_token_.is_null() || !sink_) return;
    // Progress MUST increase; a handler that repeats a value is told nothing new, so drop it.
    if (last_progress_ && progress <= *last_progress_) return;
    last_progress_ = progress;
    json params{{"progressToken", progress_token_}, {"progress", progress}};
    if (total > 0) params["total"] = total;
    if (!message.empty() && session_->protocol_version() >= "2025-03-26")
      params["message"] = std::move(message);
    sink_->send(make_notification("notifications/progress", std::move(params)));
  }

  void log(std::string_view level, json data) override {
    if (!sink_) return;
    int rank = log_level_rank(level);
    if (rank < 0 || rank < log_level_rank(session_->log_level())) return;
    sink_->send(make_notification("notifications/message",
                                  json{{"level", level}, {"logger", "cmon-mcp"}, {"data", std::move(data)}}));
  }

  bool can_elicit() const override { return session_->client_can_elicit(); }

  awaitable<tools::ElicitationAnswer> elicit(std::string message, json requested_schema) override {
    if (!can_elicit()) co_return tools::ElicitationAnswer{"unsupported", json::object()};
    json params{{"message", std::move(message)}, {"requestedSchema", std::move(requested_schema)}};
    auto response =
        co_await session_->send_request(sink_, "elicitation/create", std::move(params), client_timeout_);
    if (!response || !response->contains("result") || !(*response)["result"].is_object())
      co_return tools::ElicitationAnswer{"cancel", json::object()};
    const json& result = (*response)["result"];
    tools::ElicitationAnswer answer;
    answer.action = result.value("action", "cancel");
    if (auto c = result.find("content"); c != result.end() && c->is_object()) answer.content = *c;
    co_return answer;
  }

  awaitable<std::optional<json>> request_client(std::string method, json params) override {
    co_return co_await session_->send_request(sink_, std::move(method), std::move(params), client_timeout_);
  }

  std::string protocol_version() const override { return session_->protocol_version(); }

 private:
  std::shared_ptr<Session> session_;
  std::shared_ptr<MessageSink> sink_;
  json progress_token_;
  std::chrono::milliseconds client_timeout_;
  std::optional<double> last_progress_;
};

const char* kInstructions =
    "cmon-mcp manages database clusters (MySQL, MariaDB, Galera, PostgreSQL, TimescaleDB, MongoDB, SQL "
    "Server, Redis) through a ClusterControl controller.\n"
    "- Start with list_clusters to learn cluster ids and names; every cluster tool accepts cluster_id or "
    "cluster_name.\n"
    "- For 'what is wrong' questions call get_cluster_health first, then list_alarms, list_nodes, "
    "get_cluster_log; get_recent_changes answers 'what changed lately'.\n"
    "- Tools whose annotations say readOnlyHint change nothing. Tools that change state start ClusterControl "
    "jobs: they return a job id at once; pass wait=true to follow the job with progress, or call "
    "wait_for_job/get_job/get_job_log later.\n"
    "- Destructive tools (stop, remove, restore, drop) ask the user to confirm or need confirm=true; every "
    "changing tool accepts dry_run=true to show what it would send.\n"
    "- Lists are paged (limit/offset; the result says how to get more); ask for detail=\"full\" or "
    "format=\"json\" only when the concise text is not enough.";

}  // namespace

struct Dispatcher::Impl {
  Impl(const DispatcherOptions& o, const tools::Registry& r, cmon::Api& c)
      : options(o), registry(r), cmon(c), limiter(o.max_concurrent_calls, o.max_queued_calls) {}

  const DispatcherOptions& options;
  const tools::Registry& registry;
  cmon::Api& cmon;
  CallLimiter limiter;
  std::mutex tools_list_mutex;
  std::map<std::string, std::vector<std::uint8_t>> tools_list_cache;
  std::shared_ptr<ResourceProvider> resources;
  std::shared_ptr<PromptProvider> prompts;
  // Messages being handled (handle_message frames alive). Shared with the frames: one destroyed after
  // the dispatcher (an owner that gave up on it) must not touch freed memory.
  std::shared_ptr<std::atomic<size_t>> active = std::make_shared<std::atomic<size_t>>(0);

  json capabilities() const {
    json caps{
        {"tools", {{"listChanged", true}}}, {"logging", json::object()}, {"completions", json::object()}};
    if (resources) caps["resources"] = {{"subscribe", true}, {"listChanged", true}};
    if (prompts) caps["prompts"] = {{"listChanged", true}};
    return caps;
  }

  MethodResult initialize(Session& session, const json& params) {
    if (session.initialize_received() && !session.stateless())
      return unexpected(RpcError{error_code::invalid_request, "Server already initialized"});
    auto version = params.find("protocolVersion");
    if (version == params.end() || !version->is_string())
      return unexpected(invalid_params("initialize: protocolVersion (string) is required"));
    std::string negotiated(negotiate_version(version->get<std::string>()));
    session.on_initialize(negotiated, params.value("capabilities", json::object()),
                          params.value("clientInfo", json::object()));
    json server_info{{"name", options.identity.name}, {"version", options.identity.version}};
    if (negotiated >= "2025-06-18") server_info["title"] = options.identity.title;
    if (negotiated >= "2025-11-25") {
      server_info["description"] = "Operate ClusterControl-managed database clusters from an AI assistant";
      server_info["websiteUrl"] = "https://severalnines.com/clustercontrol/";
    }
    json result{
        {"protocolVersion", negotiated}, {"capabilities", capabilities()}, {"serverInfo", server_info}};
    result["instructions"] =
        options.identity.instructions.empty() ? kInstructions : options.identity.instructions;
    return result;
  }

  json tool_json(const tools::ToolDefinition& def, const std::string& version) const {
    json t{{"name", def.name}, {"description", def.description}, {"inputSchema", def.input_schema}};
    if (version >= "2025-06-18") {
      t["title"] = def.title;
      if (def.output_schema) t["outputSchema"] = *def.output_schema;
    }
    if (version >= "2025-03-26") t["annotations"] = tools::annotations_for(def);
    return t;
  }

  // tools/list pages depend only on the protocol version and the cursor (the registry and its policy do
  // not change while serving), and building and serializing the catalogue was most of the cost of a
  // tools/list: each page is serialized once and answered as a raw result (jsonrpc.hpp) from then on.
  // A session's principal sees only the tools of the classes it may use (the cursor counts in that list),
  // so its classes are part of the key too.
  MethodResult tools_list(Session& session, const json& params) {
    auto offset = parse_cursor(params);
    const std::string& version = session.protocol_version();
    const Principal& who = session.principal();
    const std::string key =
        version + "#" + std::to_string(who.classes) + "#" + (offset ? std::to_string(*offset) : "");
    {
      std::lock_guard lock(tools_list_mutex);
      if (auto it = tools_list_cache.find(key); it != tools_list_cache.end()) return json::binary(it->second);
    }
    auto tools = registry.list();
    std::erase_if(tools, [&](const tools::ToolDefinition* def) { return !who.may_use(def->tool_class); });
    if (!offset || *offset > tools.size()) return unexpected(invalid_params("Invalid cursor"));
    json page = page_of(tools, *offset, options.page_size, "tools",
                        [&](const tools::ToolDefinition* def) { return tool_json(*def, version); });
    std::string text = serialize(page);
    std::vector<std::uint8_t> bytes(text.begin(), text.end());
    std::lock_guard lock(tools_list_mutex);
    if (tools_list_cache.size() < 64) tools_list_cache.emplace(key, bytes);
    return json::binary(std::move(bytes));
  }

  // An audit sink that fails (disk full) must not fail the call whose record it is.
  void write_audit(const json& record) const {
    try {
      options.audit(record);
    } catch (const std::exception& e) {
      spdlog::error("audit record not written: {}", e.what());
    }
  }

  json tool_result_json(tools::ToolResult r, const std::string& version) {
    json out{{"content", std::move(r.content)}};
    if (r.is_error) out["isError"] = true;
    if (r.structured && !r.is_error) {
      if (has_structured_output(version)) {
        out["structuredContent"] = std::move(*r.structured);
      } else {
        // Clients older than 2025-06-18 cannot read structuredContent: give them the JSON as text.
        out["content"].push_back(json{{"type", "text"}, {"text", serialize(*r.structured)}});
      }
    }
    return out;
  }

  // The cluster rule of a principal restricted to some clusters: nullopt when the call may go ahead, else
  // why not. Tools without a cluster selector in their schema act on the controller and are not bound by
  // it. A selector is allowed when it names a listed cluster: an id in the list, a name in the list (the
  // tools match names exactly, case-insensitively), or a cluster whose id or name is listed in the other
  // form (which needs the controller's cluster list).
  awaitable<std::optional<std::string>> cluster_refusal(const Principal& who,
                                                        const tools::ToolDefinition& def,
                                                        const json& arguments) {
    auto props = def.input_schema.find("properties");
    if (props == def.input_schema.end() || !props->is_object() ||
        (!props->contains("cluster_id") && !props->contains("cluster_name")))
      co_return std::nullopt;
    const std::string allowed = "token '" + who.name + "' may only act on cluster" +
                                (who.clusters.size() == 1 ? " " : "s ") + who.clusters_text();
    auto by_id = arguments.find("cluster_id");
    auto by_name = arguments.find("cluster_name");
    const bool has_id = by_id != arguments.end() && !by_id->is_null();
    const bool has_name = by_name != arguments.end() && !by_name->is_null();
    if (!has_id && !has_name)
      co_return def.name + " needs a cluster: " + allowed +
          "; give cluster_id or cluster_name of one of them";

    std::set<int64_t> ids;
    std::vector<std::string> names;
    for (const auto& c : who.clusters) {
      bool digits = !c.empty() && c.size() <= 18 &&
                    std::all_of(c.begin(), c.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
      if (digits)
        ids.insert(std::stoll(c));
      else
        names.push_back(c);
    }
    auto name_listed = [&](std::string_view n) {
      return std::any_of(names.begin(), names.end(),
                         [&](const std::string& x) { return tools::iequals(x, n); });
    };
    std::optional<int64_t> id;
    if (has_id && by_id->is_number_integer()) id = by_id->get<int64_t>();
    std::string name = has_name && by_name->is_string() ? by_name->get<std::string>() : std::string();
    bool id_ok = !has_id || (id && ids.count(*id));
    bool name_ok = !has_name || (!name.empty() && name_listed(name));
    if ((!id_ok && id && !names.empty()) || (!name_ok && !name.empty() && !ids.empty())) {
      json fields = json::object();
      auto all = co_await cmon.call("/v2/clusters", "getAllClusterInfo", std::move(fields));
      if (!all)
        co_return "cannot check the cluster against the token's clusters (" + all.error().message + "); " +
            allowed;
      const json clusters = tools::get_list(*all, "clusters");
      if (!id_ok)
        for (const auto& c : clusters)
          if (tools::get_int(c, "cluster_id", -1) == *id && name_listed(tools::get_string(c, "cluster_name")))
            id_ok = true;
      if (!name_ok)
        if (auto m = tools::match_cluster_name(clusters, name);
            m && ids.count(tools::get_int(*m, "cluster_id", -1)))
          name_ok = true;
    }
    if (!id_ok) co_return "cluster_id " + by_id->dump() + " is not allowed: " + allowed;
    if (!name_ok) co_return "cluster_name " + by_name->dump() + " is not allowed: " + allowed;
    co_return std::nullopt;
  }

  awaitable<MethodResult> tools_call(std::shared_ptr<Session> session, const json& params,
                                     const std::string& key, std::shared_ptr<MessageSink> related) {
    auto name = params.find("name");
    if (name == params.end() || !name->is_string())
      co_return unexpected(invalid_params("tools/call: name (string) is required"));
    const auto* def = registry.find(name->get<std::string>());
    if (!def) {
      std::string message = "Unknown tool: " + name->get<std::string>();
      if (registry.policy().read_only)
        message += " (the server runs in read-only mode: tools that change state are not offered)";
      co_return unexpected(invalid_params(std::move(message)));
    }
    json arguments = json::object();
    if (auto a = params.find("arguments"); a != params.end() && !a->is_null()) {
      if (!a->is_object()) co_return unexpected(invalid_params("tools/call: arguments must be an object"));
      arguments = *a;
    }
    const Principal& who = session->principal();
    const bool audited = def->tool_class != tools::ToolClass::read && options.audit;
    // A tool outside the token's scope is not listed either: it is answered like an unknown tool.
    if (!who.may_use(def->tool_class)) {
      std::string message = "Unknown tool: " + def->name + " (the scope of token '" + who.name +
                            "' does not allow it: it may use " + who.scope_text() + " tools only)";
      util::metrics().inc("mcp_tool_calls_rejected_total", {{"reason", "scope"}});
      if (audited) {
        tools::ToolResult refused = tools::ToolResult::error(message);
        write_audit(audit_record(*session, *def, arguments, &refused, "forbidden"));
      }
      co_return unexpected(invalid_params(std::move(message)));
    }
    const std::string& version = session->protocol_version();
    if (auto violations = util::validate_schema(def->input_schema, arguments); !violations.empty()) {
      std::string message =
          "Invalid arguments for " + def->name + ": " + util::describe_violations(violations);
      // 2025-11-25 wants validation failures as tool errors the model can correct; before, a protocol error.
      if (validation_errors_are_tool_errors(version))
        co_return tool_result_json(tools::ToolResult::error(message), version);
      co_return unexpected(invalid_params(std::move(message)));
    }
    if (!who.all_clusters()) {
      if (auto refusal = co_await cluster_refusal(who, *def, arguments)) {
        util::metrics().inc("mcp_tool_calls_rejected_total", {{"reason", "cluster"}});
        tools::ToolResult refused = tools::ToolResult::error(std::move(*refusal));
        if (audited) write_audit(audit_record(*session, *def, arguments, &refused, "forbidden"));
        co_return tool_result_json(std::move(refused), version);
      }
    }

    json token = nullptr;
    if (auto meta = params.find("_meta"); meta != params.end() && meta->is_object()) {
      if (auto t = meta->find("progressToken");
          t != meta->end() && (t->is_string() || t->is_number_integer()))
        token = *t;
    }
    // The global bound on concurrent tool calls: wait in line, or be told to retry.
    auto admission = co_await limiter.acquire();
    if (admission == CallLimiter::Admission::cancelled)
      co_return tool_result_json(tools::ToolResult::error("cancelled"), version);
    if (admission == CallLimiter::Admission::busy) {
      util::metrics().inc("mcp_tool_calls_rejected_total", {{"reason", "busy"}});
      co_return tool_result_json(
          tools::ToolResult::error("The server is busy: " + std::to_string(limiter.max_running()) +
                                   " tool calls are running and " + std::to_string(limiter.waiting()) +
                                   " are waiting. Retry in a few seconds."),
          version);
    }
    struct SlotRelease {
      CallLimiter& l;
      ~SlotRelease() { l.release(); }
    } slot_release{limiter};
    RequestHost host(session, related, token, options.client_request_timeout);
    tools::ToolContext context{cmon, host, [session, key] { return session->was_cancelled(key); }};
    tools::ToolResult result;
    const auto call_started = std::chrono::steady_clock::now();
    try {
      result = co_await def->handler(context, arguments);
    } catch (const boost::system::system_error& e) {
      if (session->was_cancelled(key)) {
        // A cancelled state-changing call may already have reached CMON: it is audited all the same.
        if (audited) write_audit(audit_record(*session, *def, arguments, nullptr, "cancelled"));
        throw;
      }
      spdlog::error("tool {} failed: {}", def->name, e.what());
      result = tools::ToolResult::error(def->name + " failed unexpectedly (" + e.code().message() +
                                        "); the server log has details");
    } catch (const std::exception& e) {
      spdlog::error("tool {} failed: {}", def->name, e.what());
      result =
          tools::ToolResult::error(def->name + " failed with an internal error; the server log has details");
    }
    if (audited) write_audit(audit_record(*session, *def, arguments, &result));
    util::metrics().inc("mcp_tool_calls_total",
                        {{"tool", def->name}, {"outcome", result.is_error ? "error" : "ok"}});
    util::metrics().observe(
        "mcp_tool_call_duration_seconds", {{"tool", def->name}},
        std::chrono::duration<double>(std::chrono::steady_clock::now() - call_started).count());
    if (!result.is_error && def->output_schema && result.structured) {
      if (auto v = util::validate_schema(*def->output_schema, *result.structured); !v.empty())
        spdlog::error("tool {} returned structuredContent that breaks its outputSchema: {}", def->name,
                      util::describe_violations(v));
    }
    co_return tool_result_json(std::move(result), version);
  }

  MethodResult set_level(Session& session, const json& params) {
    auto level = params.find("level");
    if (level == params.end() || !level->is_string() || log_level_rank(level->get<std::string>()) < 0)
      return unexpected(
          invalid_params("logging/setLevel: level must be one of debug, info, notice, warning, error, "
                         "critical, alert, emergency"));
    session.set_log_level(level->get<std::string>());
    return json::object();
  }

  awaitable<MethodResult> resources_method(const std::string& method, const json& params) {
    if (!resources)
      co_return unexpected(RpcError{error_code::method_not_found, "Method not found: " + method});
    if (method == "resources/list") {
      auto offset = parse_cursor(params);
      auto list = co_await resources->list(cmon);
      if (!offset || *offset > list.size()) co_return unexpected(invalid_params("Invalid cursor"));
      co_return page_of(list, *offset, options.page_size, "resources", [](const json& j) { return j; });
    }
    if (method == "resources/templates/list") {
      auto offset = parse_cursor(params);
      auto list = resources->templates();
      if (!offset || *offset > list.size()) co_return unexpected(invalid_params("Invalid cursor"));
      co_return page_of(list, *offset, options.page_size, "resourceTemplates",
                        [](const json& j) { return j; });
    }
    auto uri = params.find("uri");
    if (uri == params.end() || !uri->is_string())
      co_return unexpected(invalid_params(method + ": uri (string) is required"));
    if (method == "resources/read") {
      auto r = co_await resources->read(cmon, uri->get<std::string>());
      if (!r) co_return unexpected(RpcError{r.error().code, r.error().message, r.error().data});
      co_return std::move(r.value());
    }
    if (method == "resources/subscribe" || method == "resources/unsubscribe") {
      if (!resources->subscribable(uri->get<std::string>()))
        co_return unexpected(RpcError{error_code::resource_not_found, "Resource not found",
                                      json{{"uri", uri->get<std::string>()}}});
      co_return json::object();
    }
    co_return unexpected(RpcError{error_code::method_not_found, "Method not found: " + method});
  }

  awaitable<MethodResult> prompts_method(const std::string& method, const json& params) {
    if (!prompts) co_return unexpected(RpcError{error_code::method_not_found, "Method not found: " + method});
    if (method == "prompts/list") {
      auto offset = parse_cursor(params);
      auto list = prompts->list();
      if (!offset || *offset > list.size()) co_return unexpected(invalid_params("Invalid cursor"));
      co_return page_of(list, *offset, options.page_size, "prompts", [](const json& j) { return j; });
    }
    auto name = params.find("name");
    if (name == params.end() || !name->is_string())
      co_return unexpected(invalid_params("prompts/get: name (string) is required"));
    json arguments = params.value("arguments", json::object());
    if (!arguments.is_object())
      co_return unexpected(invalid_params("prompts/get: arguments must be an object"));
    auto r = co_await prompts->get(cmon, name->get<std::string>(), arguments);
    if (!r) co_return unexpected(RpcError{r.error().code, r.error().message, r.error().data});
    co_return std::move(r.value());
  }

  awaitable<MethodResult> complete(const json& params) {
    auto ref = params.find("ref");
    auto argument = params.find("argument");
    if (ref == params.end() || !ref->is_object() || argument == params.end() || !argument->is_object())
      co_return unexpected(invalid_params("completion/complete: ref and argument are required"));
    std::string type = ref->value("type", "");
    std::string arg_name = argument->value("name", "");
    std::string prefix = argument->value("value", "");
    std::vector<std::string> values;
    if (type == "ref/prompt") {
      if (prompts) values = co_await prompts->complete(cmon, ref->value("name", ""), arg_name, prefix);
    } else if (type == "ref/resource") {
      if (resources) values = co_await resources->complete(cmon, ref->value("uri", ""), arg_name, prefix);
    } else {
      co_return unexpected(
          invalid_params("completion/complete: ref.type must be ref/prompt or ref/resource"));
    }
    size_t total = values.size();
    if (values.size() > 100) values.resize(100);
    co_return json{
        {"completion", {{"values", values}, {"total", total}, {"hasMore", total > values.size()}}}};
  }

  // Routes one request to its method; runs inside the request's cancellable coroutine.
  awaitable<MethodResult> run_method(std::shared_ptr<Session> session, std::string method, json params,
                                     std::string key, std::shared_ptr<MessageSink> related) {
    if (method == "tools/list") co_return tools_list(*session, params);
    if (method == "tools/call") co_return co_await tools_call(session, params, key, related);
    if (method == "logging/setLevel") co_return set_level(*session, params);
    if (method.rfind("resources/", 0) == 0) co_return co_await resources_method(method, params);
    if (method.rfind("prompts/", 0) == 0) co_return co_await prompts_method(method, params);
    if (method == "completion/complete") co_return co_await complete(params);
    co_return unexpected(RpcError{error_code::method_not_found, "Method not found: " + method});
  }

  // The method as a metrics label: clients may send any method name, the label set must stay bounded.
  static std::string method_label(const std::string& method) {
    static const std::set<std::string, std::less<>> known = {"initialize",
                                                             "ping",
                                                             "tools/list",
                                                             "tools/call",
                                                             "resources/list",
                                                             "resources/read",
                                                             "resources/templates/list",
                                                             "resources/subscribe",
                                                             "resources/unsubscribe",
                                                             "prompts/list",
                                                             "prompts/get",
                                                             "completion/complete",
                                                             "logging/setLevel"};
    return known.count(method) ? method : "other";
  }

  // Counts and times every request (mcp_requests_total, mcp_request_duration_seconds).
  awaitable<std::optional<json>> handle_request(std::shared_ptr<Session> session, const json& message,
                                                std::shared_ptr<MessageSink> related) {
    const auto started = std::chrono::steady_clock::now();
    const std::string method = method_label(message["method"].get<std::string>());
    const std::string transport = session->transport();
    auto out = co_await answer_request(std::move(session), message, std::move(related));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const char* outcome = !out ? "cancelled" : out->contains("error") ? "error" : "ok";
    auto& m = util::metrics();
    m.inc("mcp_requests_total", {{"method", method}, {"transport", transport}, {"outcome", outcome}});
    m.observe("mcp_request_duration_seconds", {{"method", method}}, seconds);
    co_return out;
  }

  awaitable<std::optional<json>> answer_request(std::shared_ptr<Session> session, const json& message,
                                                std::shared_ptr<MessageSink> related) {
    const json& id = message["id"];
    const std::string method = message["method"].get<std::string>();
    json params = json::object();
    if (auto p = message.find("params"); p != message.end() && !p->is_null()) {
      if (!p->is_object()) co_return make_error(id, error_code::invalid_params, "params must be an object");
      params = *p;
    }
    if (method == "ping") co_return make_result(id, json::object());
    if (method == "initialize") {
      auto r = initialize(*session, params);
      co_return r ? make_result(id, std::move(r.value()))
                  : make_error(id, r.error().code, r.error().message, r.error().data);
    }
    if (!session->initialize_received())
      co_return make_error(id, error_code::invalid_request, "Server not initialized: send initialize first");

    std::string key = id_key(id);
    if (session->in_flight_contains(key))
      co_return make_error(id, error_code::invalid_request, "Request id " + id.dump() + " is already in use");
    auto signal = session->begin_request(key);
    auto [ep, result] = co_await asio::co_spawn(
        session->strand(), run_method(session, method, std::move(params), key, related),
        asio::bind_cancellation_slot(signal->slot(), asio::as_tuple(use_awaitable)));
    bool cancelled = session->was_cancelled(key);
    session->end_request(key);
    // A cancelled request gets no response (mcp-protocol-notes §7).
    if (cancelled) co_return std::nullopt;
    if (ep) {
      try {
        std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        spdlog::error("{} failed: {}", method, e.what());
      }
      co_return make_error(id, error_code::internal_error, "Internal error while handling " + method);
    }
    if (!result) co_return make_error(id, result.error().code, result.error().message, result.error().data);
    co_return make_result(id, std::move(result.value()));
  }

  void handle_notification(Session& session, const json& message) {
    const std::string method = message["method"].get<std::string>();
    const json params = message.value("params", json::object());
    if (method == "notifications/initialized") {
      session.on_initialized_notification();
    } else if (method == "notifications/cancelled") {
      if (params.is_object())
        if (auto r = params.find("requestId");
            r != params.end() && (r->is_string() || r->is_number_integer()))
          session.cancel_request(id_key(*r));
    }
    // Other notifications (roots/list_changed, progress of our requests) need no action.
  }

  awaitable<std::optional<json>> handle_one(std::shared_ptr<Session> session, const json& message,
                                            std::shared_ptr<MessageSink> related) {
    switch (classify(message)) {
      case MessageKind::request:
        co_return co_await handle_request(std::move(session), message, std::move(related));
      case MessageKind::notification:
        handle_notification(*session, message);
        co_return std::nullopt;
      case MessageKind::response:
        session->deliver_response(message);
        co_return std::nullopt;
      case MessageKind::invalid:
        break;
    }
    json id = nullptr;
    if (message.is_object())
      if (auto it = message.find("id"); it != message.end() && (it->is_string() || it->is_number_integer()))
        id = *it;
    co_return make_error(
        id, error_code::invalid_request,
        "Invalid Request: expected a JSON-RPC 2.0 object with jsonrpc \"2.0\" and a string method");
  }
};

Dispatcher::Dispatcher(DispatcherOptions options, const tools::Registry& registry, cmon::Api& cmon)
    : options_(std::move(options)) {
  impl_ = std::make_unique<Impl>(options_, registry, cmon);
}

Dispatcher::~Dispatcher() = default;

void Dispatcher::set_resources(std::shared_ptr<ResourceProvider> resources) {
  impl_->resources = std::move(resources);
}
size_t Dispatcher::calls_running() const {
  return impl_->limiter.running();
}
size_t Dispatcher::calls_waiting() const {
  return impl_->limiter.waiting();
}
size_t Dispatcher::messages_in_progress() const {
  return impl_->active->load();
}

void Dispatcher::set_prompts(std::shared_ptr<PromptProvider> prompts) {
  impl_->prompts = std::move(prompts);
}

awaitable<std::optional<json>> Dispatcher::handle_frame(std::shared_ptr<Session> session,
                                                        std::string_view frame,
                                                        std::shared_ptr<MessageSink> related) {
  ParseFailure failure;
  auto message = parse(frame, &failure);
  if (!message) co_return make_error(nullptr, failure.code, failure.message);
  co_return co_await handle_message(std::move(session), std::move(*message), std::move(related));
}

awaitable<std::optional<json>> Dispatcher::handle_message(std::shared_ptr<Session> session, json message,
                                                          std::shared_ptr<MessageSink> related) {
  struct Active {
    explicit Active(std::shared_ptr<std::atomic<size_t>> n) : count(std::move(n)) { ++*count; }
    ~Active() { --*count; }
    Active(const Active&) = delete;
    Active& operator=(const Active&) = delete;
    std::shared_ptr<std::atomic<size_t>> count;
  } active(impl_->active);
  session->touch();
  if (!message.is_array())
    co_return co_await impl_->handle_one(std::move(session), message, std::move(related));

  // Batches: only 2025-03-26 allows them, and never for initialize (mcp-protocol-notes §3).
  if (message.empty())
    co_return make_error(nullptr, error_code::invalid_request, "Invalid Request: empty batch");
  if (!session->initialize_received() || !allows_batch(session->protocol_version()))
    co_return make_error(
        nullptr, error_code::invalid_request,
        "Invalid Request: JSON-RPC batches are only allowed with protocol version 2025-03-26 (this "
        "session uses " +
            (session->initialize_received() ? session->protocol_version() : std::string("none yet")) +
            "); send one message at a time");
  json responses = json::array();
  for (const auto& element : message) {
    auto r = co_await impl_->handle_one(session, element, related);
    if (r) responses.push_back(std::move(*r));
  }
  if (responses.empty()) co_return std::nullopt;
  co_return responses;
}

json audit_record(const Session& session, const tools::ToolDefinition& def, const json& arguments,
                  const tools::ToolResult* result, std::string_view outcome_override) {
  json r = json::object();
  r["time"] = tools::iso_utc(std::chrono::system_clock::now());
  r["session"] = session.id();
  // The bearer token's name (MCP_AUTH_TOKENS_FILE, "token" for MCP_AUTH_TOKEN); null without one (stdio).
  const std::string& token = session.principal().name;
  r["token"] = token.empty() ? json(nullptr) : json(token);
  const json& client = session.client_info();
  std::string client_name = client.is_object() ? client.value("name", "") : "";
  if (client.is_object() && client.contains("version") && client["version"].is_string())
    client_name += " " + client["version"].get<std::string>();
  r["client"] = client_name;
  r["tool"] = def.name;
  r["class"] = def.tool_class == tools::ToolClass::destructive ? "destructive" : "write";
  r["arguments"] = tools::redact_secrets(def.input_schema, arguments);
  std::string outcome(outcome_override);
  if (outcome.empty() && result) {
    if (result->structured && result->structured->is_object())
      outcome = result->structured->value("status", "");
    if (outcome.empty()) outcome = result->is_error ? "error" : "ok";
  }
  r["outcome"] = outcome;
  if (result && result->structured && result->structured->is_object()) {
    const json& s = *result->structured;
    for (const char* key : {"cluster_id", "job_id", "reason"})
      if (auto it = s.find(key); it != s.end() && !it->is_null()) r[key] = *it;
  }
  if (result && result->is_error && !result->content.empty() && result->content[0].is_object()) {
    std::string text = result->content[0].value("text", "");
    if (text.size() > 500) text = text.substr(0, 500) + "...";
    r["error"] = text;
  }
  return r;
}

}  // namespace cmon_mcp::mcp
