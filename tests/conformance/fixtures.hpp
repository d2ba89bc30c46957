// The fixture tools, resources and prompts the MCP conformance suite calls by name
// (mcp-protocol-notes §19), served through the product's Registry and provider interfaces.
#pragma once

#include <memory>

#include "cmon_mcp/cmon/api.hpp"
#include "cmon_mcp/mcp/providers.hpp"
#include "cmon_mcp/tools/registry.hpp"

namespace cmon_mcp::conformance {

// A cmon::Api with no controller behind it: every call fails (fixtures never need CMON).
class NoController final : public cmon::Api {
 public:
  awaitable<cmon::Result<nlohmann::json>> call(std::string_view path, std::string_view operation,
                                               nlohmann::json fields, cmon::CallOptions options) override;
  std::string endpoint() const override { return "none"; }
};

void register_fixture_tools(tools::Registry& registry);
std::shared_ptr<mcp::ResourceProvider> make_fixture_resources();
std::shared_ptr<mcp::PromptProvider> make_fixture_prompts();

}  // namespace cmon_mcp::conformance
