// Conformance fixtures: names, payloads and behaviour as the suite's scenarios expect them.
#include "fixtures.hpp"

#include <boost/asio/as_tuple.hpp>

namespace cmon_mcp::conformance {

using nlohmann::json;
using tools::ToolClass;
using tools::ToolContext;
using tools::ToolDefinition;
using tools::ToolResult;

namespace {

// 1x1 PNG and a tiny WAV, base64.
constexpr const char* kPng =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
constexpr const char* kWav = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

awaitable<void> sleep_ms(int ms) {
  asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(ms));
  co_await timer.async_wait(asio::as_tuple(use_awaitable));
}

json image_block() {
  return json{{"type", "image"}, {"data", kPng}, {"mimeType", "image/png"}};
}

ToolDefinition fixture(std::string name, std::string description, json schema = json{{"type", "object"}}) {
  ToolDefinition d;
  d.name = std::move(name);
  d.title = d.name;
  d.description = std::move(description);
  d.group = "conformance";
  d.tool_class = ToolClass::read;
  d.input_schema = std::move(schema);
  return d;
}

ToolResult content(json blocks) {
  ToolResult r;
  r.content = std::move(blocks);
  return r;
}

awaitable<ToolResult> elicit(ToolContext& ctx, std::string message, json schema) {
  auto answer = co_await ctx.host.elicit(std::move(message), std::move(schema));
  co_return ToolResult::text("Elicitation completed: action=" + answer.action +
                             ", content=" + answer.content.dump());
}

}  // namespace

awaitable<cmon::Result<json>> NoController::call(std::string_view path, std::string_view operation, json,
                                                 cmon::CallOptions) {
  cmon::Error e;
  e.code = cmon::Errc::unreachable;
  e.message = "the conformance server has no CMON controller";
  e.path = std::string(path);
  e.operation = std::string(operation);
  co_return unexpected(std::move(e));
}

void register_fixture_tools(tools::Registry& registry) {
  auto d = fixture("test_simple_text", "Returns a fixed text block.");
  d.handler = [](ToolContext&, const json&) -> awaitable<ToolResult> {
    co_return ToolResult::text("This is a simple text response for testing.");
  };
  registry.add(std::move(d));

  d = fixture("test_image_content", "Returns a 1x1 PNG image block.");
  d.handler = [](ToolContext&, const json&) -> awaitable<ToolResult> {
    co_return content(json::array({image_block()}));
  };
  registry.add(std::move(d));

  d = fixture("test_audio_content", "Returns a short WAV audio block.");
  d.handler = [](ToolContext&, const json&) -> awaitable<ToolResult> {
    co_return content(json::array({json{{"type", "audio"}, {"data", kWav}, {"mimeType", "audio/wav"}}}));
  };
  registry.add(std::move(d));

  d = fixture("test_embedded_resource", "Returns an embedded text resource.");
  d.handler = [](ToolContext&, const json&) -> awaitable<ToolResult> {
    co_return content(json::array({json{{"type", "resource"},
                                        {"resource",
                                         {{"uri", "test://embedded-resource"},
                                          {"mimeType", "text/plain"},
                                          {"text", "This is an embedded resource content."}}}}}));
  };
  registry.add(std::move(d));

  d = fixture("test_multiple_content_types", "Returns text, image and resource blocks.");
  d.handler = [](ToolContext&, const json&) -> awaitable<ToolResult> {
    co_return content(
        json::array({json{{"type", "text"}, {"text", "Multiple content types test:"}}, image_block(),
                     json{{"type", "resource"},
                          {"resource",
                           {{"uri", "test://mixed-content-resource"},
                            {"mimeType", "application/json"},
                            {"text", R"({"test":"data","value":123})"}}}}}));
  };
  registry.add(std::move(d));

  d = fixture("test_tool_with_logging", "Sends three info log notifications 50 ms apart, then answers.");
  d.handler = [](ToolContext& ctx, const json&) -> awaitable<ToolResult> {
    const char* lines[] = {"Tool execution started", "Tool processing data", "Tool execution completed"};
    for (int i = 0; i < 3; ++i) {
      if (i) co_await sleep_ms(50);
      ctx.host.log("info", lines[i]);
    }
    co_return ToolResult::text("Tool with logging executed successfully");
  };
  registry.add(std::move(d));

  d = fixture("test_tool_with_progress", "Reports progress 0, 50 and 100 of 100, then answers.");
  d.handler = [](ToolContext& ctx, const json&) -> awaitable<ToolResult> {
    for (int p : {0, 50, 100}) {
      if (p) co_await sleep_ms(50);
      ctx.host.progress(p, 100, "step " + std::to_string(p));
    }
    co_return ToolResult::text("Tool with progress executed successfully");
  };
  registry.add(std::move(d));

  d = fixture("test_error_handling", "Always fails with an isError result.");
  d.handler = [](ToolContext&, const json&) -> awaitable<ToolResult> {
    co_return ToolResult::error("This tool intentionally returns an error for testing");
  };
  registry.add(std::move(d));

  d = fixture(
      "test_sampling", "Asks the client's model for a completion of `prompt`.",
      json::parse(R"J({"type":"object","properties":{"prompt":{"type":"string"}},"required":["prompt"]})J"));
  d.handler = [](ToolContext& ctx, const json& args) -> awaitable<ToolResult> {
    json params{
        {"messages",
         json::array({json{{"role", "user"}, {"content", {{"type", "text"}, {"text", args["prompt"]}}}}})},
        {"maxTokens", 100}};
    auto response = co_await ctx.host.request_client("sampling/createMessage", std::move(params));
    if (!response || !response->contains("result")) co_return ToolResult::error("sampling failed");
    const json& result = (*response)["result"];
    std::string text = result.contains("content") && result["content"].is_object()
                           ? result["content"].value("text", result["content"].dump())
                           : result.dump();
    co_return ToolResult::text("LLM response: " + text);
  };
  registry.add(std::move(d));

  d = fixture(
      "test_elicitation", "Asks the user for a username and an email.",
      json::parse(
          R"J({"type":"object","properties":{"message":{"type":"string"}},"required":["message"]})J"));
  d.handler = [](ToolContext& ctx, const json& args) -> awaitable<ToolResult> {
    co_return co_await elicit(ctx, args["message"].get<std::string>(), json::parse(R"J({"type":"object",
        "properties":{"username":{"type":"string","description":"User's response"},
                      "email":{"type":"string","description":"User's email address"}},
        "required":["username","email"]})J"));
  };
  registry.add(std::move(d));

  d = fixture("test_elicitation_sep1034_defaults", "Elicitation whose fields all carry defaults (SEP-1034).");
  d.handler = [](ToolContext& ctx, const json&) -> awaitable<ToolResult> {
    co_return co_await elicit(ctx, "Please review and update the form fields with defaults", json::parse(R"J({
        "type":"object","properties":{
          "name":{"type":"string","description":"User name","default":"John Doe"},
          "age":{"type":"integer","description":"User age","default":30},
          "score":{"type":"number","description":"User score","default":95.5},
          "status":{"type":"string","description":"User status","enum":["active","inactive","pending"],"default":"active"},
          "verified":{"type":"boolean","description":"Verification status","default":true}},
        "required":[]})J"));
  };
  registry.add(std::move(d));

  d = fixture("test_elicitation_sep1330_enums", "Elicitation with the five enum shapes (SEP-1330).");
  d.handler = [](ToolContext& ctx, const json&) -> awaitable<ToolResult> {
    co_return co_await elicit(ctx, "Please select options from the enum fields", json::parse(R"J({
        "type":"object","properties":{
          "untitledSingle":{"type":"string","description":"Select one option","enum":["option1","option2","option3"]},
          "titledSingle":{"type":"string","description":"Select one option with titles",
            "oneOf":[{"const":"value1","title":"First Option"},{"const":"value2","title":"Second Option"},{"const":"value3","title":"Third Option"}]},
          "legacyEnum":{"type":"string","description":"Select one option (legacy)","enum":["opt1","opt2","opt3"],
            "enumNames":["Option One","Option Two","Option Three"]},
          "untitledMulti":{"type":"array","description":"Select multiple options","minItems":1,"maxItems":3,
            "items":{"type":"string","enum":["option1","option2","option3"]}},
          "titledMulti":{"type":"array","description":"Select multiple options with titles","minItems":1,"maxItems":3,
            "items":{"anyOf":[{"const":"value1","title":"First Choice"},{"const":"value2","title":"Second Choice"},{"const":"value3","title":"Third Choice"}]}}},
        "required":[]})J"));
  };
  registry.add(std::move(d));

  d = fixture("json_schema_2020_12_tool",
              "Echoes its arguments; its input schema uses JSON Schema 2020-12 keywords.",
              json::parse(R"J({"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
                "$defs":{"address":{"type":"object","properties":{"street":{"type":"string"},"city":{"type":"string"}}}},
                "properties":{"name":{"type":"string"},"address":{"$ref":"#/$defs/address"}},
                "additionalProperties":false})J"));
  d.handler = [](ToolContext&, const json& args) -> awaitable<ToolResult> {
    co_return ToolResult::text(args.dump());
  };
  registry.add(std::move(d));
}

namespace {

class FixtureResources final : public mcp::ResourceProvider {
 public:
  awaitable<std::vector<json>> list(cmon::Api&) override {
    co_return std::vector<json>{json{{"uri", "test://static-text"},
                                     {"name", "static-text"},
                                     {"description", "A static text resource"},
                                     {"mimeType", "text/plain"}},
                                json{{"uri", "test://static-binary"},
                                     {"name", "static-binary"},
                                     {"description", "A static PNG image"},
                                     {"mimeType", "image/png"}},
                                json{{"uri", "test://watched-resource"},
                                     {"name", "watched-resource"},
                                     {"description", "A resource clients may subscribe to"},
                                     {"mimeType", "text/plain"}}};
  }
  std::vector<json> templates() const override {
    return {json{{"uriTemplate", "test://template/{id}/data"},
                 {"name", "template"},
                 {"description", "Data for an id"},
                 {"mimeType", "application/json"}}};
  }
  awaitable<Expected<json, mcp::ProviderError>> read(cmon::Api&, std::string uri) override {
    if (uri == "test://static-text")
      co_return json{
          {"contents", json::array({json{{"uri", uri},
                                         {"mimeType", "text/plain"},
                                         {"text", "This is the content of the static text resource."}}})}};
    if (uri == "test://static-binary")
      co_return json{
          {"contents", json::array({json{{"uri", uri}, {"mimeType", "image/png"}, {"blob", kPng}}})}};
    if (uri == "test://watched-resource")
      co_return json{{"contents",
                      json::array({json{
                          {"uri", uri}, {"mimeType", "text/plain"}, {"text", "Watched resource content"}}})}};
    const std::string prefix = "test://template/", suffix = "/data";
    if (uri.size() > prefix.size() + suffix.size() && uri.rfind(prefix, 0) == 0 &&
        uri.compare(uri.size() - suffix.size(), suffix.size(), suffix) == 0) {
      std::string id = uri.substr(prefix.size(), uri.size() - prefix.size() - suffix.size());
      json body{{"id", id}, {"templateTest", true}, {"data", "Data for ID: " + id}};
      co_return json{
          {"contents",
           json::array({json{{"uri", uri}, {"mimeType", "application/json"}, {"text", body.dump()}}})}};
    }
    co_return unexpected(mcp::ProviderError{-32002, "Resource not found", json{{"uri", uri}}});
  }
  bool subscribable(const std::string& uri) const override { return uri.rfind("test://", 0) == 0; }
};

json text_message(std::string text) {
  return json{{"role", "user"}, {"content", {{"type", "text"}, {"text", std::move(text)}}}};
}

class FixturePrompts final : public mcp::PromptProvider {
 public:
  std::vector<json> list() const override {
    return {
        json{{"name", "test_simple_prompt"}, {"description", "A prompt without arguments"}},
        json{{"name", "test_prompt_with_arguments"},
             {"description", "A prompt with two required arguments"},
             {"arguments",
              json::array({json{{"name", "arg1"}, {"description", "First argument"}, {"required", true}},
                           json{{"name", "arg2"}, {"description", "Second argument"}, {"required", true}}})}},
        json{{"name", "test_prompt_with_embedded_resource"},
             {"description", "A prompt embedding a resource"},
             {"arguments",
              json::array(
                  {json{{"name", "resourceUri"}, {"description", "URI to embed"}, {"required", true}}})}},
        json{{"name", "test_prompt_with_image"}, {"description", "A prompt with an image"}}};
  }
  awaitable<Expected<json, mcp::ProviderError>> get(cmon::Api&, std::string name, json args) override {
    auto arg = [&](const char* key) -> std::optional<std::string> {
      auto it = args.find(key);
      if (it == args.end() || !it->is_string()) return std::nullopt;
      return it->get<std::string>();
    };
    if (name == "test_simple_prompt")
      co_return json{{"messages", json::array({text_message("This is a simple prompt for testing.")})}};
    if (name == "test_prompt_with_arguments") {
      auto a1 = arg("arg1"), a2 = arg("arg2");
      if (!a1 || !a2) co_return unexpected(mcp::ProviderError{-32602, "arg1 and arg2 are required"});
      co_return json{{"messages", json::array({text_message("Prompt with arguments: arg1='" + *a1 +
                                                            "', arg2='" + *a2 + "'")})}};
    }
    if (name == "test_prompt_with_embedded_resource") {
      auto uri = arg("resourceUri");
      if (!uri) co_return unexpected(mcp::ProviderError{-32602, "resourceUri is required"});
      co_return json{
          {"messages", json::array({json{{"role", "user"},
                                         {"content",
                                          {{"type", "resource"},
                                           {"resource",
                                            {{"uri", *uri},
                                             {"mimeType", "text/plain"},
                                             {"text", "Embedded resource content for testing."}}}}}},
                                    text_message("Please process the embedded resource above.")})}};
    }
    if (name == "test_prompt_with_image")
      co_return json{{"messages", json::array({json{{"role", "user"}, {"content", image_block()}},
                                               text_message("Please analyze the image above.")})}};
    co_return unexpected(mcp::ProviderError{-32602, "Unknown prompt: " + name});
  }
  awaitable<std::vector<std::string>> complete(cmon::Api&, std::string, std::string,
                                               std::string prefix) override {
    std::vector<std::string> out;
    for (const char* v : {"paris", "park", "party"})
      if (std::string(v).rfind(prefix, 0) == 0) out.push_back(v);
    co_return out;
  }
};

}  // namespace

std::shared_ptr<mcp::ResourceProvider> make_fixture_resources() {
  return std::make_shared<FixtureResources>();
}
std::shared_ptr<mcp::PromptProvider> make_fixture_prompts() {
  return std::make_shared<FixturePrompts>();
}

}  // namespace cmon_mcp::conformance
