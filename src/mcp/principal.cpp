// The rights of a session's principal.
#include "cmon_mcp/mcp/principal.hpp"

#include "cmon_mcp/tools/tool.hpp"

namespace cmon_mcp::mcp {

bool Principal::may_use(tools::ToolClass c) const {
  switch (c) {
    case tools::ToolClass::read:
      return (classes & kRead) != 0;
    case tools::ToolClass::write:
      return (classes & kWrite) != 0;
    case tools::ToolClass::destructive:
      return (classes & kDestructive) != 0;
  }
  return false;
}

std::string Principal::scope_text() const {
  std::vector<const char*> parts;
  if (classes & kRead) parts.push_back("read");
  if (classes & kWrite) parts.push_back("write");
  if (classes & kDestructive) parts.push_back("destructive");
  if (parts.empty()) return "no";
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += i + 1 == parts.size() ? " and " : ", ";
    out += parts[i];
  }
  return out;
}

std::string Principal::clusters_text() const {
  if (clusters.empty()) return "every cluster";
  std::string out;
  for (const auto& c : clusters) out += (out.empty() ? "" : ", ") + c;
  return out;
}

}  // namespace cmon_mcp::mcp
