// Bind addresses, bearer tokens, Origin/Host rules, session ids and SSE framing for the HTTP transports.
#include "cmon_mcp/transport/http_security.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include "cmon_mcp/util/sha256.hpp"

namespace cmon_mcp::transport {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i] == '+' ? ' ' : s[i]);
  }
  return out;
}

}  // namespace

Expected<BindAddress, std::string> parse_bind_address(std::string_view text) {
  BindAddress out;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) return unexpected(std::string("missing ']' in IPv6 bind address"));
    out.host = std::string(text.substr(1, close - 1));
    if (close + 1 >= text.size() || text[close + 1] != ':')
      return unexpected(std::string("bind address needs a port: [addr]:port"));
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
      return unexpected(std::string("bind address needs a port: host:port"));
    if (text.find(':') != colon)
      return unexpected(std::string("IPv6 bind addresses need brackets: [addr]:port"));
    out.host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
  }
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return unexpected("invalid port '" + std::string(port) + "'");
  unsigned long value = std::stoul(std::string(port));
  if (value > 65535) return unexpected("invalid port '" + std::string(port) + "'");
  out.port = static_cast<std::uint16_t>(value);
  if (out.host.empty()) out.host = "0.0.0.0";
  return out;
}

bool is_loopback_host(std::string_view host) {
  if (!host.empty() && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string h = lower(host);
  if (h == "localhost" || h == "::1" || h == "0:0:0:0:0:0:0:1") return true;
  if (h.rfind("127.", 0) == 0)
    return std::all_of(h.begin(), h.end(), [](char c) { return c == '.' || (c >= '0' && c <= '9'); });
  return false;
}

std::string host_of_host_header(std::string_view host_header) {
  host_header = trim(host_header);
  if (!host_header.empty() && host_header.front() == '[') {
    auto close = host_header.find(']');
    if (close == std::string_view::npos) return {};
    return lower(host_header.substr(1, close - 1));
  }
  auto colon = host_header.find(':');
  return lower(host_header.substr(0, colon));
}

std::string origin_of_url(std::string_view url) {
  url = trim(url);
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  std::string scheme = lower(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") return {};
  std::string_view rest = url.substr(scheme_end + 3);
  auto end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return {};
  return scheme + "://" + lower(authority);
}

bool origin_allowed(std::string_view origin, const std::vector<std::string>& allowed,
                    std::string_view base_url) {
  origin = trim(origin);
  if (origin.empty()) return true;
  std::string normalized = origin_of_url(origin);
  if (normalized.empty()) return false;  // "null", file://, garbage
  std::string authority = normalized.substr(normalized.find("://") + 3);
  if (is_loopback_host(host_of_host_header(authority))) return true;
  if (!base_url.empty() && normalized == origin_of_url(base_url)) return true;
  for (const auto& a : allowed) {
    if (a == "*") return true;
    std::string want = origin_of_url(a);
    if (!want.empty() && want == normalized) return true;
  }
  return false;
}

TokenChecker::TokenChecker(const std::vector<std::string>& tokens, std::vector<ScopedToken> scoped) {
  auto known = [&](const std::string& digest) {
    return std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.digest == digest; });
  };
  for (const auto& t : tokens) {
    if (t.empty()) continue;
    std::string digest = util::sha256(t);
    if (known(digest)) continue;  // the same token twice in MCP_AUTH_TOKEN
    mcp::Principal full;
    full.name = "token";
    entries_.push_back({std::move(digest), std::move(full)});
  }
  for (auto& s : scoped) {
    std::string digest;
    const std::string& hex = s.sha256_hex;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
      int hi = hex_value(hex[i]), lo = hex_value(hex[i + 1]);
      if (hi < 0 || lo < 0) break;
      digest.push_back(static_cast<char>(hi * 16 + lo));
    }
    if (digest.size() != 32 || hex.size() != 64)
      throw std::invalid_argument("token '" + s.principal.name + "': the SHA-256 must be 64 hex characters");
    if (known(digest)) throw std::invalid_argument("token '" + s.principal.name + "' is configured twice");
    entries_.push_back({std::move(digest), std::move(s.principal)});
  }
}

AuthOutcome TokenChecker::check(std::string_view authorization, Match& match) const {
  authorization = trim(authorization);
  if (authorization.empty()) return AuthOutcome::missing;
  if (authorization.size() < 7 || lower(authorization.substr(0, 7)) != "bearer ") return AuthOutcome::invalid;
  std::string presented = util::sha256(trim(authorization.substr(7)));
  // Every entry is compared; which one matched is only noted.
  size_t found = entries_.size();
  for (size_t i = 0; i < entries_.size(); ++i) {
    bool equal = CRYPTO_memcmp(entries_[i].digest.data(), presented.data(), presented.size()) == 0;
    if (equal && found == entries_.size()) found = i;
  }
  if (found == entries_.size()) return AuthOutcome::invalid;
  match.index = found;
  match.principal = &entries_[found].principal;
  match.caller = util::to_hex(std::string_view(presented).substr(0, 8));
  return AuthOutcome::ok;
}

AuthOutcome TokenChecker::check(std::string_view authorization, std::string* caller) const {
  Match match;
  AuthOutcome outcome = check(authorization, match);
  if (outcome == AuthOutcome::ok && caller) *caller = std::move(match.caller);
  return outcome;
}

RateLimiter::RateLimiter(double per_minute, double burst)
    : rate_(per_minute > 0 ? per_minute / 60.0 : 0), burst_(burst >= 1 ? burst : 1) {}

int64_t RateLimiter::admit(const std::string& caller, Clock::time_point now) {
  if (!enabled()) return 0;
  std::lock_guard lock(mutex_);
  if (buckets_.size() > 4096) {
    // Forget callers whose bucket has refilled: they are where a new caller would start.
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      double idle = std::chrono::duration<double>(now - it->second.last).count();
      it = it->second.tokens + idle * rate_ >= burst_ ? buckets_.erase(it) : std::next(it);
    }
  }
  auto [it, fresh] = buckets_.try_emplace(caller, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh) {
    double elapsed = std::chrono::duration<double>(now - b.last).count();
    if (elapsed > 0) b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
    b.last = std::max(b.last, now);
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1 - b.tokens) / rate_)));
}

size_t RateLimiter::callers() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

bool query_has_token(std::string_view query) {
  static constexpr std::string_view kNames[] = {"access_token", "token",   "auth",  "authorization",
                                                "bearer",       "api_key", "apikey"};
  for (auto name : kNames)
    if (query_param(query, name)) return true;
  return false;
}

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  if (!query.empty() && query.front() == '?') query.remove_prefix(1);
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    auto eq = pair.find('=');
    std::string key = lower(percent_decode(pair.substr(0, eq)));
    if (key == lower(name))
      return eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::string random_session_id() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("OpenSSL RAND_bytes failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(32);
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

bool accepts(std::string_view accept_header, std::string_view type) {
  accept_header = trim(accept_header);
  if (accept_header.empty()) return true;
  std::string header = lower(accept_header);
  std::string major(type.substr(0, type.find('/')));
  size_t pos = 0;
  while (pos <= header.size()) {
    auto comma = header.find(',', pos);
    std::string_view item =
        std::string_view(header).substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    item = trim(item.substr(0, item.find(';')));
    if (item == type || item == "*/*" || item == major + "/*") return true;
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return false;
}

std::string sse_event(std::string_view data, std::string_view id, std::string_view event,
                      std::optional<long long> retry_ms) {
  std::string out;
  if (!event.empty()) out.append("event: ").append(event).append("\n");
  if (!id.empty()) out.append("id: ").append(id).append("\n");
  if (retry_ms) out.append("retry: ").append(std::to_string(*retry_ms)).append("\n");
  // Our JSON is newline-free, but the framing must not depend on it.
  size_t start = 0;
  do {
    auto nl = data.find('\n', start);
    out.append("data: ")
        .append(data.substr(start, nl == std::string_view::npos ? nl : nl - start))
        .append("\n");
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  } while (true);
  out.append("\n");
  return out;
}

}  // namespace cmon_mcp::transport
