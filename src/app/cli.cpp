// Flags: every configuration key has a --flag (and its Go-style -flag spelling); flags win over the
// environment and the environment file.
#include "cmon_mcp/app/cli.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "cmon_mcp/version.hpp"

namespace cmon_mcp::app {

namespace {
constexpr const char* kDefaultConfigPath = "/etc/default/cmon-mcp";
}

Expected<CommandLine, config::ConfigError> parse_command_line(const std::vector<std::string>& args) {
  CommandLine out;
  CLI::App app{
      "cmon-mcp: MCP server for ClusterControl. Lets AI assistants manage database clusters through a "
      "CMON controller (RPC v2). Serves stdio when no bind address is set, HTTP (Streamable HTTP on /mcp, "
      "legacy SSE on /sse) when one is.\n\nEvery setting can come from the environment file "
      "(/etc/default/cmon-mcp or --config), the environment (same names) or a flag; flags win. "
      "Go-style single-dash flags work too: cmon-mcp -endpoint https://host:9501 -username admin",
      "cmon-mcp"};
  app.set_version_flag("--version", std::string(kProductName) + " " + kVersion);
  std::map<std::string, std::string> values;
  std::map<std::string, CLI::Option*> given;
  for (const auto& o : config::known_options()) {
    std::string description = o.key + ": " + o.help;
    if (o.is_bool) {
      given[o.key] = app.add_option("--" + o.flag, values[o.key], description)
                         ->expected(0, 1)
                         ->default_str("true")
                         ->type_name("[BOOL]");
    } else {
      given[o.key] = app.add_option("--" + o.flag, values[o.key], description)->type_name("VALUE");
    }
  }
  app.add_option("--config", out.config_path,
                 "environment file to read (default /etc/default/cmon-mcp when present)")
      ->type_name("PATH");
  app.add_flag("--print-config", out.print_config,
               "print the effective configuration (secrets redacted) and exit");
  app.allow_extras(false);
  app.require_subcommand(0, 1);
  auto* check = app.add_subcommand(
      "check",
      "load the configuration, log in to CMON, list the clusters it sees, check the bind address; exit 0/1");
  auto* gen_token = app.add_subcommand(
      "gen-token",
      "print a fresh 256-bit bearer token for MCP_AUTH_TOKEN; with --name and --scope, also the line that "
      "gives it that name and scope in MCP_AUTH_TOKENS_FILE");
  gen_token->add_option("--name", out.token_name, "the token's name (in audit records and logs)")
      ->type_name("NAME");
  gen_token->add_option("--scope", out.token_scope, "read | write (read and write) | destructive (all three)")
      ->type_name("SCOPE");
  gen_token
      ->add_option("--clusters", out.token_clusters,
                   "cluster ids and names the token may act on, comma separated (default *: every cluster)")
      ->type_name("LIST");
  auto* tools = app.add_subcommand("tools", "print the tool catalogue (with the configured policy applied)");
  tools->add_option("--format", out.tools_format, "table | markdown | json")
      ->check(CLI::IsMember({"table", "markdown", "json"}));
  auto* client_config = app.add_subcommand(
      "client-config",
      "print the ready-to-paste configuration for an MCP client, filled in from this configuration");
  client_config
      ->add_option("client", out.client, "claude-desktop | claude-code | codex | mcp-remote | inspector")
      ->required()
      ->check(CLI::IsMember({"claude-desktop", "claude-code", "codex", "mcp-remote", "inspector"}));
  auto* settings = app.add_subcommand(
      "settings", "print every setting: variable, flag, default and meaning (docs/configuration.md)");
  settings->add_option("--format", out.tools_format, "table | markdown")
      ->check(CLI::IsMember({"table", "markdown"}));
  // Settings may follow the sub-command too: cmon-mcp check --config /tmp/test.env
  for (auto* sub : {check, gen_token, tools, client_config, settings}) sub->fallthrough();

  std::vector<std::string> argv = config::normalize_argv(args);
  // CLI11 wants the arguments in reverse order when given as a vector.
  std::vector<std::string> reversed(argv.rbegin(), argv.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out.help = true;
    out.help_text = app.help();
    return out;
  } catch (const CLI::CallForVersion&) {
    out.version = true;
    return out;
  } catch (const CLI::ParseError& e) {
    return unexpected(config::ConfigError{e.what()});
  }
  if (check->parsed()) out.command = Command::check;
  if (gen_token->parsed()) out.command = Command::gen_token;
  if (!out.token_scope.empty() || !out.token_clusters.empty()) {
    if (out.token_name.empty())
      return unexpected(config::ConfigError{"gen-token: --scope and --clusters need --name"});
  }
  if (!out.token_name.empty() && out.token_scope.empty())
    return unexpected(config::ConfigError{"gen-token: --name needs --scope read, write or destructive"});
  if (tools->parsed()) out.command = Command::tools;
  if (client_config->parsed()) out.command = Command::client_config;
  if (settings->parsed()) out.command = Command::settings;
  for (const auto& o : config::known_options()) {
    CLI::Option* opt = given[o.key];
    if (opt->count() == 0) continue;
    std::string v = values[o.key];
    if (o.is_bool && v.empty()) v = "true";
    out.flags[o.key] = v;
  }
  out.config_path_given = !out.config_path.empty();
  if (!out.config_path_given) out.config_path = kDefaultConfigPath;
  return out;
}

Expected<config::Config, config::ConfigError> load_config(const CommandLine& cli,
                                                          const std::vector<std::string>& environ_entries,
                                                          std::vector<std::string>* warnings) {
  config::Layers layers;
  layers.flags = cli.flags;
  layers.file_name = cli.config_path;
  std::ifstream in(cli.config_path);
  if (in) {
    std::ostringstream ss;
    ss << in.rdbuf();
    layers.file_text = ss.str();
  } else if (cli.config_path_given) {
    return unexpected(config::ConfigError{"--config " + cli.config_path + ": cannot read the file"});
  }
  for (const auto& entry : environ_entries) {
    auto eq = entry.find('=');
    if (eq == std::string::npos) continue;
    std::string key = entry.substr(0, eq);
    bool known = false;
    for (const auto& o : config::known_options()) known = known || o.key == key;
    if (known) {
      layers.environment[key] = entry.substr(eq + 1);
    } else if (warnings && (key.rfind("CMON_", 0) == 0 || key.rfind("MCP_", 0) == 0) &&
               key.rfind("CMON_MCP_", 0) != 0) {
      // Not fatal (the environment belongs to others too), but never silent: a typo here would be.
      warnings->push_back("ignoring unknown environment variable " + key + " (see cmon-mcp --help)");
    }
  }
  return config::build_config(layers);
}

}  // namespace cmon_mcp::app
