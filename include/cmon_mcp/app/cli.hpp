// Command-line parsing (CLI11 after Go-style flag normalisation) and the configuration it selects.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cmon_mcp/config/config.hpp"

namespace cmon_mcp::app {

// What the invocation asks for: serving (the default) or one of the operator sub-commands.
enum class Command { serve, check, gen_token, tools, client_config, settings };

struct CommandLine {
  Command command = Command::serve;
  std::string client;  // client-config: claude-desktop | claude-code | codex | mcp-remote | inspector
  std::string tools_format = "table";  // tools and settings: table | markdown | json
  // gen-token --name/--scope/--clusters: a named token for MCP_AUTH_TOKENS_FILE (all empty: a plain one).
  std::string token_name;
  std::string token_scope;
  std::string token_clusters;
  std::map<std::string, std::string> flags;  // KEY -> value, for config::Layers
  std::string config_path;                   // --config
  bool config_path_given = false;
  bool print_config = false;
  bool version = false;
  bool help = false;
  std::string help_text;
};

// Parses argv (without argv[0]). Errors are one clear line; --help fills help_text.
Expected<CommandLine, config::ConfigError> parse_command_line(const std::vector<std::string>& args);

// Reads the environment file and the process environment and layers them under the flags.
// `environ_entries` are "KEY=value" strings (the process environment).
Expected<config::Config, config::ConfigError> load_config(const CommandLine& cli,
                                                          const std::vector<std::string>& environ_entries,
                                                          std::vector<std::string>* warnings);

}  // namespace cmon_mcp::app
