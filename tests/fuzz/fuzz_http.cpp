// Fuzzes the HTTP request path: raw bytes go through Beast's request parser, the transport's checks
// (token, Origin/Host, media types, limits, sessions) and router into the real dispatcher with every
// real tool (CMON answering with scripted replies), in memory: the bytes travel over a socket pair
// handed to HttpServer::serve_connection, no port is opened.
//
// Input: an optional first line "opts: ..." with words "stateless" (stateless mode) and "open" (no
// bearer token; otherwise "Bearer fuzz-token" is required). The rest is sent on one connection and
// the write side closed. A line "@@" splits it in two: the second part goes on a second connection
// once the first has returned a session id (Mcp-Session-Id header or the legacy endpoint event's
// sessionId), with every "@SID@" replaced by that id. Lines "CMON <body>" before the HTTP bytes queue
// CMON replies (see cmon_fuzz_support.hpp).
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "cmon_fuzz_support.hpp"
#include "cmon_mcp/mcp/dispatcher.hpp"
#include "cmon_mcp/transport/http_server.hpp"

using namespace cmon_mcp;
using stream_protocol = asio::local::stream_protocol;

namespace {

constexpr auto kTuple = asio::as_tuple(use_awaitable);

// The server's end as the TCP socket HttpServer expects, the client's end as a local stream socket.
std::pair<asio::ip::tcp::socket, stream_protocol::socket> socket_pair(asio::io_context& io) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) std::abort();
  asio::ip::tcp::socket server(asio::make_strand(io));
  server.assign(asio::ip::tcp::v4(), fds[0]);
  stream_protocol::socket client(io);
  client.assign(stream_protocol(), fds[1]);
  return {std::move(server), std::move(client)};
}

std::string find_session_id(const std::string& received) {
  std::string lower = received;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view key : {"mcp-session-id: ", "sessionid="}) {
    auto at = lower.find(key);
    if (at == std::string::npos) continue;
    at += key.size();
    auto end = received.find_first_of("\r\n&\" ", at);
    return received.substr(at, end == std::string::npos ? std::string::npos : end - at);
  }
  return {};
}

// Writes `data`, optionally closes the write side, and collects what the server sends until it closes
// the connection or `until` says enough.
awaitable<void> exchange(stream_protocol::socket& client, std::string data, bool close_write,
                         std::string& received, std::function<bool()> until = {}) {
  if (!data.empty()) {
    auto [ec, n] = co_await asio::async_write(client, asio::buffer(data), kTuple);
    if (ec) co_return;
  }
  boost::system::error_code ignored;
  if (close_write) client.shutdown(stream_protocol::socket::shutdown_send, ignored);
  char buf[4096];
  while (!(until && until())) {
    auto [ec, n] = co_await client.async_read_some(asio::buffer(buf), kTuple);
    received.append(buf, n);
    if (ec) co_return;
  }
}

void replace_all(std::string& s, std::string_view from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static tools::Registry registry = fuzz::real_tools();
  std::string text(reinterpret_cast<const char*>(data), size);

  transport::HttpServerOptions options;
  options.auth_tokens = {"fuzz-token"};
  if (text.rfind("opts:", 0) == 0) {
    auto nl = text.find('\n');
    std::string opts = text.substr(0, nl);
    text.erase(0, nl == std::string::npos ? text.size() : nl + 1);
    if (opts.find("stateless") != std::string::npos) options.stateless = true;
    if (opts.find("open") != std::string::npos) options.auth_tokens.clear();
  }
  // Small limits and deadlines so that the fuzzer reaches the 413/431/408 paths and never waits long.
  options.max_body_bytes = 2048;
  options.max_header_bytes = 1024;
  options.header_timeout = std::chrono::milliseconds(200);
  options.body_timeout = std::chrono::milliseconds(200);
  options.write_timeout = std::chrono::milliseconds(200);
  options.keepalive_interval = std::chrono::milliseconds(50);
  options.max_sessions = 4;
  options.max_in_flight_per_session = 4;

  fuzz::ScriptedCmon cmon;
  while (text.rfind("CMON ", 0) == 0) {
    auto nl = text.find('\n');
    cmon.add_reply(std::string_view(text).substr(5, nl == std::string::npos ? std::string::npos : nl - 5));
    text.erase(0, nl == std::string::npos ? text.size() : nl + 1);
  }
  std::string second;
  bool two_parts = false;
  if (auto split = text.find("\n@@\n"); split != std::string::npos) {
    second = text.substr(split + 4);
    text.resize(split + 1);
    two_parts = true;
  }

  mcp::Dispatcher dispatcher(fuzz::dispatcher_options(), registry, cmon);
  asio::io_context io;
  transport::HttpServer server(io.get_executor(), options, dispatcher, [] { return true; });

  auto pair = socket_pair(io);
  server.serve_connection(std::move(pair.first));
  stream_protocol::socket client = std::move(pair.second);
  std::string received;
  std::string received2;
  stream_protocol::socket client2(io);
  asio::co_spawn(
      io,
      [&]() -> awaitable<void> {
        if (!two_parts) {
          co_await exchange(client, std::move(text), true, received);
          co_return;
        }
        // The first connection stays open (a legacy session lives as long as its /sse stream).
        std::string sid;
        co_await exchange(client, std::move(text), false, received, [&] {
          sid = find_session_id(received);
          return !sid.empty() && received.find("\r\n\r\n") != std::string::npos;
        });
        if (sid.empty()) co_return;
        replace_all(second, "@SID@", sid);
        auto [server2, c2] = socket_pair(io);
        client2 = std::move(c2);
        server.serve_connection(std::move(server2));
        co_await exchange(client2, std::move(second), true, received2);
        boost::system::error_code ignored;
        client.shutdown(stream_protocol::socket::shutdown_send, ignored);
      },
      asio::detached);
  io.run_for(std::chrono::seconds(2));
  bool stopped = false;
  io.restart();
  server.stop(std::chrono::milliseconds(0), [&] { stopped = true; });
  for (int i = 0; i < 100 && !stopped; ++i) io.run_for(std::chrono::milliseconds(10));
  return 0;
}
