// MCP_AUTH_TOKENS_FILE: the line format and each of its errors, reading the file when serving (with its
// cross-checks against MCP_AUTH_TOKEN), the permission warning, the setting's flag, and the named form of
// gen-token whose line the parser takes back.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cmon_mcp/app/cli.hpp"
#include "cmon_mcp/app/commands.hpp"
#include "cmon_mcp/config/config.hpp"
#include "cmon_mcp/util/sha256.hpp"

using namespace cmon_mcp;
using config::parse_tokens_file;

namespace {

const std::string kDigestA(64, 'a');
const std::string kDigestB = std::string(63, 'b') + "c";

std::string error_of(const std::string& text) {
  auto r = parse_tokens_file(text, "/etc/cmon-mcp/tokens");
  return r ? std::string("(parsed)") : r.error().message;
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/cmon-mcp-tokens-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string file(const std::string& name, const std::string& text, mode_t mode = 0600) const {
    auto p = (path / name).string();
    std::ofstream(p) << text;
    ::chmod(p.c_str(), mode);
    return p;
  }
};

config::Config serving() {
  config::Config c;
  c.cmon_endpoints = {"https://127.0.0.1:9501"};
  c.cmon_username = "admin";
  c.cmon_password = "pw";
  return c;
}

}  // namespace

TEST(TokensFile, ParsesNamesScopesClustersAndDigests) {
  auto r = parse_tokens_file(
      "# on-call engineers: look, never touch\n"
      "oncall read * " +
          kDigestA +
          "\n"
          "\n"
          "   \t\n"
          "dba   destructive\t1,prod-galera  " +
          std::string(64, 'F') +
          "  # the DBA team\n"
          "deploy read,write 2 " +
          kDigestB +
          "\r\n"
          "ops write,read,destructive * 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
      "tokens");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 4u);
  const auto& oncall = (*r)[0];
  EXPECT_EQ(oncall.name, "oncall");
  EXPECT_TRUE(oncall.scope.read);
  EXPECT_FALSE(oncall.scope.write);
  EXPECT_FALSE(oncall.scope.destructive);
  EXPECT_TRUE(oncall.clusters.empty());
  EXPECT_EQ(oncall.sha256_hex, kDigestA);
  EXPECT_EQ(oncall.line, 2);
  const auto& dba = (*r)[1];
  EXPECT_TRUE(dba.scope.read && dba.scope.write && dba.scope.destructive);
  EXPECT_EQ(dba.clusters, (std::vector<std::string>{"1", "prod-galera"}));
  EXPECT_EQ(dba.sha256_hex, std::string(64, 'f')) << "digests are kept in lower case";
  EXPECT_EQ(dba.line, 5);
  const auto& deploy = (*r)[2];
  EXPECT_TRUE(deploy.scope.write);
  EXPECT_FALSE(deploy.scope.destructive);
  EXPECT_EQ(deploy.clusters, (std::vector<std::string>{"2"}));
  EXPECT_TRUE((*r)[3].scope.destructive);
  EXPECT_TRUE(parse_tokens_file("", "tokens")->empty());
  EXPECT_TRUE(parse_tokens_file("# nothing yet\n", "tokens")->empty());
}

TEST(TokensFile, EveryMalformedLineNamesFileAndLine) {
  // Field count; the token-like field is never echoed.
  EXPECT_EQ(
      error_of("oncall read *\n"),
      "/etc/cmon-mcp/tokens:1: expected NAME SCOPE CLUSTERS SHA256HEX, got 3 field(s) (cmon-mcp gen-token "
      "--name NAME --scope SCOPE prints such a line)");
  EXPECT_NE(error_of("# c\noncall read * " + kDigestA + " extra\n").find("tokens:2: expected NAME SCOPE"),
            std::string::npos);
  EXPECT_NE(error_of("plain-secret-token-in-clear\n").find("got 1 field(s)"), std::string::npos);
  EXPECT_EQ(error_of("plain-secret-token-in-clear\n").find("plain-secret"), std::string::npos);
  // Names.
  EXPECT_NE(error_of("on/call read * " + kDigestA).find("tokens:1: invalid token name 'on/call'"),
            std::string::npos);
  EXPECT_NE(error_of("-oncall read * " + kDigestA).find("starting with a letter or digit"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(65, 'n') + " read * " + kDigestA).find("longer than 64"), std::string::npos);
  EXPECT_NE(error_of("token read * " + kDigestA).find("reserved for the tokens of MCP_AUTH_TOKEN"),
            std::string::npos);
  // Scopes.
  EXPECT_NE(error_of("oncall admin * " + kDigestA).find("tokens:1: unknown scope 'admin'"),
            std::string::npos);
  EXPECT_NE(error_of("oncall read, * " + kDigestA).find("unknown scope 'read,'"), std::string::npos);
  // Clusters.
  EXPECT_NE(error_of("oncall read 1,,2 " + kDigestA).find("tokens:1: empty cluster in '1,,2'"),
            std::string::npos);
  EXPECT_NE(error_of("oncall read 1,* " + kDigestA).find("cannot be combined"), std::string::npos);
  // Digests: 64 hex characters, never the token itself (not echoed either).
  std::string clear = "oncall read * my-secret-token-value";
  EXPECT_NE(error_of(clear).find("tokens:1: the fourth field of 'oncall' must be the token's SHA-256"),
            std::string::npos);
  EXPECT_EQ(error_of(clear).find("my-secret"), std::string::npos);
  EXPECT_NE(error_of("oncall read * " + std::string(63, 'a')).find("64 hex characters"), std::string::npos);
  EXPECT_NE(error_of("oncall read * " + std::string(63, 'a') + "g").find("64 hex characters"),
            std::string::npos);
  // Duplicates: names (whatever their case) and digests.
  EXPECT_EQ(error_of("oncall read * " + kDigestA + "\n# x\nOnCall write * " + kDigestB),
            "/etc/cmon-mcp/tokens:3: the token name 'OnCall' is already used on line 1");
  EXPECT_EQ(
      error_of("oncall read * " + kDigestA + "\ndba write * " + kDigestA),
      "/etc/cmon-mcp/tokens:2: 'dba' has the same token (SHA-256) as line 1: give every token its own value");
}

TEST(TokensFile, ScopeClustersAndNameHelpers) {
  auto write = config::parse_token_scope("write");
  ASSERT_TRUE(write);
  EXPECT_TRUE(write->read && write->write && !write->destructive);
  auto listed = config::parse_token_scope("Read,Write");
  ASSERT_TRUE(listed);
  EXPECT_TRUE(listed->write && !listed->destructive);
  EXPECT_FALSE(config::parse_token_scope(""));
  EXPECT_TRUE(config::parse_token_clusters("*")->empty());
  EXPECT_EQ(*config::parse_token_clusters("1,prod-galera,1"), (std::vector<std::string>{"1", "prod-galera"}));
  EXPECT_FALSE(config::parse_token_clusters(""));
  EXPECT_FALSE(config::check_token_name("dba.team-1@site_a"));
  EXPECT_TRUE(config::check_token_name(""));
  config::TokenEntry e;
  e.name = "dba";
  e.scope = *config::parse_token_scope("read,destructive");
  e.clusters = {"1", "prod-galera"};
  e.sha256_hex = kDigestA;
  EXPECT_EQ(config::token_line(e), "dba destructive 1,prod-galera " + kDigestA);
  e.clusters.clear();
  e.scope = config::TokenScope{};
  EXPECT_EQ(config::token_line(e), "dba read * " + kDigestA);
}

TEST(TokensFile, ReadWhenServingWithItsCrossChecks) {
  TempDir dir;
  config::Config c = serving();
  c.auth_tokens_file = dir.file("tokens", "oncall read * " + kDigestA + "\ndba write 1 " + kDigestB + "\n");
  ASSERT_FALSE(config::validate_for_serving(c));
  ASSERT_EQ(c.token_entries.size(), 2u);
  EXPECT_EQ(c.token_entries[1].name, "dba");

  c.auth_tokens_file = (dir.path / "missing").string();
  auto missing = config::validate_for_serving(c);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->message, "MCP_AUTH_TOKENS_FILE '" + c.auth_tokens_file + "' cannot be read");

  // A file without any token would turn authentication off: refused.
  c.auth_tokens_file = dir.file("empty", "# tokens come later\n");
  auto empty = config::validate_for_serving(c);
  ASSERT_TRUE(empty);
  EXPECT_NE(empty->message.find("has no token line"), std::string::npos) << empty->message;

  c.auth_tokens_file = dir.file("bad", "oncall read *\n");
  auto bad = config::validate_for_serving(c);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->message.rfind(c.auth_tokens_file + ":1: expected NAME", 0), 0u) << bad->message;

  // The same token in MCP_AUTH_TOKEN and in the file.
  c.auth_tokens = {"shared-token-value"};
  c.auth_tokens_file = dir.file(
      "shared", "oncall read * " + kDigestA + "\nci write * " + util::sha256_hex("shared-token-value"));
  auto shared = config::validate_for_serving(c);
  ASSERT_TRUE(shared);
  EXPECT_EQ(shared->message,
            c.auth_tokens_file + ":2: 'ci' is a token of MCP_AUTH_TOKEN too: give every token its own value");
}

TEST(TokensFile, SettingFlagAndPermissionWarning) {
  auto cli = app::parse_command_line({"-auth-tokens-file", "/etc/cmon-mcp/tokens"});
  ASSERT_TRUE(cli) << cli.error().message;
  EXPECT_EQ(cli->flags.at("MCP_AUTH_TOKENS_FILE"), "/etc/cmon-mcp/tokens");
  config::Layers layers;
  layers.environment = {{"MCP_AUTH_TOKENS_FILE", " /etc/cmon-mcp/tokens "}};
  auto c = config::build_config(layers);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->auth_tokens_file, "/etc/cmon-mcp/tokens");
  EXPECT_NE(config::print_config(*c).find("MCP_AUTH_TOKENS_FILE=/etc/cmon-mcp/tokens    # environment"),
            std::string::npos);

  TempDir dir;
  config::Config p;
  p.auth_tokens_file = dir.file("tokens", "oncall read * " + kDigestA + "\n", 0644);
  auto w = config::permission_warnings(p, "");
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("MCP_AUTH_TOKENS_FILE " + p.auth_tokens_file + " is readable by every user"),
            std::string::npos)
      << w[0];
  ::chmod(p.auth_tokens_file.c_str(), 0640);
  EXPECT_TRUE(config::permission_warnings(p, "").empty());
}

TEST(GenToken, NamedTokenPrintsTheTokenOnceAndItsFileLine) {
  auto text = app::generate_scoped_token("dba", "write", "1,prod-galera");
  ASSERT_TRUE(text) << text.error();
  std::istringstream in(*text);
  std::string token, line, last;
  std::getline(in, token);
  ASSERT_EQ(token.size(), 64u);
  EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos);
  int comments = 0;
  while (std::getline(in, line)) {
    if (line.rfind("#", 0) == 0) {
      ++comments;
      EXPECT_EQ(line.find(token), std::string::npos);
    } else {
      last = line;
    }
  }
  EXPECT_EQ(comments, 2);
  EXPECT_EQ(last, "dba write 1,prod-galera " + util::sha256_hex(token));
  EXPECT_EQ(text->find(token, 1), std::string::npos) << "the token is printed once";
  // The line is what the file parser reads back.
  auto parsed = parse_tokens_file(last + "\n", "tokens");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ((*parsed)[0].clusters, (std::vector<std::string>{"1", "prod-galera"}));
  // Fresh every time; default clusters *.
  auto other = app::generate_scoped_token("oncall", "read", "");
  ASSERT_TRUE(other);
  EXPECT_NE(other->substr(0, 64), token);
  EXPECT_NE(other->find("\noncall read * "), std::string::npos);

  EXPECT_EQ(app::generate_scoped_token("bad name", "read", "").error().rfind("--name: invalid token name", 0),
            0u);
  EXPECT_EQ(app::generate_scoped_token("x", "admin", "").error().rfind("--scope: unknown scope 'admin'", 0),
            0u);
  EXPECT_EQ(app::generate_scoped_token("x", "read", "1,,2").error().rfind("--clusters: empty cluster", 0),
            0u);
}

TEST(GenToken, CommandLineOptions) {
  auto named =
      app::parse_command_line({"gen-token", "--name", "dba", "--scope", "destructive", "--clusters", "1,2"});
  ASSERT_TRUE(named) << named.error().message;
  EXPECT_EQ(named->command, app::Command::gen_token);
  EXPECT_EQ(named->token_name, "dba");
  EXPECT_EQ(named->token_scope, "destructive");
  EXPECT_EQ(named->token_clusters, "1,2");
  auto go_style = app::parse_command_line({"gen-token", "-name", "oncall", "-scope", "read"});
  ASSERT_TRUE(go_style) << go_style.error().message;
  EXPECT_EQ(go_style->token_name, "oncall");
  auto plain = app::parse_command_line({"gen-token"});
  ASSERT_TRUE(plain);
  EXPECT_TRUE(plain->token_name.empty());
  auto no_scope = app::parse_command_line({"gen-token", "--name", "dba"});
  ASSERT_FALSE(no_scope);
  EXPECT_NE(no_scope.error().message.find("--name needs --scope"), std::string::npos);
  auto no_name = app::parse_command_line({"gen-token", "--scope", "read"});
  ASSERT_FALSE(no_name);
  EXPECT_NE(no_name.error().message.find("need --name"), std::string::npos);
  EXPECT_FALSE(app::parse_command_line({"check", "--name", "dba"}));
}
