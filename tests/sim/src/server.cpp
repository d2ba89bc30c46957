// HTTPS RPC server and admin HTTP server (Boost.Beast, C++20 coroutines, one io thread).
#include "cmon_sim/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <set>

#include <spdlog/spdlog.h>

#include "cmon_mcp/util/asio.hpp"
#include "cmon_sim/engine.hpp"
#include "cmon_sim/tls.hpp"

namespace cmon_sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using cmon_mcp::awaitable;
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

namespace {

struct Fault {
  std::string mode = "none";
  int delay_ms = 0;
  int64_t count = -1;  // -1 = until reset
  std::string operation;
};

struct ServerStats {
  int64_t connections_accepted = 0;
  int64_t tls_handshakes = 0;
};

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

}  // namespace

struct Simulator::Impl {
  SimOptions options;
  // Destroyed first (~Impl): its pending coroutine frames refer to the members below (`live`, `engine`,
  // `stats`) and must go while those still exist.
  std::unique_ptr<asio::io_context> ioc_owner = std::make_unique<asio::io_context>(1);
  asio::io_context& ioc = *ioc_owner;
  asio::ssl::context ssl{asio::ssl::context::tls_server};
  std::unique_ptr<Engine> engine;
  TlsMaterial tls;
  std::unique_ptr<tcp::acceptor> rpc_acceptor;
  std::unique_ptr<tcp::acceptor> admin_acceptor;
  tcp::endpoint rpc_endpoint;
  uint16_t admin_port_ = 0;
  std::set<beast::tcp_stream*> live;  // open RPC connections, closed by the "down" fault
  Fault fault;
  ServerStats stats;
  bool stopping = false;

  explicit Impl(SimOptions o) : options(std::move(o)) {}
  ~Impl() {
    rpc_acceptor.reset();
    admin_acceptor.reset();
    ioc_owner.reset();
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  // ------------------------------------------------------------ RPC side

  void open_rpc_listener() {
    rpc_acceptor = std::make_unique<tcp::acceptor>(ioc);
    rpc_acceptor->open(rpc_endpoint.protocol());
    rpc_acceptor->set_option(asio::socket_base::reuse_address(true));
    rpc_acceptor->bind(rpc_endpoint);
    rpc_acceptor->listen();
    rpc_endpoint = rpc_acceptor->local_endpoint();
    asio::co_spawn(ioc, accept_rpc(rpc_acceptor.get()), asio::detached);
  }

  void go_down() {
    if (rpc_acceptor) {
      beast::error_code ec;
      rpc_acceptor->close(ec);
      rpc_acceptor.reset();
    }
    for (auto* s : live) s->close();
  }

  awaitable<void> accept_rpc(tcp::acceptor* acceptor) {
    for (;;) {
      auto [ec, sock] = co_await acceptor->async_accept(tuple_awaitable);
      if (ec) co_return;  // closed by the "down" fault or at shutdown
      ++stats.connections_accepted;
      // A reply is written in several TLS records: without this, the last short segment of a large
      // reply waits for the client's delayed ACK (40 ms on Linux), as a real HTTP server would not let it.
      boost::system::error_code nec;
      sock.set_option(tcp::no_delay(true), nec);
      asio::co_spawn(ioc, rpc_session(std::move(sock)), asio::detached);
    }
  }

  // Should this request get the configured fault? Consumes one unit of `count`.
  bool fault_applies(const std::string& operation) {
    if (fault.mode == "none" || fault.mode == "down") return false;
    if (!fault.operation.empty() && lower(fault.operation) != lower(operation)) return false;
    if (fault.count == 0) return false;
    if (fault.count > 0) --fault.count;
    return true;
  }

  awaitable<void> rpc_session(tcp::socket sock) {
    beast::ssl_stream<beast::tcp_stream> stream(std::move(sock), ssl);
    beast::tcp_stream* lowest = &beast::get_lowest_layer(stream);
    live.insert(lowest);
    struct Untrack {
      std::set<beast::tcp_stream*>& set;
      beast::tcp_stream* s;
      ~Untrack() { set.erase(s); }
    } untrack{live, lowest};

    lowest->expires_after(std::chrono::seconds(10));
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, tuple_awaitable);
    if (hec) co_return;
    ++stats.tls_handshakes;
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(16 * 1024 * 1024);
      lowest->expires_after(std::chrono::seconds(options.connection_idle_s));
      auto [rec, n] = co_await http::async_read(stream, buffer, parser, tuple_awaitable);
      if (rec) break;  // EOF, idle timeout, garbage, or closed by "down"
      auto req = parser.release();
      bool keep_alive = req.keep_alive();
      std::string operation = Engine::operation_of(req.body());

      std::string mode = fault_applies(operation) ? fault.mode : "none";
      if (mode == "delay") {
        asio::steady_timer t(ioc, std::chrono::milliseconds(fault.delay_ms));
        co_await t.async_wait(tuple_awaitable);
        if (!live.count(lowest)) co_return;
      }
      if (mode == "drop") {
        ++engine->mutable_stats().requests;
        std::string partial = "HTTP/1.1 200 OK\r\nServer: cmon/1.8.2\r\nContent-Type: appl";
        lowest->expires_after(std::chrono::seconds(5));
        co_await asio::async_write(stream, asio::buffer(partial), tuple_awaitable);
        lowest->close();
        co_return;
      }

      http::response<http::string_body> res;
      res.version(req.version());
      res.set(http::field::server, "cmon/1.8.2");
      if (mode == "html500") {
        ++engine->mutable_stats().requests;
        res.result(http::status::internal_server_error);
        res.set(http::field::content_type, "text/html");
        res.body() =
            "<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1>"
            "<p>The server encountered an internal error.</p></body></html>";
      } else {
        std::string cookie(req[http::field::cookie]);
        std::string method(req.method_string());
        HttpReply reply = engine->handle(method, std::string(req.target()), req.body(), cookie);
        if (mode == "wrong_status") {
          reply.status = 200;
          reply.body["request_status"] = "SimulatedUnknownStatus";
          reply.body["error_string"] = "An unknown status was injected by the simulator.";
        }
        res.result(static_cast<http::status>(reply.status));
        res.set(http::field::content_type, "application/json");
        if (reply.set_cookie)
          res.set(http::field::set_cookie, "cmon-sid=" + *reply.set_cookie + "; Path=/; HttpOnly; Secure");
        std::string body = render_reply(reply);
        if (mode == "malformed") {
          res.result(http::status::ok);
          body = body.substr(0, body.size() / 2);
        }
        res.body() = std::move(body);
      }
      res.keep_alive(keep_alive);
      res.prepare_payload();
      lowest->expires_after(std::chrono::seconds(30));
      auto [wec, wn] = co_await http::async_write(stream, res, tuple_awaitable);
      if (wec || !keep_alive) break;
    }
    if (live.count(lowest)) {
      lowest->expires_after(std::chrono::seconds(2));
      co_await stream.async_shutdown(tuple_awaitable);
      lowest->close();
    }
  }

  // ------------------------------------------------------------ admin side

  awaitable<void> accept_admin() {
    for (;;) {
      auto [ec, sock] = co_await admin_acceptor->async_accept(tuple_awaitable);
      if (ec) co_return;
      asio::co_spawn(ioc, admin_session(std::move(sock)), asio::detached);
    }
  }

  std::pair<int, json> admin_route(const std::string& method, const std::string& target,
                                   const std::string& body) {
    json in = body.empty() ? json::object() : json::parse(body, nullptr, false);
    if (method == "POST" && !in.is_object())
      return {400, {{"ok", false}, {"error", "body is not a JSON object"}}};
    if (method == "POST" && target == "/faults") {
      static const std::set<std::string> modes = {"none",      "down",    "delay",       "drop",
                                                  "malformed", "html500", "wrong_status"};
      std::string mode = in.value("mode", std::string("none"));
      if (!in["mode"].is_string() || !modes.count(mode))
        return {400, {{"ok", false}, {"error", "unknown fault mode"}}};
      Fault f;
      f.mode = mode;
      if (in.contains("delay_ms") && in["delay_ms"].is_number())
        f.delay_ms = std::max(0, in["delay_ms"].get<int>());
      if (in.contains("count") && in["count"].is_number_integer())
        f.count = std::max<int64_t>(0, in["count"].get<int64_t>());
      if (in.contains("operation") && in["operation"].is_string()) f.operation = in["operation"];
      bool was_down = fault.mode == "down";
      fault = f;
      if (mode == "down" && !was_down) go_down();
      if (mode != "down" && was_down) {
        try {
          open_rpc_listener();
        } catch (const std::exception& ex) {
          return {500, {{"ok", false}, {"error", std::string("cannot re-open the listener: ") + ex.what()}}};
        }
      }
      return {200, {{"ok", true}}};
    }
    if (method == "POST" && target == "/sessions/expire") {
      engine->expire_sessions();
      return {200, {{"ok", true}}};
    }
    if (method == "POST" && target == "/config") {
      if (in.contains("auth_required_http_status")) {
        int s = in.value("auth_required_http_status", 401);
        if (s != 401 && s != 200)
          return {400, {{"ok", false}, {"error", "auth_required_http_status must be 401 or 200"}}};
        engine->set_auth_required_http_status(s);
      }
      if (in.contains("session_idle_s") && in["session_idle_s"].is_number())
        engine->set_session_idle_s(in["session_idle_s"].get<int>());
      if (in.contains("job_speed") && in["job_speed"].is_number())
        engine->set_job_speed(in["job_speed"].get<double>());
      return {200, {{"ok", true}}};
    }
    if (method == "GET" && target == "/stats") {
      const auto& s = engine->stats();
      return {200,
              {{"logins", s.logins},
               {"password_logins", s.password_logins},
               {"key_logins", s.key_logins},
               {"failed_logins", s.failed_logins},
               {"connections_accepted", stats.connections_accepted},
               {"tls_handshakes", stats.tls_handshakes},
               {"requests", s.requests},
               {"operations", s.operations}}};
    }
    if (method == "POST" && target == "/stats/reset") {
      engine->reset_stats();
      stats = {};
      return {200, {{"ok", true}}};
    }
    if (method == "GET" && target == "/state") return {200, engine->state_json()};
    if (method == "GET" && target.rfind("/state/jobs/", 0) == 0) {
      std::string id = target.substr(12);
      if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos)
        return {404, {{"ok", false}, {"error", "no such job"}}};
      auto j = engine->job_state(std::stoll(id));
      if (!j) return {404, {{"ok", false}, {"error", "no such job"}}};
      return {200, *j};
    }
    return {404, {{"ok", false}, {"error", "unknown admin endpoint " + method + " " + target}}};
  }

  awaitable<void> admin_session(tcp::socket sock) {
    beast::tcp_stream stream(std::move(sock));
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(1024 * 1024);
      stream.expires_after(std::chrono::seconds(30));
      auto [ec, n] = co_await http::async_read(stream, buffer, parser, tuple_awaitable);
      if (ec) break;
      auto req = parser.release();
      engine->model_changed();  // an admin request may change the model behind any cached reply
      auto [status, body] =
          admin_route(std::string(req.method_string()), std::string(req.target()), req.body());
      http::response<http::string_body> res{static_cast<http::status>(status), req.version()};
      res.set(http::field::server, "cmon-sim-admin");
      res.set(http::field::content_type, "application/json");
      res.body() = body.dump();
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      auto [wec, wn] = co_await http::async_write(stream, res, tuple_awaitable);
      if (wec || !req.keep_alive()) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }
};

Simulator::Simulator(SimOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Simulator::~Simulator() = default;

cmon_mcp::Expected<bool, std::string> Simulator::start() {
  auto& d = *impl_;
  auto engine = Engine::create(d.options);
  if (!engine) return cmon_mcp::unexpected(engine.error());
  d.engine = std::move(*engine);
  auto tls =
      d.options.tls_cert.empty() ? make_self_signed() : load_tls_files(d.options.tls_cert, d.options.tls_key);
  if (!tls) return cmon_mcp::unexpected(tls.error());
  d.tls = std::move(*tls);
  try {
    d.ssl.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                      asio::ssl::context::no_tlsv1_1);
    d.ssl.use_certificate_chain(asio::buffer(d.tls.cert_pem));
    d.ssl.use_private_key(asio::buffer(d.tls.key_pem), asio::ssl::context::pem);
    auto addr = asio::ip::make_address(d.options.bind_host);
    d.rpc_endpoint = tcp::endpoint(addr, d.options.bind_port);
    d.open_rpc_listener();
    auto admin_addr = asio::ip::make_address(d.options.admin_host);
    if (!admin_addr.is_loopback())
      return cmon_mcp::unexpected(std::string("the admin API listens on loopback only"));
    d.admin_acceptor =
        std::make_unique<tcp::acceptor>(d.ioc, tcp::endpoint(admin_addr, d.options.admin_port));
    d.admin_port_ = d.admin_acceptor->local_endpoint().port();
    asio::co_spawn(d.ioc, d.accept_admin(), asio::detached);
  } catch (const std::exception& ex) {
    return cmon_mcp::unexpected(std::string("cannot listen: ") + ex.what());
  }
  return true;
}

void Simulator::run() {
  auto& d = *impl_;
  asio::signal_set signals(d.ioc, SIGINT, SIGTERM);
  signals.async_wait([this](const boost::system::error_code& ec, int) {
    if (!ec) stop();
  });
  d.ioc.run();
}

void Simulator::stop() {
  asio::post(impl_->ioc, [this] {
    auto& d = *impl_;
    d.stopping = true;
    d.go_down();
    beast::error_code ec;
    if (d.admin_acceptor) d.admin_acceptor->close(ec);
    d.ioc.stop();
  });
}

uint16_t Simulator::port() const {
  return impl_->rpc_endpoint.port();
}
uint16_t Simulator::admin_port() const {
  return impl_->admin_port_;
}
const std::string& Simulator::fingerprint() const {
  return impl_->tls.fingerprint;
}

}  // namespace cmon_sim
