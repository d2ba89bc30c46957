// Shared pieces of the fuzz targets: a cmon::Api that answers with fuzzer-chosen reply bodies decoded
// exactly as CmonClient decodes real ones, a ToolHost that accepts everything silently, and line
// splitting of the fuzz input.
#pragma once

#include <algorithm>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "cmon_mcp/cmon/api.hpp"
#include "cmon_mcp/cmon/reply.hpp"
#include "cmon_mcp/mcp/dispatcher.hpp"
#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/tool.hpp"

namespace cmon_mcp::fuzz {

// The lines of `text` ('\n'-separated, the last one possibly empty).
inline std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t nl = text.find('\n', start);
    out.push_back(text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
    if (nl == std::string_view::npos) return out;
    start = nl + 1;
  }
}

// Every real tool but wait_for_job, whose real-time polling would only slow a fuzzer down.
inline tools::Registry real_tools() {
  tools::Registry r;
  tools::register_all_tools(r);
  r.set_policy({.deny = {"wait_for_job"}});
  return r;
}

// Small pages (the fuzzer reaches cursors quickly) and a 1 ms wait for client answers (elicitation).
inline mcp::DispatcherOptions dispatcher_options() {
  mcp::DispatcherOptions o;
  o.identity.version = "fuzz";
  o.page_size = 2;
  o.client_request_timeout = std::chrono::milliseconds(1);
  return o;
}

// Each call consumes the next scripted reply: "!NNN body" is HTTP status NNN with that body, anything
// else a 200 with the line as body. With no reply left the controller is unreachable.
class ScriptedCmon final : public cmon::Api {
 public:
  void add_reply(std::string_view line) { replies_.emplace_back(line); }

  awaitable<cmon::Result<nlohmann::json>> call(std::string_view path, std::string_view operation,
                                               nlohmann::json, cmon::CallOptions) override {
    cmon::ReplyContext ctx{path, operation, "https://127.0.0.1:9501"};
    if (replies_.empty()) {
      cmon::Error e;
      e.code = cmon::Errc::unreachable;
      e.message = "Connection refused";
      e.path = std::string(path);
      e.operation = std::string(operation);
      e.endpoint = std::string(ctx.endpoint);
      co_return unexpected(std::move(e));
    }
    std::string line = std::move(replies_.front());
    replies_.pop_front();
    int status = 200;
    std::string_view body = line;
    if (body.size() >= 4 && body[0] == '!' && std::isdigit(static_cast<unsigned char>(body[1])) &&
        std::isdigit(static_cast<unsigned char>(body[2])) &&
        std::isdigit(static_cast<unsigned char>(body[3]))) {
      status = (body[1] - '0') * 100 + (body[2] - '0') * 10 + (body[3] - '0');
      body.remove_prefix(body.size() > 4 ? 5 : 4);
    }
    co_return cmon::decode_reply(status, body, ctx);
  }
  std::string endpoint() const override { return "https://127.0.0.1:9501"; }

 private:
  std::deque<std::string> replies_;
};

// Arguments valid for the tool's input schema, the fuzzer choosing among the enum values of
// `format` and `detail`.
inline nlohmann::json arguments_for(const tools::ToolDefinition& def, std::string_view options) {
  const nlohmann::json& props = def.input_schema.at("properties");
  nlohmann::json args = nlohmann::json::object();
  if (props.contains("cluster_id")) args["cluster_id"] = 1;
  for (const auto& name : def.input_schema.value("required", nlohmann::json::array())) {
    const std::string key = name.get<std::string>();
    const nlohmann::json& p = props.at(key);
    const std::string type = p.value("type", "string");
    if (key == "hosts") {
      args[key] = nlohmann::json::array({"10.0.1.11"});
    } else if (key == "node") {
      args[key] = "10.0.1.11:3306";
    } else if (type == "integer") {
      args[key] = std::max<long long>(1, p.value("minimum", 1LL));
    } else {
      args[key] = "x";
    }
  }
  if (props.contains("timeout_s")) args["timeout_s"] = props["timeout_s"].value("minimum", 1LL);
  auto pick = [&](const char* key, char letter, int index_if_set) {
    if (!props.contains(key) || !props[key].contains("enum")) return;
    const nlohmann::json& values = props[key]["enum"];
    bool set = options.find(letter) != std::string_view::npos;
    int i = set ? index_if_set : 0;
    if (i < static_cast<int>(values.size())) args[key] = values[static_cast<size_t>(i)];
  };
  pick("format", 'j', 1);
  pick("detail", 'd', 1);
  return args;
}

class QuietHost final : public tools::ToolHost {
 public:
  void progress(double, double, std::string) override {}
  void log(std::string_view, nlohmann::json) override {}
  bool can_elicit() const override { return false; }
  awaitable<tools::ElicitationAnswer> elicit(std::string, nlohmann::json) override {
    co_return tools::ElicitationAnswer{"unsupported", nlohmann::json::object()};
  }
  awaitable<std::optional<nlohmann::json>> request_client(std::string, nlohmann::json) override {
    co_return std::nullopt;
  }
  std::string protocol_version() const override { return "2025-06-18"; }
};

}  // namespace cmon_mcp::fuzz
