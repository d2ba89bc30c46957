// Turns one CMON HTTP reply into a Result: success only on request_status "Ok", every other outcome
// mapped to a cmon::Errc with CMON's own text kept. Pure functions, no network: CmonClient uses them
// for every reply and tests feed them captured replies.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "cmon_mcp/cmon/api.hpp"

namespace cmon_mcp::cmon {

// Where the reply came from, copied into the Error for messages.
struct ReplyContext {
  std::string_view path;       // "/v2/clusters"
  std::string_view operation;  // "getClusterInfo"
  std::string_view endpoint;   // "https://10.0.0.5:9501"
};

// Decodes a reply body. Ok replies come back normalised (normalize_reply). Session loss (HTTP 401/403
// or request_status AuthRequired) is Errc::auth_failed with is_session_lost() true; the client decides
// whether to log in again. A non-JSON body (an HTML 500 page) is Errc::bad_reply with the HTTP status.
Result<json> decode_reply(int http_status, std::string_view body, const ReplyContext& ctx = {});
// The same for a body already parsed (discarded parse -> json value_t::discarded is bad_reply).
Result<json> decode_reply_json(int http_status, json reply, const ReplyContext& ctx = {});

// The Errc for a non-Ok request_status, looking at error_string where CMON is inconsistent
// ("Cluster was not found." comes as ObjectNotFound or InvalidRequest depending on the operation).
Errc errc_for_status(std::string_view request_status, std::string_view error_string,
                     std::string_view operation = {});

// True when the error means "no valid session": log in again and resend once.
bool is_session_lost(const Error& e);

// Login operations on /v2/auth: AccessDenied there means wrong credentials (auth_failed), elsewhere a
// missing right (access_denied).
bool is_login_operation(std::string_view operation);

// Text says the object does not exist ("was not found", "does not exist(s)", "No CmonCluster ...").
bool says_not_found(std::string_view text);

}  // namespace cmon_mcp::cmon
