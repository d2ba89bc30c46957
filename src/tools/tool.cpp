// ToolResult constructors and the class -> annotations mapping.
#include "cmon_mcp/tools/tool.hpp"

namespace cmon_mcp::tools {

ToolResult ToolResult::text(std::string text) {
  ToolResult r;
  r.content.push_back(json{{"type", "text"}, {"text", std::move(text)}});
  return r;
}

ToolResult ToolResult::error(std::string text) {
  ToolResult r = ToolResult::text(std::move(text));
  r.is_error = true;
  return r;
}

ToolResult ToolResult::structured_text(std::string text, json structured) {
  ToolResult r = ToolResult::text(std::move(text));
  r.structured = std::move(structured);
  return r;
}

json annotations_for(const ToolDefinition& def) {
  json a{{"title", def.title}};
  switch (def.tool_class) {
    case ToolClass::read:
      a["readOnlyHint"] = true;
      a["destructiveHint"] = false;
      a["idempotentHint"] = true;
      break;
    case ToolClass::write:
      a["readOnlyHint"] = false;
      a["destructiveHint"] = false;
      a["idempotentHint"] = false;
      break;
    case ToolClass::destructive:
      a["readOnlyHint"] = false;
      a["destructiveHint"] = true;
      a["idempotentHint"] = false;
      break;
  }
  // Every tool talks to a CMON controller and the databases behind it: an open world.
  a["openWorldHint"] = true;
  return a;
}

}  // namespace cmon_mcp::tools
