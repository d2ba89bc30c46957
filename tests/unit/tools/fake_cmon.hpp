// In-memory cmon::Api and ToolHost for the tool tests: canned replies per "path operation", every call
// recorded, and a helper that runs a tool handler to completion on a private io_context.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "cmon_mcp/cmon/api.hpp"
#include "cmon_mcp/tools/registry.hpp"
#include "cmon_mcp/tools/tool.hpp"

namespace cmon_mcp::test {

using nlohmann::json;

class FakeCmon : public cmon::Api {
 public:
  using Handler = std::function<cmon::Result<json>(const json& fields)>;
  struct Call {
    std::string path, operation;
    json fields;
  };

  // Reply `reply` to every `operation` on `path`.
  void on(std::string path, std::string operation, json reply) {
    handlers_[path + " " + operation] = [reply](const json&) { return cmon::Result<json>(reply); };
  }
  void on(std::string path, std::string operation, Handler h) {
    handlers_[path + " " + operation] = std::move(h);
  }
  void fail(std::string path, std::string operation, cmon::Errc code, std::string message) {
    handlers_[path + " " + operation] = [=](const json&) -> cmon::Result<json> {
      cmon::Error e;
      e.code = code;
      e.message = message;
      e.path = path;
      e.operation = operation;
      return unexpected(e);
    };
  }
  // Every call fails with `code` (a controller that is down).
  void fail_all(cmon::Errc code) { fail_all_ = code; }

  awaitable<cmon::Result<json>> call(std::string_view path, std::string_view operation, json fields,
                                     cmon::CallOptions options) override {
    calls.push_back({std::string(path), std::string(operation), fields});
    if (fail_all_) {
      cmon::Error e;
      e.code = *fail_all_;
      e.path = std::string(path);
      e.operation = std::string(operation);
      e.endpoint = endpoint();
      co_return unexpected(e);
    }
    auto it = handlers_.find(std::string(path) + " " + std::string(operation));
    if (it == handlers_.end()) {
      cmon::Error e;
      e.code = cmon::Errc::invalid_request;
      e.request_status = "InvalidRequest";
      e.message = "Invalid operation '" + std::string(operation) + "' on '" + std::string(path) + "'.";
      e.path = std::string(path);
      e.operation = std::string(operation);
      co_return unexpected(e);
    }
    auto r = it->second(fields);
    // Only the parts the tool asked for, as CmonClient returns them: a tool reading a field it did not
    // name fails here as it would against a controller.
    if (r && options.parts) *r = util::project(*r, options.parts->keep());
    co_return r;
  }
  std::string endpoint() const override { return "https://127.0.0.1:9501"; }

  size_t count(std::string_view operation) const {
    size_t n = 0;
    for (const auto& c : calls) n += c.operation == operation;
    return n;
  }

  std::vector<Call> calls;

 private:
  std::map<std::string, Handler> handlers_;
  std::optional<cmon::Errc> fail_all_;
};

class RecordingHost : public tools::ToolHost {
 public:
  struct Progress {
    double progress, total;
    std::string message;
  };
  void progress(double p, double t, std::string m) override { progresses.push_back({p, t, std::move(m)}); }
  void log(std::string_view level, json data) override {
    logs.push_back({std::string(level), std::move(data)});
  }
  // Set `elicit_answer` to play a client that can elicit and answers this way.
  bool can_elicit() const override { return elicit_answer.has_value(); }
  awaitable<tools::ElicitationAnswer> elicit(std::string message, json) override {
    elicited.push_back(std::move(message));
    co_return elicit_answer.value_or(tools::ElicitationAnswer{"unsupported", json::object()});
  }
  awaitable<std::optional<json>> request_client(std::string, json) override { co_return std::nullopt; }
  std::string protocol_version() const override { return "2025-06-18"; }

  std::vector<Progress> progresses;
  std::vector<std::pair<std::string, json>> logs;
  std::optional<tools::ElicitationAnswer> elicit_answer;
  std::vector<std::string> elicited;
};

// Runs `name` from `registry` with `args` against `api`; rethrows a handler's exception.
tools::ToolResult run_tool(const tools::Registry& registry, cmon::Api& api, const std::string& name,
                           json args, RecordingHost* host = nullptr, std::function<bool()> cancelled = {});

// The text of a result's first content block.
std::string text_of(const tools::ToolResult& r);

}  // namespace cmon_mcp::test
