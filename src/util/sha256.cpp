// SHA-256 digests for the bearer tokens.
#include "cmon_mcp/util/sha256.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace cmon_mcp::util {

std::string sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 unavailable");
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    auto b = static_cast<unsigned char>(c);
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  return to_hex(sha256(data));
}

}  // namespace cmon_mcp::util
