// systemd readiness notification (sd_notify protocol): a datagram to $NOTIFY_SOCKET. A no-op when the
// daemon does not run under a Type=notify unit. Implemented directly to avoid a libsystemd dependency.
#pragma once

#include <string_view>

namespace cmon_mcp::util {

// Sends e.g. "READY=1", "STOPPING=1", "STATUS=...". Returns false when there is no socket or it failed.
bool sd_notify(std::string_view state);

}  // namespace cmon_mcp::util
