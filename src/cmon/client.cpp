// CmonClient over Beast + OpenSSL. Every piece of mutable state lives on one strand: calls hop onto it
// with co_spawn, so the pool, the cookie and the login state need no locks, and the awaiting
// coroutine's cancellation reaches the in-flight Beast operation through co_spawn.
#include "cmon_mcp/cmon/client.hpp"
#include "cmon_mcp/util/json_parse.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <list>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "cmon_mcp/cmon/normalize.hpp"
#include "cmon_mcp/cmon/reply.hpp"
#include "cmon_mcp/cmon/rsa.hpp"

namespace cmon_mcp::cmon {

namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using asio::as_tuple;

// ---------------------------------------------------------------------------------------------------
// Options

Expected<TlsVerify, std::string> parse_tls_verify(std::string_view text) {
  auto t = lower(text);
  if (t == "auto" || t.empty()) return TlsVerify::automatic;
  if (t == "yes" || t == "true" || t == "1" || t == "on") return TlsVerify::yes;
  if (t == "no" || t == "false" || t == "0" || t == "off") return TlsVerify::no;
  return unexpected("CMON_TLS_VERIFY must be auto, yes or no (got '" + std::string(text) + "')");
}

const char* to_string(TlsVerify v) {
  switch (v) {
    case TlsVerify::automatic:
      return "auto";
    case TlsVerify::yes:
      return "yes";
    case TlsVerify::no:
      return "no";
  }
  return "auto";
}

std::string EndpointUrl::to_string() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return "https://" + h + ":" + std::to_string(port) + base_path;
}

Expected<EndpointUrl, std::string> parse_endpoint(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (url.size() < kScheme.size() || !iequals(url.substr(0, kScheme.size()), kScheme)) {
    // Never echo something that might hold credentials; a scheme-less "host:port" is safe to show.
    bool has_at = url.find('@') != std::string_view::npos;
    return unexpected("CMON_ENDPOINT must be an https:// URL" +
                      (has_at ? std::string() : " (got '" + std::string(url) + "')"));
  }
  std::string_view rest = url.substr(kScheme.size());
  auto slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos)
    return unexpected(
        std::string("CMON_ENDPOINT must not contain credentials: use CMON_USERNAME/CMON_PASSWORD"));
  if (path.find_first_of("?#") != std::string_view::npos)
    return unexpected(std::string("CMON_ENDPOINT must not have a query or fragment"));
  EndpointUrl out;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return unexpected(std::string("CMON_ENDPOINT has an unclosed IPv6 '['"));
    out.host = std::string(authority.substr(1, close - 1));
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return unexpected(std::string("CMON_ENDPOINT has garbage after the IPv6 address"));
      port = after.substr(1);
    }
  } else {
    auto colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return unexpected(std::string("CMON_ENDPOINT has no host name"));
  if (!port.empty()) {
    unsigned long p = 0;
    bool digits = std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits && port.size() <= 5) p = std::stoul(std::string(port));
    if (!digits || p == 0 || p > 65535)
      return unexpected("CMON_ENDPOINT has an invalid port '" + std::string(port) + "'");
    out.port = static_cast<std::uint16_t>(p);
  }
  std::string base(path);
  while (!base.empty() && base.back() == '/') base.pop_back();
  // "https://host:9501/v2" names the API root; requests add /v2 themselves.
  if (base.size() >= 3 && base.substr(base.size() - 3) == "/v2") base.resize(base.size() - 3);
  out.base_path = base;
  return out;
}

bool is_loopback_host(std::string_view host) {
  if (iequals(host, "localhost") ||
      (host.size() > 10 && iequals(host.substr(host.size() - 10), ".localhost")))
    return true;
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(std::string(host), ec);
  return !ec && addr.is_loopback();
}

Expected<std::string, std::string> normalize_fingerprint(std::string_view text) {
  std::string hex;
  for (char c : text) {
    if (c == ':' || c == ' ' || c == '-') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) {
      hex.clear();
      break;
    }
    hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (hex.size() != 64)
    return unexpected(std::string(
        "CMON_TLS_FINGERPRINT must be the certificate's SHA-256 fingerprint: 64 hex digits, optionally "
        "separated by ':' (openssl x509 -noout -fingerprint -sha256)"));
  return hex;
}

namespace {

bool readable(const std::string& path) {
  std::ifstream in(path);
  return in.good();
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string fingerprint_text(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    if (!out.empty()) out += ':';
    out += upper(hex.substr(i, 2));
  }
  return out;
}

std::string seconds_text(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
  if (d.count() > 1000) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(d.count()) / 1000.0);
    return buf;
  }
  return std::to_string(d.count()) + " ms";
}

}  // namespace

std::vector<std::string> CmonClientOptions::validate() const {
  std::vector<std::string> problems;
  if (endpoints.empty()) problems.emplace_back("CMON_ENDPOINT is not set (e.g. https://127.0.0.1:9501)");
  for (const auto& e : endpoints)
    if (auto u = parse_endpoint(e); !u) problems.push_back(u.error());
  if (username.empty()) problems.emplace_back("CMON_USERNAME is not set");
  if (password.empty() && key_file.empty() && key_pem.empty())
    problems.emplace_back("no CMON login method: set CMON_PASSWORD (or CMON_PASSWORD_FILE) or CMON_KEY_FILE");
  if (password.empty() && !key_file.empty()) {
    if (!readable(key_file)) {
      problems.push_back("CMON_KEY_FILE '" + key_file + "' cannot be read");
    } else if (auto k = check_private_key(read_text(key_file)); !k) {
      problems.push_back("CMON_KEY_FILE '" + key_file + "': " + k.error());
    }
  } else if (password.empty() && !key_pem.empty()) {
    if (auto k = check_private_key(key_pem); !k) problems.push_back("CMON key: " + k.error());
  }
  if (!ca_file.empty() && !readable(ca_file))
    problems.push_back("CMON_CA_FILE '" + ca_file + "' cannot be read");
  if (!tls_fingerprint.empty())
    if (auto f = normalize_fingerprint(tls_fingerprint); !f) problems.push_back(f.error());
  if (pool_size < 1 || pool_size > 256) problems.emplace_back("CMON_POOL_SIZE must be between 1 and 256");
  if (default_timeout.count() <= 0) problems.emplace_back("CMON_TIMEOUT must be positive");
  if (connect_timeout.count() <= 0) problems.emplace_back("the CMON connect timeout must be positive");
  if (login_backoff.count() < 0 || login_backoff_max < login_backoff)
    problems.emplace_back("the CMON login back-off must be >= 0 and not above its maximum");
  return problems;
}

// ---------------------------------------------------------------------------------------------------
// Implementation

namespace {

struct Connection {
  Connection(const asio::any_io_executor& ex, ssl::context& ctx) : stream(ex, ctx) {
    // Beast reads no more than the buffer's free room (at least 512 bytes), and the parser empties it
    // into the body as it goes: without room for a whole TLS record, an 89 KB reply took 180 reads.
    buffer.reserve(16 * 1024);
  }
  beast::ssl_stream<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  std::string key;  // "host:port" it is connected to
  bool reused = false;
  std::string verify_error;  // first certificate problem seen by the verify callback

  void close() {
    boost::system::error_code ignored;
    beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream).close();
  }
};

// One coroutine waiting for an event (a free pool slot, the end of a login) or its deadline.
struct Waiter {
  explicit Waiter(const asio::any_io_executor& ex, Clock::time_point deadline) : timer(ex, deadline) {}
  asio::steady_timer timer;
  bool woken = false;
};
enum class WaitResult { woken, timeout, cancelled };

struct RawReply {
  int status = 0;
  std::string body;
};

// What one Api::call is about; transport errors are stamped with it.
struct CallCtx {
  std::string path;
  std::string operation;
  Clock::time_point deadline;
  std::chrono::milliseconds timeout{0};
  const ReplyParts* parts = nullptr;  // CallOptions::parts
};

bool is_cancelled(asio::cancellation_state cs) {
  return cs.cancelled() != asio::cancellation_type::none;
}

}  // namespace

struct CmonClient::Impl : std::enable_shared_from_this<CmonClient::Impl> {
  Impl(asio::any_io_executor ex, CmonClientOptions o)
      : strand(asio::make_strand(ex)), opt(std::move(o)), ssl_ctx(ssl::context::tls_client) {}

  asio::strand<asio::any_io_executor> strand;
  CmonClientOptions opt;
  ssl::context ssl_ctx;
  std::vector<EndpointUrl> endpoints;
  std::size_t endpoint_index = 0;
  EndpointUrl current;
  std::string pin;      // normalised hex, "" when not pinning
  std::string key_pem;  // RSA key login when password is empty
  // The system trust store costs tens of milliseconds of start-up to parse; without CMON_CA_FILE it is
  // loaded (strand only) before the first handshake that verifies a chain, never when CMON is on
  // loopback or pinned.
  bool trust_store_loaded = false;

  // Pool (strand only).
  std::vector<std::unique_ptr<Connection>> idle;
  std::size_t in_use = 0;
  std::list<Waiter*> slot_waiters;

  // Session (strand only).
  std::string cookie;             // value of cmon-sid
  std::uint64_t session_gen = 0;  // bumped by every successful login
  bool logging_in = false;
  std::uint64_t login_attempts = 0;
  std::optional<Error> last_login_error;  // of the latest finished attempt, if it failed
  Clock::time_point backoff_until{};
  std::chrono::milliseconds backoff{0};
  std::list<Waiter*> login_waiters;
  nlohmann::json login_reply = nlohmann::json::object();
  std::uint64_t request_id = 0;

  // Readable from any thread.
  mutable std::mutex info_mutex;
  std::string endpoint_text;
  std::string server_version;
  struct AtomicStats {
    std::atomic<std::uint64_t> calls{0}, errors{0}, logins{0}, relogins{0}, failed_logins{0}, requests{0},
        connections_opened{0}, tls_handshakes{0}, resends{0}, redirects{0};
  } stats;

  // --- helpers ------------------------------------------------------------------------------------

  void set_current(const EndpointUrl& e) {
    current = e;
    std::lock_guard lock(info_mutex);
    endpoint_text = e.to_string();
  }

  std::string current_text() const {
    std::lock_guard lock(info_mutex);
    return endpoint_text;
  }

  Error make_error(Errc code, std::string message, const CallCtx& ctx) const {
    Error e;
    e.code = code;
    e.message = std::move(message);
    e.path = ctx.path;
    e.operation = ctx.operation;
    e.endpoint = current.to_string();
    return e;
  }

  Error timeout_error(const CallCtx& ctx, std::string_view waiting_for = {}) const {
    return make_error(Errc::timeout,
                      "timed out after " + seconds_text(ctx.timeout) +
                          (waiting_for.empty() ? std::string() : " " + std::string(waiting_for)),
                      ctx);
  }

  awaitable<WaitResult> wait_on(std::list<Waiter*>& queue, Clock::time_point deadline) {
    Waiter w(strand, deadline);
    queue.push_back(&w);
    auto it = std::prev(queue.end());
    auto [ec] = co_await w.timer.async_wait(as_tuple(use_awaitable));
    if (w.woken) co_return WaitResult::woken;
    queue.erase(it);
    co_return ec ? WaitResult::cancelled : WaitResult::timeout;
  }

  static void wake_one(std::list<Waiter*>& queue) {
    if (queue.empty()) return;
    Waiter* w = queue.front();
    queue.pop_front();
    w->woken = true;
    w->timer.cancel();
  }

  static void wake_all(std::list<Waiter*>& queue) {
    while (!queue.empty()) wake_one(queue);
  }

  void release_slot() {
    --in_use;
    wake_one(slot_waiters);
  }

  void return_connection(std::unique_ptr<Connection> c) {
    c->reused = true;
    if (idle.size() < opt.pool_size)
      idle.push_back(std::move(c));
    else
      c->close();
  }

  void drop_idle() {
    for (auto& c : idle) c->close();
    idle.clear();
  }

  // Transport failure -> Errc, telling timeout and cancellation apart from a lost connection.
  awaitable<Error> transport_error(boost::system::error_code ec, const CallCtx& ctx, Errc otherwise,
                                   std::string what) {
    auto cs = co_await asio::this_coro::cancellation_state;
    if (is_cancelled(cs)) co_return make_error(Errc::cancelled, "cancelled", ctx);
    if (ec == beast::error::timeout || Clock::now() >= ctx.deadline) co_return timeout_error(ctx);
    co_return make_error(otherwise, what + ec.message(), ctx);
  }

  // --- connections --------------------------------------------------------------------------------

  void configure_verification(Connection& c, const EndpointUrl& ep) {
    const bool loopback = is_loopback_host(ep.host);
    const bool verify_chain =
        opt.tls_verify == TlsVerify::yes ||
        (opt.tls_verify == TlsVerify::automatic && (!opt.ca_file.empty() || (pin.empty() && !loopback)));
    if (!verify_chain) {
      c.stream.set_verify_mode(ssl::verify_none);
      return;
    }
    if (!trust_store_loaded && opt.ca_file.empty()) {
      // The store belongs to the context and is consulted at handshake time, so streams made before
      // this see it too. A system without one fails the verification below, with its reason.
      boost::system::error_code ignored;
      ssl_ctx.set_default_verify_paths(ignored);
      trust_store_loaded = true;
    }
    c.stream.set_verify_mode(ssl::verify_peer);
    Connection* conn = &c;
    c.stream.set_verify_callback([conn, check = ssl::host_name_verification(ep.host)](
                                     bool preverified, ssl::verify_context& vc) mutable {
      bool ok = check(preverified, vc);
      if (!ok && conn->verify_error.empty()) {
        int err = X509_STORE_CTX_get_error(vc.native_handle());
        conn->verify_error = err != X509_V_OK ? std::string("certificate verification failed: ") +
                                                    X509_verify_cert_error_string(err)
                                              : "the certificate does not name this host";
      }
      return ok;
    });
  }

  // The pinned certificate check, after the handshake: verification of the chain may be off.
  std::optional<std::string> pin_mismatch(Connection& c) {
    if (pin.empty()) return std::nullopt;
    X509* cert = SSL_get1_peer_certificate(c.stream.native_handle());
    if (!cert)
      return std::string("certificate does not match CMON_TLS_FINGERPRINT (the controller sent none)");
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    X509_digest(cert, EVP_sha256(), md, &n);
    X509_free(cert);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned i = 0; i < n; ++i) {
      hex += kHex[md[i] >> 4];
      hex += kHex[md[i] & 15];
    }
    if (hex == pin) return std::nullopt;
    return "certificate does not match CMON_TLS_FINGERPRINT (the controller presents " +
           fingerprint_text(hex) + ")";
  }

  awaitable<Result<std::unique_ptr<Connection>>> connect(const EndpointUrl& ep, const CallCtx& ctx,
                                                         bool* connect_failed) {
    auto c = std::make_unique<Connection>(strand, ssl_ctx);
    c->key = ep.host + ":" + std::to_string(ep.port);
    auto& tcp_layer = beast::get_lowest_layer(c->stream);
    auto connect_deadline = std::min(ctx.deadline, Clock::now() + opt.connect_timeout);

    tcp::resolver resolver(strand);
    auto [rec, results] =
        co_await resolver.async_resolve(ep.host, std::to_string(ep.port), as_tuple(use_awaitable));
    if (rec) {
      *connect_failed = true;
      {
        Error e = co_await transport_error(rec, ctx, Errc::unreachable, "cannot resolve host: ");
        co_return unexpected(std::move(e));
      }
    }
    tcp_layer.expires_at(connect_deadline);
    auto [cec, peer] = co_await tcp_layer.async_connect(results, as_tuple(use_awaitable));
    if (cec) {
      *connect_failed = true;
      if (cec == beast::error::timeout && Clock::now() < ctx.deadline)
        co_return unexpected(make_error(Errc::unreachable,
                                        "connect timed out after " + seconds_text(opt.connect_timeout), ctx));
      {
        Error e = co_await transport_error(cec, ctx, Errc::unreachable, "");
        co_return unexpected(std::move(e));
      }
    }
    ++stats.connections_opened;
    tcp_layer.socket().set_option(tcp::no_delay(true));
    // SNI always: name-based virtual hosts and proxies in front of cmon route on it.
    SSL_set_tlsext_host_name(c->stream.native_handle(), ep.host.c_str());
    configure_verification(*c, ep);
    auto [hec] = co_await c->stream.async_handshake(ssl::stream_base::client, as_tuple(use_awaitable));
    if (hec) {
      c->close();
      if (!c->verify_error.empty()) co_return unexpected(make_error(Errc::tls, c->verify_error, ctx));
      {
        Error e = co_await transport_error(hec, ctx, Errc::tls, "handshake failed: ");
        co_return unexpected(std::move(e));
      }
    }
    ++stats.tls_handshakes;
    if (auto mismatch = pin_mismatch(*c)) {
      c->close();
      co_return unexpected(make_error(Errc::tls, *mismatch, ctx));
    }
    co_return c;
  }

  // One HTTP exchange on a pooled connection; a reused connection that fails before any byte of the
  // reply is replaced and the request sent once more (the server may close idle connections).
  awaitable<Result<RawReply>> exchange(const std::string& body, const CallCtx& ctx, bool* connect_failed) {
    while (in_use >= opt.pool_size) {
      auto w = co_await wait_on(slot_waiters, ctx.deadline);
      if (w == WaitResult::timeout)
        co_return unexpected(timeout_error(ctx, "waiting for a free CMON connection"));
      if (w == WaitResult::cancelled) co_return unexpected(make_error(Errc::cancelled, "cancelled", ctx));
    }
    ++in_use;
    struct SlotGuard {
      Impl* impl;
      ~SlotGuard() { impl->release_slot(); }
    } guard{this};

    const EndpointUrl ep = current;
    const std::string key = ep.host + ":" + std::to_string(ep.port);
    for (int attempt = 0;; ++attempt) {
      std::unique_ptr<Connection> c;
      while (!idle.empty() && !c) {
        c = std::move(idle.back());
        idle.pop_back();
        if (c->key != key) {
          c->close();
          c.reset();
        }
      }
      if (!c) {
        auto fresh = co_await connect(ep, ctx, connect_failed);
        if (!fresh) co_return unexpected(std::move(fresh).error());
        c = std::move(*fresh);
      }

      http::request<http::string_body> req{http::verb::post, ep.base_path + ctx.path, 11};
      req.set(http::field::host, (ep.host.find(':') != std::string::npos ? "[" + ep.host + "]" : ep.host) +
                                     ":" + std::to_string(ep.port));
      req.set(http::field::user_agent, opt.user_agent);
      req.set(http::field::accept, "application/json");
      req.set(http::field::content_type, "application/json");
      if (!cookie.empty()) req.set(http::field::cookie, "cmon-sid=" + cookie);
      req.keep_alive(true);
      req.body() = body;
      req.prepare_payload();  // Content-Length, always

      auto& tcp_layer = beast::get_lowest_layer(c->stream);
      tcp_layer.expires_at(ctx.deadline);
      ++stats.requests;
      auto [wec, written] = co_await http::async_write(c->stream, req, as_tuple(use_awaitable));
      boost::system::error_code ec = wec;
      bool got_reply_bytes = false;
      http::response_parser<http::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      if (!ec) {
        auto [rec, n] = co_await http::async_read(c->stream, c->buffer, parser, as_tuple(use_awaitable));
        ec = rec;
        got_reply_bytes = n > 0 || parser.got_some() || c->buffer.size() > 0;
      }
      (void)written;
      if (ec) {
        const bool reused = c->reused;
        c->close();
        auto cs = co_await asio::this_coro::cancellation_state;
        const bool retryable = reused && !got_reply_bytes && attempt == 0 && !is_cancelled(cs) &&
                               ec != beast::error::timeout && Clock::now() < ctx.deadline;
        if (retryable) {
          ++stats.resends;
          continue;
        }
        {
          Error e = co_await transport_error(ec, ctx, Errc::unreachable, "connection lost: ");
          co_return unexpected(std::move(e));
        }
      }

      auto& res = parser.get();
      for (auto it = res.find(http::field::set_cookie);
           it != res.end() && it->name() == http::field::set_cookie; ++it) {
        std::string_view v = it->value();
        auto semi = v.find(';');
        auto pair = v.substr(0, semi);
        auto eq = pair.find('=');
        if (eq == std::string_view::npos) continue;
        auto name = pair.substr(0, eq);
        while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
        if (name == "cmon-sid") cookie = std::string(pair.substr(eq + 1));
      }
      if (auto server = res.find(http::field::server); server != res.end()) {
        std::string_view s = server->value();
        if (s.substr(0, 5) == "cmon/") {
          std::lock_guard lock(info_mutex);
          server_version = std::string(s.substr(5));
        }
      }
      RawReply raw{static_cast<int>(res.result_int()), std::move(res.body())};
      if (res.keep_alive())
        return_connection(std::move(c));
      else
        c->close();
      co_return raw;
    }
  }

  // The CMON HA leader named by a Redirect reply (§1.10), keeping the configured path prefix.
  std::optional<EndpointUrl> leader_of(const json& reply) const {
    const json controllers = reply.contains("controllers") ? reply["controllers"] : json();
    std::vector<json> entries;
    if (controllers.is_array() || controllers.is_object())
      for (const auto& c : controllers) entries.push_back(c);
    for (const auto& c : entries) {
      if (!iequals(get_string(c, "role"), "leader")) continue;
      EndpointUrl e;
      e.host = get_string(c, "hostname");
      if (e.host.empty()) e.host = get_string(c, "ip");
      e.port = static_cast<std::uint16_t>(get_port(c, "port", current.port));
      e.base_path = current.base_path;
      if (!e.host.empty()) return e;
    }
    return std::nullopt;
  }

  // CMON replies are large: the fast parser, building only the parts the caller reads. Parsing is the
  // costliest step of a call and touches none of the strand's state, so a large reply is parsed beside
  // the strand, which meanwhile serves the other calls' I/O; a small one is not worth the hop.
  awaitable<json> parse_reply(const std::string& body, const ReplyParts* parts) {
    auto parse = [&body, parts] {
      return parts ? util::parse_json(body, parts->keep()) : util::parse_json(body);
    };
    constexpr std::size_t kParseBesideBytes = 16 * 1024;
    if (body.size() < kParseBesideBytes) co_return parse();
    // Not cancellable: the parse is short and bounded, and a child cancelled before it starts would end
    // in operation_aborted thrown into request(), which reports cancellation as a value.
    co_return co_await asio::co_spawn(
        strand.get_inner_executor(), [&parse]() -> awaitable<json> { co_return parse(); },
        asio::bind_cancellation_slot(asio::cancellation_slot(), use_awaitable));
  }

  // One CMON request: body built from fields, endpoint failover on connect failures, HA redirects.
  awaitable<Result<json>> request(const CallCtx& ctx, const json& fields) {
    json envelope = fields.is_object() ? fields : json::object();
    envelope["operation"] = ctx.operation;
    envelope["request_id"] = ++request_id;
    const std::string body = envelope.dump(-1, ' ', false, json::error_handler_t::replace);
    std::size_t failovers = 0;
    for (int hop = 0;;) {
      bool connect_failed = false;
      auto raw = co_await exchange(body, ctx, &connect_failed);
      if (!raw) {
        if (connect_failed && raw.error().code == Errc::unreachable && endpoints.size() > 1 &&
            ++failovers < endpoints.size()) {
          endpoint_index = (endpoint_index + 1) % endpoints.size();
          spdlog::warn("CMON {} unreachable ({}); trying {}", current.to_string(), raw.error().message,
                       endpoints[endpoint_index].to_string());
          drop_idle();
          set_current(endpoints[endpoint_index]);
          continue;
        }
        co_return unexpected(std::move(raw).error());
      }
      // ReplyContext holds views: keep the endpoint text alive for as long as rctx is used.
      const std::string endpoint_now = current_text();
      ReplyContext rctx{ctx.path, ctx.operation, endpoint_now};
      json reply = co_await parse_reply(raw->body, ctx.parts);
      if (reply.is_object() && iequals(get_string(reply, "request_status"), "Redirect")) {
        auto leader = leader_of(reply);
        if (!leader)
          co_return unexpected(make_error(Errc::redirect, "a CMON HA follower named no leader", ctx));
        if (++hop > 15)
          co_return unexpected(make_error(Errc::redirect, "more than 15 CMON HA redirects", ctx));
        ++stats.redirects;
        spdlog::info("CMON HA: {} redirects to the leader {}", current.to_string(), leader->to_string());
        drop_idle();
        set_current(*leader);
        continue;
      }
      if (reply.is_discarded()) co_return decode_reply(raw->status, raw->body, rctx);
      co_return decode_reply_json(raw->status, std::move(reply), rctx);
    }
  }

  // --- login --------------------------------------------------------------------------------------

  awaitable<Result<json>> do_login(const CallCtx& call, bool relogin) {
    CallCtx ctx = call;
    ctx.path = "/v2/auth";
    ctx.parts = nullptr;  // the caller's parts are of its own reply, not of the login's
    cookie.clear();
    const bool with_password = !opt.password.empty();
    Result<json> r;
    if (with_password) {
      ctx.operation = "authenticateWithPassword";
      json f{{"user_name", opt.username}, {"password", opt.password}};
      r = co_await request(ctx, f);
    } else {
      ctx.operation = "authenticate";
      json f{{"user_name", opt.username}};
      auto challenge = co_await request(ctx, f);
      if (!challenge) {
        r = std::move(challenge);
      } else if (auto text = get_string(*challenge, "challenge"); text.empty()) {
        Error e = make_error(Errc::auth_failed, "", ctx);
        e.request_status = "Ok";
        e.message = "CMON sent no login challenge";
        r = unexpected(std::move(e));
      } else if (auto sig = sign_challenge(key_pem, text); !sig) {
        r = unexpected(make_error(Errc::auth_failed, "CMON_KEY_FILE: " + sig.error(), ctx));
      } else {
        ctx.operation = "authenticateResponse";
        json f2{{"signature", *sig}};
        r = co_await request(ctx, f2);
      }
    }
    if (r) {
      ++session_gen;
      ++stats.logins;
      if (relogin) ++stats.relogins;
      backoff = std::chrono::milliseconds(0);
      backoff_until = {};
      last_login_error.reset();
      login_reply = json{{"user", get_object(*r, "user")}, {"is_superuser", get_bool(*r, "is_superuser")}};
      spdlog::info("logged in to CMON {} as '{}' ({})", current.to_string(), opt.username,
                   with_password ? "password" : "RSA key");
      co_return r;
    }
    ++stats.failed_logins;
    Error e = std::move(r).error();
    // CMON answered and said no: a credentials problem. Transport failures keep their own kind.
    const bool rejected = !e.request_status.empty() || e.http_status == 401 || e.http_status == 403 ||
                          (e.code == Errc::auth_failed && e.message.rfind("CMON_KEY_FILE", 0) == 0);
    if (rejected && e.code != Errc::try_again) {
      std::string said;
      if (!e.message.empty() && e.message.rfind("CMON replied ", 0) != 0)
        said = " (CMON said: " + e.message + ")";
      std::string status =
          !e.request_status.empty() ? e.request_status : "HTTP " + std::to_string(e.http_status);
      if (e.message.rfind("CMON_KEY_FILE", 0) == 0) status = e.message;
      e.code = Errc::auth_failed;
      e.message = "CMON rejected the login of user '" + opt.username + "' (" + status + ")" + said + ": " +
                  (with_password ? "check CMON_USERNAME/CMON_PASSWORD"
                                 : "check CMON_USERNAME/CMON_KEY_FILE and that the user's public key is "
                                   "registered in CMON");
      backoff = backoff.count() == 0 ? opt.login_backoff : std::min(backoff * 2, opt.login_backoff_max);
      backoff_until = Clock::now() + backoff;
      spdlog::warn("{} (no new login attempt for {})", e.message, seconds_text(backoff));
    }
    last_login_error = e;
    co_return unexpected(std::move(e));
  }

  // Makes sure a session exists. lost_gen: the session generation a request found lost (re-login);
  // nullopt: any session will do. One login at a time; the others wait for its outcome.
  awaitable<Result<json>> ensure_session(const CallCtx& ctx, std::optional<std::uint64_t> lost_gen) {
    for (;;) {
      if (!lost_gen && session_gen > 0) co_return login_reply;
      if (lost_gen && session_gen != *lost_gen) co_return login_reply;
      if (last_login_error && Clock::now() < backoff_until) co_return unexpected(*last_login_error);
      if (logging_in) {
        const auto attempt = login_attempts;
        auto w = co_await wait_on(login_waiters, ctx.deadline);
        if (w == WaitResult::timeout) co_return unexpected(timeout_error(ctx, "waiting for the CMON login"));
        if (w == WaitResult::cancelled) co_return unexpected(make_error(Errc::cancelled, "cancelled", ctx));
        // Adopt the outcome of the login we waited for, unless it only failed for its own caller.
        if (login_attempts != attempt && last_login_error && last_login_error->code != Errc::cancelled &&
            last_login_error->code != Errc::timeout)
          co_return unexpected(*last_login_error);
        continue;
      }
      logging_in = true;
      auto r = co_await do_login(ctx, lost_gen.has_value());
      logging_in = false;
      ++login_attempts;
      wake_all(login_waiters);
      co_return r;
    }
  }

  // --- calls --------------------------------------------------------------------------------------

  awaitable<Result<json>> call_with_session(const CallCtx& ctx, const json& fields) {
    if (ctx.path.rfind("/v2/auth", 0) == 0 && is_login_operation(ctx.operation))
      co_return co_await request(ctx, fields);
    auto session = co_await ensure_session(ctx, std::nullopt);
    if (!session) co_return unexpected(std::move(session).error());
    for (int attempt = 0;; ++attempt) {
      const auto gen = session_gen;
      auto r = co_await request(ctx, fields);
      if (r || !is_session_lost(r.error())) co_return r;
      if (attempt == 1) {
        Error e = std::move(r).error();
        e.message = "CMON rejected the session again right after a fresh login of user '" + opt.username +
                    "'; check that the CMON user is not disabled and that the controller keeps sessions";
        co_return unexpected(std::move(e));
      }
      spdlog::info("CMON session lost during {}; logging in again", ctx.operation);
      auto again = co_await ensure_session(ctx, gen);
      if (!again) co_return unexpected(std::move(again).error());
    }
  }

  static awaitable<Result<json>> run_call(std::shared_ptr<Impl> self, std::string path, std::string operation,
                                          json fields, CallOptions options, bool login_only) {
    // Handle our own cancellation: a cancelled call must leave the pool and login state consistent.
    co_await asio::this_coro::throw_if_cancelled(false);
    CallCtx ctx;
    ctx.path = std::move(path);
    ctx.operation = std::move(operation);
    ctx.timeout = options.timeout.count() > 0 ? options.timeout : self->opt.default_timeout;
    ctx.deadline = Clock::now() + ctx.timeout;
    ctx.parts = options.parts;
    ++self->stats.calls;
    // Not a conditional expression: GCC 12 destroys the result of a co_await inside ?: twice.
    Result<json> r;
    if (login_only)
      r = co_await self->ensure_session(ctx, std::nullopt);
    else
      r = co_await self->call_with_session(ctx, fields);
    if (!r) ++self->stats.errors;
    co_return r;
  }
};

// ---------------------------------------------------------------------------------------------------
// Public face

CmonClient::CmonClient(asio::any_io_executor executor, CmonClientOptions options) {
  if (auto problems = options.validate(); !problems.empty())
    throw std::invalid_argument("invalid CMON client options: " + problems.front());
  impl_ = std::make_shared<Impl>(std::move(executor), std::move(options));
  auto& o = impl_->opt;
  for (const auto& e : o.endpoints) impl_->endpoints.push_back(*parse_endpoint(e));
  impl_->set_current(impl_->endpoints.front());
  if (!o.tls_fingerprint.empty()) impl_->pin = *normalize_fingerprint(o.tls_fingerprint);
  if (o.password.empty()) impl_->key_pem = o.key_pem.empty() ? read_text(o.key_file) : o.key_pem;
  if (!o.ca_file.empty()) impl_->ssl_ctx.load_verify_file(o.ca_file);
  impl_->ssl_ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                             ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
}

CmonClient::~CmonClient() = default;

awaitable<Result<json>> CmonClient::call(std::string_view path, std::string_view operation, json fields,
                                         CallOptions options) {
  auto cs = co_await asio::this_coro::cancellation_state;
  if (is_cancelled(cs)) {
    Error e;
    e.code = Errc::cancelled;
    e.message = "cancelled";
    e.path = std::string(path);
    e.operation = std::string(operation);
    e.endpoint = endpoint();
    co_return unexpected(std::move(e));
  }
  auto impl = impl_;
  co_return co_await asio::co_spawn(
      impl->strand,
      Impl::run_call(impl, std::string(path), std::string(operation), std::move(fields), options, false),
      use_awaitable);
}

awaitable<Result<json>> CmonClient::login(CallOptions options) {
  auto impl = impl_;
  co_return co_await asio::co_spawn(
      impl->strand, Impl::run_call(impl, "/v2/auth", "login", json(), options, true), use_awaitable);
}

std::string CmonClient::endpoint() const {
  return impl_->current_text();
}

ClientStats CmonClient::stats() const {
  const auto& s = impl_->stats;
  ClientStats out;
  out.calls = s.calls;
  out.errors = s.errors;
  out.logins = s.logins;
  out.relogins = s.relogins;
  out.failed_logins = s.failed_logins;
  out.requests = s.requests;
  out.connections_opened = s.connections_opened;
  out.tls_handshakes = s.tls_handshakes;
  out.resends = s.resends;
  out.redirects = s.redirects;
  return out;
}

std::string CmonClient::server_version() const {
  std::lock_guard lock(impl_->info_mutex);
  return impl_->server_version;
}

void CmonClient::close_idle() {
  asio::post(impl_->strand, [impl = impl_] { impl->drop_idle(); });
}

}  // namespace cmon_mcp::cmon
