// Who an MCP session acts for: the bearer token that opened it (its name, the tool classes it may use and
// the clusters it may act on). The dispatcher enforces it on tools/list and tools/call; stdio sessions and
// HTTP without authentication have full rights.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cmon_mcp::tools {
enum class ToolClass;  // tools/tool.hpp
}

namespace cmon_mcp::mcp {

struct Principal {
  // Bits of `classes`.
  static constexpr std::uint8_t kRead = 1, kWrite = 2, kDestructive = 4, kAll = 7;

  // The token's name in audit records and messages; "" when no token authenticated the session.
  std::string name;
  std::uint8_t classes = kAll;
  // Cluster ids ("1") and names ("prod-galera") the principal may act on; empty = every cluster.
  std::vector<std::string> clusters;

  bool may_use(tools::ToolClass c) const;
  bool all_clusters() const { return clusters.empty(); }
  // "read", "read and write", "read, write and destructive".
  std::string scope_text() const;
  // "1, prod-galera".
  std::string clusters_text() const;
};

}  // namespace cmon_mcp::mcp
