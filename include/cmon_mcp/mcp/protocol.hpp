// MCP protocol versions we speak and the features each of them gates (mcp-protocol-notes.md §1).
#pragma once

#include <array>
#include <string_view>

namespace cmon_mcp::mcp {

inline constexpr std::string_view kLatestVersion = "2025-11-25";
// Newest first.
inline constexpr std::array<std::string_view, 4> kSupportedVersions = {"2025-11-25", "2025-06-18",
                                                                       "2025-03-26", "2024-11-05"};
// What a Streamable HTTP request without MCP-Protocol-Version and without a session means.
inline constexpr std::string_view kDefaultHttpVersion = "2025-03-26";

bool is_supported_version(std::string_view version);
// The version we answer to a client asking for `requested`: the same when supported, else our latest.
std::string_view negotiate_version(std::string_view requested);

// Feature gates, by negotiated version.
bool allows_batch(std::string_view version);                 // only 2025-03-26
bool has_structured_output(std::string_view version);        // 2025-06-18+
bool validation_errors_are_tool_errors(std::string_view v);  // 2025-11-25+
bool wants_sse_priming(std::string_view version);            // 2025-11-25+
bool has_audio_content(std::string_view version);            // 2025-03-26+

// syslog-ordered MCP log levels; -1 for an unknown name.
int log_level_rank(std::string_view level);

}  // namespace cmon_mcp::mcp
