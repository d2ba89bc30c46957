// CmonClient: cmon::Api over HTTPS (Beast + OpenSSL, kept out of this header) with a keep-alive pool,
// the cmon-sid session cookie, password or RSA-key login, one serialised re-login when the session is
// lost, per-call timeouts, cancellation, and CMON HA redirects (cmon-rpc-v2.md §1, §2).
//
// TLS trade-off. CMON controllers normally present a self-signed certificate and every official
// client turns verification off. We verify by default (tls_verify=auto) except on loopback
// endpoints, where a man in the middle would already own the host. For a remote controller with a
// self-signed certificate, prefer pinning its SHA-256 fingerprint (tls_fingerprint: strong, no CA
// needed, but must be updated when the certificate is replaced) or give its CA (ca_file); turning
// verification off (tls_verify=no) sends the CMON password to whoever answers on that address.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cmon_mcp/cmon/api.hpp"

namespace cmon_mcp::cmon {

enum class TlsVerify {
  automatic,  // verify, unless the host is loopback; a CA file or pin replaces the system CAs
  yes,        // always verify the chain and host name (system CAs or ca_file), and the pin if given
  no,         // no chain verification (the pin, if given, is still enforced)
};
Expected<TlsVerify, std::string> parse_tls_verify(std::string_view text);  // "auto" | "yes" | "no"
const char* to_string(TlsVerify v);

struct CmonClientOptions {
  std::vector<std::string> endpoints;  // https://host[:port][/prefix]; the first is the primary
  std::string username;
  std::string password;  // password login when set...
  std::string key_file;  // ...else RSA key login with this PEM file (read once, at construction)
  std::string key_pem;   // or the PEM itself
  std::string ca_file;
  std::string tls_fingerprint;  // SHA-256 of the controller's certificate: "AA:BB:..." or plain hex
  TlsVerify tls_verify = TlsVerify::automatic;
  std::size_t pool_size = 4;  // concurrent requests (and idle keep-alive connections) per client
  std::chrono::milliseconds default_timeout{30'000};
  std::chrono::milliseconds connect_timeout{10'000};
  std::string user_agent = "cmon-mcp";
  // After CMON rejects a login, calls fail at once with the same error for this long; the window
  // doubles with each further rejection up to login_backoff_max, and resets on a good login.
  std::chrono::milliseconds login_backoff{2'000};
  std::chrono::milliseconds login_backoff_max{60'000};

  // Every problem, one clear line each ("CMON_ENDPOINT must be an https:// URL (got 'http://x')");
  // empty when the options are usable. Checks that key_file and ca_file are readable.
  std::vector<std::string> validate() const;
};

// A parsed endpoint URL.
struct EndpointUrl {
  std::string host;  // without brackets for IPv6
  std::uint16_t port = 9501;
  std::string base_path;          // "" or "/prefix" (no trailing slash)
  std::string to_string() const;  // "https://host:port/prefix"
};
Expected<EndpointUrl, std::string> parse_endpoint(std::string_view url);
bool is_loopback_host(std::string_view host);
// "AA:BB:..", "aa bb ..", "aabb..." -> 64 lower-case hex digits; error when not a SHA-256.
Expected<std::string, std::string> normalize_fingerprint(std::string_view text);

// Counters since construction, for /metrics and benchmarks.
struct ClientStats {
  std::uint64_t calls = 0;               // Api::call invocations
  std::uint64_t errors = 0;              // calls that returned an error
  std::uint64_t logins = 0;              // successful logins (first one included)
  std::uint64_t relogins = 0;            // logins caused by a lost session
  std::uint64_t failed_logins = 0;       // logins CMON refused or that could not complete
  std::uint64_t requests = 0;            // HTTP requests sent (logins, resends and redirects included)
  std::uint64_t connections_opened = 0;  // TCP connections
  std::uint64_t tls_handshakes = 0;      // successful TLS handshakes
  std::uint64_t resends = 0;             // resends after a reused connection failed before the reply
  std::uint64_t redirects = 0;           // CMON HA redirects followed
};

class CmonClient final : public Api {
 public:
  // Options must pass validate() (a bug otherwise: throws std::invalid_argument). Reads key_file and
  // ca_file here, at start-up, never on the I/O threads.
  CmonClient(asio::any_io_executor executor, CmonClientOptions options);
  ~CmonClient() override;
  CmonClient(const CmonClient&) = delete;
  CmonClient& operator=(const CmonClient&) = delete;

  awaitable<Result<nlohmann::json>> call(std::string_view path, std::string_view operation,
                                         nlohmann::json fields = nlohmann::json::object(),
                                         CallOptions options = {}) override;
  std::string endpoint() const override;

  // Logs in now (otherwise the first call does): for start-up checks. Returns the login reply.
  awaitable<Result<nlohmann::json>> login(CallOptions options = {});

  ClientStats stats() const;
  // The controller version from the last reply's "Server: cmon/<version>" header ("" until known).
  std::string server_version() const;
  // Closes idle keep-alive connections (in-flight calls are not affected).
  void close_idle();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace cmon_mcp::cmon
