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
                                               nlohmann::json, cmon::CallOptions options) override {
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
    auto r = cmon::decode_reply(status, body, ctx);
    if (r && options.parts) *r = util::project(*r, options.parts->keep());  // what CmonClient returns
    co_return r;
  }
  std::string endpoint() const override { return "https://127.0.0.1:9501"; }

 private:
  std::deque<std::string> replies_;
};

// A value valid for `schema` (enum: its first value; numbers: at least 1 and the minimum; arrays: one
// item; objects: their required properties), with the few names whose strings must look real.
inline nlohmann::json value_for(const std::string& key, const nlohmann::json& schema) {
  if (schema.contains("enum") && schema["enum"].is_array() && !schema["enum"].empty())
    return schema["enum"][0];
  // "type" may be a list ("string|number" values of set_node_config): the first one is taken.
  std::string type = "string";
  if (auto t = schema.find("type"); t != schema.end()) {
    if (t->is_string())
      type = t->get<std::string>();
    else if (t->is_array() && !t->empty() && t->front().is_string())
      type = t->front().get<std::string>();
  }
  if (type == "integer" || type == "number")
    return std::max<long long>(1, schema.contains("minimum") ? schema["minimum"].get<long long>() : 1);
  if (type == "boolean") return false;
  if (type == "array") {
    nlohmann::json items = schema.value("items", nlohmann::json::object());
    return nlohmann::json::array({value_for(key == "hosts" ? "host" : key, items)});
  }
  if (type == "object") {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& r : schema.value("required", nlohmann::json::array()))
      out[r.get<std::string>()] =
          value_for(r.get<std::string>(), schema.at("properties").at(r.get<std::string>()));
    return out;
  }
  if (key == "host") return "10.0.1.11";
  if (key == "node") return "10.0.1.11:3306";
  return "x";
}

// Arguments for a tool: its required properties, cluster 1, no waiting for jobs (wait=false: a fuzzer
// cannot afford real time), destructive tools confirmed; the fuzzer chooses among the enum values of
// `format` and `detail` with the option letters j and d.
inline nlohmann::json arguments_for(const tools::ToolDefinition& def, std::string_view options) {
  const nlohmann::json& props = def.input_schema.at("properties");
  nlohmann::json args = nlohmann::json::object();
  if (props.contains("cluster_id")) args["cluster_id"] = 1;
  for (const auto& name : def.input_schema.value("required", nlohmann::json::array())) {
    const std::string key = name.get<std::string>();
    args[key] = value_for(key, props.at(key));
  }
  if (props.contains("timeout_s")) args["timeout_s"] = value_for("timeout_s", props["timeout_s"]);
  if (props.contains("wait")) args["wait"] = false;
  if (props.contains("confirm")) args["confirm"] = true;
  auto pick = [&](const char* key, char letter) {
    if (!props.contains(key) || !props[key].contains("enum")) return;
    const nlohmann::json& values = props[key]["enum"];
    bool set = options.find(letter) != std::string_view::npos;
    if (set && values.size() > 1) args[key] = values[1];
  };
  pick("format", 'j');
  pick("detail", 'd');
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
