// Start-up options of the simulator, filled from the command line (main.cpp) or directly by tests.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace cmon_sim {

struct UserSpec {
  std::string name;
  std::string secret;  // password, or PEM public key text for key users
};

struct SimOptions {
  std::string bind_host = "127.0.0.1";
  uint16_t bind_port = 0;  // 0 = ephemeral
  std::string admin_host = "127.0.0.1";
  uint16_t admin_port = 0;
  std::string fixture;                   // empty = the built-in default fixture
  std::vector<UserSpec> users;           // NAME:PASSWORD; admin:admin when none given
  std::vector<UserSpec> user_keys;       // NAME + public key PEM text
  std::vector<UserSpec> readonly_users;  // NAME:PASSWORD, no write access
  int session_idle_s = 1800;
  double job_speed = 1.0;      // 1 = a few seconds per job; larger is faster
  int connection_idle_s = 30;  // idle keep-alive connections are closed after this
  std::string tls_cert;
  std::string tls_key;
};

// Path of the fixture shipped with the sources (compiled in).
std::string default_fixture_path();

}  // namespace cmon_sim
