// The product's MCP resources (cmon://clusters, cmon://clusters/{id}, cmon://jobs/{id}/log) and DBA
// workflow prompts, with completion of cluster names and ids.
#pragma once

#include <memory>

#include "cmon_mcp/mcp/providers.hpp"

namespace cmon_mcp::app {

std::shared_ptr<mcp::ResourceProvider> make_cmon_resources();
std::shared_ptr<mcp::PromptProvider> make_dba_prompts();

}  // namespace cmon_mcp::app
