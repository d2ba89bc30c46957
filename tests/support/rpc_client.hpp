// A small blocking HTTPS client for tests that talk CMON RPC v2 to cmon-sim directly: keeps the
// cmon-sid cookie, can reuse one keep-alive connection, and reports transport failures as values so
// fault-injection tests can look at them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace cmon_mcp::test {

struct RpcResponse {
  std::string error;  // transport error ("" when an HTTP reply arrived)
  int http_status = 0;
  std::string server;  // Server header
  std::string set_cookie;
  std::string connection;  // Connection header
  std::string body;
  nlohmann::json json;  // parsed body (discarded value when not JSON)
  bool ok() const { return error.empty() && json.is_object() && json.value("request_status", "") == "Ok"; }
  std::string status() const { return json.is_object() ? json.value("request_status", "") : ""; }
};

class RpcClient {
 public:
  // keep_alive: reuse one TLS connection between calls (HTTP/1.1); otherwise one per call with
  // Connection: close, like s9s does.
  explicit RpcClient(uint16_t port, bool keep_alive = false);
  ~RpcClient();

  RpcResponse call(const std::string& path, const nlohmann::json& body);  // POST, JSON
  RpcResponse request(const std::string& method, const std::string& path, const std::string& body);

  // Password login on /v2/auth; true when request_status is Ok.
  bool login(const std::string& user, const std::string& password);

  std::string cookie;  // cmon-sid value, updated from every Set-Cookie
  int timeout_ms = 10000;
  int connections_opened = 0;

 private:
  struct Conn;
  uint16_t port_;
  bool keep_alive_;
  std::unique_ptr<Conn> conn_;
};

}  // namespace cmon_mcp::test
