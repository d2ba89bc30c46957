// Names of CMON call failures, and the actionable sentence for each (errors.hpp).
#include "cmon_mcp/cmon/errors.hpp"

#include "cmon_mcp/cmon/api.hpp"

namespace cmon_mcp::cmon {

const char* to_string(Errc e) {
  switch (e) {
    case Errc::unreachable:
      return "unreachable";
    case Errc::timeout:
      return "timeout";
    case Errc::tls:
      return "tls";
    case Errc::auth_failed:
      return "auth_failed";
    case Errc::access_denied:
      return "access_denied";
    case Errc::not_found:
      return "not_found";
    case Errc::invalid_request:
      return "invalid_request";
    case Errc::try_again:
      return "try_again";
    case Errc::bad_reply:
      return "bad_reply";
    case Errc::cancelled:
      return "cancelled";
    case Errc::redirect:
      return "redirect";
    case Errc::failed:
      return "failed";
  }
  return "failed";
}

namespace {

std::string or_default(const std::string& s, const char* def) {
  return s.empty() ? std::string(def) : s;
}

std::string cmon_said(const Error& e) {
  if (e.message.empty()) return {};
  return " (CMON said: " + e.message + ")";
}

}  // namespace

std::string describe(const Error& e) {
  const std::string endpoint = or_default(e.endpoint, "the configured CMON endpoint");
  const std::string op = or_default(e.operation, "the request");
  switch (e.code) {
    case Errc::unreachable:
      return "controller unreachable at " + endpoint + (e.message.empty() ? "" : " (" + e.message + ")") +
             "; check CMON_ENDPOINT and that cmon is running";
    case Errc::timeout:
      return "CMON call " + op + " " + or_default(e.message, "timed out") +
             "; the controller may be overloaded or the operation needs a longer timeout";
    case Errc::tls:
      // The client words a pin mismatch as "certificate does not match CMON_TLS_FINGERPRINT (...)".
      if (e.message.rfind("certificate does not match CMON_TLS_FINGERPRINT", 0) == 0)
        return "TLS certificate of " + endpoint + e.message.substr(11) +
               "; update CMON_TLS_FINGERPRINT if the controller's certificate was replaced";
      return "TLS connection to " + endpoint + " failed" + (e.message.empty() ? "" : ": " + e.message) +
             "; check CMON_TLS_VERIFY, CMON_CA_FILE and CMON_TLS_FINGERPRINT";
    case Errc::auth_failed:
      // Login failures already carry a complete sentence naming the user and the settings to check.
      if (e.message.rfind("CMON ", 0) == 0) return e.message;
      return "CMON login at " + endpoint + " failed" +
             (e.message.empty() ? std::string() : ": " + e.message) +
             "; check CMON_USERNAME and CMON_PASSWORD or CMON_KEY_FILE";
    case Errc::access_denied:
      return "CMON denied access to " + op + ": the CMON user lacks the right" + cmon_said(e);
    case Errc::not_found:
      return "CMON could not find what " + op + " refers to" + cmon_said(e) +
             "; check the ids or names (list them first)";
    case Errc::invalid_request:
      return "CMON refused " + op + " as invalid" + cmon_said(e) + "; check the arguments";
    case Errc::try_again:
      return "the controller at " + endpoint + " is not ready yet (TryAgain)" + cmon_said(e) +
             "; retry in a few seconds";
    case Errc::bad_reply:
      return "CMON sent an unusable reply to " + op +
             (e.http_status ? " (HTTP " + std::to_string(e.http_status) + ")" : std::string()) +
             (e.message.empty() ? "" : ": " + e.message) + "; check the controller's logs";
    case Errc::cancelled:
      return "CMON call " + op + " was cancelled before it completed";
    case Errc::redirect:
      return "CMON HA redirect failed for " + op + (e.message.empty() ? "" : ": " + e.message) +
             "; set CMON_ENDPOINT to the leader controller";
    case Errc::failed:
      return "CMON call " + op + " failed" + (e.request_status.empty() ? "" : " (" + e.request_status + ")") +
             cmon_said(e);
  }
  return "CMON call " + op + " failed";
}

}  // namespace cmon_mcp::cmon
