// Logging set-up: everything goes to stderr (stdout belongs to the stdio protocol). Under systemd
// (JOURNAL_STREAM set) lines carry "<N>" syslog priority prefixes and no timestamps, so journald files
// each line at its level.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cmon_mcp::util {

// Level names accepted by --log-level / MCP_LOG_LEVEL.
bool valid_log_level(std::string_view level);  // trace, debug, info, warn, error, critical, off

void setup_logging(std::string_view level, bool journald);

// True when stderr is connected to the journal (systemd sets JOURNAL_STREAM).
bool stderr_is_journal();

}  // namespace cmon_mcp::util
