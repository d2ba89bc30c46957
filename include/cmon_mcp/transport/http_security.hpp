// The pure pieces of the HTTP transports, kept apart so that they are unit-tested without sockets:
// bind-address parsing, bearer tokens, Origin/Host checks, session ids, SSE framing.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cmon_mcp/mcp/principal.hpp"
#include "cmon_mcp/util/expected.hpp"

namespace cmon_mcp::transport {

struct BindAddress {
  std::string host;  // without brackets for IPv6
  std::uint16_t port = 0;
};

// "127.0.0.1:8080", "[::1]:0", "localhost:9000", ":8080" (all interfaces). A missing port is an error.
Expected<BindAddress, std::string> parse_bind_address(std::string_view text);

// "localhost", "127.x.y.z", "::1" (brackets optional).
bool is_loopback_host(std::string_view host);

// The host part of a Host header ("127.0.0.1:8080" -> "127.0.0.1", "[::1]:80" -> "::1").
std::string host_of_host_header(std::string_view host_header);

// "https://Example.com:8443/path" -> "https://example.com:8443"; "" when it is not an http(s) URL.
std::string origin_of_url(std::string_view url);

// An Origin header is acceptable when absent (empty), a loopback origin, the origin of `base_url`, or in
// `allowed` (exact, case-insensitive, or "*").
bool origin_allowed(std::string_view origin, const std::vector<std::string>& allowed,
                    std::string_view base_url);

enum class AuthOutcome { ok, missing, invalid };

// A named token with its rights (MCP_AUTH_TOKENS_FILE): the principal and the hex SHA-256 of the token,
// which is never held in clear.
struct ScopedToken {
  mcp::Principal principal;
  std::string sha256_hex;
};

// Bearer tokens compared in constant time: SHA-256 digests of equal length, CRYPTO_memcmp, and every
// configured token examined whatever matched first. Plain tokens (MCP_AUTH_TOKEN) have full rights and
// the name "token"; scoped tokens carry their own principal.
class TokenChecker {
 public:
  explicit TokenChecker(const std::vector<std::string>& tokens, std::vector<ScopedToken> scoped = {});
  bool enabled() const { return !entries_.empty(); }

  // Who presented a valid token.
  struct Match {
    size_t index = 0;  // of the token that matched: two requests with one token have the same index
    const mcp::Principal* principal = nullptr;  // lives as long as the checker
    std::string caller;                         // digest prefix: the key of the token's rate limit
  };
  // `authorization` is the Authorization header value ("" when absent).
  AuthOutcome check(std::string_view authorization, Match& match) const;
  // On success `caller`, when given, receives an identifier of the token that matched (a digest prefix,
  // never the token): the key of its rate limit.
  AuthOutcome check(std::string_view authorization, std::string* caller = nullptr) const;

 private:
  struct Entry {
    std::string digest;  // 32 raw bytes
    mcp::Principal principal;
  };
  std::vector<Entry> entries_;
};

// Token buckets per caller (a token, or the client's address when no token is configured): `per_minute`
// requests sustained, up to `burst` at once. per_minute <= 0 disables the limit. Thread-safe.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  RateLimiter(double per_minute, double burst);
  bool enabled() const { return rate_ > 0; }
  // 0 when the request may go ahead, else the whole seconds to wait before a retry would be admitted.
  int64_t admit(const std::string& caller, Clock::time_point now = Clock::now());
  size_t callers() const;

 private:
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  double rate_;  // tokens per second
  double burst_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

// True when a query string carries something that looks like a credential (access_token=, token=, ...).
bool query_has_token(std::string_view query);

// The value of `name` in a query string ("a=1&sessionId=x" -> "x"), percent-decoded; nullopt if absent.
std::optional<std::string> query_param(std::string_view query, std::string_view name);

// 128 bits from the OpenSSL CSPRNG as 32 lowercase hex characters; visible ASCII as the spec requires.
std::string random_session_id();

// Whether an Accept header admits `type` ("application/json", "text/event-stream"); an absent header,
// */* and type/* admit everything.
bool accepts(std::string_view accept_header, std::string_view type);

// One SSE event: optional id, optional event name, data (split on newlines), optional retry.
std::string sse_event(std::string_view data, std::string_view id = {}, std::string_view event = {},
                      std::optional<long long> retry_ms = std::nullopt);

}  // namespace cmon_mcp::transport
