// Beast synchronous HTTPS for tests (verification off, as CMON controllers use self-signed certs).
#include "rpc_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace cmon_mcp::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct RpcClient::Conn {
  asio::io_context ioc;
  asio::ssl::context ctx{asio::ssl::context::tls_client};
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> stream;
  beast::flat_buffer buffer;
};

RpcClient::RpcClient(uint16_t port, bool keep_alive)
    : port_(port), keep_alive_(keep_alive), conn_(std::make_unique<Conn>()) {
  conn_->ctx.set_verify_mode(asio::ssl::verify_none);
}
RpcClient::~RpcClient() = default;

RpcResponse RpcClient::request(const std::string& method, const std::string& path, const std::string& body) {
  RpcResponse out;
  auto& c = *conn_;
  beast::error_code ec;
  auto timeout = std::chrono::milliseconds(timeout_ms);
  bool reused = c.stream != nullptr;
  if (!c.stream) {
    c.stream = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(c.ioc, c.ctx);
    c.buffer.clear();
    auto& tcp_layer = beast::get_lowest_layer(*c.stream);
    tcp_layer.expires_after(timeout);
    tcp_layer.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
    if (!ec) {
      ++connections_opened;
      // Beast's sync ops ignore tcp_stream deadlines; a socket timeout keeps a stuck test from hanging.
      timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
      ::setsockopt(tcp_layer.socket().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      ::setsockopt(tcp_layer.socket().native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
      c.stream->handshake(asio::ssl::stream_base::client, ec);
    }
    if (ec) {
      out.error = "connect: " + ec.message();
      c.stream.reset();
      return out;
    }
  }
  http::request<http::string_body> req{method == "GET" ? http::verb::get : http::verb::post, path, 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::user_agent, "cmon-mcp-tests");
  req.set(http::field::accept, "application/json");
  if (method != "GET") req.set(http::field::content_type, "application/json");
  if (!cookie.empty()) req.set(http::field::cookie, "cmon-sid=" + cookie);
  req.keep_alive(keep_alive_);
  req.body() = body;
  req.prepare_payload();
  http::write(*c.stream, req, ec);
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (!ec) http::read(*c.stream, c.buffer, parser, ec);
  if (ec && reused && !parser.is_header_done()) {
    // The server closed an idle keep-alive connection: reconnect and send once more.
    c.stream.reset();
    return request(method, path, body);
  }
  if (ec) {
    out.error = ec.message();
    c.stream.reset();
    return out;
  }
  auto res = parser.release();
  out.http_status = static_cast<int>(res.result_int());
  out.server = std::string(res[http::field::server]);
  out.connection = std::string(res[http::field::connection]);
  out.set_cookie = std::string(res[http::field::set_cookie]);
  out.body = res.body();
  out.json = nlohmann::json::parse(out.body, nullptr, false);
  if (!out.set_cookie.empty() && out.set_cookie.rfind("cmon-sid=", 0) == 0) {
    auto end = out.set_cookie.find(';');
    cookie = out.set_cookie.substr(9, end == std::string::npos ? std::string::npos : end - 9);
  }
  if (!keep_alive_ || !res.keep_alive()) {
    beast::error_code ignored;
    c.stream->shutdown(ignored);
    c.stream.reset();
  }
  return out;
}

RpcResponse RpcClient::call(const std::string& path, const nlohmann::json& body) {
  return request("POST", path, body.dump());
}

bool RpcClient::login(const std::string& user, const std::string& password) {
  auto r = call("/v2/auth",
                {{"operation", "authenticateWithPassword"}, {"user_name", user}, {"password", password}});
  return r.ok();
}

}  // namespace cmon_mcp::test
