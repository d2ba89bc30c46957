// The simulator's network side: the HTTPS RPC listener (Beast, one coroutine per connection), the
// plain-HTTP admin API on loopback (faults, stats, state, sessions, config), and fault injection.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "cmon_mcp/util/expected.hpp"
#include "cmon_sim/options.hpp"

namespace cmon_sim {

class Simulator {
 public:
  explicit Simulator(SimOptions options);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Loads the fixture, prepares TLS and binds both listeners. Errors are start-up messages.
  cmon_mcp::Expected<bool, std::string> start();
  // Serves until stop() (callable from any thread or a signal handler's posted work).
  void run();
  void stop();

  uint16_t port() const;
  uint16_t admin_port() const;
  const std::string& fingerprint() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cmon_sim
