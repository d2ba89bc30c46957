// JSON-RPC 2.0 framing shared by the dispatcher and every transport: parsing with limits,
// classification of messages, and construction of responses and errors.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cmon_mcp::mcp {

using nlohmann::json;

namespace error_code {
inline constexpr int parse_error = -32700;
inline constexpr int invalid_request = -32600;
inline constexpr int method_not_found = -32601;
inline constexpr int invalid_params = -32602;
inline constexpr int internal_error = -32603;
inline constexpr int server_error = -32000;       // transport-level problems ("Bad Request: ...")
inline constexpr int session_not_found = -32001;  // also used for "Unauthorized"
inline constexpr int resource_not_found = -32002;
}  // namespace error_code

enum class MessageKind { request, notification, response, invalid };

// request: has "method" and a string/integer "id"; notification: "method", no "id";
// response: "id" plus "result" or "error"; anything else is invalid.
MessageKind classify(const json& message);

// Nesting deeper than this is refused at parse time (a guard against stack exhaustion).
inline constexpr int kMaxJsonDepth = 64;

struct ParseFailure {
  int code = error_code::parse_error;
  std::string message;
};

// Parses one frame; on failure returns std::nullopt and fills `failure` (parse error, too deep).
std::optional<json> parse(std::string_view text, ParseFailure* failure = nullptr);

json make_result(const json& id, json result);
// A response whose result is already serialized JSON text (a cached tools/list page): the result is held
// as a JSON binary value, which serialize() writes verbatim. Binary values never come from parsed input,
// so nothing else can be mistaken for one.
json make_raw_result(const json& id, const std::string& serialized_result);
json make_error(const json& id, int code, std::string message, json data = nullptr);
json make_notification(std::string method, json params = json::object());
json make_request(const json& id, std::string method, json params = json::object());

// Compact, newline-free, invalid UTF-8 replaced: safe for stdio lines and SSE data. Raw results
// (make_raw_result) are spliced in as they are; a batch of responses is serialized element by element.
std::string serialize(const json& message);

// A stable map key for a request id ("n:5", "s:abc"), so 5 and "5" stay distinct.
std::string id_key(const json& id);

}  // namespace cmon_mcp::mcp
