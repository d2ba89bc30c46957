// SHA-256 through OpenSSL: bearer tokens are compared and stored (MCP_AUTH_TOKENS_FILE) as digests.
#pragma once

#include <string>
#include <string_view>

namespace cmon_mcp::util {

// The 32 raw bytes of the digest.
std::string sha256(std::string_view data);
// The digest as 64 lowercase hex characters.
std::string sha256_hex(std::string_view data);
// Lowercase hex of any bytes.
std::string to_hex(std::string_view bytes);

}  // namespace cmon_mcp::util
