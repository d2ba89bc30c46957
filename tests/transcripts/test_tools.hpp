// Tools that exist only in test executables: they exercise the protocol engine (arguments, progress,
// cancellation, logging, elicitation, failures) without a CMON controller. Never linked into cmon-mcp.
#pragma once

#include "cmon_mcp/cmon/api.hpp"
#include "cmon_mcp/tools/registry.hpp"

namespace cmon_mcp::test {

void register_test_tools(tools::Registry& registry);

// A cmon::Api that answers every call with "controller unreachable": the test tools never need CMON.
class NoCmon final : public cmon::Api {
 public:
  awaitable<cmon::Result<nlohmann::json>> call(std::string_view path, std::string_view operation,
                                               nlohmann::json, cmon::CallOptions) override;
  std::string endpoint() const override { return "https://127.0.0.1:1"; }
};

}  // namespace cmon_mcp::test
