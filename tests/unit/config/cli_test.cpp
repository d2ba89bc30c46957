// Command line: Go-style single-dash flags, values that start with a dash, unknown flags.
#include <gtest/gtest.h>

#include "cmon_mcp/app/cli.hpp"

using namespace cmon_mcp;

TEST(NormalizeArgv, GoStyleFlagsBecomeDoubleDash) {
  auto out = config::normalize_argv({"-endpoint", "https://h:9501", "-username=admin", "--password",
                                     "-x-secret", "-h", "-read-only", "check"});
  EXPECT_EQ(out, (std::vector<std::string>{"--endpoint", "https://h:9501", "--username=admin", "--password",
                                           "-x-secret", "-h", "--read-only", "check"}));
}

TEST(CommandLine, ProductDocsInvocationWorks) {
  auto cli = app::parse_command_line(
      {"-endpoint", "https://host:9501", "-username", "admin", "-password", "secret"});
  ASSERT_TRUE(cli) << cli.error().message;
  EXPECT_EQ(cli->flags.at("CMON_ENDPOINT"), "https://host:9501");
  EXPECT_EQ(cli->flags.at("CMON_USERNAME"), "admin");
  EXPECT_EQ(cli->flags.at("CMON_PASSWORD"), "secret");
  EXPECT_EQ(cli->config_path, "/etc/default/cmon-mcp");
  EXPECT_FALSE(cli->config_path_given);
}

TEST(CommandLine, BooleanFlagsWithAndWithoutValues) {
  auto a = app::parse_command_line({"--read-only"});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->flags.at("MCP_READ_ONLY"), "true");
  auto b = app::parse_command_line({"--read-only=false", "--print-config"});
  ASSERT_TRUE(b);
  EXPECT_EQ(b->flags.at("MCP_READ_ONLY"), "false");
  EXPECT_TRUE(b->print_config);
}

TEST(CommandLine, UnknownFlagIsAnError) {
  auto cli = app::parse_command_line({"--endpoint", "https://h:9501", "--endpiont", "x"});
  ASSERT_FALSE(cli);
  EXPECT_NE(cli.error().message.find("endpiont"), std::string::npos) << cli.error().message;
}

TEST(CommandLine, HelpAndVersion) {
  auto h = app::parse_command_line({"--help"});
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->help);
  EXPECT_NE(h->help_text.find("--endpoint"), std::string::npos);
  EXPECT_NE(h->help_text.find("CMON_KEY_FILE"), std::string::npos);
  auto v = app::parse_command_line({"--version"});
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->version);
}

TEST(LoadConfig, EnvironmentLayerAndWarningsForUnknownNames) {
  auto cli = app::parse_command_line({"--config", "/nonexistent/cmon-mcp.env"});
  ASSERT_TRUE(cli);
  std::vector<std::string> warnings;
  auto c = app::load_config(*cli, {"CMON_USERNAME=u"}, &warnings);
  ASSERT_FALSE(c);  // an explicitly named file that cannot be read is fatal
  cli = app::parse_command_line({"--username", "flag-user"});
  ASSERT_TRUE(cli);
  cli->config_path = "/nonexistent/default";  // an absent default file is fine
  c = app::load_config(*cli, {"CMON_USERNAME=env-user", "MCP_READONLY=true", "PATH=/bin"}, &warnings);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->cmon_username, "flag-user");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("MCP_READONLY"), std::string::npos);
}
