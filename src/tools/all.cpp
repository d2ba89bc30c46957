// The one list of tool domains, in catalogue order (tools-catalogue.md section B).
#include "cmon_mcp/tools/all.hpp"

namespace cmon_mcp::tools {

void register_all_tools(Registry& registry) {
  register_clusters_tools(registry);
}

}  // namespace cmon_mcp::tools
