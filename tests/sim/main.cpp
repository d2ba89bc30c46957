// cmon-sim: a stand-in ClusterControl controller (CMON RPC v2 over HTTPS) for tests, benchmarks and
// for trying cmon-mcp without a ClusterControl installation.
#include <fstream>
#include <iostream>
#include <sstream>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "cmon_sim/server.hpp"

namespace {

bool split_host_port(const std::string& in, std::string& host, uint16_t& port) {
  auto colon = in.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  host = in.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  try {
    size_t used = 0;
    int p = std::stoi(in.substr(colon + 1), &used);
    if (used != in.size() - colon - 1 || p < 0 || p > 65535) return false;
    port = static_cast<uint16_t>(p);
  } catch (...) {
    return false;
  }
  return true;
}

bool split_user(const std::string& in, cmon_sim::UserSpec& out) {
  auto colon = in.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  out.name = in.substr(0, colon);
  out.secret = in.substr(colon + 1);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "cmon-sim - a simulated ClusterControl controller (CMON RPC v2 over HTTPS).\n\n"
      "It serves a stateful model of eight demo clusters (Galera, MariaDB replication, PostgreSQL,\n"
      "TimescaleDB, MongoDB replica set and sharded, SQL Server AO, Redis Sentinel) with jobs that\n"
      "really run, backups, accounts, alarms, logs and statistics. Point cmon-mcp at the printed URL\n"
      "(user admin, password admin; the certificate is self-signed, pin the printed fingerprint or\n"
      "disable verification).\n\n"
      "Example:\n  cmon-sim --bind 127.0.0.1:9501\n\n"
      "Startup output (stdout, in this order): 'listening on https://HOST:PORT', 'admin on\n"
      "http://HOST:PORT', 'tls sha256 fingerprint AA:BB:...'. Logs go to stderr.\n\n"
      "Admin API (plain HTTP, loopback): POST /faults {mode: none|down|delay|drop|malformed|html500|\n"
      "wrong_status, delay_ms, count, operation}; POST /sessions/expire; POST /config\n"
      "{auth_required_http_status, session_idle_s, job_speed}; GET /stats; POST /stats/reset;\n"
      "GET /state; GET /state/jobs/<id>."};
  app.set_version_flag("--version", "cmon-sim 1.8.2-sim");
  cmon_sim::SimOptions opt;
  std::string bind = "127.0.0.1:9501", admin_bind = "127.0.0.1:0";
  std::vector<std::string> users, user_keys, readonly_users;
  std::string log_level = "info";
  app.add_option("--bind", bind, "HTTPS RPC listen address HOST:PORT (port 0 = ephemeral)")
      ->capture_default_str();
  app.add_option("--admin-bind", admin_bind, "Admin API listen address HOST:PORT, loopback only")
      ->capture_default_str();
  app.add_option("--fixture", opt.fixture, "Model fixture (JSON); default: the built-in demo fixture");
  app.add_option("--user", users, "CMON user NAME:PASSWORD (repeatable; default admin:admin)");
  app.add_option("--user-key", user_keys,
                 "Register an RSA public key for key login: NAME:PUBLIC_KEY_PEM_FILE (repeatable)");
  app.add_option("--readonly-user", readonly_users,
                 "A CMON user that may only read: NAME:PASSWORD (repeatable)");
  app.add_option("--session-idle-s", opt.session_idle_s, "Idle seconds before a session expires")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--job-speed", opt.job_speed, "Job speed factor: 1 = a few seconds per job, 100 = a few ms")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--connection-idle-s", opt.connection_idle_s,
                 "Close idle keep-alive connections after this many seconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--tls-cert", opt.tls_cert, "PEM certificate (default: a fresh self-signed one)");
  app.add_option("--tls-key", opt.tls_key, "PEM private key for --tls-cert");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, off")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  auto err = [](const std::string& msg) {
    std::cerr << "cmon-sim: " << msg << "\n";
    return 2;
  };
  if (!split_host_port(bind, opt.bind_host, opt.bind_port))
    return err("--bind wants HOST:PORT, got '" + bind + "'");
  if (!split_host_port(admin_bind, opt.admin_host, opt.admin_port))
    return err("--admin-bind wants HOST:PORT, got '" + admin_bind + "'");
  if (opt.tls_cert.empty() != opt.tls_key.empty()) return err("--tls-cert and --tls-key go together");
  for (const auto& u : users) {
    cmon_sim::UserSpec s;
    if (!split_user(u, s)) return err("--user wants NAME:PASSWORD, got '" + u + "'");
    opt.users.push_back(s);
  }
  for (const auto& u : readonly_users) {
    cmon_sim::UserSpec s;
    if (!split_user(u, s)) return err("--readonly-user wants NAME:PASSWORD, got '" + u + "'");
    opt.readonly_users.push_back(s);
  }
  for (const auto& u : user_keys) {
    cmon_sim::UserSpec s;
    if (!split_user(u, s)) return err("--user-key wants NAME:PUBLIC_KEY_PEM_FILE, got '" + u + "'");
    std::ifstream in(s.secret);
    if (!in) return err("cannot read public key file " + s.secret);
    std::stringstream ss;
    ss << in.rdbuf();
    s.secret = ss.str();
    opt.user_keys.push_back(s);
  }

  auto logger = spdlog::stderr_color_mt("cmon-sim");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(log_level));

  cmon_sim::Simulator sim(opt);
  auto started = sim.start();
  if (!started) return err(started.error());
  std::cout << "listening on https://" << opt.bind_host << ":" << sim.port() << "\n"
            << "admin on http://" << opt.admin_host << ":" << sim.admin_port() << "\n"
            << "tls sha256 fingerprint " << sim.fingerprint() << std::endl;
  spdlog::info("cmon-sim ready on port {} (admin {})", sim.port(), sim.admin_port());
  sim.run();
  spdlog::info("cmon-sim stopped");
  return 0;
}
