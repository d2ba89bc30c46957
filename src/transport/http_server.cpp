// One Beast HTTP/1.1 server for both HTTP transports. Each connection is a coroutine on its own strand
// (deadlines on every read and write, body and header limits); protocol work runs on the session's
// strand through the Dispatcher; SSE streams are EventStreams (http/event_stream): a POST's stream is
// pumped by the connection's coroutine, a long-lived GET stream by a HeldStream (http/sse_writer.hpp).
#include "cmon_mcp/transport/http_server.hpp"

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "cmon_mcp/mcp/jsonrpc.hpp"
#include "cmon_mcp/mcp/protocol.hpp"
#include "cmon_mcp/transport/http_security.hpp"
#include "cmon_mcp/util/metrics.hpp"
#include "http/event_stream.hpp"
#include "http/sse_writer.hpp"

namespace cmon_mcp::transport {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using http::EventStream;
using http::Waker;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;

namespace {

constexpr auto kTuple = asio::as_tuple(use_awaitable);
// How long requests cancelled by stop() get to unwind before the server reports stopped regardless.
constexpr std::chrono::milliseconds kCancelGrace{1000};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string supported_versions_text() {
  std::string out;
  for (auto v : mcp::kSupportedVersions) out += (out.empty() ? "" : ", ") + std::string(v);
  return out;
}

// A live Streamable HTTP or legacy SSE session. Guarded by Impl::mutex_.
struct SessionEntry {
  enum class Kind { streamable, legacy };
  Kind kind = Kind::streamable;
  std::shared_ptr<mcp::Session> session;
  std::shared_ptr<EventStream> stream;  // the GET stream (streamable) or the /sse stream (legacy)
  std::map<std::string, std::shared_ptr<EventStream>> posts;  // POST streams kept for replay
  std::vector<std::string> post_order;  // oldest first; a few entries (an empty deque would cost 576 bytes)
  std::uint64_t next_post = 1;
  size_t in_flight = 0;
  std::string version;  // negotiated, once initialize succeeded
  Clock::time_point last_activity = Clock::now();
  // The token that opened the session (TokenChecker::Match::index); nullopt without authentication.
  // Requests with another token are refused.
  std::optional<size_t> token;
};

using Who = const TokenChecker::Match*;  // the authenticated token of a request; nullptr without auth

// The principal of a session a request opens: its token's, or full rights without authentication.
mcp::Principal principal_of(Who who) {
  return who ? *who->principal : mcp::Principal{};
}
std::optional<size_t> token_of(Who who) {
  return who ? std::optional<size_t>(who->index) : std::nullopt;
}

// What stop() needs to reach a connection: everything here is touched on the connection's strand only.
struct Connection {
  asio::any_io_executor strand;
  bool idle = false;
  // A HeldStream owns the socket now (hold()): the connection's coroutines end without touching it,
  // and the HeldStream reports the connection done.
  bool held = false;
  std::function<void()> close;
};

// The lowest layer of either stream type.
beast::tcp_stream& lowest(beast::tcp_stream& s) {
  return s;
}
beast::tcp_stream& lowest(beast::ssl_stream<beast::tcp_stream>& s) {
  return beast::get_lowest_layer(s);
}

}  // namespace

class HttpServer::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::any_io_executor ex, HttpServerOptions options, mcp::Dispatcher& dispatcher, ReadinessCheck ready)
      : ex_(ex),
        ctl_(asio::make_strand(ex)),
        opt_(std::move(options)),
        dispatcher_(dispatcher),
        ready_(std::move(ready)),
        tokens_(opt_.auth_tokens, opt_.scoped_tokens),
        limiter_(opt_.rate_limit_per_minute, opt_.rate_limit_burst),
        acceptor_(ex),
        reaper_(ex),
        stop_timer_(ctl_),
        grace_timer_(ctl_) {}

  Expected<tcp::endpoint, std::string> start();
  void stop(std::chrono::milliseconds deadline, std::function<void()> on_stopped);
  // Past the deadline (or at destruction): ends every session and connection now. Any thread.
  void stop_now();
  // Serves a connected socket (from accept, or handed in through HttpServer::serve_connection).
  void adopt(tcp::socket socket);
  size_t session_count() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
  }
  std::uint16_t port() const { return port_.load(); }

 private:
  // ---- connection handling
  awaitable<void> accept_loop();
  awaitable<void> reap_loop();
  awaitable<void> run_connection(tcp::socket socket);
  template <class Stream>
  awaitable<void> serve(Stream& s, std::shared_ptr<Connection> conn);
  // The next request of a connection; without one, the answer to what could not be read, if any.
  struct Incoming {
    std::optional<Request> req;
    std::optional<Response> refusal;
  };
  template <class Stream>
  awaitable<Incoming> read_request(Stream& s, beast::flat_buffer& buffer, Connection& conn);
  // The answer to a request that failed to read with `ec` (none: the connection just ends). `base`: the
  // request's header once it was read (for the version and CORS), else a bare HTTP/1.1 request.
  std::optional<Response> read_refusal(const Request& base, boost::system::error_code ec, bool got_some,
                                       bool in_body) const;
  template <class Stream>
  awaitable<bool> handle(Stream& s, Request& req, std::shared_ptr<Connection> conn);
  // What handle() does with a request: answer it with `res`, or hand it to a streaming handler.
  enum class Route { respond, post_mcp, get_mcp, get_sse };
  Route route(tcp::socket& socket, const Request& req, TokenChecker::Match& match, Who& who, Response& res);
  template <class Stream>
  awaitable<bool> write(Stream& s, Response& res);
  template <class Stream>
  awaitable<bool> write_raw(Stream& s, std::string data);
  // `reusable`: the connection serves further requests once the stream has ended. GET streams are not:
  // the server closes the connection after them, and says so (Connection: close) so that no client
  // puts the connection back in its pool and sends its next request into the closing socket.
  template <class Stream>
  awaitable<bool> write_sse_head(Stream& s, const Request& req, const std::string& session_header,
                                 bool reusable);
  // Writes a POST's SSE response: the events of `es` from seq `from` on, with keep-alive comments,
  // until the stream ends (true) or the peer goes away (false); the connection serves on afterwards.
  template <class Stream>
  awaitable<bool> pump(Stream& s, EventStream& es, std::shared_ptr<Waker> waker, std::uint64_t from);
  // Hands a GET stream whose head is written to a HeldStream (http/sse_writer.hpp), which writes `es`
  // from seq `from` on, lets go of it, then runs `after` and reports the connection done. The connection's
  // coroutines must end without touching `s` again (conn->held).
  template <class Stream, class After>
  void hold(Stream& s, const std::shared_ptr<Connection>& conn, std::shared_ptr<EventStream> es,
            std::shared_ptr<Waker> waker, std::uint64_t from, After after);
  void connection_done(const std::shared_ptr<Connection>& conn);

  // ---- endpoints
  template <class Stream>
  awaitable<bool> post_mcp(Stream& s, Request& req, Who who);
  template <class Stream>
  awaitable<bool> get_mcp(Stream& s, Request& req, Who who, std::shared_ptr<Connection> conn);
  Response delete_mcp(const Request& req, Who who);
  template <class Stream>
  awaitable<bool> get_sse(Stream& s, Request& req, Who who, std::shared_ptr<Connection> conn);
  Response post_message(const Request& req, std::string_view query, Who who);

  // ---- helpers
  Response make_response(const Request& req, bhttp::status status) const;
  Response json_error(const Request& req, bhttp::status status, int code, std::string message,
                      json id = nullptr) const;
  void add_cors(const Request& req, Response& res) const;
  // 403 for a request that names a session another token opened.
  Response wrong_token(const Request& req, json id = nullptr);
  void run_on_session(std::shared_ptr<mcp::Session> session, json message,
                      std::shared_ptr<mcp::MessageSink> related,
                      std::function<void(std::optional<json>, bool initialized, std::string version)> done);
  std::shared_ptr<SessionEntry> find_session(std::string_view id, SessionEntry::Kind kind);
  void end_session(const std::string& id);
  // Drops a finished POST stream that can never be resumed from the session's replay list.
  void forget_post(SessionEntry& entry, const std::string& stream_id) {
    std::lock_guard lock(mutex_);
    entry.posts.erase(stream_id);
    std::erase(entry.post_order, stream_id);
  }
  // Stop bookkeeping runs on ctl_: check_stopped() may be called from any thread and posts there.
  void check_stopped();
  void evaluate_stop();
  void stop_now_on_ctl();
  bool log_auth_failure_allowed();

  asio::any_io_executor ex_;
  asio::strand<asio::any_io_executor> ctl_;  // stop() and its timers
  HttpServerOptions opt_;
  mcp::Dispatcher& dispatcher_;
  ReadinessCheck ready_;
  TokenChecker tokens_;
  RateLimiter limiter_;
  bool loopback_bind_ = false;
  std::unique_ptr<ssl::context> tls_;
  tcp::acceptor acceptor_;
  asio::steady_timer reaper_;
  asio::steady_timer stop_timer_;   // the drain deadline
  asio::steady_timer grace_timer_;  // how long cancelled calls get to unwind
  bool hard_stopped_ = false;       // on ctl_
  bool grace_over_ = false;         // on ctl_
  std::atomic<std::uint16_t> port_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<long long> last_auth_log_{0};

  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<SessionEntry>> sessions_;
  std::set<std::shared_ptr<Connection>> connections_;
  // Dispatcher work still running (run_on_session), by session: stop() cancels it and reports stopped
  // only once it has unwound, so that no coroutine outlives the dispatcher and the tools it uses (the
  // owner stops the io_context and destroys them next). A client that went away leaves its call here.
  std::unordered_map<mcp::Session*, std::pair<std::weak_ptr<mcp::Session>, size_t>> running_;
  std::function<void()> on_stopped_;
  bool stopped_notified_ = false;
};

// ---------------------------------------------------------------------------------------------------
// start / stop

Expected<tcp::endpoint, std::string> HttpServer::Impl::start() {
  auto bind = parse_bind_address(opt_.bind);
  if (!bind) return unexpected("invalid bind address '" + opt_.bind + "': " + bind.error());
  loopback_bind_ = is_loopback_host(bind->host);

  if (!opt_.tls_cert_file.empty() || !opt_.tls_key_file.empty()) {
    if (opt_.tls_cert_file.empty() || opt_.tls_key_file.empty())
      return unexpected(std::string("TLS needs both a certificate and a key file"));
    tls_ = std::make_unique<ssl::context>(ssl::context::tls_server);
    tls_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                      ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    boost::system::error_code ec;
    tls_->use_certificate_chain_file(opt_.tls_cert_file, ec);
    if (ec) return unexpected("cannot load TLS certificate " + opt_.tls_cert_file + ": " + ec.message());
    tls_->use_private_key_file(opt_.tls_key_file, ssl::context::pem, ec);
    if (ec) return unexpected("cannot load TLS key " + opt_.tls_key_file + ": " + ec.message());
  }

  boost::system::error_code ec;
  tcp::resolver resolver(ex_);
  auto results = resolver.resolve(bind->host, std::to_string(bind->port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty())
    return unexpected("cannot resolve bind host '" + bind->host + "': " + ec.message());
  tcp::endpoint endpoint = results.begin()->endpoint();
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    return unexpected("cannot listen on " + opt_.bind + ": " + ec.message());
  }
  auto local = acceptor_.local_endpoint(ec);
  port_ = local.port();
  auto self = shared_from_this();
  asio::co_spawn(ex_, accept_loop(), asio::detached);
  asio::co_spawn(ex_, reap_loop(), asio::detached);
  spdlog::info("HTTP transports listening on {}{}:{} (/mcp, /sse){}{}", tls_ ? "https://" : "http://",
               bind->host, port_.load(), tokens_.enabled() ? ", bearer token required" : "",
               opt_.stateless ? ", stateless" : "");
  if (!loopback_bind_ && !tokens_.enabled())
    spdlog::warn("HTTP transports bound to a non-loopback address without authentication");
  return local;
}

void HttpServer::Impl::stop(std::chrono::milliseconds deadline, std::function<void()> on_stopped) {
  auto self = shared_from_this();
  asio::post(ctl_, [self, deadline, on_stopped = std::move(on_stopped)]() mutable {
    {
      std::lock_guard lock(self->mutex_);
      self->on_stopped_ = std::move(on_stopped);
    }
    if (self->stopping_.exchange(true)) return self->evaluate_stop();
    boost::system::error_code ec;
    self->acceptor_.close(ec);
    self->reaper_.cancel();
    std::vector<std::shared_ptr<Connection>> conns;
    {
      std::lock_guard lock(self->mutex_);
      // Long-lived streams end now; POST streams finish with their requests.
      for (auto& [id, entry] : self->sessions_) entry->stream->close();
      conns.assign(self->connections_.begin(), self->connections_.end());
    }
    for (auto& c : conns)
      asio::post(c->strand, [c] {
        if (c->idle && c->close) c->close();
      });
    self->stop_timer_.expires_after(deadline);
    self->stop_timer_.async_wait([self](boost::system::error_code ec) {
      if (!ec) self->stop_now_on_ctl();
    });
    self->evaluate_stop();
  });
}

void HttpServer::Impl::stop_now() {
  asio::post(ctl_, [self = shared_from_this()] { self->stop_now_on_ctl(); });
}

// Cancels whatever still runs and closes every socket; evaluate_stop() reports stopped once the
// connections are gone and the cancelled calls have unwound (or the grace period is over).
void HttpServer::Impl::stop_now_on_ctl() {
  if (hard_stopped_) return;
  hard_stopped_ = true;
  stopping_ = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
  reaper_.cancel();
  std::vector<std::shared_ptr<Connection>> conns;
  std::vector<std::shared_ptr<SessionEntry>> entries;
  std::vector<std::shared_ptr<mcp::Session>> busy;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, entry] : sessions_) entries.push_back(entry);
    sessions_.clear();
    conns.assign(connections_.begin(), connections_.end());
    for (auto& [ptr, r] : running_)
      if (auto session = r.first.lock()) busy.push_back(std::move(session));
  }
  if (!entries.empty()) spdlog::info("HTTP: closing {} session(s)", entries.size());
  for (auto& e : entries) {
    e->stream->close();
    busy.push_back(e->session);
  }
  // Session::close() cancels the session's requests (terminal cancellation).
  for (auto& session : busy) asio::post(session->strand(), [session] { session->close(); });
  for (auto& c : conns)
    asio::post(c->strand, [c] {
      if (c->close) c->close();
    });
  grace_timer_.expires_after(kCancelGrace);
  grace_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec) return;
    self->grace_over_ = true;
    self->evaluate_stop();
  });
  evaluate_stop();
}

void HttpServer::Impl::check_stopped() {
  if (!stopping_) return;
  asio::post(ctl_, [self = shared_from_this()] { self->evaluate_stop(); });
}

void HttpServer::Impl::evaluate_stop() {
  std::function<void()> callback;
  size_t calls = 0;
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ || stopped_notified_ || !on_stopped_ || !connections_.empty()) return;
    for (auto& [ptr, r] : running_) calls += r.second;
  }
  // Every connection has ended: whatever still runs has nobody left to answer to.
  if (!hard_stopped_) return stop_now_on_ctl();
  if (calls > 0 && !grace_over_) return;
  if (calls > 0)
    spdlog::warn("HTTP: {} request(s) did not end within {} ms of being cancelled", calls,
                 kCancelGrace.count());
  {
    std::lock_guard lock(mutex_);
    stopped_notified_ = true;
    callback = std::move(on_stopped_);
  }
  stop_timer_.cancel();
  grace_timer_.cancel();
  asio::post(ex_, std::move(callback));
}

awaitable<void> HttpServer::Impl::accept_loop() {
  auto self = shared_from_this();
  while (!stopping_) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(ex_), kTuple);
    if (stopping_) break;
    if (ec) {
      // Out of descriptors and similar: back off instead of spinning.
      spdlog::warn("HTTP accept failed: {}", ec.message());
      asio::steady_timer t(ex_, std::chrono::milliseconds(100));
      co_await t.async_wait(kTuple);
      continue;
    }
    adopt(std::move(socket));
  }
}

void HttpServer::Impl::adopt(tcp::socket socket) {
  // Responses and SSE events are single writes that should leave at once: with Nagle, an event that
  // follows another within an RTT would wait for the client's delayed ACK.
  boost::system::error_code nec;
  socket.set_option(tcp::no_delay(true), nec);
  auto strand = socket.get_executor();
  asio::co_spawn(strand, run_connection(std::move(socket)), [](std::exception_ptr ep) {
    if (!ep) return;
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      spdlog::error("HTTP connection failed: {}", e.what());
    }
  });
}

awaitable<void> HttpServer::Impl::reap_loop() {
  auto self = shared_from_this();
  auto period = std::clamp<std::chrono::milliseconds>(
      opt_.session_idle_timeout / 4, std::chrono::milliseconds(20), std::chrono::seconds(30));
  while (!stopping_) {
    reaper_.expires_after(period);
    auto [ec] = co_await reaper_.async_wait(kTuple);
    if (ec || stopping_) co_return;
    std::vector<std::shared_ptr<SessionEntry>> expired;
    {
      std::lock_guard lock(mutex_);
      auto now = Clock::now();
      for (auto it = sessions_.begin(); it != sessions_.end();) {
        auto& e = *it->second;
        bool busy = e.in_flight > 0 || e.stream->attached();
        for (auto& [pid, p] : e.posts) busy = busy || p->attached();
        if (e.kind == SessionEntry::Kind::streamable && !busy &&
            now - e.last_activity > opt_.session_idle_timeout) {
          expired.push_back(it->second);
          it = sessions_.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (auto& e : expired) {
      spdlog::debug("HTTP: an idle session expired");
      e->stream->close();
      asio::post(e->session->strand(), [s = e->session] { s->close(); });
    }
  }
}

awaitable<void> HttpServer::Impl::run_connection(tcp::socket socket) {
  auto self = shared_from_this();
  auto conn = std::make_shared<Connection>();
  conn->strand = socket.get_executor();
  {
    std::lock_guard lock(mutex_);
    if (stopping_) co_return;
    connections_.insert(conn);
  }
  try {
    if (tls_) {
      beast::ssl_stream<beast::tcp_stream> s(beast::tcp_stream(std::move(socket)), *tls_);
      conn->close = [&s] {
        boost::system::error_code ec;
        beast::get_lowest_layer(s).socket().shutdown(tcp::socket::shutdown_both, ec);
        beast::get_lowest_layer(s).socket().close(ec);
      };
      beast::get_lowest_layer(s).expires_after(opt_.header_timeout);
      auto [ec] = co_await s.async_handshake(ssl::stream_base::server, kTuple);
      if (!ec) {
        co_await serve(s, conn);
        if (conn->held) co_return;
        beast::get_lowest_layer(s).expires_after(std::chrono::seconds(2));
        co_await s.async_shutdown(kTuple);
      }
      conn->close = nullptr;
    } else {
      beast::tcp_stream s(std::move(socket));
      conn->close = [&s] {
        boost::system::error_code ec;
        s.socket().shutdown(tcp::socket::shutdown_both, ec);
        s.socket().close(ec);
      };
      co_await serve(s, conn);
      if (conn->held) co_return;
      boost::system::error_code ec;
      s.socket().shutdown(tcp::socket::shutdown_send, ec);
      conn->close = nullptr;
    }
  } catch (const std::exception& e) {
    conn->close = nullptr;
    spdlog::error("HTTP connection ended by an error: {}", e.what());
  }
  connection_done(conn);
}

void HttpServer::Impl::connection_done(const std::shared_ptr<Connection>& conn) {
  {
    std::lock_guard lock(mutex_);
    connections_.erase(conn);
  }
  check_stopped();
}

// ---------------------------------------------------------------------------------------------------
// the request loop of one connection

namespace {
// Runs a read with a deadline that cancels it (reporting beast::error::timeout) instead of closing the
// socket as tcp_stream's own timeout does: we still want to answer 408 on that socket.
template <class Stream, class Initiate>
awaitable<std::tuple<boost::system::error_code, size_t>> with_deadline(Stream& s,
                                                                       std::chrono::milliseconds timeout,
                                                                       Initiate initiate) {
  auto timed_out = std::make_shared<bool>(false);
  auto done = std::make_shared<bool>(false);  // a late expiry must not touch the next read (or a gone stream)
  asio::steady_timer deadline(lowest(s).get_executor(), timeout);
  deadline.async_wait([&s, timed_out, done](boost::system::error_code ec) {
    if (ec || *done) return;
    *timed_out = true;
    lowest(s).socket().cancel(ec);
  });
  lowest(s).expires_never();
  auto [ec, n] = co_await initiate(kTuple);
  *done = true;
  deadline.cancel();
  if (*timed_out && ec == asio::error::operation_aborted) ec = beast::error::timeout;
  co_return std::make_tuple(ec, n);
}
}  // namespace

// serve() stays small: a keep-alive connection keeps its frame between requests, so the parser and the
// refusals live in read_request()'s frame, which ends with the read. (A GET stream, open for hours, ends
// the frames altogether: hold().)
template <class Stream>
awaitable<void> HttpServer::Impl::serve(Stream& s, std::shared_ptr<Connection> conn) {
  beast::flat_buffer buffer;
  while (!stopping_) {
    Incoming in = co_await read_request(s, buffer, *conn);
    if (!in.req) {
      if (in.refusal) {
        in.refusal->keep_alive(false);
        co_await write(s, *in.refusal);
      }
      co_return;
    }
    bool keep = co_await handle(s, *in.req, conn);
    if (!keep || !in.req->keep_alive()) co_return;
  }
}

template <class Stream>
awaitable<HttpServer::Impl::Incoming> HttpServer::Impl::read_request(Stream& s, beast::flat_buffer& buffer,
                                                                     Connection& conn) {
  Incoming in;
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(opt_.max_header_bytes));
  parser.body_limit(opt_.max_body_bytes);
  conn.idle = true;
  auto [ec, n] = co_await with_deadline(
      s, opt_.header_timeout, [&](auto token) { return bhttp::async_read_header(s, buffer, parser, token); });
  conn.idle = false;
  if (ec) {
    Request bare;
    bare.version(11);
    in.refusal = read_refusal(bare, ec, parser.got_some() || buffer.size() > 0, false);
    co_return in;
  }
  if (lower(parser.get()[bhttp::field::expect]) == "100-continue") {
    if (!co_await write_raw(s, "HTTP/1.1 100 Continue\r\n\r\n")) co_return in;
  }
  if (!parser.is_done()) {
    auto [bec, bn] = co_await with_deadline(
        s, opt_.body_timeout, [&](auto token) { return bhttp::async_read(s, buffer, parser, token); });
    if (bec) {
      in.refusal = read_refusal(parser.get(), bec, true, true);
      co_return in;
    }
  }
  in.req = parser.release();
  co_return in;
}

std::optional<Response> HttpServer::Impl::read_refusal(const Request& base, boost::system::error_code ec,
                                                       bool got_some, bool in_body) const {
  namespace h = ::boost::beast::http;
  if (ec == h::error::body_limit) {
    // Beast checks Content-Length against the body limit while parsing the header.
    return json_error(base, h::status::payload_too_large, mcp::error_code::server_error,
                      "Payload Too Large: the limit is " + std::to_string(opt_.max_body_bytes) + " bytes");
  }
  if (ec == beast::error::timeout) {
    if (in_body)
      return json_error(base, h::status::request_timeout, mcp::error_code::server_error,
                        "Request timeout while reading the body");
    // Silence on an idle keep-alive connection just ends it; a half-sent request gets a 408.
    if (!got_some) return std::nullopt;
    return json_error(base, h::status::request_timeout, mcp::error_code::server_error, "Request timeout");
  }
  if (in_body) return std::nullopt;
  if (ec == h::error::header_limit)
    return json_error(base, h::status::request_header_fields_too_large, mcp::error_code::server_error,
                      "Request header fields too large");
  if (ec.category() == h::make_error_code(h::error::bad_method).category())
    return json_error(base, h::status::bad_request, mcp::error_code::server_error,
                      "Bad Request: malformed HTTP");
  return std::nullopt;
}

template <class Stream>
awaitable<bool> HttpServer::Impl::write(Stream& s, Response& res) {
  if (stopping_) res.keep_alive(false);
  res.prepare_payload();
  lowest(s).expires_after(opt_.write_timeout);
  auto [ec, n] = co_await bhttp::async_write(s, res, kTuple);
  co_return !ec && res.keep_alive();
}

template <class Stream>
awaitable<bool> HttpServer::Impl::write_raw(Stream& s, std::string data) {
  lowest(s).expires_after(opt_.write_timeout);
  auto [ec, n] = co_await asio::async_write(s, asio::buffer(data), kTuple);
  co_return !ec;
}

template <class Stream>
awaitable<bool> HttpServer::Impl::write_sse_head(Stream& s, const Request& req,
                                                 const std::string& session_header, bool reusable) {
  Response base = make_response(req, bhttp::status::ok);
  bhttp::response<bhttp::empty_body> res{bhttp::status::ok, req.version()};
  for (const auto& f : base.base()) res.set(f.name_string(), f.value());
  res.set(bhttp::field::content_type, "text/event-stream");
  res.set(bhttp::field::cache_control, "no-cache, no-transform");
  res.set("X-Accel-Buffering", "no");
  if (!session_header.empty()) res.set("Mcp-Session-Id", session_header);
  res.keep_alive(reusable && req.keep_alive() && !stopping_);
  res.chunked(true);
  bhttp::response_serializer<bhttp::empty_body> sr(res);
  lowest(s).expires_after(opt_.write_timeout);
  auto [ec, n] = co_await bhttp::async_write_header(s, sr, kTuple);
  co_return !ec;
}

template <class Stream>
awaitable<bool> HttpServer::Impl::pump(Stream& s, EventStream& es, std::shared_ptr<Waker> waker,
                                       std::uint64_t from) {
  auto last_write = Clock::now();
  for (;;) {
    if (!es.held_by(waker)) co_return false;  // a resuming client took the stream over
    auto snap = es.read_from(from);
    if (snap.lost) {
      http::warn_fell_behind(opt_.replay_events);
      co_return false;
    }
    if (auto data = http::events_chunk(es, snap, from); !data.empty()) {
      if (!co_await write_raw(s, std::move(data))) co_return false;
      es.delivered(from);
      last_write = Clock::now();
      continue;  // look again before waiting: a wake-up may have come while writing
    }
    if (snap.ended) break;
    auto due = last_write + opt_.keepalive_interval;
    if (Clock::now() >= due) {
      if (!co_await write_raw(s, http::chunk(": keepalive\n\n"))) co_return false;
      last_write = Clock::now();
      continue;
    }
    waker->timer().expires_at(due);
    co_await waker->timer().async_wait(kTuple);
  }
  co_return co_await write_raw(s, "0\r\n\r\n");
}

template <class Stream, class After>
void HttpServer::Impl::hold(Stream& s, const std::shared_ptr<Connection>& conn,
                            std::shared_ptr<EventStream> es, std::shared_ptr<Waker> waker, std::uint64_t from,
                            After after) {
  http::HeldStreamOptions options{opt_.keepalive_interval, opt_.write_timeout, opt_.replay_events};
  auto on_end = [self = shared_from_this(), conn, after = std::move(after)] {
    after();
    conn->close = nullptr;
    self->connection_done(conn);
  };
  using OnEnd = decltype(on_end);
  auto start = [&](auto held) {
    conn->held = true;
    conn->close = [weak = std::weak_ptr(held)] {
      if (auto h = weak.lock()) h->abort();
    };
    held->start();
  };
  if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
    // A plain connection keeps only its socket: Beast's tcp_stream state (its timers) goes with the
    // coroutines; HeldStream keeps its own write deadline.
    start(std::make_shared<http::HeldStream<tcp::socket, OnEnd>>(
        s.release_socket(), std::move(es), std::move(waker), from, options, std::move(on_end)));
  } else {
    lowest(s).expires_never();
    start(std::make_shared<http::HeldStream<Stream, OnEnd>>(std::move(s), std::move(es), std::move(waker),
                                                            from, options, std::move(on_end)));
  }
}

// ---------------------------------------------------------------------------------------------------
// routing and the security checks every request passes

Response HttpServer::Impl::make_response(const Request& req, bhttp::status status) const {
  Response res{status, req.version() == 10 ? 10u : 11u};
  res.keep_alive(req.keep_alive() && !stopping_);
  add_cors(req, res);
  return res;
}

void HttpServer::Impl::add_cors(const Request& req, Response& res) const {
  auto origin = req[bhttp::field::origin];
  if (origin.empty() || !origin_allowed(origin, opt_.allowed_origins, opt_.base_url)) return;
  res.set(bhttp::field::access_control_allow_origin, origin);
  res.set(bhttp::field::vary, "Origin");
  res.set(bhttp::field::access_control_expose_headers,
          "Mcp-Session-Id, MCP-Protocol-Version, WWW-Authenticate");
}

Response HttpServer::Impl::json_error(const Request& req, bhttp::status status, int code, std::string message,
                                      json id) const {
  auto res = make_response(req, status);
  res.set(bhttp::field::content_type, "application/json");
  res.body() = mcp::serialize(mcp::make_error(id, code, std::move(message)));
  return res;
}

bool HttpServer::Impl::log_auth_failure_allowed() {
  // At most one line per second: a scanner must not flood the journal.
  long long now = std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch()).count();
  long long last = last_auth_log_.load();
  return now != last && last_auth_log_.compare_exchange_strong(last, now);
}

Response HttpServer::Impl::wrong_token(const Request& req, json id) {
  if (log_auth_failure_allowed())
    spdlog::warn("HTTP {} {}: refused a request for a session that another token opened",
                 std::string(req.method_string()),
                 std::string(req.target().substr(0, req.target().find('?'))));
  return json_error(req, bhttp::status::forbidden, mcp::error_code::server_error,
                    "Forbidden: this session was opened with another token; start a new session (initialize) "
                    "with this token",
                    std::move(id));
}

template <class Stream>
awaitable<bool> HttpServer::Impl::handle(Stream& s, Request& req, std::shared_ptr<Connection> conn) {
  TokenChecker::Match match;  // `who` points here: it must outlive the handlers below
  Who who = nullptr;
  Response res;
  switch (route(lowest(s).socket(), req, match, who, res)) {
    case Route::post_mcp:
      co_return co_await post_mcp(s, req, who);
    case Route::get_mcp:
      co_return co_await get_mcp(s, req, who, std::move(conn));
    case Route::get_sse:
      co_return co_await get_sse(s, req, who, std::move(conn));
    case Route::respond:
      break;
  }
  co_return co_await write(s, res);
}

// route() is a plain function, not part of the coroutine: the many responses it may build live on the
// thread's stack while it runs, instead of each taking room in the frame of handle(), which an open SSE
// stream keeps alive (GCC gives every local of a coroutine its own slot in the frame).
HttpServer::Impl::Route HttpServer::Impl::route(tcp::socket& socket, const Request& req,
                                                TokenChecker::Match& match, Who& who, Response& res) {
  namespace h = ::boost::beast::http;
  std::string_view target = req.target();
  auto qpos = target.find('?');
  std::string_view path = target.substr(0, qpos);
  std::string_view query = qpos == std::string_view::npos ? std::string_view{} : target.substr(qpos + 1);
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  const auto method = req.method();

  // DNS rebinding: a loopback-bound server only answers to loopback Host names.
  if (loopback_bind_ && !is_loopback_host(host_of_host_header(req[h::field::host]))) {
    res = json_error(req, h::status::forbidden, mcp::error_code::server_error,
                     "Forbidden: invalid Host header");
    return Route::respond;
  }
  if (!origin_allowed(req[h::field::origin], opt_.allowed_origins, opt_.base_url)) {
    res =
        json_error(req, h::status::forbidden, mcp::error_code::server_error, "Forbidden: origin not allowed");
    return Route::respond;
  }
  // We never offer OAuth: answering these with 404 keeps OAuth-capable clients on the static header.
  if (path.rfind("/.well-known/", 0) == 0) {
    res = json_error(req, h::status::not_found, mcp::error_code::server_error, "Not Found");
    return Route::respond;
  }
  if (path == "/healthz" && (method == h::verb::get || method == h::verb::head)) {
    res = make_response(req, h::status::ok);
    res.set(h::field::content_type, "application/json");
    res.body() = R"({"status":"ok"})";
    return Route::respond;
  }
  if (path == "/readyz" && (method == h::verb::get || method == h::verb::head)) {
    bool ready = !stopping_ && (!ready_ || ready_());
    res = make_response(req, ready ? h::status::ok : h::status::service_unavailable);
    res.set(h::field::content_type, "application/json");
    res.body() = ready ? R"({"status":"ready"})" : R"({"status":"not ready"})";
    return Route::respond;
  }
  const bool known_path = path == "/mcp" || path == "/sse" || path == "/message" || path == "/messages";
  if (method == h::verb::options && known_path) {
    // CORS preflight: browsers send it without credentials.
    res = make_response(req, h::status::no_content);
    res.set(h::field::access_control_allow_methods, "GET, POST, DELETE, OPTIONS");
    res.set(h::field::access_control_allow_headers,
            "Content-Type, Accept, Authorization, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID");
    res.set(h::field::access_control_max_age, "600");
    return Route::respond;
  }
  std::string caller;  // the rate limit's key: the token, else the client's address
  if (tokens_.enabled()) {
    if (query_has_token(query)) {
      res = json_error(req, h::status::bad_request, mcp::error_code::server_error,
                       "Bad Request: tokens are only accepted in the Authorization header");
      res.set(h::field::www_authenticate, R"(Bearer realm="cmon-mcp", error="invalid_request")");
      return Route::respond;
    }
    auto outcome = tokens_.check(req[h::field::authorization], match);
    if (outcome != AuthOutcome::ok) {
      if (log_auth_failure_allowed())
        spdlog::warn("HTTP {} {}: {} bearer token", std::string(req.method_string()), std::string(path),
                     outcome == AuthOutcome::missing ? "missing" : "invalid");
      res = json_error(req, h::status::unauthorized, mcp::error_code::session_not_found,
                       "Unauthorized: missing or invalid bearer token");
      res.set(h::field::www_authenticate, outcome == AuthOutcome::missing
                                              ? R"(Bearer realm="cmon-mcp")"
                                              : R"(Bearer realm="cmon-mcp", error="invalid_token")");
      return Route::respond;
    }
    caller = match.caller;
    who = &match;
  }

  // Prometheus metrics, behind the token like everything but the health probes.
  if (path == "/metrics" && (method == h::verb::get || method == h::verb::head)) {
    res = make_response(req, h::status::ok);
    res.set(h::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.body() = util::metrics().render();
    return Route::respond;
  }
  if (known_path && limiter_.enabled()) {
    if (caller.empty()) {
      boost::system::error_code ec;
      auto remote = socket.remote_endpoint(ec);
      caller = ec ? std::string("unknown") : remote.address().to_string();
    }
    if (int64_t wait = limiter_.admit(caller); wait > 0) {
      util::metrics().inc("mcp_http_rate_limited_total");
      res = json_error(req, h::status::too_many_requests, mcp::error_code::server_error,
                       "Too Many Requests: more than " +
                           std::to_string(static_cast<int64_t>(opt_.rate_limit_per_minute)) +
                           " requests per minute from this client; retry in " + std::to_string(wait) + " s");
      res.set(h::field::retry_after, std::to_string(wait));
      return Route::respond;
    }
  }

  if (path == "/mcp") {
    if (method == h::verb::post) return Route::post_mcp;
    if (method == h::verb::get && !opt_.stateless) return Route::get_mcp;
    if (method == h::verb::delete_ && !opt_.stateless) {
      res = delete_mcp(req, who);
      return Route::respond;
    }
    res = json_error(req, h::status::method_not_allowed, mcp::error_code::server_error, "Method not allowed");
    res.set(h::field::allow, opt_.stateless ? "POST, OPTIONS" : "GET, POST, DELETE, OPTIONS");
    return Route::respond;
  }
  if (path == "/sse" && !opt_.stateless) {
    if (method == h::verb::get) return Route::get_sse;
    res = json_error(req, h::status::method_not_allowed, mcp::error_code::server_error, "Method not allowed");
    res.set(h::field::allow, "GET, OPTIONS");
    return Route::respond;
  }
  if ((path == "/message" || path == "/messages") && !opt_.stateless) {
    if (method == h::verb::post) {
      res = post_message(req, query, who);
      return Route::respond;
    }
    res = json_error(req, h::status::method_not_allowed, mcp::error_code::server_error, "Method not allowed");
    res.set(h::field::allow, "POST, OPTIONS");
    return Route::respond;
  }
  res = json_error(req, h::status::not_found, mcp::error_code::server_error, "Not Found");
  return Route::respond;
}

// ---------------------------------------------------------------------------------------------------
// sessions

std::shared_ptr<SessionEntry> HttpServer::Impl::find_session(std::string_view id, SessionEntry::Kind kind) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(std::string(id));
  if (it == sessions_.end() || it->second->kind != kind) return nullptr;
  it->second->last_activity = Clock::now();
  return it->second;
}

void HttpServer::Impl::end_session(const std::string& id) {
  std::shared_ptr<SessionEntry> entry;
  {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return;
    entry = it->second;
    sessions_.erase(it);
  }
  entry->stream->close();
  asio::post(entry->session->strand(), [s = entry->session] { s->close(); });
}

void HttpServer::Impl::run_on_session(std::shared_ptr<mcp::Session> session, json message,
                                      std::shared_ptr<mcp::MessageSink> related,
                                      std::function<void(std::optional<json>, bool, std::string)> done) {
  auto self = shared_from_this();
  {
    std::lock_guard lock(mutex_);
    auto& r = running_[session.get()];
    r.first = session;
    ++r.second;
  }
  auto* key = session.get();
  asio::co_spawn(
      session->strand(),
      [self, session, message = std::move(message), related, done]() mutable -> awaitable<void> {
        std::optional<json> answer;
        try {
          answer = co_await self->dispatcher_.handle_message(session, std::move(message), related);
        } catch (const std::exception& e) {
          spdlog::error("HTTP: request failed: {}", e.what());
          answer = mcp::make_error(nullptr, mcp::error_code::internal_error, "Internal error");
        }
        done(std::move(answer), session->initialize_received(), session->protocol_version());
      },
      [self, key](std::exception_ptr ep) {
        if (ep) {
          try {
            std::rethrow_exception(ep);
          } catch (const std::exception& e) {
            spdlog::error("HTTP: request failed: {}", e.what());
          }
        }
        {
          std::lock_guard lock(self->mutex_);
          auto it = self->running_.find(key);
          if (it != self->running_.end() && --it->second.second == 0) self->running_.erase(it);
        }
        self->check_stopped();
      });
}

namespace {
bool contains_request(const json& message) {
  if (message.is_array()) {
    for (const auto& m : message)
      if (mcp::classify(m) == mcp::MessageKind::request) return true;
    return false;
  }
  return mcp::classify(message) == mcp::MessageKind::request;
}
}  // namespace

template <class Stream>
awaitable<bool> HttpServer::Impl::post_mcp(Stream& s, Request& req, Who who) {
  namespace h = ::boost::beast::http;
  auto content_type = lower(req[h::field::content_type]);
  if (!content_type.empty() && content_type.rfind("application/json", 0) != 0) {
    auto res = json_error(req, h::status::unsupported_media_type, mcp::error_code::server_error,
                          "Unsupported Media Type: Content-Type must be application/json");
    co_return co_await write(s, res);
  }
  // Lenient Accept: a client that names only one of the two types gets that one; nobody gets a 406.
  auto accept = req[h::field::accept];
  bool sse_ok = accepts(accept, "text/event-stream");
  bool json_ok = accepts(accept, "application/json") || !sse_ok;

  mcp::ParseFailure failure;
  auto message = mcp::parse(req.body(), &failure);
  if (!message) {
    auto res = json_error(req, h::status::bad_request, failure.code, failure.message);
    co_return co_await write(s, res);
  }
  const bool has_request = contains_request(*message);
  const bool is_init = message->is_object() && mcp::classify(*message) == mcp::MessageKind::request &&
                       (*message)["method"] == "initialize";
  std::string header_version(req["MCP-Protocol-Version"]);
  if (!header_version.empty() && !is_init && !mcp::is_supported_version(header_version)) {
    auto res = json_error(req, h::status::bad_request, mcp::error_code::server_error,
                          "Bad Request: Unsupported protocol version: " + header_version +
                              " (supported: " + supported_versions_text() + ")");
    co_return co_await write(s, res);
  }
  // The version this request speaks, for SSE priming (decided per request, as the SDK does).
  std::string version = header_version;
  if (is_init) {
    const json& params = (*message).value("params", json::object());
    version =
        std::string(mcp::negotiate_version(params.is_object() ? params.value("protocolVersion", "") : ""));
  }

  std::shared_ptr<SessionEntry> entry;
  std::shared_ptr<mcp::Session> session;
  std::string new_session_id;
  if (opt_.stateless) {
    session =
        mcp::Session::make_stateless(ex_, header_version.empty() ? mcp::kDefaultHttpVersion : header_version);
    session->set_transport("streamable_http");
    session->set_principal(principal_of(who));
  } else {
    std::string sid(req["Mcp-Session-Id"]);
    if (sid.empty()) {
      if (!is_init) {
        auto res =
            json_error(req, h::status::bad_request, mcp::error_code::server_error,
                       "Bad Request: Mcp-Session-Id header is required; start a session with initialize");
        co_return co_await write(s, res);
      }
      std::unique_lock lock(mutex_);
      if (sessions_.size() >= opt_.max_sessions) {
        lock.unlock();
        auto res = json_error(req, h::status::service_unavailable, mcp::error_code::server_error,
                              "Service Unavailable: too many sessions; retry later");
        res.set(h::field::retry_after, "5");
        co_return co_await write(s, res);
      }
      new_session_id = random_session_id();
      entry = std::make_shared<SessionEntry>();
      entry->session = std::make_shared<mcp::Session>(ex_, new_session_id);
      entry->session->set_transport("streamable_http");
      entry->session->set_principal(principal_of(who));
      entry->token = token_of(who);
      entry->stream = std::make_shared<EventStream>("g", opt_.replay_events, true);
      entry->session->set_stream(entry->stream);
      sessions_[new_session_id] = entry;
    } else {
      entry = find_session(sid, SessionEntry::Kind::streamable);
      if (!entry) {
        auto res =
            json_error(req, h::status::not_found, mcp::error_code::session_not_found, "Session not found");
        co_return co_await write(s, res);
      }
      if (entry->token != token_of(who)) {
        json id = nullptr;
        if (message->is_object() && message->contains("id")) id = (*message)["id"];
        auto res = wrong_token(req, std::move(id));
        co_return co_await write(s, res);
      }
      if (is_init) {
        auto res = json_error(req, h::status::bad_request, mcp::error_code::invalid_request,
                              "Invalid Request: Server already initialized", (*message)["id"]);
        co_return co_await write(s, res);
      }
    }
    session = entry->session;
    if (version.empty()) {
      std::lock_guard lock(mutex_);
      version = entry->version;  // no header: the session's negotiated version
    }
  }
  if (version.empty()) version = std::string(mcp::kDefaultHttpVersion);

  if (!has_request) {
    // Notifications and responses (e.g. an elicitation answer): accepted once the dispatcher saw them.
    auto waker = std::make_shared<Waker>(lowest(s).get_executor());
    auto result = std::make_shared<std::optional<std::optional<json>>>();
    run_on_session(session, std::move(*message), entry ? entry->stream : nullptr,
                   [result, waker](std::optional<json> answer, bool, std::string) {
                     *result = std::move(answer);
                     waker->wake();
                   });
    while (!result->has_value()) {
      waker->timer().expires_after(std::chrono::hours(1));
      co_await waker->timer().async_wait(kTuple);
    }
    if (result->value()) {
      auto res = make_response(req, h::status::bad_request);
      res.set(h::field::content_type, "application/json");
      res.body() = mcp::serialize(*result->value());
      co_return co_await write(s, res);
    }
    auto res = make_response(req, h::status::accepted);
    co_return co_await write(s, res);
  }

  auto post = std::make_shared<EventStream>("p", opt_.replay_events, true);
  std::string stream_id;  // the key under which the session keeps this POST stream for replay
  if (entry) {
    std::unique_lock lock(mutex_);
    if (entry->in_flight >= opt_.max_in_flight_per_session) {
      lock.unlock();
      auto res = json_error(req, h::status::too_many_requests, mcp::error_code::server_error,
                            "Too Many Requests: " + std::to_string(opt_.max_in_flight_per_session) +
                                " requests are already running in this session");
      res.set(h::field::retry_after, "1");
      co_return co_await write(s, res);
    }
    ++entry->in_flight;
    stream_id = "p" + std::to_string(entry->next_post++);
    post = std::make_shared<EventStream>(stream_id, opt_.replay_events, true);
    entry->posts[stream_id] = post;
    entry->post_order.push_back(stream_id);
    while (entry->post_order.size() > opt_.replay_streams) {
      auto oldest = entry->posts.find(entry->post_order.front());
      // A stream still being answered stays; the bound applies to finished ones.
      if (oldest != entry->posts.end() && !oldest->second->finished()) break;
      if (oldest != entry->posts.end()) entry->posts.erase(oldest);
      entry->post_order.erase(entry->post_order.begin());
    }
  }
  std::shared_ptr<mcp::MessageSink> related = post;
  if (!sse_ok) related = entry ? std::shared_ptr<mcp::MessageSink>(entry->stream) : nullptr;

  auto self = shared_from_this();
  run_on_session(session, std::move(*message), related,
                 [self, post, entry, new_session_id](std::optional<json> answer, bool initialized,
                                                     std::string negotiated) {
                   if (entry) {
                     std::lock_guard lock(self->mutex_);
                     --entry->in_flight;
                     if (initialized) entry->version = std::move(negotiated);
                     entry->last_activity = Clock::now();
                   }
                   post->finish(std::move(answer));
                   // A failed initialize leaves no session behind.
                   if (!new_session_id.empty() && !initialized) self->end_session(new_session_id);
                 });

  // Pending until the answer or the first related message decides between JSON and SSE.
  auto waker = std::make_shared<Waker>(lowest(s).get_executor());
  post->attach(waker);
  while (!post->finished() && post->related_count() == 0) {
    waker->timer().expires_after(std::chrono::hours(1));
    co_await waker->timer().async_wait(kTuple);
  }
  std::string session_header;
  if (!new_session_id.empty()) {
    auto a = post->answer();
    if (!post->finished() || (a && a->contains("result"))) session_header = new_session_id;
  }
  if (post->finished() && post->related_count() == 0 && json_ok) {
    post->detach(waker);
    // Answered as a JSON body: no event id went out, so there is nothing a client could resume.
    // Keeping the stream (and its answer) for replay would only cost memory per session.
    if (entry) forget_post(*entry, stream_id);
    auto a = post->answer();
    auto res = make_response(req, a ? h::status::ok : h::status::accepted);
    if (a) {
      res.set(h::field::content_type, "application/json");
      res.body() = mcp::serialize(*a);
    }
    if (!session_header.empty()) res.set("Mcp-Session-Id", session_header);
    co_return co_await write(s, res);
  }
  bool ok = co_await write_sse_head(s, req, session_header, true);
  if (ok && mcp::wants_sse_priming(version))
    ok = co_await write_raw(s, http::chunk(sse_event("", post->event_id(0), {}, opt_.sse_retry.count())));
  if (ok) ok = co_await pump(s, *post, waker, 1);
  post->detach(waker);
  co_return ok&& req.keep_alive() && !stopping_;
}

template <class Stream>
awaitable<bool> HttpServer::Impl::get_mcp(Stream& s, Request& req, Who who,
                                          std::shared_ptr<Connection> conn) {
  namespace h = ::boost::beast::http;
  if (!accepts(req[h::field::accept], "text/event-stream")) {
    auto res = json_error(req, h::status::not_acceptable, mcp::error_code::server_error,
                          "Not Acceptable: Client must accept text/event-stream");
    co_return co_await write(s, res);
  }
  std::string sid(req["Mcp-Session-Id"]);
  if (sid.empty()) {
    auto res = json_error(req, h::status::bad_request, mcp::error_code::server_error,
                          "Bad Request: Mcp-Session-Id header is required");
    co_return co_await write(s, res);
  }
  auto entry = find_session(sid, SessionEntry::Kind::streamable);
  if (!entry) {
    auto res = json_error(req, h::status::not_found, mcp::error_code::session_not_found, "Session not found");
    co_return co_await write(s, res);
  }
  if (entry->token != token_of(who)) {
    auto res = wrong_token(req);
    co_return co_await write(s, res);
  }
  std::string header_version(req["MCP-Protocol-Version"]);
  if (!header_version.empty() && !mcp::is_supported_version(header_version)) {
    auto res = json_error(req, h::status::bad_request, mcp::error_code::server_error,
                          "Bad Request: Unsupported protocol version: " + header_version);
    co_return co_await write(s, res);
  }
  std::shared_ptr<EventStream> es = entry->stream;
  std::uint64_t from = 0;
  std::string last_id(req["Last-Event-ID"]);
  if (!last_id.empty()) {
    auto parsed = http::parse_event_id(last_id);
    std::shared_ptr<EventStream> found;
    if (parsed) {
      std::lock_guard lock(mutex_);
      if (parsed->first == es->id()) {
        found = es;
      } else if (auto it = entry->posts.find(parsed->first); it != entry->posts.end()) {
        found = it->second;
      }
    }
    if (!found || parsed->second >= found->next_seq()) {
      auto res = json_error(req, h::status::bad_request, mcp::error_code::server_error,
                            "Bad Request: unknown Last-Event-ID");
      co_return co_await write(s, res);
    }
    es = found;
    from = parsed->second + 1;
  } else {
    from = es->next_seq();
  }
  auto waker = std::make_shared<Waker>(lowest(s).get_executor());
  if (!es->attach(waker, !last_id.empty())) {
    auto res = json_error(req, h::status::conflict, mcp::error_code::server_error,
                          "Conflict: Only one SSE stream is allowed per session");
    co_return co_await write(s, res);
  }
  std::string version = header_version;
  if (version.empty()) {
    std::lock_guard lock(mutex_);
    version = entry->version.empty() ? std::string(mcp::kDefaultHttpVersion) : entry->version;
  }
  bool ok = co_await write_sse_head(s, req, {}, false);
  if (ok && mcp::wants_sse_priming(version))
    ok =
        co_await write_raw(s, http::chunk(sse_event("", es->event_id(from - 1), {}, opt_.sse_retry.count())));
  auto touch = [self = shared_from_this(), entry] {
    std::lock_guard lock(self->mutex_);
    entry->last_activity = Clock::now();
  };
  if (ok) {
    hold(s, conn, es, waker, from, std::move(touch));
  } else {
    es->detach(waker);
    touch();
  }
  co_return false;
}

Response HttpServer::Impl::delete_mcp(const Request& req, Who who) {
  namespace h = ::boost::beast::http;
  std::string sid(req["Mcp-Session-Id"]);
  if (sid.empty())
    return json_error(req, h::status::bad_request, mcp::error_code::server_error,
                      "Bad Request: Mcp-Session-Id header is required");
  auto entry = find_session(sid, SessionEntry::Kind::streamable);
  if (!entry)
    return json_error(req, h::status::not_found, mcp::error_code::session_not_found, "Session not found");
  if (entry->token != token_of(who)) return wrong_token(req);
  end_session(sid);
  return make_response(req, h::status::ok);
}

template <class Stream>
awaitable<bool> HttpServer::Impl::get_sse(Stream& s, Request& req, Who who,
                                          std::shared_ptr<Connection> conn) {
  namespace h = ::boost::beast::http;
  auto entry = std::make_shared<SessionEntry>();
  std::string id;
  {
    std::unique_lock lock(mutex_);
    if (sessions_.size() >= opt_.max_sessions) {
      lock.unlock();
      auto res = json_error(req, h::status::service_unavailable, mcp::error_code::server_error,
                            "Service Unavailable: too many sessions; retry later");
      res.set(h::field::retry_after, "5");
      co_return co_await write(s, res);
    }
    id = random_session_id();
    entry->kind = SessionEntry::Kind::legacy;
    if (auto* strand = lowest(s).get_executor().template target<mcp::Session::Strand>())
      entry->session = std::make_shared<mcp::Session>(*strand, id);
    else
      entry->session = std::make_shared<mcp::Session>(ex_, id);
    entry->session->set_transport("sse");
    entry->session->set_principal(principal_of(who));
    entry->token = token_of(who);
    entry->stream = std::make_shared<EventStream>("l", opt_.replay_events, false);
    entry->session->set_stream(entry->stream);
    sessions_[id] = entry;
  }
  std::string endpoint;
  if (!opt_.base_url.empty()) {
    endpoint = opt_.base_url;
    while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  }
  endpoint += "/message?sessionId=" + id;
  entry->stream->push("endpoint", endpoint);
  auto waker = std::make_shared<Waker>(lowest(s).get_executor());
  entry->stream->attach(waker);
  // The session lives as long as its stream (§16.2).
  auto end = [self = shared_from_this(), session = entry->session] { self->end_session(session->id()); };
  if (co_await write_sse_head(s, req, {}, false)) {
    hold(s, conn, entry->stream, waker, 1, std::move(end));
  } else {
    entry->stream->detach(waker);
    end();
  }
  co_return false;
}

Response HttpServer::Impl::post_message(const Request& req, std::string_view query, Who who) {
  namespace h = ::boost::beast::http;
  auto sid = query_param(query, "sessionId");
  if (!sid || sid->empty())
    return json_error(req, h::status::bad_request, mcp::error_code::server_error,
                      "Bad Request: sessionId query parameter is required");
  auto entry = find_session(*sid, SessionEntry::Kind::legacy);
  if (!entry)
    return json_error(req, h::status::not_found, mcp::error_code::session_not_found, "Session not found");
  if (entry->token != token_of(who)) return wrong_token(req);
  auto content_type = lower(req[h::field::content_type]);
  if (!content_type.empty() && content_type.rfind("application/json", 0) != 0)
    return json_error(req, h::status::unsupported_media_type, mcp::error_code::server_error,
                      "Unsupported Media Type: Content-Type must be application/json");
  mcp::ParseFailure failure;
  auto message = mcp::parse(req.body(), &failure);
  if (!message) return json_error(req, h::status::bad_request, failure.code, failure.message);
  bool has_request = contains_request(*message);
  if (has_request) {
    std::lock_guard lock(mutex_);
    if (entry->in_flight >= opt_.max_in_flight_per_session) {
      auto res = json_error(req, h::status::too_many_requests, mcp::error_code::server_error,
                            "Too Many Requests: too many requests are already running in this session");
      res.set(h::field::retry_after, "1");
      return res;
    }
    ++entry->in_flight;
  }
  auto self = shared_from_this();
  auto stream = entry->stream;
  run_on_session(entry->session, std::move(*message), stream,
                 [self, entry, stream, has_request](std::optional<json> answer, bool, std::string) {
                   if (has_request) {
                     std::lock_guard lock(self->mutex_);
                     --entry->in_flight;
                   }
                   if (answer) stream->send(*answer);
                 });
  auto res = make_response(req, h::status::accepted);
  res.set(h::field::content_type, "text/plain");
  res.body() = "Accepted";
  return res;
}

// ---------------------------------------------------------------------------------------------------

HttpServer::HttpServer(asio::any_io_executor executor, HttpServerOptions options, mcp::Dispatcher& dispatcher,
                       ReadinessCheck ready)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(options), dispatcher, std::move(ready))) {}

HttpServer::~HttpServer() {
  impl_->stop_now();
}

Expected<tcp::endpoint, std::string> HttpServer::start() {
  return impl_->start();
}

std::uint16_t HttpServer::port() const {
  return impl_->port();
}

void HttpServer::stop(std::chrono::milliseconds deadline, std::function<void()> on_stopped) {
  impl_->stop(deadline, std::move(on_stopped));
}

void HttpServer::serve_connection(tcp::socket socket) {
  impl_->adopt(std::move(socket));
}

size_t HttpServer::session_count() const {
  return impl_->session_count();
}

}  // namespace cmon_mcp::transport
