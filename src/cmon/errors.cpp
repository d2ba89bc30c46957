// Names of CMON call failures, for logs and messages.
#include "cmon_mcp/cmon/api.hpp"

namespace cmon_mcp::cmon {

const char* to_string(Errc e) {
  switch (e) {
    case Errc::unreachable: return "unreachable";
    case Errc::timeout: return "timeout";
    case Errc::tls: return "tls";
    case Errc::auth_failed: return "auth_failed";
    case Errc::access_denied: return "access_denied";
    case Errc::not_found: return "not_found";
    case Errc::invalid_request: return "invalid_request";
    case Errc::try_again: return "try_again";
    case Errc::bad_reply: return "bad_reply";
    case Errc::cancelled: return "cancelled";
    case Errc::redirect: return "redirect";
    case Errc::failed: return "failed";
  }
  return "failed";
}

}  // namespace cmon_mcp::cmon
