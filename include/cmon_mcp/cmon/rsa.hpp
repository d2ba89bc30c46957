// RSA key login support (cmon-rpc-v2.md §2.3): sign CMON's challenge with RSASSA-PKCS1-v1_5 over
// SHA-256 and encode it the way CMON expects (standard Base64, padded, no line breaks).
#pragma once

#include <string>
#include <string_view>

#include "cmon_mcp/util/expected.hpp"

namespace cmon_mcp::cmon {

// Standard Base64 (RFC 4648 "+/" alphabet, '=' padding), one line.
std::string base64_encode(std::string_view bytes);

// Checks that pem holds an unencrypted RSA private key (PKCS#1 "RSA PRIVATE KEY" or PKCS#8
// "PRIVATE KEY"); the error never quotes the key.
Expected<bool, std::string> check_private_key(std::string_view pem);

// Signs the challenge bytes exactly as received; returns the Base64 signature.
Expected<std::string, std::string> sign_challenge(std::string_view private_key_pem,
                                                  std::string_view challenge);

}  // namespace cmon_mcp::cmon
