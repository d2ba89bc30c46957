// From a validated configuration to a running server: CMON client, tools under the operator's policy,
// the dispatcher, and the stdio or HTTP transport; signals drain it.
#include "cmon_mcp/app/wiring.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>
#include <boost/asio/signal_set.hpp>

#include <cstdlib>
#include <thread>

#include "cmon_mcp/app/catalogue.hpp"
#include "cmon_mcp/app/cmon_factory.hpp"
#include "cmon_mcp/mcp/dispatcher.hpp"
#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/transport/http_security.hpp"
#include "cmon_mcp/transport/http_server.hpp"
#include "cmon_mcp/transport/stdio.hpp"
#include "cmon_mcp/util/metrics.hpp"
#include "cmon_mcp/util/sd_notify.hpp"
#include "cmon_mcp/version.hpp"

namespace cmon_mcp::app {

namespace {

constexpr auto kDrainDeadline = std::chrono::seconds(10);

bool is_loopback_bind(const std::string& bind) {
  auto parsed = transport::parse_bind_address(bind);
  return parsed && transport::is_loopback_host(parsed->host);
}

using AuditSink = std::function<void(const nlohmann::json&)>;

// Audit records of state-changing tool calls: one JSON line each in MCP_AUDIT_LOG (appended, flushed at
// once so that a crash loses none), or in the main log when no file is configured.
Expected<AuditSink, std::string> make_audit_sink(const config::Config& c) {
  auto line = [](const nlohmann::json& r) {
    return r.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  if (c.audit_log.empty())
    return AuditSink([line](const nlohmann::json& r) { spdlog::info("audit {}", line(r)); });
  try {
    auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(c.audit_log, false);
    auto logger = std::make_shared<spdlog::logger>("audit", std::move(sink));
    logger->set_pattern("%v");
    logger->set_level(spdlog::level::info);
    logger->flush_on(spdlog::level::info);
    return AuditSink([logger, line](const nlohmann::json& r) { logger->info(line(r)); });
  } catch (const spdlog::spdlog_ex& e) {
    return unexpected("MCP_AUDIT_LOG: cannot open '" + c.audit_log + "' for appending (" + e.what() +
                      "); under systemd use a path in /var/log/cmon-mcp/");
  }
}

// Scrape-time metrics of this server's objects; unregistered (emptied) when serving ends, since the
// registry outlives them.
class ServerMetrics {
 public:
  ServerMetrics(const CmonConnection& cmon, const mcp::Dispatcher& dispatcher,
                const transport::HttpServer* http) {
    using util::Labels;
    using Values = std::vector<std::pair<Labels, double>>;
    auto& m = util::metrics();
    m.callback("mcp_sessions_active", "gauge", "MCP sessions open now", [http] {
      return http ? Values{{{{"transport", "http"}}, static_cast<double>(http->session_count())}}
                  : Values{{{{"transport", "stdio"}}, 1.0}};
    });
    m.callback("mcp_tool_calls_in_progress", "gauge",
               "tool calls running (state=running) or waiting for a slot", [&dispatcher] {
                 return Values{{{{"state", "running"}}, static_cast<double>(dispatcher.calls_running())},
                               {{{"state", "waiting"}}, static_cast<double>(dispatcher.calls_waiting())}};
               });
    m.callback("cmon_client_events_total", "counter",
               "CMON client events since start: logins, relogins (after a lost session), failed logins, HTTP "
               "requests, connections opened, TLS handshakes, resends, HA redirects",
               [&cmon] {
                 cmon::ClientStats s = cmon.stats();
                 auto v = [](const char* event, std::uint64_t n) {
                   return std::pair<Labels, double>{{{"event", event}}, static_cast<double>(n)};
                 };
                 return Values{v("login", s.logins),
                               v("relogin", s.relogins),
                               v("failed_login", s.failed_logins),
                               v("request", s.requests),
                               v("connection", s.connections_opened),
                               v("tls_handshake", s.tls_handshakes),
                               v("resend", s.resends),
                               v("redirect", s.redirects)};
               });
    m.callback("cmon_up", "gauge", "1 when the last CMON call reached the controller", [&cmon] {
      return Values{{{}, cmon.ready() ? 1.0 : 0.0}};
    });
  }
  ~ServerMetrics() {
    auto none = [] { return std::vector<std::pair<util::Labels, double>>{}; };
    for (const char* name :
         {"mcp_sessions_active", "mcp_tool_calls_in_progress", "cmon_client_events_total", "cmon_up"})
      util::metrics().callback(name, "gauge", "", none);
  }
  ServerMetrics(const ServerMetrics&) = delete;
  ServerMetrics& operator=(const ServerMetrics&) = delete;
};

void describe_metrics() {
  auto& m = util::metrics();
  m.describe("mcp_requests_total", "JSON-RPC requests answered, by method, transport and outcome");
  m.describe("mcp_request_duration_seconds", "time to answer a JSON-RPC request, by method");
  m.describe("mcp_tool_calls_total", "tool calls, by tool and outcome (ok or error)");
  m.describe("mcp_tool_call_duration_seconds", "time a tool call took, by tool");
  m.describe("mcp_tool_calls_rejected_total", "tool calls refused because too many were running and waiting");
  m.describe("mcp_http_rate_limited_total", "HTTP requests refused with 429 by the per-client rate limit");
  m.describe("cmon_call_duration_seconds", "time of one CMON RPC call (re-logins included), by operation");
  m.describe("cmon_call_errors_total", "CMON RPC calls that failed, by operation and error");
}

// The named tokens of MCP_AUTH_TOKENS_FILE as the HTTP server checks them; their names, scopes and
// clusters are logged once (never their digests).
std::vector<transport::ScopedToken> scoped_tokens(const config::Config& c) {
  std::vector<transport::ScopedToken> out;
  for (const auto& e : c.token_entries) {
    transport::ScopedToken t;
    t.principal.name = e.name;
    t.principal.classes = mcp::Principal::kRead;
    if (e.scope.write) t.principal.classes |= mcp::Principal::kWrite;
    if (e.scope.destructive) t.principal.classes |= mcp::Principal::kDestructive;
    t.principal.clusters = e.clusters;
    t.sha256_hex = e.sha256_hex;
    spdlog::info(
        "bearer token '{}': {} tools, {}", e.name, t.principal.scope_text(),
        e.clusters.empty() ? std::string("every cluster") : "clusters " + t.principal.clusters_text());
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

Expected<std::unique_ptr<tools::Registry>, std::string> build_registry(const config::Config& c) {
  auto registry = std::make_unique<tools::Registry>();
  tools::register_all_tools(*registry);
  tools::SafetySettings safety;
  safety.confirm_destructive = c.confirm_destructive;
  safety.backup_guard_hours = c.backup_guard_hours;
  safety.duplicate_window = std::chrono::seconds(c.duplicate_window_s);
  registry->set_policy(
      {.read_only = c.read_only, .allow = c.tools_allow, .deny = c.tools_deny, .safety = safety});
  if (auto unmatched = registry->unmatched_patterns(); !unmatched.empty()) {
    std::string list;
    for (const auto& p : unmatched) list += (list.empty() ? "'" : ", '") + p + "'";
    return unexpected("MCP_TOOLS_ALLOW/MCP_TOOLS_DENY: " + list +
                      " matches no tool or group (cmon-mcp tools lists them); fix the typo");
  }
  if (registry->list().empty())
    return unexpected(std::string("the configured policy leaves no tool callable"));
  return registry;
}

int serve(const config::Config& c) {
  auto registry = build_registry(c);
  if (!registry) {
    spdlog::critical("{}", registry.error());
    return 2;
  }
  const bool http = c.effective_transport() == config::Transport::http;
  const unsigned threads = http ? std::max(2u, std::thread::hardware_concurrency()) : 1u;
  asio::io_context io(static_cast<int>(threads));
  auto cmon = make_cmon_client(c, io.get_executor());
  if (!cmon) {
    spdlog::critical("{}", cmon.error());
    return 2;
  }

  mcp::DispatcherOptions options;
  options.identity.version = kVersion;
  auto audit = make_audit_sink(c);
  if (!audit) {
    spdlog::critical("{}", audit.error());
    return 2;
  }
  options.audit = std::move(*audit);
  options.max_concurrent_calls = static_cast<size_t>(c.max_concurrent_calls);
  options.max_queued_calls = static_cast<size_t>(c.max_queued_calls);
  mcp::Dispatcher dispatcher(options, **registry, *cmon.value()->api);
  dispatcher.set_resources(make_cmon_resources());
  dispatcher.set_prompts(make_dba_prompts());
  spdlog::info("cmon-mcp {} for {} as CMON user '{}', {} tools{}", kVersion, c.cmon_endpoints.front(),
               c.cmon_username, (*registry)->list().size(), c.read_only ? " (read-only mode)" : "");

  asio::signal_set signals(io, SIGINT, SIGTERM);
  std::shared_ptr<transport::StdioTransport> stdio;
  std::unique_ptr<transport::HttpServer> server;
  if (!http) {
    stdio = std::make_shared<transport::StdioTransport>(io.get_executor(), dispatcher);
    stdio->start([&io] { io.stop(); });
    signals.async_wait([&](boost::system::error_code ec, int) {
      if (!ec) stdio->stop();
    });
  } else {
    const bool authenticated = !c.auth_tokens.empty() || !c.token_entries.empty();
    if (!authenticated && !is_loopback_bind(c.bind_address))
      spdlog::warn(
          "MCP_BIND_ADDRESS {} is not a loopback address and MCP_AUTH_TOKEN is empty: anyone who can "
          "reach this port can manage your databases. Set MCP_AUTH_TOKEN (cmon-mcp gen-token).",
          c.bind_address);
    transport::HttpServerOptions http_options;
    http_options.bind = c.bind_address;
    http_options.tls_cert_file = c.tls_cert;
    http_options.tls_key_file = c.tls_key;
    http_options.auth_tokens = c.auth_tokens;
    http_options.scoped_tokens = scoped_tokens(c);
    http_options.allowed_origins = c.allowed_origins;
    http_options.base_url = c.base_url;
    http_options.stateless = c.stateless;
    http_options.max_sessions = static_cast<size_t>(c.max_sessions);
    http_options.rate_limit_per_minute = c.rate_limit_per_minute;
    http_options.rate_limit_burst = c.rate_burst;
    http_options.session_idle_timeout = std::chrono::seconds(c.session_idle_s);
    auto& status = *cmon.value();
    server = std::make_unique<transport::HttpServer>(io.get_executor(), http_options, dispatcher,
                                                     [&status] { return status.ready(); });
    auto bound = server->start();
    if (!bound) {
      spdlog::critical("cannot serve HTTP on {}: {}", c.bind_address, bound.error());
      return 1;
    }
    spdlog::info("serving MCP on {}://{}:{} (Streamable HTTP /mcp, legacy SSE /sse){}",
                 c.tls_cert.empty() ? "http" : "https", bound->address().to_string(), bound->port(),
                 authenticated ? "" : ", no bearer token required");
    signals.async_wait([&](boost::system::error_code ec, int) {
      if (ec) return;
      util::sd_notify("STOPPING=1");
      spdlog::info("stopping: finishing in-flight requests (up to {} s)", kDrainDeadline.count());
      server->stop(kDrainDeadline, [&io] { io.stop(); });
    });
  }
  describe_metrics();
  ServerMetrics server_metrics(*cmon.value(), dispatcher, server.get());
  util::sd_notify("READY=1");

  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
  // The transports cancel their requests and wait for them before they report done; one that ignored
  // its cancellation is still suspended in the stopped io_context, and destroying it after the
  // dispatcher and the CMON client (as leaving this scope would) would touch freed memory.
  if (auto left = dispatcher.messages_in_progress()) {
    spdlog::warn("stopped; {} request(s) ignored cancellation: exiting without cleanup", left);
    spdlog::shutdown();
    std::_Exit(0);
  }
  spdlog::info("stopped");
  return 0;
}

}  // namespace cmon_mcp::app
