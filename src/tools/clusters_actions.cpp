// Catalogue B.2 (clusters), state-changing side: planners run by the
// safety pipeline (action.cpp).
#include "cmon_mcp/tools/action.hpp"
#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"

namespace cmon_mcp::tools {

void register_clusters_actions(Registry& registry) {
  (void)registry;
}

}  // namespace cmon_mcp::tools
