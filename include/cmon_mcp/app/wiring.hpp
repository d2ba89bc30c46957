// Builds the running server from a validated configuration: CMON client, tool registry with the
// operator's policy, dispatcher, and the chosen transport.
#pragma once

#include <memory>
#include <string>

#include "cmon_mcp/config/config.hpp"
#include "cmon_mcp/tools/registry.hpp"

namespace cmon_mcp::app {

// Every tool, with the configured policy applied; an allow/deny pattern that matches nothing is an error.
Expected<std::unique_ptr<tools::Registry>, std::string> build_registry(const config::Config& config);

// Serves until stdio EOF or SIGINT/SIGTERM; returns the process exit code.
int serve(const config::Config& config);

}  // namespace cmon_mcp::app
