// The HTTP transports on one port: Streamable HTTP at /mcp (POST/GET/DELETE) and legacy HTTP+SSE at
// GET /sse + POST /message?sessionId=..., both feeding the one Dispatcher (mcp-protocol-notes §16, §17).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "cmon_mcp/mcp/dispatcher.hpp"
#include "cmon_mcp/transport/http_security.hpp"
#include "cmon_mcp/util/expected.hpp"

namespace cmon_mcp::transport {

struct HttpServerOptions {
  // host:port, [v6]:port or hostname:port (resolved once at start()). Port 0 = ephemeral.
  std::string bind = "127.0.0.1:8080";
  // Both set: HTTPS with this PEM certificate chain and private key.
  std::string tls_cert_file;
  std::string tls_key_file;
  // Accepted bearer tokens with full rights (name "token"); several at once allow rotation.
  std::vector<std::string> auth_tokens;
  // Named tokens with their scope and clusters (MCP_AUTH_TOKENS_FILE), stored as SHA-256 digests.
  // A session belongs to the token that opened it. No token of either kind: no authentication.
  std::vector<ScopedToken> scoped_tokens;
  // Browser origins allowed besides loopback origins and the origin of base_url ("*" allows any).
  std::vector<std::string> allowed_origins;
  // Public URL of the server as clients see it (MCP_BASE_URL), e.g. "https://proxy.example/cmon".
  // When set, the legacy `endpoint` event carries an absolute URL below it (survives path prefixes).
  std::string base_url;
  // No sessions: every POST is self-contained (no Mcp-Session-Id, no GET stream, no legacy SSE).
  bool stateless = false;

  size_t max_body_bytes = 4 * 1024 * 1024;                             // larger -> 413
  size_t max_header_bytes = 16 * 1024;                                 // larger -> 431
  std::chrono::milliseconds header_timeout{std::chrono::seconds(10)};  // also the keep-alive idle time
  std::chrono::milliseconds body_timeout{std::chrono::seconds(30)};    // -> 408
  std::chrono::milliseconds write_timeout{std::chrono::seconds(30)};   // a client this slow is dropped
  size_t max_sessions = 1000;                                          // more -> 503 + Retry-After
  std::chrono::milliseconds session_idle_timeout{std::chrono::minutes(30)};
  size_t max_in_flight_per_session = 32;  // more -> 429
  // Requests per minute per token (per client address without tokens) on /mcp, /sse and /message, and
  // how many may come at once; more -> 429 + Retry-After. 0 = no limit.
  double rate_limit_per_minute = 0;  // the daemon sets MCP_RATE_LIMIT (default 600)
  double rate_limit_burst = 100;
  std::chrono::milliseconds keepalive_interval{std::chrono::seconds(15)};  // SSE comment lines
  std::chrono::milliseconds sse_retry{std::chrono::seconds(1)};            // `retry:` of priming events
  // Events kept per SSE stream for Last-Event-ID replay (also the bound of a slow client's backlog).
  size_t replay_events = 512;
  // Finished POST streams a session keeps for replay.
  size_t replay_streams = 16;
};

// /readyz answers 200 when this returns true, 503 otherwise (e.g. CMON not reachable yet).
using ReadinessCheck = std::function<bool()>;

class HttpServer {
 public:
  HttpServer(asio::any_io_executor executor, HttpServerOptions options, mcp::Dispatcher& dispatcher,
             ReadinessCheck ready = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting. Returns the bound endpoint, or a one-line reason (bad address, port in
  // use, unreadable certificate).
  Expected<asio::ip::tcp::endpoint, std::string> start();
  // The bound port (after a successful start()).
  std::uint16_t port() const;

  // Stops accepting, ends SSE streams, lets in-flight requests finish for up to `deadline`, then closes
  // everything; `on_stopped` runs (on the server's executor) once no connection is left.
  void stop(std::chrono::milliseconds deadline, std::function<void()> on_stopped = {});

  // Serves one already-connected socket exactly like an accepted connection (plain HTTP; TLS only when
  // start() loaded a certificate). No listening port is needed: the HTTP fuzz target feeds raw bytes
  // through a socket pair this way.
  void serve_connection(asio::ip::tcp::socket socket);

  // Live sessions of both transports (for tests and metrics).
  size_t session_count() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace cmon_mcp::transport
