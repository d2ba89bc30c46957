// Secrets out of tool arguments before they are shown or recorded (audit log, dry runs, server logs).
// A tool marks a secret argument in its input schema with "writeOnly": true (JSON Schema's own word for
// "sent by the client, never given back"); redact_secrets replaces those values with "***", following
// nested objects (properties, additionalProperties) and arrays (items) of the schema.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace cmon_mcp::tools {

inline constexpr const char* kRedacted = "***";

// True for argument names that carry a credential whatever the schema says (password, passwd, secret,
// token, private_key, api_key, credentials...): a second net for a schema that forgot writeOnly.
bool secret_name(std::string_view name);

// A copy of `args` with every value the schema marks writeOnly, or whose name is secret_name(), set to
// "***". Values absent from the schema are kept unless their name is secret-looking. Never throws on
// odd input: a non-object schema or args is handled as "no schema information".
nlohmann::json redact_secrets(const nlohmann::json& schema, const nlohmann::json& args);

}  // namespace cmon_mcp::tools
