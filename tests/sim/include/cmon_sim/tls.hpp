// TLS material for the simulator: an in-memory self-signed certificate (like a fresh controller's) or
// files given on the command line, plus the SHA-256 fingerprint that clients can pin.
#pragma once

#include <string>

#include "cmon_mcp/util/expected.hpp"

namespace cmon_sim {

struct TlsMaterial {
  std::string cert_pem;
  std::string key_pem;
  std::string fingerprint;  // "AA:BB:..." SHA-256 of the DER certificate, upper-case hex
};

// A fresh RSA-2048 key and a self-signed certificate for CN=127.0.0.1 (SAN IP:127.0.0.1, DNS:localhost).
cmon_mcp::Expected<TlsMaterial, std::string> make_self_signed();

// Reads a PEM certificate and key; checks they parse and belong together.
cmon_mcp::Expected<TlsMaterial, std::string> load_tls_files(const std::string& cert_file,
                                                            const std::string& key_file);

}  // namespace cmon_sim
