// A JSON Schema validator for the subset MCP tools use (draft 2020-12 keywords: type, properties,
// required, additionalProperties, enum, const, minimum/maximum (exclusive too), minLength/maxLength,
// pattern, items, minItems/maxItems, uniqueItems, anyOf/oneOf/allOf/not, $ref into $defs).
// Tool arguments are checked with it before a handler runs; messages name the offending argument.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cmon_mcp::util {

struct SchemaViolation {
  std::string path;     // "cluster_id", "nodes[2].port", "" for the root
  std::string message;  // "expected integer, got string \"3\""
};

// Validates `instance` against `schema`; returns every violation found (empty = valid).
// Unknown keywords are ignored, as the spec requires of validators.
std::vector<SchemaViolation> validate_schema(const nlohmann::json& schema, const nlohmann::json& instance);

// "cluster_id: expected integer, got string \"3\"; limit: must be <= 1000"
std::string describe_violations(const std::vector<SchemaViolation>& violations);

}  // namespace cmon_mcp::util
