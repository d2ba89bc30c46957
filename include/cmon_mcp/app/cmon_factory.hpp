// Builds the CMON client from the configuration (endpoints, credentials, TLS policy, timeouts).
#pragma once

#include <memory>
#include <string>

#include "cmon_mcp/cmon/api.hpp"
#include "cmon_mcp/cmon/client.hpp"
#include "cmon_mcp/config/config.hpp"

namespace cmon_mcp::app {

struct CmonConnection {
  virtual ~CmonConnection() = default;
  std::unique_ptr<cmon::Api> api;
  // True once a login succeeded and the last call reached the controller (for /readyz).
  virtual bool ready() const = 0;
  // The client's counters (logins, re-logins, connections, handshakes) for /metrics.
  virtual cmon::ClientStats stats() const = 0;
};

Expected<std::unique_ptr<CmonConnection>, std::string> make_cmon_client(const config::Config& config,
                                                                        asio::any_io_executor executor);

}  // namespace cmon_mcp::app
