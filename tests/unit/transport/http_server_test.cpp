// Raw-HTTP tests of the HTTP transports: a real HttpServer with the conformance fixtures on 127.0.0.1:0,
// driven by a plain POSIX socket client so that every status line and header is visible.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <map>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include "cmon_mcp/mcp/dispatcher.hpp"
#include "cmon_mcp/transport/http_server.hpp"
#include "cmon_mcp/util/sha256.hpp"
#include "fixtures.hpp"

using namespace cmon_mcp;
using nlohmann::json;

namespace {

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  json json_body() const { return json::parse(body); }
};

struct Event {
  std::string id, name, data;
  bool comment_only = false;
};

// A blocking HTTP/1.1 client over one TCP connection. Reads time out after 10 s so that a broken
// server fails the test instead of hanging it.
class Client {
 public:
  // `receive_buffer`: a small SO_RCVBUF (bytes) for a client that reads slowly or not at all.
  explicit Client(std::uint16_t port, int receive_buffer = 0) : port_(port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::runtime_error("connect");
  }
  ~Client() { ::close(fd_); }

  void send_raw(const std::string& data) {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return;  // the server may close early (413, 431)
      done += static_cast<size_t>(n);
    }
  }

  void send(const std::string& method, const std::string& target,
            std::vector<std::pair<std::string, std::string>> headers = {}, const std::string& body = {}) {
    std::string req = method + " " + target + " HTTP/1.1\r\n";
    bool has_host = false;
    for (auto& [k, v] : headers) has_host = has_host || k == "Host";
    if (!has_host) req += "Host: 127.0.0.1:" + std::to_string(port_) + "\r\n";
    for (auto& [k, v] : headers) req += k + ": " + v + "\r\n";
    if (!body.empty() || method == "POST") req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    req += "\r\n" + body;
    send_raw(req);
  }

  Reply head() {
    Reply r;
    auto end = wait_for("\r\n\r\n");
    if (end == std::string::npos) return r;
    std::string head = raw_.substr(0, end);
    raw_.erase(0, end + 4);
    auto line_end = head.find("\r\n");
    std::string status = head.substr(0, line_end);
    r.status = std::stoi(status.substr(9, 3));
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      auto next = head.find("\r\n", pos);
      std::string line = head.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
      auto colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers[name] = value;
      if (next == std::string::npos) break;
      pos = next + 2;
    }
    chunked_ = r.header("transfer-encoding") == "chunked";
    body_done_ = false;
    decoded_.clear();
    return r;
  }

  // A whole response; a chunked body is read to its end.
  Reply reply() {
    Reply r = head();
    if (r.status == 0) return r;
    if (chunked_) {
      while (read_chunk()) {
      }
      r.body = std::move(decoded_);
      decoded_.clear();
    } else {
      size_t len = r.headers.count("content-length") ? std::stoul(r.header("content-length")) : 0;
      while (raw_.size() < len && fill()) {
      }
      r.body = raw_.substr(0, len);
      raw_.erase(0, std::min(len, raw_.size()));
    }
    return r;
  }

  Reply request(const std::string& method, const std::string& target,
                std::vector<std::pair<std::string, std::string>> headers = {}, const std::string& body = {}) {
    send(method, target, std::move(headers), body);
    return reply();
  }

  // The next SSE event of a chunked event-stream body; nullopt at its end.
  std::optional<Event> event() {
    for (;;) {
      auto end = decoded_.find("\n\n");
      if (end != std::string::npos) {
        std::string block = decoded_.substr(0, end);
        decoded_.erase(0, end + 2);
        Event e;
        e.comment_only = true;
        size_t pos = 0;
        while (pos <= block.size()) {
          auto nl = block.find('\n', pos);
          std::string line = block.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
          if (line.rfind("id: ", 0) == 0) e.id = line.substr(4), e.comment_only = false;
          if (line.rfind("event: ", 0) == 0) e.name = line.substr(7), e.comment_only = false;
          if (line.rfind("data: ", 0) == 0) e.data += line.substr(6), e.comment_only = false;
          if (nl == std::string::npos) break;
          pos = nl + 1;
        }
        return e;
      }
      if (!read_chunk()) return std::nullopt;
    }
  }
  // The next event that carries data (skips keep-alive comments and priming events).
  std::optional<Event> message() {
    for (;;) {
      auto e = event();
      if (!e || (!e->comment_only && !e->data.empty())) return e;
    }
  }

  // True when the server closed the connection (EOF) before sending anything more.
  bool closed() { return raw_.empty() && !fill(); }

 private:
  bool fill() {
    char buf[4096];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    raw_.append(buf, static_cast<size_t>(n));
    return true;
  }
  size_t wait_for(const std::string& marker) {
    for (;;) {
      auto pos = raw_.find(marker);
      if (pos != std::string::npos) return pos;
      if (!fill()) return std::string::npos;
    }
  }
  bool read_chunk() {
    if (body_done_) return false;
    auto line_end = wait_for("\r\n");
    if (line_end == std::string::npos) return false;
    size_t size = std::stoul(raw_.substr(0, line_end), nullptr, 16);
    while (raw_.size() < line_end + 2 + size + 2)
      if (!fill()) return false;
    decoded_ += raw_.substr(line_end + 2, size);
    raw_.erase(0, line_end + 2 + size + 2);
    if (size == 0) body_done_ = true;
    return size != 0;
  }

  std::uint16_t port_;
  int fd_ = -1;
  std::string raw_;
  std::string decoded_;
  bool chunked_ = false;
  bool body_done_ = false;
};

// A tool that logs "started", then waits until cancelled (or 20 s): holds a request in flight.
void register_block_tool(tools::Registry& registry) {
  tools::ToolDefinition d;
  d.name = "block";
  d.title = "Block";
  d.description = "Logs once, then waits until cancelled. Test tool.";
  d.group = "test";
  d.handler = [](tools::ToolContext& ctx, const json&) -> awaitable<tools::ToolResult> {
    ctx.host.log("info", "started");
    asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::seconds(20));
    co_await timer.async_wait(asio::as_tuple(use_awaitable));
    co_return tools::ToolResult::text("unblocked");
  };
  registry.add(std::move(d));
}

// A write-class tool (its planner only refuses): a read-scoped token does not see it in tools/list.
void register_write_tool(tools::Registry& registry) {
  tools::ToolDefinition d;
  d.name = "scoped_write";
  d.title = "Scoped write";
  d.description = "Changes nothing: a write-class tool for the scoped token tests.";
  d.group = "test";
  d.tool_class = tools::ToolClass::write;
  d.action = tools::make_action(
      [](tools::ToolContext&, const json&) -> awaitable<Expected<tools::ActionPlan, tools::ToolResult>> {
        co_return unexpected(tools::ToolResult::error("planned"));
      });
  registry.add(std::move(d));
}

class Server {
 public:
  explicit Server(transport::HttpServerOptions options = {}, bool ready = true) {
    options.bind = "127.0.0.1:0";
    conformance::register_fixture_tools(registry_);
    register_block_tool(registry_);
    register_write_tool(registry_);
    dispatcher_ = std::make_unique<mcp::Dispatcher>(mcp::DispatcherOptions{}, registry_, cmon_);
    dispatcher_->set_resources(conformance::make_fixture_resources());
    dispatcher_->set_prompts(conformance::make_fixture_prompts());
    server_ = std::make_unique<transport::HttpServer>(io_.get_executor(), options, *dispatcher_,
                                                      [ready] { return ready; });
    auto bound = server_->start();
    if (!bound) throw std::runtime_error(bound.error());
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Server() {
    if (!stopped_) stop();
    io_.stop();
    thread_.join();
  }
  // Graceful stop; true when on_stopped ran.
  bool stop(std::chrono::milliseconds deadline = std::chrono::seconds(2)) {
    stopped_ = true;
    std::promise<void> done;
    server_->stop(deadline, [&done] { done.set_value(); });
    return done.get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  }
  std::uint16_t port() const { return server_->port(); }
  size_t sessions() const { return server_->session_count(); }
  size_t messages_in_progress() const { return dispatcher_->messages_in_progress(); }
  // Polls (bounded) until the session count reaches `n`.
  bool wait_sessions(size_t n) {
    for (int i = 0; i < 500; ++i) {
      if (sessions() == n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

 private:
  asio::io_context io_;
  tools::Registry registry_;
  conformance::NoController cmon_;
  std::unique_ptr<mcp::Dispatcher> dispatcher_;
  std::unique_ptr<transport::HttpServer> server_;
  std::thread thread_;
  bool stopped_ = false;
};

using Headers = std::vector<std::pair<std::string, std::string>>;
const Headers kPostHeaders = {{"Content-Type", "application/json"},
                              {"Accept", "application/json, text/event-stream"}};

std::string init_body(const std::string& version = "2025-11-25", int id = 1) {
  return json{{"jsonrpc", "2.0"},
              {"id", id},
              {"method", "initialize"},
              {"params",
               {{"protocolVersion", version},
                {"capabilities", json::object()},
                {"clientInfo", {{"name", "raw"}, {"version", "1"}}}}}}
      .dump();
}
std::string request_body(int id, const std::string& method, json params = json::object()) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}.dump();
}

Headers with(Headers base, Headers extra) {
  base.insert(base.end(), extra.begin(), extra.end());
  return base;
}

// initialize + notifications/initialized; returns the session id.
std::string open_session(std::uint16_t port, const std::string& version = "2025-11-25", Headers extra = {}) {
  Client c(port);
  auto r = c.request("POST", "/mcp", with(kPostHeaders, extra), init_body(version));
  EXPECT_EQ(r.status, 200) << r.body;
  std::string sid = r.header("mcp-session-id");
  EXPECT_FALSE(sid.empty());
  auto n =
      c.request("POST", "/mcp",
                with(kPostHeaders, with(extra, {{"Mcp-Session-Id", sid}, {"MCP-Protocol-Version", version}})),
                R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  EXPECT_EQ(n.status, 202);
  EXPECT_TRUE(n.body.empty());
  return sid;
}

Headers session_headers(const std::string& sid, const std::string& version = "2025-11-25") {
  return with(kPostHeaders, {{"Mcp-Session-Id", sid}, {"MCP-Protocol-Version", version}});
}

}  // namespace

TEST(HttpServer, HealthAndReadinessNeedNoTokenAndRevealNothing) {
  transport::HttpServerOptions o;
  o.auth_tokens = {"s3cret"};
  Server s(o, /*ready=*/false);
  Client c(s.port());
  auto h = c.request("GET", "/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.body, R"({"status":"ok"})");
  auto r = c.request("GET", "/readyz");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, R"({"status":"not ready"})");
}

TEST(HttpServer, BearerTokenRequiredEverywhereElse) {
  transport::HttpServerOptions o;
  o.auth_tokens = {"old", "s3cret"};
  Server s(o);
  Client c(s.port());
  auto missing = c.request("POST", "/mcp", kPostHeaders, init_body());
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.header("www-authenticate"), R"(Bearer realm="cmon-mcp")");
  EXPECT_EQ(missing.json_body()["error"]["code"], -32001);
  EXPECT_TRUE(missing.header("mcp-session-id").empty());
  EXPECT_EQ(s.sessions(), 0u);

  auto wrong = c.request("GET", "/sse", {{"Authorization", "Bearer nope"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.header("www-authenticate"), R"(Bearer realm="cmon-mcp", error="invalid_token")");

  auto in_query = c.request("POST", "/mcp?access_token=s3cret", kPostHeaders, init_body());
  EXPECT_EQ(in_query.status, 400);
  EXPECT_EQ(s.sessions(), 0u);

  for (const char* path : {"/message?sessionId=x", "/mcp"}) {
    auto r = c.request("DELETE", path);
    EXPECT_EQ(r.status, 401) << path;
  }

  // Either configured token works (rotation).
  for (const char* token : {"old", "s3cret"}) {
    auto ok = c.request("POST", "/mcp",
                        with(kPostHeaders, {{"Authorization", std::string("Bearer ") + token}}), init_body());
    EXPECT_EQ(ok.status, 200) << token;
  }
}

TEST(HttpServer, OAuthDiscoveryIsNeverAdvertised) {
  transport::HttpServerOptions o;
  o.auth_tokens = {"s3cret"};
  Server s(o);
  Client c(s.port());
  for (const char* path :
       {"/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp",
        "/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"})
    EXPECT_EQ(c.request("GET", path).status, 404) << path;
}

TEST(HttpServer, ForeignOriginAndHostAreForbidden) {
  Server s;
  Client c(s.port());
  auto origin =
      c.request("POST", "/mcp", with(kPostHeaders, {{"Origin", "http://evil.example.com"}}), init_body());
  EXPECT_EQ(origin.status, 403);
  auto host = c.request("POST", "/mcp", with(kPostHeaders, {{"Host", "evil.example.com"}}), init_body());
  EXPECT_EQ(host.status, 403);
  EXPECT_EQ(s.sessions(), 0u);
  auto local =
      c.request("POST", "/mcp", with(kPostHeaders, {{"Origin", "http://localhost:6274"}}), init_body());
  EXPECT_EQ(local.status, 200);
  EXPECT_EQ(local.header("access-control-allow-origin"), "http://localhost:6274");
  EXPECT_NE(local.header("access-control-expose-headers").find("Mcp-Session-Id"), std::string::npos);
}

TEST(HttpServer, CorsPreflightWithoutCredentials) {
  transport::HttpServerOptions o;
  o.auth_tokens = {"s3cret"};
  o.allowed_origins = {"https://app.example"};
  Server s(o);
  Client c(s.port());
  auto r = c.request("OPTIONS", "/mcp",
                     {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.header("access-control-allow-origin"), "https://app.example");
  EXPECT_NE(r.header("access-control-allow-headers").find("Mcp-Session-Id"), std::string::npos);
}

TEST(HttpServer, SessionLifecycle) {
  Server s;
  std::string sid = open_session(s.port());
  EXPECT_EQ(s.sessions(), 1u);
  Client c(s.port());
  // Keep-alive: several requests on one connection.
  auto list = c.request("POST", "/mcp", session_headers(sid), request_body(2, "tools/list"));
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(list.header("content-type"), "application/json");
  EXPECT_FALSE(list.json_body()["result"]["tools"].empty());

  auto again = c.request("POST", "/mcp", session_headers(sid), init_body());
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(again.json_body()["error"]["code"], -32600);

  auto no_session = c.request("POST", "/mcp", kPostHeaders, request_body(3, "tools/list"));
  EXPECT_EQ(no_session.status, 400);
  EXPECT_EQ(no_session.json_body()["error"]["code"], -32000);

  auto unknown = c.request("POST", "/mcp", session_headers("0123456789abcdef0123456789abcdef"),
                           request_body(4, "tools/list"));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.json_body()["error"]["code"], -32001);

  auto bad_version = c.request("POST", "/mcp", session_headers(sid, "1999-01-01"), request_body(5, "ping"));
  EXPECT_EQ(bad_version.status, 400);
  EXPECT_EQ(bad_version.json_body()["error"]["code"], -32000);

  // Without the header the session's version applies.
  auto no_version =
      c.request("POST", "/mcp", with(kPostHeaders, {{"Mcp-Session-Id", sid}}), request_body(6, "ping"));
  EXPECT_EQ(no_version.status, 200);

  auto put = c.request("PUT", "/mcp", session_headers(sid), "{}");
  EXPECT_EQ(put.status, 405);
  EXPECT_NE(put.header("allow").find("POST"), std::string::npos);

  auto del = c.request("DELETE", "/mcp", {{"Mcp-Session-Id", sid}});
  EXPECT_EQ(del.status, 200);
  EXPECT_EQ(s.sessions(), 0u);
  auto after = c.request("POST", "/mcp", session_headers(sid), request_body(7, "ping"));
  EXPECT_EQ(after.status, 404);
  EXPECT_EQ(c.request("DELETE", "/mcp", {{"Mcp-Session-Id", sid}}).status, 404);
  EXPECT_EQ(c.request("GET", "/nowhere").status, 404);
}

TEST(HttpServer, MalformedBodiesAndMediaTypes) {
  Server s;
  std::string sid = open_session(s.port());
  Client c(s.port());
  auto parse = c.request("POST", "/mcp", session_headers(sid), "{not json");
  EXPECT_EQ(parse.status, 400);
  EXPECT_EQ(parse.json_body()["error"]["code"], -32700);
  EXPECT_TRUE(parse.json_body()["id"].is_null());
  auto media = c.request("POST", "/mcp", {{"Content-Type", "text/plain"}, {"Mcp-Session-Id", sid}}, "{}");
  EXPECT_EQ(media.status, 415);
  auto invalid = c.request("POST", "/mcp", session_headers(sid), R"({"jsonrpc":"2.0"})");
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(invalid.json_body()["error"]["code"], -32600);
}

TEST(HttpServer, LenientAcceptNeverAnswers406) {
  Server s;
  std::string sid = open_session(s.port());
  Client c(s.port());
  auto json_only = c.request(
      "POST", "/mcp",
      {{"Content-Type", "application/json"}, {"Accept", "application/json"}, {"Mcp-Session-Id", sid}},
      request_body(2, "ping"));
  EXPECT_EQ(json_only.status, 200);
  EXPECT_EQ(json_only.header("content-type"), "application/json");
  c.send("POST", "/mcp",
         {{"Content-Type", "application/json"}, {"Accept", "text/event-stream"}, {"Mcp-Session-Id", sid}},
         request_body(3, "ping"));
  auto head = c.head();
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-type"), "text/event-stream");
  auto e = c.message();
  ASSERT_TRUE(e);
  EXPECT_EQ(json::parse(e->data)["id"], 3);
  EXPECT_FALSE(c.event());  // the stream ends after the answer
  auto none = c.request("POST", "/mcp", {{"Content-Type", "application/json"}, {"Mcp-Session-Id", sid}},
                        request_body(4, "ping"));
  EXPECT_EQ(none.status, 200);
}

TEST(HttpServer, RequestWithNotificationsBecomesAnSseStreamWithPrimingAndIds) {
  Server s;
  std::string sid = open_session(s.port());
  Client c(s.port());
  c.send("POST", "/mcp", session_headers(sid),
         request_body(9, "tools/call",
                      {{"name", "test_tool_with_progress"}, {"_meta", {{"progressToken", "tok"}}}}));
  auto head = c.head();
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-type"), "text/event-stream");
  EXPECT_EQ(head.header("x-accel-buffering"), "no");
  EXPECT_NE(head.header("cache-control").find("no-cache"), std::string::npos);
  auto priming = c.event();
  ASSERT_TRUE(priming);
  EXPECT_FALSE(priming->id.empty());
  EXPECT_TRUE(priming->data.empty());
  std::vector<double> progress;
  std::optional<json> result;
  while (auto e = c.message()) {
    EXPECT_FALSE(e->id.empty());
    EXPECT_EQ(e->name, "message");
    auto m = json::parse(e->data);
    if (m.value("method", "") == "notifications/progress") progress.push_back(m["params"]["progress"]);
    if (m.contains("result")) result = m;
  }
  EXPECT_EQ(progress, (std::vector<double>{0, 50, 100}));
  ASSERT_TRUE(result);
  EXPECT_EQ((*result)["id"], 9);
}

TEST(HttpServer, NoPrimingEventForOlderClients) {
  Server s;
  std::string sid = open_session(s.port(), "2025-06-18");
  Client c(s.port());
  c.send("POST", "/mcp", session_headers(sid, "2025-06-18"),
         request_body(2, "tools/call", {{"name", "test_tool_with_logging"}}));
  EXPECT_EQ(c.head().status, 200);
  auto first = c.message();
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->data.empty());
  EXPECT_EQ(json::parse(first->data)["method"], "notifications/message");
}

TEST(HttpServer, LastEventIdReplaysTheRestOfADroppedPostStream) {
  Server s;
  std::string sid = open_session(s.port());
  std::string first_id;
  {
    Client c(s.port());
    c.send("POST", "/mcp", session_headers(sid),
           request_body(5, "tools/call", {{"name", "test_tool_with_logging"}}));
    EXPECT_EQ(c.head().status, 200);
    auto priming = c.event();
    ASSERT_TRUE(priming);
    EXPECT_TRUE(priming->data.empty());
    auto log = c.message();
    ASSERT_TRUE(log);
    EXPECT_EQ(json::parse(log->data)["params"]["data"], "Tool execution started");
    first_id = log->id;
  }  // connection dropped mid-call; the call goes on
  Client g(s.port());
  g.send("GET", "/mcp",
         {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", sid}, {"Last-Event-ID", first_id}});
  EXPECT_EQ(g.head().status, 200);
  std::vector<json> rest;
  while (auto e = g.message()) rest.push_back(json::parse(e->data));
  ASSERT_EQ(rest.size(), 3u);
  EXPECT_EQ(rest[0]["params"]["data"], "Tool processing data");
  EXPECT_EQ(rest[1]["params"]["data"], "Tool execution completed");
  EXPECT_EQ(rest[2]["id"], 5);
  EXPECT_TRUE(rest[2].contains("result"));

  Client bad(s.port());
  auto unknown = bad.request(
      "GET", "/mcp", {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", sid}, {"Last-Event-ID", "zz-3"}});
  EXPECT_EQ(unknown.status, 400);
}

TEST(HttpServer, OneGetStreamPerSessionWithKeepAlives) {
  transport::HttpServerOptions o;
  o.keepalive_interval = std::chrono::milliseconds(50);
  Server s(o);
  std::string sid = open_session(s.port());
  Client g(s.port());
  g.send("GET", "/mcp",
         {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", sid}, {"MCP-Protocol-Version", "2025-11-25"}});
  EXPECT_EQ(g.head().status, 200);
  auto priming = g.event();
  ASSERT_TRUE(priming);
  EXPECT_TRUE(priming->data.empty());
  auto keepalive = g.event();
  ASSERT_TRUE(keepalive);
  EXPECT_TRUE(keepalive->comment_only);

  Client second(s.port());
  auto conflict = second.request("GET", "/mcp", {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", sid}});
  EXPECT_EQ(conflict.status, 409);
  auto not_acceptable =
      second.request("GET", "/mcp", {{"Accept", "application/json"}, {"Mcp-Session-Id", sid}});
  EXPECT_EQ(not_acceptable.status, 406);
  auto no_session = second.request("GET", "/mcp", {{"Accept", "text/event-stream"}});
  EXPECT_EQ(no_session.status, 400);

  // DELETE ends the stream too.
  EXPECT_EQ(second.request("DELETE", "/mcp", {{"Mcp-Session-Id", sid}}).status, 200);
  while (auto e = g.event()) EXPECT_TRUE(e->comment_only);
}

// A client resuming the GET stream with Last-Event-ID takes it over: the connection that held it ends.
TEST(HttpServer, ResumingClientTakesTheGetStreamOver) {
  transport::HttpServerOptions o;
  o.keepalive_interval = std::chrono::seconds(30);  // the old holder must end on the wake-up, not a timer
  Server s(o);
  std::string sid = open_session(s.port());
  Headers get{
      {"Accept", "text/event-stream"}, {"Mcp-Session-Id", sid}, {"MCP-Protocol-Version", "2025-11-25"}};
  Client first(s.port());
  first.send("GET", "/mcp", get);
  EXPECT_EQ(first.head().status, 200);
  auto priming = first.event();
  ASSERT_TRUE(priming);
  ASSERT_FALSE(priming->id.empty());

  Client second(s.port());
  get.emplace_back("Last-Event-ID", priming->id);
  second.send("GET", "/mcp", get);
  EXPECT_EQ(second.head().status, 200);
  EXPECT_FALSE(first.event()) << "the first stream ends";
  EXPECT_TRUE(first.closed());

  // The new holder gets what the session sends from now on: a DELETE ends its stream.
  Client control(s.port());
  EXPECT_EQ(control.request("DELETE", "/mcp", {{"Mcp-Session-Id", sid}}).status, 200);
  while (second.event()) {
  }
  EXPECT_TRUE(second.closed());
  EXPECT_TRUE(s.wait_sessions(0));
}

// A legacy SSE client that stops reading while answers pile up is dropped once a write has waited
// write_timeout, and its session ends with the stream.
TEST(HttpServer, StalledSseReaderIsDroppedAfterTheWriteTimeout) {
  transport::HttpServerOptions o;
  o.write_timeout = std::chrono::milliseconds(300);
  o.replay_events = 1000000;  // only the write deadline may end this stream
  Server s(o);
  Client sse(s.port(), 4096);
  sse.send("GET", "/sse");
  EXPECT_EQ(sse.head().status, 200);
  auto endpoint = sse.message();
  ASSERT_TRUE(endpoint);
  Client p(s.port());
  ASSERT_EQ(
      p.request("POST", endpoint->data, {{"Content-Type", "application/json"}}, init_body("2025-06-18", 1))
          .status,
      202);
  // tools/list answers of a few KB each: some MB fill the socket buffers, then a write stalls.
  int status = 202;
  for (int i = 2; i < 5000 && status == 202; ++i) {
    status = p.request("POST", endpoint->data, {{"Content-Type", "application/json"}},
                       request_body(i, "tools/list"))
                 .status;
    if (i % 200 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status, 404) << "the session ended with its stalled stream";
  EXPECT_TRUE(s.wait_sessions(0));
}

// Over TLS the held stream keeps the whole TLS stream: events still arrive, and the session ends when
// the client closes.
TEST(HttpServer, LegacySseStreamOverTls) {
  namespace ssl = asio::ssl;
  auto dir = std::filesystem::temp_directory_path() / ("cmon-mcp-tls-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 1 -keyout '" + key +
                    "' -out '" + cert + "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl is needed to make a test certificate";
  transport::HttpServerOptions o;
  o.tls_cert_file = cert;
  o.tls_key_file = key;
  o.keepalive_interval = std::chrono::milliseconds(50);
  Server s(o);

  asio::io_context io;
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_verify_mode(ssl::verify_none);
  auto connect = [&] {
    auto stream = std::make_unique<ssl::stream<asio::ip::tcp::socket>>(io, ctx);
    stream->next_layer().connect({asio::ip::make_address("127.0.0.1"), s.port()});
    stream->handshake(ssl::stream_base::client);
    return stream;
  };
  std::string host = "Host: 127.0.0.1:" + std::to_string(s.port()) + "\r\n";
  auto sse = connect();
  asio::write(*sse, asio::buffer("GET /sse HTTP/1.1\r\n" + host + "Accept: text/event-stream\r\n\r\n"));
  asio::streambuf in;
  asio::read_until(*sse, in, "/message?sessionId=");
  asio::read_until(*sse, in, "\n\n");
  std::string text(asio::buffers_begin(in.data()), asio::buffers_end(in.data()));
  EXPECT_EQ(text.rfind("HTTP/1.1 200", 0), 0u) << text;
  auto at = text.find("/message?sessionId=");
  std::string post_url = text.substr(at, text.find('\n', at) - at);
  EXPECT_EQ(s.sessions(), 1u);

  auto post = connect();
  std::string body = init_body("2025-06-18", 5);
  asio::write(*post, asio::buffer("POST " + post_url + " HTTP/1.1\r\n" + host +
                                  "Content-Type: application/json\r\nContent-Length: " +
                                  std::to_string(body.size()) + "\r\n\r\n" + body));
  asio::streambuf answer;
  asio::read_until(*post, answer, "Accepted");
  asio::read_until(*sse, in, "\"id\":5");
  text.assign(asio::buffers_begin(in.data()), asio::buffers_end(in.data()));
  EXPECT_NE(text.find("event: message"), std::string::npos);

  boost::system::error_code ec;
  sse->next_layer().close(ec);
  EXPECT_TRUE(s.wait_sessions(0));
  std::filesystem::remove_all(dir);
}

TEST(HttpServer, LegacySseAndStreamableSessionsSeeOnlyTheirOwnReplies) {
  transport::HttpServerOptions o;
  o.keepalive_interval = std::chrono::milliseconds(50);
  Server s(o);
  Client sse(s.port());
  sse.send("GET", "/sse", {{"Accept", "text/event-stream"}});
  auto head = sse.head();
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-type"), "text/event-stream");
  auto endpoint = sse.message();
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(endpoint->name, "endpoint");
  ASSERT_EQ(endpoint->data.rfind("/message?sessionId=", 0), 0u) << endpoint->data;
  std::string post_url = endpoint->data;

  std::string sid = open_session(s.port());
  EXPECT_EQ(s.sessions(), 2u);

  Client p(s.port());
  auto accepted =
      p.request("POST", post_url, {{"Content-Type", "application/json"}}, init_body("2025-11-25", 7));
  EXPECT_EQ(accepted.status, 202);
  auto init = sse.message();
  ASSERT_TRUE(init);
  EXPECT_EQ(init->name, "message");
  EXPECT_EQ(json::parse(init->data)["id"], 7);

  // The same request id on both sessions: each answer arrives only where it belongs.
  auto streamable = p.request("POST", "/mcp", session_headers(sid), request_body(8, "tools/list"));
  EXPECT_EQ(streamable.status, 200);
  EXPECT_EQ(streamable.json_body()["id"], 8);
  EXPECT_EQ(
      p.request("POST", post_url, {{"Content-Type", "application/json"}}, request_body(8, "ping")).status,
      202);
  EXPECT_EQ(
      p.request("POST", post_url, {{"Content-Type", "application/json"}}, request_body(9, "ping")).status,
      202);
  auto first = sse.message();
  auto second = sse.message();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(json::parse(first->data), json::parse(R"({"jsonrpc":"2.0","id":8,"result":{}})"));
  EXPECT_EQ(json::parse(second->data), json::parse(R"({"jsonrpc":"2.0","id":9,"result":{}})"));

  EXPECT_EQ(p.request("POST", "/message?sessionId=0000", {{"Content-Type", "application/json"}},
                      request_body(1, "ping"))
                .status,
            404);
  EXPECT_EQ(
      p.request("POST", "/message", {{"Content-Type", "application/json"}}, request_body(1, "ping")).status,
      400);
  // A legacy session id is not a Streamable HTTP session.
  std::string legacy_id = post_url.substr(post_url.find('=') + 1);
  EXPECT_EQ(p.request("POST", "/mcp", session_headers(legacy_id), request_body(1, "ping")).status, 404);
}

TEST(HttpServer, LegacySessionEndsWithItsStream) {
  transport::HttpServerOptions o;
  o.keepalive_interval = std::chrono::milliseconds(20);
  Server s(o);
  std::string post_url;
  {
    Client sse(s.port());
    sse.send("GET", "/sse");
    EXPECT_EQ(sse.head().status, 200);
    auto endpoint = sse.message();
    ASSERT_TRUE(endpoint);
    post_url = endpoint->data;
    EXPECT_EQ(s.sessions(), 1u);
  }
  EXPECT_TRUE(s.wait_sessions(0));
  Client p(s.port());
  EXPECT_EQ(
      p.request("POST", post_url, {{"Content-Type", "application/json"}}, request_body(1, "ping")).status,
      404);
}

TEST(HttpServer, EndpointEventIsAbsoluteBehindABaseUrl) {
  transport::HttpServerOptions o;
  o.base_url = "https://proxy.example/cmon/";
  Server s(o);
  Client sse(s.port());
  sse.send("GET", "/sse");
  EXPECT_EQ(sse.head().status, 200);
  auto endpoint = sse.message();
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(endpoint->data.rfind("https://proxy.example/cmon/message?sessionId=", 0), 0u) << endpoint->data;
}

TEST(HttpServer, BodyAndHeaderLimits) {
  transport::HttpServerOptions o;
  o.max_body_bytes = 1024;
  o.max_header_bytes = 2048;
  Server s(o);
  {
    Client c(s.port());
    auto big = c.request("POST", "/mcp", kPostHeaders, std::string(4096, ' '));
    EXPECT_EQ(big.status, 413);
    EXPECT_TRUE(c.closed());
  }
  {
    Client c(s.port());
    // Chunked, so that the limit is only found while reading.
    c.send_raw(
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n800\r\n" +
        std::string(0x800, ' ') + "\r\n0\r\n\r\n");
    EXPECT_EQ(c.reply().status, 413);
  }
  {
    Client c(s.port());
    auto huge = c.request("GET", "/healthz", {{"X-Filler", std::string(4096, 'x')}});
    EXPECT_EQ(huge.status, 431);
  }
}

TEST(HttpServer, SlowRequestGets408) {
  transport::HttpServerOptions o;
  o.header_timeout = std::chrono::milliseconds(100);
  o.body_timeout = std::chrono::milliseconds(100);
  Server s(o);
  {
    Client c(s.port());
    c.send_raw("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n");  // never finishes its header
    EXPECT_EQ(c.reply().status, 408);
  }
  {
    Client c(s.port());
    c.send_raw("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{");  // nor its body
    EXPECT_EQ(c.reply().status, 408);
  }
  {
    Client idle(s.port());
    EXPECT_TRUE(idle.closed());  // an idle connection is just closed
  }
}

TEST(HttpServer, SessionLimitAnswers503WithRetryAfter) {
  transport::HttpServerOptions o;
  o.max_sessions = 1;
  Server s(o);
  open_session(s.port());
  Client c(s.port());
  auto full = c.request("POST", "/mcp", kPostHeaders, init_body());
  EXPECT_EQ(full.status, 503);
  EXPECT_FALSE(full.header("retry-after").empty());
  auto sse = c.request("GET", "/sse");
  EXPECT_EQ(sse.status, 503);
}

TEST(HttpServer, InFlightLimitPerSessionAnswers429) {
  transport::HttpServerOptions o;
  o.max_in_flight_per_session = 1;
  Server s(o);
  std::string sid = open_session(s.port());
  Client a(s.port());
  a.send("POST", "/mcp", session_headers(sid), request_body(1, "tools/call", {{"name", "block"}}));
  EXPECT_EQ(a.head().status, 200);
  ASSERT_TRUE(a.event());    // priming
  ASSERT_TRUE(a.message());  // "started": the call is in flight
  Client b(s.port());
  auto busy = b.request("POST", "/mcp", session_headers(sid), request_body(2, "ping"));
  EXPECT_EQ(busy.status, 429);
  EXPECT_FALSE(busy.header("retry-after").empty());
  // Notifications are never limited: cancelling frees the slot.
  auto cancel = b.request("POST", "/mcp", session_headers(sid),
                          R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}})");
  EXPECT_EQ(cancel.status, 202);
  auto after_cancel = a.message();
  EXPECT_FALSE(after_cancel) << after_cancel->data;  // a cancelled request gets no answer; its stream ends
  EXPECT_EQ(b.request("POST", "/mcp", session_headers(sid), request_body(3, "ping")).status, 200);
}

TEST(HttpServer, StatelessModeServesSelfContainedPosts) {
  transport::HttpServerOptions o;
  o.stateless = true;
  Server s(o);
  Client c(s.port());
  auto init = c.request("POST", "/mcp", kPostHeaders, init_body());
  EXPECT_EQ(init.status, 200);
  EXPECT_TRUE(init.header("mcp-session-id").empty());
  auto list = c.request("POST", "/mcp", with(kPostHeaders, {{"MCP-Protocol-Version", "2025-06-18"}}),
                        request_body(2, "tools/list"));
  EXPECT_EQ(list.status, 200);
  EXPECT_FALSE(list.json_body()["result"]["tools"].empty());
  EXPECT_EQ(c.request("GET", "/mcp", {{"Accept", "text/event-stream"}}).status, 405);
  EXPECT_EQ(c.request("GET", "/sse").status, 404);
  EXPECT_EQ(s.sessions(), 0u);
}

TEST(HttpServer, GracefulStopEndsStreamsAndRefusesNewConnections) {
  Server s;
  std::string sid = open_session(s.port());
  Client g(s.port());
  g.send("GET", "/mcp", {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", sid}});
  EXPECT_EQ(g.head().status, 200);
  Client sse(s.port());
  sse.send("GET", "/sse");
  EXPECT_EQ(sse.head().status, 200);
  ASSERT_TRUE(sse.message());
  std::uint16_t port = s.port();
  EXPECT_TRUE(s.stop());
  while (auto e = g.event()) EXPECT_TRUE(e->comment_only || e->data.empty());
  while (auto e = sse.event()) EXPECT_TRUE(e->comment_only);
  EXPECT_THROW(Client late(port), std::runtime_error);
}

// The server closes the connection after a GET stream (Streamable HTTP or legacy SSE), so their heads
// say "Connection: close": a client that pooled the connection after the stream's last chunk sent its
// next request into a closing socket ("other side closed", about once in 2,500 soak sessions). A POST
// answered with a stream keeps its connection.
TEST(HttpServer, GetStreamsAnnounceThatTheConnectionEndsWithThem) {
  Server s;
  std::string sid = open_session(s.port());
  Client g(s.port());
  g.send("GET", "/mcp", {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", sid}});
  auto get_head = g.head();
  EXPECT_EQ(get_head.status, 200);
  EXPECT_EQ(get_head.header("connection"), "close");
  Client sse(s.port());
  sse.send("GET", "/sse");
  auto sse_head = sse.head();
  EXPECT_EQ(sse_head.status, 200);
  EXPECT_EQ(sse_head.header("connection"), "close");
  Client c(s.port());
  c.send("POST", "/mcp", with(kPostHeaders, {{"Mcp-Session-Id", sid}}),
         request_body(2, "tools/call", {{"name", "test_tool_with_logging"}}));
  auto post_head = c.head();
  EXPECT_EQ(post_head.status, 200);
  EXPECT_EQ(post_head.header("content-type"), "text/event-stream");
  EXPECT_NE(post_head.header("connection"), "close");
}

// stop() reports stopped only once every call has unwound: the owner stops the io_context and
// destroys the dispatcher right after (a coroutine left suspended there used to release its call slot
// into a freed dispatcher). Here the client went away mid-call, and its connection ended when a
// keep-alive could not be written; a disconnect alone does not cancel the request (the stream is
// resumable), so stop() finds no connection to wait for and a call still running: it cancels that.
TEST(HttpServer, StopCancelsCallsWhoseClientLeftAndAwaitsThem) {
  transport::HttpServerOptions options;
  options.keepalive_interval = std::chrono::milliseconds(20);
  Server s(options);
  std::string sid = open_session(s.port());
  {
    Client c(s.port());
    c.send("POST", "/mcp", with(kPostHeaders, {{"Mcp-Session-Id", sid}}),
           request_body(2, "tools/call", {{"name", "block"}}));
    EXPECT_EQ(c.head().status, 200);
    ASSERT_TRUE(c.event());  // the tool runs (its log line)
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // a few keep-alives: the server notices
  EXPECT_EQ(s.messages_in_progress(), 1u);
  EXPECT_TRUE(s.stop(std::chrono::seconds(60)));  // nothing to wait for: no 60 s, no 20 s of the tool
  EXPECT_EQ(s.messages_in_progress(), 0u);
}

// The same for a call whose client is still there at the deadline.
TEST(HttpServer, StopCancelsCallsStillRunningAtTheDeadlineAndAwaitsThem) {
  Server s;
  std::string sid = open_session(s.port());
  Client c(s.port());
  c.send("POST", "/mcp", with(kPostHeaders, {{"Mcp-Session-Id", sid}}),
         request_body(2, "tools/call", {{"name", "block"}}));
  EXPECT_EQ(c.head().status, 200);
  ASSERT_TRUE(c.event());
  EXPECT_TRUE(s.stop(std::chrono::milliseconds(200)));  // the tool would run 20 s
  EXPECT_EQ(s.messages_in_progress(), 0u);
}

TEST(HttpServer, PrimingFollowsTheSessionVersionWhenTheHeaderIsAbsent) {
  Server s;
  std::string sid = open_session(s.port(), "2025-11-25");
  Client c(s.port());
  c.send("POST", "/mcp", with(kPostHeaders, {{"Mcp-Session-Id", sid}}),
         request_body(2, "tools/call", {{"name", "test_tool_with_logging"}}));
  EXPECT_EQ(c.head().status, 200);
  auto first = c.event();
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->data.empty());
  EXPECT_FALSE(first->id.empty());
}

namespace {
transport::ScopedToken read_token(const std::string& name, const std::string& token) {
  transport::ScopedToken t;
  t.principal.name = name;
  t.principal.classes = mcp::Principal::kRead;
  t.sha256_hex = util::sha256_hex(token);
  return t;
}

transport::HttpServerOptions scoped_options() {
  transport::HttpServerOptions o;
  o.auth_tokens = {"plain-token-full"};
  o.scoped_tokens = {read_token("oncall", "oncall-token-read"), read_token("other", "other-token-read")};
  o.keepalive_interval = std::chrono::milliseconds(50);
  return o;
}

Headers bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

std::vector<std::string> tool_names(const json& list_answer) {
  std::vector<std::string> out;
  for (const auto& t : list_answer["result"]["tools"]) out.push_back(t["name"]);
  return out;
}

bool lists_write_tool(const json& list_answer) {
  auto names = tool_names(list_answer);
  return std::find(names.begin(), names.end(), "scoped_write") != names.end();
}
}  // namespace

TEST(HttpServer, StreamableSessionsBelongToTheTokenThatOpenedThem) {
  Server s(scoped_options());
  std::string sid = open_session(s.port(), "2025-11-25", bearer("oncall-token-read"));
  std::string full = open_session(s.port(), "2025-11-25", bearer("plain-token-full"));
  Client c(s.port());
  // The session's principal is the token's: a read token does not see the write tool.
  auto list = c.request("POST", "/mcp", with(session_headers(sid), bearer("oncall-token-read")),
                        request_body(2, "tools/list"));
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_FALSE(lists_write_tool(list.json_body()));
  EXPECT_FALSE(tool_names(list.json_body()).empty());
  auto full_list = c.request("POST", "/mcp", with(session_headers(full), bearer("plain-token-full")),
                             request_body(2, "tools/list"));
  EXPECT_TRUE(lists_write_tool(full_list.json_body()));

  // Another valid token on that session: 403 with a JSON-RPC error, whatever the method.
  for (const char* other : {"other-token-read", "plain-token-full"}) {
    auto r =
        c.request("POST", "/mcp", with(session_headers(sid), bearer(other)), request_body(3, "tools/list"));
    EXPECT_EQ(r.status, 403) << other;
    EXPECT_EQ(r.json_body()["error"]["code"], -32000);
    EXPECT_EQ(r.json_body()["id"], 3);
    EXPECT_NE(r.json_body()["error"]["message"].get<std::string>().find("another token"), std::string::npos);
  }
  auto stolen = c.request("POST", "/mcp", with(session_headers(full), bearer("oncall-token-read")),
                          request_body(4, "tools/call", json{{"name", "scoped_write"}}));
  EXPECT_EQ(stolen.status, 403);
  EXPECT_EQ(c.request("POST", "/mcp", session_headers(sid), request_body(5, "ping")).status, 401);
  EXPECT_EQ(
      c.request("GET", "/mcp",
                with({{"Accept", "text/event-stream"}, {"Mcp-Session-Id", sid}}, bearer("other-token-read")))
          .status,
      403);
  EXPECT_EQ(c.request("DELETE", "/mcp", with({{"Mcp-Session-Id", sid}}, bearer("other-token-read"))).status,
            403);
  EXPECT_EQ(s.sessions(), 2u);
  // Its own token still works, and may end it.
  auto ping = c.request("POST", "/mcp", with(session_headers(sid), bearer("oncall-token-read")),
                        request_body(6, "ping"));
  EXPECT_EQ(ping.status, 200);
  EXPECT_EQ(c.request("DELETE", "/mcp", with({{"Mcp-Session-Id", sid}}, bearer("oncall-token-read"))).status,
            200);
  EXPECT_EQ(s.sessions(), 1u);
}

TEST(HttpServer, LegacySessionsBelongToTheTokenThatOpenedThem) {
  Server s(scoped_options());
  Client sse(s.port());
  sse.send("GET", "/sse", with({{"Accept", "text/event-stream"}}, bearer("oncall-token-read")));
  ASSERT_EQ(sse.head().status, 200);
  auto endpoint = sse.message();
  ASSERT_TRUE(endpoint);
  std::string post_url = endpoint->data;
  Client p(s.port());
  Headers json_headers = {{"Content-Type", "application/json"}};
  auto refused =
      p.request("POST", post_url, with(json_headers, bearer("other-token-read")), init_body("2025-06-18", 7));
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.json_body()["error"]["code"], -32000);
  EXPECT_EQ(
      p.request("POST", post_url, with(json_headers, bearer("oncall-token-read")), init_body("2025-06-18", 7))
          .status,
      202);
  auto init = sse.message();
  ASSERT_TRUE(init);
  EXPECT_EQ(json::parse(init->data)["id"], 7);
  EXPECT_EQ(p.request("POST", post_url, with(json_headers, bearer("oncall-token-read")),
                      request_body(8, "tools/list"))
                .status,
            202);
  auto list = sse.message();
  ASSERT_TRUE(list);
  json answer = json::parse(list->data);
  EXPECT_EQ(answer["id"], 8);
  EXPECT_FALSE(lists_write_tool(answer));
}

TEST(HttpServer, StatelessRequestsActForTheirToken) {
  auto o = scoped_options();
  o.stateless = true;
  Server s(o);
  Client c(s.port());
  Headers h = with(kPostHeaders, {{"MCP-Protocol-Version", "2025-06-18"}});
  auto read = c.request("POST", "/mcp", with(h, bearer("oncall-token-read")), request_body(2, "tools/list"));
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_FALSE(lists_write_tool(read.json_body()));
  auto call =
      c.request("POST", "/mcp", with(h, bearer("oncall-token-read")),
                request_body(3, "tools/call", json{{"name", "scoped_write"}, {"arguments", json::object()}}));
  ASSERT_EQ(call.status, 200);
  EXPECT_NE(call.json_body()["error"]["message"].get<std::string>().find("scope of token 'oncall'"),
            std::string::npos)
      << call.body;
  auto full = c.request("POST", "/mcp", with(h, bearer("plain-token-full")), request_body(4, "tools/list"));
  EXPECT_TRUE(lists_write_tool(full.json_body()));
}
