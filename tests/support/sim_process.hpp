// SimProcess: runs the cmon-sim binary as a child process on ephemeral loopback ports for a test,
// reads its start-up lines (endpoint, admin URL, TLS fingerprint), and wraps the admin API
// (faults, sessions, stats, state, config) in blocking calls. The destructor stops the child.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cmon_mcp::test {

// Result of one plain HTTP request to the admin API.
struct AdminReply {
  int status = 0;  // 0 = no HTTP reply (connection failed)
  std::string body;
};

class SimProcess {
 public:
  // Starts `binary` (default: the cmon-sim of this build tree) with `--bind 127.0.0.1:0` plus
  // `extra_args`; throws std::runtime_error when it does not come up within 30 seconds.
  explicit SimProcess(std::vector<std::string> extra_args = {}, std::string binary = {});
  ~SimProcess();
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  const std::string& endpoint() const { return endpoint_; }        // "https://127.0.0.1:PORT"
  const std::string& admin_url() const { return admin_url_; }      // "http://127.0.0.1:PORT"
  const std::string& fingerprint() const { return fingerprint_; }  // "AA:BB:..." (SHA-256)
  uint16_t port() const { return port_; }
  uint16_t admin_port() const { return admin_port_; }
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }

  // Admin helpers; they throw std::runtime_error when the admin API does not answer 200.
  void set_fault(const nlohmann::json& fault);  // {"mode": "delay", "delay_ms": 500, ...}
  void clear_fault() { set_fault({{"mode", "none"}}); }
  void expire_sessions();
  nlohmann::json stats();
  void reset_stats();
  nlohmann::json state();
  nlohmann::json job_state(int64_t job_id);
  void config(const nlohmann::json& settings);  // {"auth_required_http_status": 200, "job_speed": 50}
  AdminReply admin(const std::string& method, const std::string& target, const std::string& body = {});

  // SIGTERM, then SIGKILL after 5 s; reaps the child. Idempotent.
  void stop();
  // The exit status of the stopped child (as from waitpid), -1 before stop().
  int exit_status() const { return exit_status_; }

  static std::string default_binary();

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int exit_status_ = -1;
  std::string endpoint_, admin_url_, fingerprint_;
  uint16_t port_ = 0, admin_port_ = 0;
};

// Plain HTTP/1.1 request to 127.0.0.1:port (Connection: close), blocking, 30 s timeout.
AdminReply http_request(uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body = {});

}  // namespace cmon_mcp::test
