// One actionable sentence per CMON failure, for users and models: what failed, where, and which
// setting or action is likely to fix it.
#pragma once

#include <string>

#include "cmon_mcp/cmon/api.hpp"

namespace cmon_mcp::cmon {

// e.g. "controller unreachable at https://10.0.0.5:9501 (connection refused); check CMON_ENDPOINT and
// that cmon is running". Never contains credentials (Error never carries them).
std::string describe(const Error& e);

}  // namespace cmon_mcp::cmon
