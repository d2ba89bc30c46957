// cmon-mcp-conformance-server: the real engine and HTTP transports with the conformance fixtures and no
// CMON. Prints "PORT=<n>" on stdout once listening; SIGTERM/SIGINT stop it gracefully.
// Flags: --bind HOST:PORT (default 127.0.0.1:0), --token T (repeatable), --stateless, --base-url URL,
//        --keepalive-ms N, --idle-ms N, --max-sessions N, --max-in-flight N, --origin O (repeatable).
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include <spdlog/spdlog.h>
#include <boost/asio/signal_set.hpp>

#include "cmon_mcp/mcp/dispatcher.hpp"
#include "cmon_mcp/transport/http_server.hpp"
#include "cmon_mcp/util/log.hpp"
#include "fixtures.hpp"

using namespace cmon_mcp;

int main(int argc, char** argv) {
  transport::HttpServerOptions options;
  options.bind = "127.0.0.1:0";
  std::string log_level = "warn";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--bind")
      options.bind = next();
    else if (a == "--token")
      options.auth_tokens.push_back(next());
    else if (a == "--stateless")
      options.stateless = true;
    else if (a == "--base-url")
      options.base_url = next();
    else if (a == "--origin")
      options.allowed_origins.push_back(next());
    else if (a == "--keepalive-ms")
      options.keepalive_interval = std::chrono::milliseconds(std::stol(next()));
    else if (a == "--idle-ms")
      options.session_idle_timeout = std::chrono::milliseconds(std::stol(next()));
    else if (a == "--max-sessions")
      options.max_sessions = std::stoul(next());
    else if (a == "--max-in-flight")
      options.max_in_flight_per_session = std::stoul(next());
    else if (a == "--log-level")
      log_level = next();
    else {
      std::cerr << "unknown flag " << a << "\n";
      return 2;
    }
  }
  util::setup_logging(log_level, false);

  asio::io_context io;
  tools::Registry registry;
  conformance::register_fixture_tools(registry);
  conformance::NoController cmon;
  mcp::DispatcherOptions dispatcher_options;
  dispatcher_options.identity.name = "cmon-mcp-conformance";
  dispatcher_options.identity.version = "test";
  dispatcher_options.client_request_timeout = std::chrono::seconds(30);
  mcp::Dispatcher dispatcher(dispatcher_options, registry, cmon);
  dispatcher.set_resources(conformance::make_fixture_resources());
  dispatcher.set_prompts(conformance::make_fixture_prompts());

  transport::HttpServer server(io.get_executor(), options, dispatcher, [] { return true; });
  auto bound = server.start();
  if (!bound) {
    std::cerr << "cmon-mcp-conformance-server: " << bound.error() << "\n";
    return 1;
  }
  std::printf("PORT=%u\n", static_cast<unsigned>(server.port()));
  std::fflush(stdout);

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int) {
    if (ec) return;
    server.stop(std::chrono::seconds(5), [&io] { io.stop(); });
  });
  io.run();
  return 0;
}
