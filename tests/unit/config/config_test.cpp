// Configuration: environment-file syntax, precedence of the sources, and every validation error.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "cmon_mcp/config/config.hpp"

using namespace cmon_mcp::config;

namespace {

Layers base() {
  Layers l;
  l.file_name = "/etc/default/cmon-mcp";
  return l;
}

std::string error_of(const Layers& l) {
  auto c = build_config(l);
  EXPECT_FALSE(c) << "expected a configuration error";
  return c ? "" : c.error().message;
}

}  // namespace

TEST(EnvFile, ParsesShellStyleAssignments) {
  auto r = parse_env_file(
      "# comment\n"
      "\n"
      "CMON_ENDPOINT=https://10.0.0.5:9501\n"
      "export CMON_USERNAME=admin\n"
      "CMON_PASSWORD=\"se cr\\\"et\"  # trailing comment\n"
      "MCP_AUTH_TOKEN='a#b c'\n"
      "MCP_BASE_URL=http://x/y # comment\n"
      "  MCP_READ_ONLY = true  \n",
      "f");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->at("CMON_ENDPOINT"), "https://10.0.0.5:9501");
  EXPECT_EQ(r->at("CMON_USERNAME"), "admin");
  EXPECT_EQ(r->at("CMON_PASSWORD"), "se cr\"et");
  EXPECT_EQ(r->at("MCP_AUTH_TOKEN"), "a#b c");
  EXPECT_EQ(r->at("MCP_BASE_URL"), "http://x/y");
  EXPECT_EQ(r->at("MCP_READ_ONLY"), "true");
}

TEST(EnvFile, UnknownKeyIsFatalWithFileAndLine) {
  auto r = parse_env_file("CMON_ENDPOINT=https://h:9501\nMCP_READONLY=true\n", "/etc/default/cmon-mcp");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "/etc/default/cmon-mcp:2: unknown setting 'MCP_READONLY' (see cmon-mcp --help for the list)");
}

TEST(EnvFile, MalformedLinesAreFatal) {
  EXPECT_FALSE(parse_env_file("just words\n", "f"));
  EXPECT_FALSE(parse_env_file("CMON_PASSWORD=\"unterminated\n", "f"));
  EXPECT_FALSE(parse_env_file("CMON_PASSWORD=\"x\" junk\n", "f"));
}

TEST(Precedence, FlagsBeatEnvironmentBeatFileBeatDefaults) {
  Layers l = base();
  l.file_text = "CMON_ENDPOINT=https://file:9501\nCMON_USERNAME=file-user\nMCP_LOG_LEVEL=warn\n";
  l.environment = {{"CMON_ENDPOINT", "https://env:9501"}, {"CMON_USERNAME", "env-user"}};
  l.flags = {{"CMON_ENDPOINT", "https://flag:9501"}};
  auto c = build_config(l);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->cmon_endpoints, std::vector<std::string>{"https://flag:9501"});
  EXPECT_EQ(c->cmon_username, "env-user");
  EXPECT_EQ(c->log_level, "warn");
  EXPECT_EQ(c->cmon_tls_verify, "auto");
  EXPECT_EQ(c->sources.at("CMON_ENDPOINT"), Source::flag);
  EXPECT_EQ(c->sources.at("CMON_USERNAME"), Source::environment);
  EXPECT_EQ(c->sources.at("MCP_LOG_LEVEL"), Source::file);
  EXPECT_EQ(c->sources.at("CMON_TLS_VERIFY"), Source::defaults);
}

TEST(Precedence, ListsAndBooleans) {
  Layers l = base();
  l.environment = {{"CMON_ENDPOINT", "https://a:9501, https://b:9501"},
                   {"MCP_AUTH_TOKEN", "old,new"},
                   {"MCP_READ_ONLY", "yes"},
                   {"MCP_TOOLS_DENY", "backups, *_user"}};
  auto c = build_config(l);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->cmon_endpoints.size(), 2u);
  EXPECT_EQ(c->auth_tokens, (std::vector<std::string>{"old", "new"}));
  EXPECT_TRUE(c->read_only);
  EXPECT_EQ(c->tools_deny, (std::vector<std::string>{"backups", "*_user"}));
}

TEST(Validation, PasswordAndKeyFileAreMutuallyExclusive) {
  Layers l = base();
  l.environment = {{"CMON_PASSWORD", "x"}};
  l.flags = {{"CMON_KEY_FILE", "/tmp/key.pem"}};
  std::string e = error_of(l);
  EXPECT_NE(e.find("mutually exclusive"), std::string::npos) << e;
  EXPECT_NE(e.find("--key-file"), std::string::npos) << e;
}

TEST(Validation, PasswordAndPasswordFileConflict) {
  Layers l = base();
  l.environment = {{"CMON_PASSWORD", "x"}, {"CMON_PASSWORD_FILE", "/run/pw"}};
  EXPECT_NE(error_of(l).find("both set"), std::string::npos);
}

TEST(Validation, EndpointMustBeHttpUrl) {
  Layers l = base();
  l.flags = {{"CMON_ENDPOINT", "10.0.0.5:9501"}};
  EXPECT_EQ(error_of(l),
            "--endpoint: '10.0.0.5:9501' is not an http(s) URL; expected e.g. https://127.0.0.1:9501");
  l.flags = {{"CMON_ENDPOINT", "https://admin:pw@host:9501"}};
  EXPECT_NE(error_of(l).find("must not carry credentials"), std::string::npos);
}

TEST(Validation, BindAddressForms) {
  for (const char* ok : {"127.0.0.1:3000", "[::1]:3000", "0.0.0.0:0", "localhost:8080"}) {
    Layers l = base();
    l.flags = {{"MCP_BIND_ADDRESS", ok}};
    EXPECT_TRUE(build_config(l)) << ok;
  }
  for (const char* bad : {"3000", "127.0.0.1", "::1:3000", "host:99999", "host:abc", ":3000", "[::1]3000"}) {
    Layers l = base();
    l.flags = {{"MCP_BIND_ADDRESS", bad}};
    EXPECT_NE(error_of(l).find("is not host:port"), std::string::npos) << bad;
  }
}

TEST(Validation, MalformedValuesNameTheirSource) {
  Layers l = base();
  l.file_text = "MCP_READ_ONLY=maybe\n";
  EXPECT_EQ(error_of(l), "MCP_READ_ONLY (/etc/default/cmon-mcp): must be true or false, not 'maybe'");
  l = base();
  l.environment = {{"CMON_TLS_VERIFY", "sometimes"}};
  EXPECT_EQ(error_of(l), "CMON_TLS_VERIFY (environment): must be auto, yes or no, not 'sometimes'");
  l = base();
  l.flags = {{"CMON_TIMEOUT_S", "-5"}};
  EXPECT_NE(error_of(l).find("--cmon-timeout"), std::string::npos);
  l = base();
  l.flags = {{"MCP_LOG_LEVEL", "verbose"}};
  EXPECT_NE(error_of(l).find("must be one of"), std::string::npos);
  l = base();
  l.flags = {{"MCP_TRANSPORT", "websocket"}};
  EXPECT_NE(error_of(l).find("stdio or http"), std::string::npos);
  l = base();
  l.flags = {{"MCP_TLS_CERT", "/x.pem"}};
  EXPECT_NE(error_of(l).find("go together"), std::string::npos);
}

TEST(Serving, RequiresEndpointUserAndCredentials) {
  Config c;
  EXPECT_NE(validate_for_serving(c)->message.find("CMON_ENDPOINT is not set"), std::string::npos);
  c.cmon_endpoints = {"https://127.0.0.1:9501"};
  EXPECT_NE(validate_for_serving(c)->message.find("CMON_USERNAME is not set"), std::string::npos);
  c.cmon_username = "admin";
  EXPECT_NE(validate_for_serving(c)->message.find("no CMON credentials"), std::string::npos);
  c.cmon_key_file = "/nonexistent/key.pem";
  EXPECT_NE(validate_for_serving(c)->message.find("cannot be read"), std::string::npos);
  c.cmon_key_file.clear();
  c.cmon_password = "pw";
  EXPECT_FALSE(validate_for_serving(c));
}

TEST(Serving, PasswordFileIsReadAndTrimmed) {
  char path[] = "/tmp/cmon-mcp-pw-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "s3cret\n", 7), 7);
  close(fd);
  Config c;
  c.cmon_endpoints = {"https://127.0.0.1:9501"};
  c.cmon_username = "admin";
  c.cmon_password_file = path;
  EXPECT_FALSE(validate_for_serving(c));
  EXPECT_EQ(c.cmon_password, "s3cret");
  std::remove(path);
  c.cmon_password.clear();
  EXPECT_NE(validate_for_serving(c)->message.find("cannot be read"), std::string::npos);
}

TEST(PrintConfig, RedactsSecretsAndNamesSources) {
  Layers l = base();
  l.environment = {{"CMON_PASSWORD", "hunter2"}, {"MCP_AUTH_TOKEN", "tok-abc"}};
  l.flags = {{"CMON_USERNAME", "admin"}};
  auto c = build_config(l);
  ASSERT_TRUE(c);
  std::string text = print_config(*c);
  EXPECT_EQ(text.find("hunter2"), std::string::npos);
  EXPECT_EQ(text.find("tok-abc"), std::string::npos);
  EXPECT_NE(text.find("CMON_PASSWORD=<redacted>    # environment"), std::string::npos) << text;
  EXPECT_NE(text.find("CMON_USERNAME=admin    # flag"), std::string::npos) << text;
  EXPECT_NE(text.find("CMON_TLS_VERIFY=auto    # default"), std::string::npos) << text;
}

TEST(Transport, StdioUnlessBound) {
  Config c;
  EXPECT_EQ(c.effective_transport(), Transport::stdio);
  c.bind_address = "127.0.0.1:3000";
  EXPECT_EQ(c.effective_transport(), Transport::http);
  c.transport = Transport::stdio;
  EXPECT_EQ(c.effective_transport(), Transport::stdio);
}
