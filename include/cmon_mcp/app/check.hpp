// `cmon-mcp check`: the first thing to run after editing /etc/default/cmon-mcp.
#pragma once

#include "cmon_mcp/config/config.hpp"

namespace cmon_mcp::app {

// Validates the configuration, logs in to CMON, lists the clusters the CMON user sees, checks that the
// bind address is free, and prints a pass/fail report on stdout. Returns 0 when every check passed.
int run_check(config::Config config);

}  // namespace cmon_mcp::app
