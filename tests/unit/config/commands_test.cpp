// Operator sub-commands: parsing, tokens, client snippets, tool catalogue rendering.
#include <gtest/gtest.h>

#include <set>

#include "cmon_mcp/app/cli.hpp"
#include "cmon_mcp/app/commands.hpp"

using namespace cmon_mcp;

TEST(SubCommands, Parse) {
  auto c = app::parse_command_line({"check", "--config", "/tmp/x.env"});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->command, app::Command::check);
  EXPECT_EQ(c->config_path, "/tmp/x.env");
  auto t = app::parse_command_line({"tools", "--format", "markdown"});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->command, app::Command::tools);
  EXPECT_EQ(t->tools_format, "markdown");
  auto cc = app::parse_command_line({"client-config", "codex", "-bind", "127.0.0.1:3000"});
  ASSERT_TRUE(cc) << cc.error().message;
  EXPECT_EQ(cc->command, app::Command::client_config);
  EXPECT_EQ(cc->client, "codex");
  EXPECT_EQ(cc->flags.at("MCP_BIND_ADDRESS"), "127.0.0.1:3000");
  EXPECT_FALSE(app::parse_command_line({"client-config", "netscape"}));
  EXPECT_EQ(app::parse_command_line({})->command, app::Command::serve);
}

TEST(GenToken, Is256BitHexAndFresh) {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    std::string t = app::generate_token();
    ASSERT_EQ(t.size(), 64u);
    EXPECT_EQ(t.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_TRUE(seen.insert(t).second);
  }
}

TEST(ClientConfig, FilledFromBaseUrlBindAndToken) {
  config::Config c;
  c.bind_address = "0.0.0.0:3000";
  c.auth_tokens = {"tok123"};
  EXPECT_EQ(app::public_url(c, "/mcp"), "http://127.0.0.1:3000/mcp");
  std::string code = app::client_config_snippet(c, "claude-code");
  EXPECT_NE(code.find("claude mcp add --transport http cmon http://127.0.0.1:3000/mcp --header "
                      "\"Authorization: Bearer tok123\""),
            std::string::npos)
      << code;
  c.base_url = "https://cc.example.com/prefix/";
  std::string codex = app::client_config_snippet(c, "codex");
  EXPECT_NE(codex.find("url = \"https://cc.example.com/prefix/mcp\""), std::string::npos) << codex;
  EXPECT_NE(codex.find("bearer_token_env_var = \"CMON_MCP_TOKEN\""), std::string::npos);
  std::string desktop = app::client_config_snippet(c, "claude-desktop");
  EXPECT_NE(desktop.find("mcp-remote"), std::string::npos);
  EXPECT_NE(desktop.find("Bearer tok123"), std::string::npos);
  EXPECT_NE(app::client_config_snippet(c, "mcp-remote").find("/sse --transport sse-only"), std::string::npos);
  EXPECT_NE(app::client_config_snippet(c, "inspector").find("--cli https://cc.example.com/prefix/mcp"),
            std::string::npos);
}

TEST(ClientConfig, StdioWhenNotBoundAndNoPasswordInArgv) {
  config::Config c;
  c.cmon_endpoints = {"https://10.0.0.5:9501"};
  c.cmon_username = "mcp";
  c.cmon_password = "secret";
  std::string desktop = app::client_config_snippet(c, "claude-desktop");
  EXPECT_NE(desktop.find("\"-endpoint\""), std::string::npos) << desktop;
  EXPECT_EQ(desktop.find("secret"), std::string::npos);
  EXPECT_NE(desktop.find("CMON_PASSWORD"), std::string::npos);
  EXPECT_NE(app::client_config_snippet(c, "claude-code")
                .find("claude mcp add cmon -e CMON_PASSWORD=<password> -- /usr/bin/cmon-mcp -endpoint"),
            std::string::npos);
}

TEST(RenderTools, TableMarkdownJson) {
  tools::Registry r;
  tools::ToolDefinition d;
  d.name = "list_things";
  d.title = "List things";
  d.description = "Lists things | with a pipe.\nMore.";
  d.group = "things";
  d.handler = [](tools::ToolContext&, const nlohmann::json&) -> awaitable<tools::ToolResult> {
    co_return tools::ToolResult::text("");
  };
  r.add(d);
  EXPECT_NE(app::render_tools(r, "table").find("list_things  R  List things"), std::string::npos);
  std::string md = app::render_tools(r, "markdown");
  EXPECT_NE(md.find("| [`list_things`](#list_things) | R | things | List things |"), std::string::npos) << md;
  EXPECT_NE(md.find("\n## things\n\n### list_things\n"), std::string::npos) << md;
  EXPECT_NE(md.find("No arguments."), std::string::npos) << md;
  auto j = nlohmann::json::parse(app::render_tools(r, "json"));
  EXPECT_EQ(j[0]["annotations"]["readOnlyHint"], true);
}

TEST(RenderSettings, EveryKnownOptionWithFlagAndDefault) {
  std::string md = app::render_settings("markdown");
  for (const auto& o : config::known_options())
    EXPECT_NE(md.find("| `" + o.key + "` | `--" + o.flag + "`"), std::string::npos) << o.key;
  EXPECT_NE(md.find("| `CMON_TIMEOUT_S` | `--cmon-timeout` | `30` |"), std::string::npos) << md;
  EXPECT_NE(md.find("| `MCP_READ_ONLY` | `--read-only` [BOOL] | `false` |"), std::string::npos) << md;
  EXPECT_NE(app::render_settings("table").find("CMON_TLS_VERIFY  (--tls-verify)  default: auto"),
            std::string::npos);
  auto c = app::parse_command_line({"settings", "--format", "markdown"});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->command, app::Command::settings);
  EXPECT_EQ(c->tools_format, "markdown");
}
