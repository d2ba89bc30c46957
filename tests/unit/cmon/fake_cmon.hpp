// A minimal HTTPS CMON stand-in for the client's tests: a Beast server on 127.0.0.1:0 with its own
// thread, a self-signed certificate made at start, and a handler per test. It lets the client tests
// script exact server behaviour (stale keep-alive, delays, expiry); the full simulator lives in tests/sim.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

namespace cmon_mcp::test {

struct FakeRequest {
  std::string target;
  nlohmann::json body;  // discarded when not JSON
  std::string cookie;   // the cmon-sid value, "" when none
  std::string host_header;
  bool has_content_length = false;
};

struct FakeReply {
  int status = 200;
  nlohmann::json body = nlohmann::json::object();
  std::string raw;            // sent instead of body when not empty
  std::string set_cookie;     // cmon-sid value to set
  int delay_ms = 0;           // wait before replying
  bool close_header = false;  // "Connection: close" and close
  bool drop_after = false;    // close silently after the reply (keep-alive header still sent)
  bool drop_instead = false;  // close without replying
};

using FakeHandler = std::function<FakeReply(const FakeRequest&)>;

class FakeCmon {
 public:
  explicit FakeCmon(FakeHandler handler);
  ~FakeCmon();
  std::string url() const;  // https://127.0.0.1:PORT
  unsigned short port() const;
  std::string cert_pem() const;
  std::string fingerprint() const;  // "AA:BB:..." SHA-256 of the certificate
  int connections() const;
  int requests() const;
  void set_handler(FakeHandler handler);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// CMON login and session semantics (cmon-rpc-v2.md §2) over FakeCmon: password and RSA-key login,
// cmon-sid sessions, AuthRequired with HTTP 401 for a missing or expired session.
class FakeSessions {
 public:
  std::string user = "admin";
  std::string password = "admin";
  std::string public_key_pem;  // enables key login for user
  FakeReply handle(const FakeRequest& r);
  // Called for authenticated non-login requests; default replies Ok with the echoed operation.
  std::function<FakeReply(const FakeRequest&)> on_request;
  void expire_all();
  int logins() const { return logins_; }
  int failed_logins() const { return failed_; }

 private:
  std::mutex m_;
  std::map<std::string, std::string> sessions_;  // sid -> user ("" while a key challenge is pending)
  std::map<std::string, std::string> challenges_;
  std::atomic<int> logins_{0}, failed_{0};
  int next_ = 0;
};

}  // namespace cmon_mcp::test
