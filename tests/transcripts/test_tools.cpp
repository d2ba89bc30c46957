// Test-only tools for protocol tests (see test_tools.hpp).
#include "test_tools.hpp"

#include <boost/asio/as_tuple.hpp>

namespace cmon_mcp::test {

using nlohmann::json;
using tools::ToolClass;
using tools::ToolContext;
using tools::ToolDefinition;
using tools::ToolResult;

awaitable<cmon::Result<json>> NoCmon::call(std::string_view path, std::string_view operation, json,
                                           cmon::CallOptions) {
  cmon::Error e;
  e.code = cmon::Errc::unreachable;
  e.message = "no controller in this test";
  e.path = std::string(path);
  e.operation = std::string(operation);
  e.endpoint = endpoint();
  co_return unexpected(std::move(e));
}

void register_test_tools(tools::Registry& registry) {
  {
    ToolDefinition d;
    d.name = "echo";
    d.title = "Echo";
    d.description = "Returns the text it is given, optionally repeated. Test tool.";
    d.group = "test";
    d.tool_class = ToolClass::read;
    d.input_schema = json::parse(R"({"type":"object","properties":{
          "text":{"type":"string","minLength":1,"maxLength":100},
          "repeat":{"type":"integer","minimum":1,"maximum":5},
          "mode":{"type":"string","enum":["plain","upper"]}},
          "required":["text"],"additionalProperties":false})");
    d.output_schema =
        json::parse(R"({"type":"object","properties":{"text":{"type":"string"}},"required":["text"]})");
    d.handler = [](ToolContext&, const json& args) -> awaitable<ToolResult> {
      std::string text = args["text"];
      if (args.value("mode", "plain") == "upper")
        for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      std::string out;
      for (int i = 0; i < args.value("repeat", 1); ++i) out += text;
      co_return ToolResult::structured_text(out, json{{"text", out}});
    };
    registry.add(std::move(d));
  }
  {
    ToolDefinition d;
    d.name = "slow";
    d.title = "Slow operation";
    d.description = "Waits `ms` milliseconds in ten steps, reporting progress; cancellable. Test tool.";
    d.group = "test";
    // Read class: W and D tools must be actions (the registry gives them the safety pipeline).
    d.tool_class = ToolClass::read;
    d.input_schema = json::parse(
        R"({"type":"object","properties":{"ms":{"type":"integer","minimum":0,"maximum":60000}},"required":["ms"]})");
    d.handler = [](ToolContext& ctx, const json& args) -> awaitable<ToolResult> {
      int ms = args["ms"];
      asio::steady_timer timer(co_await asio::this_coro::executor);
      for (int step = 1; step <= 10; ++step) {
        timer.expires_after(std::chrono::milliseconds(ms / 10));
        auto [ec] = co_await timer.async_wait(asio::as_tuple(use_awaitable));
        if (ec || ctx.cancelled()) co_return ToolResult::error("cancelled at step " + std::to_string(step));
        ctx.host.progress(step * 10, 100, "step " + std::to_string(step) + " of 10");
      }
      co_return ToolResult::text("slept " + std::to_string(ms) + " ms");
    };
    registry.add(std::move(d));
  }
  {
    ToolDefinition d;
    d.name = "fail";
    d.title = "Failing tool";
    d.description = "Always fails with an actionable message. Test tool.";
    d.group = "test";
    d.tool_class = ToolClass::read;
    d.handler = [](ToolContext&, const json&) -> awaitable<ToolResult> {
      co_return ToolResult::error("the operation failed: try again with a smaller limit");
    };
    registry.add(std::move(d));
  }
  {
    ToolDefinition d;
    d.name = "crash";
    d.title = "Throwing tool";
    d.description = "Throws an exception, as a buggy handler would. Test tool.";
    d.group = "test";
    d.tool_class = ToolClass::read;
    d.handler = [](ToolContext&, const json&) -> awaitable<ToolResult> {
      throw std::runtime_error("boom");
      co_return ToolResult::text("unreachable");
    };
    registry.add(std::move(d));
  }
  {
    ToolDefinition d;
    d.name = "log_levels";
    d.title = "Logging tool";
    d.description = "Sends one log notification per level from debug to error. Test tool.";
    d.group = "test";
    d.tool_class = ToolClass::read;
    d.handler = [](ToolContext& ctx, const json&) -> awaitable<ToolResult> {
      for (const char* level : {"debug", "info", "warning", "error"})
        ctx.host.log(level, std::string("at ") + level);
      co_return ToolResult::text("logged");
    };
    registry.add(std::move(d));
  }
  {
    ToolDefinition d;
    d.name = "confirm_drop";
    d.title = "Confirmation tool";
    d.description = "Asks the user to confirm through elicitation and reports the answer. Test tool.";
    d.group = "test";
    d.tool_class = ToolClass::read;  // elicitation itself is under test here, not the safety pipeline
    d.handler = [](ToolContext& ctx, const json&) -> awaitable<ToolResult> {
      json schema = json::parse(
          R"({"type":"object","properties":{"confirm":{"type":"boolean","title":"Confirm"}},"required":["confirm"]})");
      auto answer = co_await ctx.host.elicit("Drop database 'sales'?", schema);
      co_return ToolResult::text("action=" + answer.action + " content=" + answer.content.dump());
    };
    registry.add(std::move(d));
  }
  {
    ToolDefinition d;
    d.name = "cmon_call";
    d.title = "CMON call";
    d.description = "Calls CMON's ping and reports the outcome. Test tool.";
    d.group = "test";
    d.tool_class = ToolClass::read;
    d.handler = [](ToolContext& ctx, const json&) -> awaitable<ToolResult> {
      json fields{{"cluster_id", 0}};
      auto r = co_await ctx.cmon.call("/v2/clusters", "ping", std::move(fields));
      if (!r)
        co_return ToolResult::error(std::string("CMON ") + cmon::to_string(r.error().code) + ": " +
                                    r.error().message);
      co_return ToolResult::text(r->dump());
    };
    registry.add(std::move(d));
  }
}

}  // namespace cmon_mcp::test
