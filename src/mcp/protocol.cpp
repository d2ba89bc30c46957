// Protocol versions and the features they gate.
#include "cmon_mcp/mcp/protocol.hpp"

#include <algorithm>

namespace cmon_mcp::mcp {

bool is_supported_version(std::string_view version) {
  return std::find(kSupportedVersions.begin(), kSupportedVersions.end(), version) != kSupportedVersions.end();
}

std::string_view negotiate_version(std::string_view requested) {
  return is_supported_version(requested) ? requested : kLatestVersion;
}

// Version strings are dates, so plain string comparison orders them.
bool allows_batch(std::string_view version) {
  return version == "2025-03-26";
}
bool has_structured_output(std::string_view version) {
  return version >= "2025-06-18";
}
bool validation_errors_are_tool_errors(std::string_view version) {
  return version >= "2025-11-25";
}
bool wants_sse_priming(std::string_view version) {
  return version >= "2025-11-25";
}
bool has_audio_content(std::string_view version) {
  return version >= "2025-03-26";
}

int log_level_rank(std::string_view level) {
  static constexpr std::array<std::string_view, 8> kLevels = {"debug", "info",     "notice", "warning",
                                                              "error", "critical", "alert",  "emergency"};
  for (size_t i = 0; i < kLevels.size(); ++i)
    if (kLevels[i] == level) return static_cast<int>(i);
  return -1;
}

}  // namespace cmon_mcp::mcp
