// The CMON RPC v2 interface as the tools see it: one coroutine call per request, failures as values.
// Tools depend only on this header (no Beast, no TLS); CmonClient implements it over HTTPS and tests
// or fuzzers may implement it in memory.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cmon_mcp/util/asio.hpp"
#include "cmon_mcp/util/expected.hpp"
#include "cmon_mcp/util/json_parse.hpp"

namespace cmon_mcp::cmon {

using nlohmann::json;

// What went wrong with a CMON call, coarse enough for a tool to turn into actionable text.
enum class Errc {
  unreachable,      // TCP connect refused / host unknown / connection dropped before a reply
  timeout,          // no complete reply within the call's deadline
  tls,              // TLS handshake or certificate verification/pin failure
  auth_failed,      // login refused (wrong password, wrong key, unknown user) or session lost twice
  access_denied,    // request_status AccessDenied on a non-login request
  not_found,        // ObjectNotFound / ClusterNotFound / InvalidRequest whose text says "not found"
  invalid_request,  // InvalidRequest (bad fields, refused operation)
  try_again,        // TryAgain: the controller is starting
  bad_reply,        // not JSON, HTML error page, missing request_status
  cancelled,        // the MCP request was cancelled while the call was in flight
  redirect,         // too many CMON HA redirects
  failed,           // any other non-Ok request_status (UnknownError, ...)
};

const char* to_string(Errc e);

struct Error {
  Errc code = Errc::failed;
  std::string message;         // CMON's error_string when it sent one, else our description
  std::string request_status;  // CMON's request_status verbatim ("" for transport errors)
  std::string path;            // e.g. "/v2/clusters"
  std::string operation;       // e.g. "getClusterInfo"
  std::string endpoint;        // the controller URL that was called (no credentials)
  int http_status = 0;         // 0 when no HTTP reply arrived
};

template <class T>
using Result = Expected<T, Error>;

// The parts of a reply a caller reads (see util::JsonKeep): a large reply is then parsed without
// building the rest, which is most of what reading one costs. CMON's envelope (request_status,
// error_string, error_message, controllers), which decoding any reply needs, is always kept. A job_spec
// arrives as a string: name it `true`, and it is kept and parsed whole (normalize_reply).
class ReplyParts {
 public:
  explicit ReplyParts(const nlohmann::json& spec);  // throws std::invalid_argument as JsonKeep does
  const util::JsonKeep& keep() const { return keep_; }

 private:
  util::JsonKeep keep_;
};

struct CallOptions {
  // 0 = the client's default per-call timeout.
  std::chrono::milliseconds timeout{0};
  // Only these parts of an Ok reply come back; null = all of it. The object must outlive the call
  // (parts are constants next to the code that reads them).
  const ReplyParts* parts = nullptr;
};

class Api {
 public:
  virtual ~Api() = default;

  // POST {"operation": operation, ...fields} to <endpoint><path> and return the reply body when
  // request_status is Ok. The reply is normalised (see cmon/normalize.hpp) before it is returned.
  // Honours the awaiting coroutine's cancellation slot (terminal cancellation -> Errc::cancelled).
  virtual awaitable<Result<nlohmann::json>> call(std::string_view path, std::string_view operation,
                                                 nlohmann::json fields = nlohmann::json::object(),
                                                 CallOptions options = {}) = 0;

  // The controller URL for messages ("https://10.0.0.5:9501"), never with credentials.
  virtual std::string endpoint() const = 0;
};

}  // namespace cmon_mcp::cmon
