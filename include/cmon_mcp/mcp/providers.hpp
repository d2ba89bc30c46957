// Resources and prompts, served by the dispatcher through these two interfaces so that the product's
// (cmon://clusters, DBA workflow prompts) and the conformance fixtures (tests/conformance) plug in alike.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cmon_mcp/cmon/api.hpp"
#include "cmon_mcp/util/asio.hpp"
#include "cmon_mcp/util/expected.hpp"

namespace cmon_mcp::mcp {

using nlohmann::json;

// A failure a provider reports; `code` is a JSON-RPC error code (-32002 resource not found,
// -32602 invalid params, -32603 internal).
struct ProviderError {
  int code = -32603;
  std::string message;
  json data = nullptr;
};

class ResourceProvider {
 public:
  virtual ~ResourceProvider() = default;
  // Resource objects ({uri, name, title?, description?, mimeType?}) in a stable order.
  virtual awaitable<std::vector<json>> list(cmon::Api& cmon) = 0;
  // Resource template objects ({uriTemplate, name, ...}) in a stable order.
  virtual std::vector<json> templates() const = 0;
  // {"contents": [...]} for a URI, or an error (-32002 for an unknown URI).
  virtual awaitable<Expected<json, ProviderError>> read(cmon::Api& cmon, std::string uri) = 0;
  // Whether resources/subscribe may be used for this URI.
  virtual bool subscribable(const std::string& uri) const { return !uri.empty(); }
  // Values for completion/complete of a template variable (ref/resource).
  virtual awaitable<std::vector<std::string>> complete(cmon::Api& cmon, std::string uri_template,
                                                       std::string argument, std::string prefix) {
    (void)cmon, (void)uri_template, (void)argument, (void)prefix;
    co_return std::vector<std::string>{};
  }
};

class PromptProvider {
 public:
  virtual ~PromptProvider() = default;
  // Prompt objects ({name, title?, description, arguments: [{name, description, required}]}).
  virtual std::vector<json> list() const = 0;
  // {"description"?, "messages": [...]} or an error (-32602 for an unknown prompt or missing argument).
  virtual awaitable<Expected<json, ProviderError>> get(cmon::Api& cmon, std::string name, json arguments) = 0;
  // Values for completion/complete of a prompt argument (ref/prompt).
  virtual awaitable<std::vector<std::string>> complete(cmon::Api& cmon, std::string prompt,
                                                       std::string argument, std::string prefix) {
    (void)cmon, (void)prompt, (void)argument, (void)prefix;
    co_return std::vector<std::string>{};
  }
};

}  // namespace cmon_mcp::mcp
