// The production CMON connection: a CmonClient plus the readiness view /readyz reports.
#include "cmon_mcp/app/cmon_factory.hpp"

#include <atomic>

#include <spdlog/spdlog.h>

#include "cmon_mcp/cmon/client.hpp"
#include "cmon_mcp/cmon/errors.hpp"
#include "cmon_mcp/util/metrics.hpp"

namespace cmon_mcp::app {

namespace {

bool reaches_controller(const cmon::Error& e) {
  switch (e.code) {
    case cmon::Errc::unreachable:
    case cmon::Errc::timeout:
    case cmon::Errc::tls:
    case cmon::Errc::auth_failed:
    case cmon::Errc::bad_reply:
    case cmon::Errc::try_again:
    case cmon::Errc::redirect:
      return false;
    default:
      return true;  // CMON answered (access denied, not found, ... are the caller's business)
  }
}

// Forwards to the client and remembers whether the controller answered the last call.
class ObservedClient final : public cmon::Api {
 public:
  ObservedClient(asio::any_io_executor ex, cmon::CmonClientOptions options)
      : client_(std::move(ex), std::move(options)) {}

  awaitable<cmon::Result<nlohmann::json>> call(std::string_view path, std::string_view operation,
                                               nlohmann::json fields, cmon::CallOptions options) override {
    const auto started = std::chrono::steady_clock::now();
    const std::string op(operation);
    auto r = co_await client_.call(path, operation, std::move(fields), options);
    if (r || r.error().code != cmon::Errc::cancelled)
      healthy_ = r.has_value() || reaches_controller(r.error());
    auto& m = util::metrics();
    m.observe("cmon_call_duration_seconds", {{"operation", op}},
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (!r) m.inc("cmon_call_errors_total", {{"operation", op}, {"error", cmon::to_string(r.error().code)}});
    co_return r;
  }
  std::string endpoint() const override { return client_.endpoint(); }

  cmon::CmonClient& client() { return client_; }
  bool healthy() const { return healthy_; }
  void set_healthy(bool h) { healthy_ = h; }

 private:
  cmon::CmonClient client_;
  std::atomic<bool> healthy_{false};
};

// A cheap authenticated call at start: logs in and proves the controller answers.
awaitable<void> initial_login(ObservedClient* client) {
  nlohmann::json fields{{"cluster_id", 0}};
  cmon::Result<nlohmann::json> r = co_await client->client().call("/v2/clusters", "ping", std::move(fields));
  const bool ok = r.has_value();
  client->set_healthy(ok);
  if (ok) {
    spdlog::info("logged in to CMON at {}", client->endpoint());
  } else {
    spdlog::error("CMON login failed: {} (tools will retry and report it)", cmon::describe(r.error()));
  }
}

struct Connection final : CmonConnection {
  ObservedClient* observed = nullptr;
  bool ready() const override { return observed->healthy(); }
  cmon::ClientStats stats() const override { return observed->client().stats(); }
};

}  // namespace

Expected<std::unique_ptr<CmonConnection>, std::string> make_cmon_client(const config::Config& c,
                                                                        asio::any_io_executor executor) {
  cmon::CmonClientOptions o;
  o.endpoints = c.cmon_endpoints;
  o.username = c.cmon_username;
  o.password = c.cmon_password;
  o.key_file = c.cmon_key_file;
  o.ca_file = c.cmon_ca_file;
  o.tls_fingerprint = c.cmon_tls_fingerprint;
  auto verify = cmon::parse_tls_verify(c.cmon_tls_verify);
  if (!verify) return unexpected(verify.error());
  o.tls_verify = *verify;
  o.pool_size = static_cast<std::size_t>(c.cmon_pool_size);
  o.default_timeout = std::chrono::seconds(c.cmon_timeout_s);
  if (auto problems = o.validate(); !problems.empty()) return unexpected(problems.front());

  auto observed = std::make_unique<ObservedClient>(executor, std::move(o));
  auto connection = std::make_unique<Connection>();
  connection->observed = observed.get();
  // Log in at start so that /readyz turns ready without waiting for the first tool call, and so that
  // a wrong password shows in the log at once.
  asio::co_spawn(executor, initial_login(observed.get()), asio::detached);
  connection->api = std::move(observed);
  return std::unique_ptr<CmonConnection>(std::move(connection));
}

}  // namespace cmon_mcp::app
