// A stdio MCP server with the test tools: the protocol engine and the stdio transport exactly as the
// product runs them, minus CMON. Driven by the transcript tests and the SDK e2e tests.
#include <spdlog/spdlog.h>
#include <boost/asio/signal_set.hpp>

#include "cmon_mcp/mcp/dispatcher.hpp"
#include "cmon_mcp/transport/stdio.hpp"
#include "cmon_mcp/util/log.hpp"
#include "test_tools.hpp"

using namespace cmon_mcp;

int main() {
  util::setup_logging("warn", false);
  asio::io_context io;
  tools::Registry registry;
  test::register_test_tools(registry);
  test::NoCmon cmon;
  mcp::DispatcherOptions options;
  options.identity.version = "test";
  options.page_size = 3;  // small pages so that pagination is exercised
  mcp::Dispatcher dispatcher(options, registry, cmon);
  auto transport = std::make_shared<transport::StdioTransport>(io.get_executor(), dispatcher);
  transport->start([&io] { io.stop(); });
  io.run();
  return 0;
}
