// `cmon-mcp check`: a pass/fail report an operator can read, one line per check.
#include "cmon_mcp/app/check.hpp"

#include <cstdio>

#include <boost/asio/ip/tcp.hpp>

#include "cmon_mcp/app/cmon_factory.hpp"
#include "cmon_mcp/app/wiring.hpp"
#include "cmon_mcp/cmon/errors.hpp"
#include "cmon_mcp/cmon/normalize.hpp"
#include "cmon_mcp/transport/http_security.hpp"

namespace cmon_mcp::app {

namespace {

struct Report {
  int failures = 0;
  void pass(const std::string& what) { std::printf("PASS  %s\n", what.c_str()); }
  void fail(const std::string& what) {
    std::printf("FAIL  %s\n", what.c_str());
    ++failures;
  }
  void note(const std::string& what) { std::printf("      %s\n", what.c_str()); }
};

awaitable<void> check_cmon(cmon::Api& api, Report& report) {
  nlohmann::json fields{{"with_hosts", true}};
  cmon::Result<nlohmann::json> r = co_await api.call("/v2/clusters", "getAllClusterInfo", std::move(fields));
  if (!r) {
    report.fail("CMON login and cluster list: " + cmon::describe(r.error()));
    co_return;
  }
  auto clusters = cmon::get_list(*r, "clusters");
  report.pass("logged in to CMON at " + api.endpoint() + "; " + std::to_string(clusters.size()) +
              " cluster(s) visible");
  for (const auto& c : clusters)
    report.note("- " + cmon::get_string(c, "cluster_name") + " (id " +
                std::to_string(cmon::get_int(c, "cluster_id")) + ", " + cmon::get_string(c, "cluster_type") +
                ", " + cmon::get_string(c, "state") + ")");
  if (clusters.empty()) report.note("the CMON user sees no cluster: check its rights in ClusterControl");
}

}  // namespace

int run_check(config::Config config) {
  Report report;
  if (auto problem = config::validate_for_serving(config)) {
    report.fail("configuration: " + problem->message);
    std::printf("\n1 problem: fix it in /etc/default/cmon-mcp (or the flags) and run cmon-mcp check again\n");
    return 1;
  }
  report.pass("configuration is complete");

  auto registry = build_registry(config);
  if (registry) {
    report.pass(std::to_string((*registry)->list().size()) + " tools offered" +
                (config.read_only ? " (read-only mode)" : ""));
  } else {
    report.fail("tool policy: " + registry.error());
  }

  asio::io_context io;
  auto cmon = make_cmon_client(config, io.get_executor());
  if (!cmon) {
    report.fail("CMON client options: " + cmon.error());
  } else {
    asio::co_spawn(io, check_cmon(*cmon.value()->api, report), asio::detached);
    io.run_for(std::chrono::seconds(config.cmon_timeout_s + 5));
  }

  if (config.effective_transport() == config::Transport::http) {
    const std::string& b = config.bind_address;
    auto bind = transport::parse_bind_address(b);
    boost::system::error_code ec = boost::asio::error::invalid_argument;
    asio::io_context probe;
    asio::ip::tcp::resolver resolver(probe);
    asio::ip::tcp::resolver::results_type results;
    if (bind) results = resolver.resolve(bind->host, std::to_string(bind->port), ec);
    if (!ec && !results.empty()) {
      asio::ip::tcp::acceptor acceptor(probe);
      auto ep = results.begin()->endpoint();
      acceptor.open(ep.protocol(), ec);
      if (!ec) acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
      if (!ec) acceptor.bind(ep, ec);
    }
    if (ec) {
      report.fail("bind address " + b + ": " + ec.message() +
                  " (is cmon-mcp already running? systemctl status cmon-mcp)");
    } else {
      report.pass("bind address " + b + " is free");
    }
    if (config.auth_tokens.empty() && config.token_entries.empty())
      report.fail("MCP_AUTH_TOKEN is empty: HTTP clients would need no token (cmon-mcp gen-token makes one)");
    else if (config.token_entries.empty())
      report.pass("bearer token configured");
    else
      report.pass(std::to_string(config.token_entries.size()) + " named token(s) from MCP_AUTH_TOKENS_FILE" +
                  (config.auth_tokens.empty() ? "" : " and MCP_AUTH_TOKEN"));
  } else {
    report.pass("transport: stdio (no bind address)");
  }

  if (report.failures == 0) {
    std::printf("\nall checks passed\n");
    return 0;
  }
  std::printf("\n%d problem(s)\n", report.failures);
  return 1;
}

}  // namespace cmon_mcp::app
