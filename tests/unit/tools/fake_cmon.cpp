// Runner for tool handlers in tests (see fake_cmon.hpp).
#include "fake_cmon.hpp"

#include <stdexcept>

namespace cmon_mcp::test {

tools::ToolResult run_tool(const tools::Registry& registry, cmon::Api& api, const std::string& name,
                           json args, RecordingHost* host, std::function<bool()> cancelled) {
  const tools::ToolDefinition* def = nullptr;
  for (const auto& d : registry.all())
    if (d.name == name) def = &d;
  if (!def) throw std::invalid_argument("no tool " + name);
  RecordingHost local_host;
  tools::ToolContext ctx{api, host ? *host : local_host};
  if (cancelled) ctx.cancelled = cancelled;
  asio::io_context io;
  std::optional<tools::ToolResult> out;
  std::exception_ptr failure;
  asio::co_spawn(io, def->handler(ctx, args), [&](std::exception_ptr e, tools::ToolResult r) {
    failure = e;
    if (!e) out = std::move(r);
  });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*out);
}

std::string text_of(const tools::ToolResult& r) {
  if (r.content.empty()) return "";
  return r.content[0].value("text", std::string());
}

}  // namespace cmon_mcp::test
