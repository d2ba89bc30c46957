// The daemon's configuration: one validated struct built from, weakest first, defaults, the environment
// file (/etc/default/cmon-mcp), environment variables and command-line flags. An unknown key, an
// unknown flag or a malformed value is fatal at start-up: a typo must never silently change behaviour.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cmon_mcp/util/expected.hpp"

namespace cmon_mcp::config {

enum class Source { defaults, file, environment, flag };
const char* to_string(Source s);

enum class Transport { automatic, stdio, http };

// The tool classes a token may use. SCOPE: read; write = read + write; destructive = all three (a comma
// list is the union of its items).
struct TokenScope {
  bool read = true;
  bool write = false;
  bool destructive = false;
};

// One line of MCP_AUTH_TOKENS_FILE: `NAME SCOPE CLUSTERS SHA256HEX`.
struct TokenEntry {
  std::string name;  // shown in audit records and logs
  TokenScope scope;
  std::vector<std::string> clusters;  // cluster ids and names; empty = every cluster ("*")
  std::string sha256_hex;             // of the token, 64 lowercase hex characters
  int line = 0;                       // in the file, for messages
};

struct Config {
  // CMON controller
  std::vector<std::string>
      cmon_endpoints;  // CMON_ENDPOINT: one URL, or several (CMON HA) separated by commas
  std::string cmon_username;
  std::string cmon_password;  // from CMON_PASSWORD or the file CMON_PASSWORD_FILE names
  std::string cmon_password_file;
  std::string cmon_key_file;
  std::string cmon_ca_file;
  std::string cmon_tls_fingerprint;
  std::string cmon_tls_verify = "auto";  // auto | yes | no
  int cmon_timeout_s = 30;
  int cmon_pool_size = 4;

  // MCP server
  std::string bind_address;               // MCP_BIND_ADDRESS host:port; empty = stdio
  std::string base_url;                   // MCP_BASE_URL
  std::vector<std::string> auth_tokens;   // MCP_AUTH_TOKEN, comma separated for rotation
  std::string auth_tokens_file;           // MCP_AUTH_TOKENS_FILE: named, scoped tokens
  std::vector<TokenEntry> token_entries;  // its lines, read by validate_for_serving
  std::vector<std::string> allowed_origins;
  std::string tls_cert;
  std::string tls_key;
  bool stateless = false;
  Transport transport = Transport::automatic;
  int max_sessions = 1000;
  int rate_limit_per_minute = 600;  // MCP_RATE_LIMIT, 0 = none
  int rate_burst = 100;             // MCP_RATE_BURST
  int max_concurrent_calls = 32;    // MCP_MAX_CONCURRENT_CALLS
  int max_queued_calls = 256;       // MCP_MAX_QUEUED_CALLS
  int session_idle_s = 3600;

  // Policy
  bool read_only = false;
  std::vector<std::string> tools_allow;
  std::vector<std::string> tools_deny;
  bool confirm_destructive = true;
  int backup_guard_hours = 24;
  int duplicate_window_s = 600;

  // Logging
  std::string log_level = "info";
  std::string audit_log;  // MCP_AUDIT_LOG: file of audit records (JSON lines); empty = the main log

  // Where each key's value came from, for --print-config.
  std::map<std::string, Source> sources;

  // The transport main() should run: stdio when no bind address is set, unless --transport says otherwise.
  Transport effective_transport() const;
};

// One known setting: its environment-file/environment name, its flag and help.
struct OptionInfo {
  std::string key;   // CMON_ENDPOINT
  std::string flag;  // endpoint   (used as --endpoint and Go-style -endpoint)
  std::string help;
  bool secret = false;
  bool is_bool = false;
};
const std::vector<OptionInfo>& known_options();

struct ConfigError {
  std::string message;  // one clear line
};

// Parses an environment file (KEY=value, optional `export`, '#' comments, single or double quotes).
// Unknown keys are errors naming the file and line.
Expected<std::map<std::string, std::string>, ConfigError> parse_env_file(const std::string& text,
                                                                         const std::string& file_name);

// Go-style single-dash long flags (-endpoint x, -endpoint=x) become --endpoint; values are left alone.
std::vector<std::string> normalize_argv(const std::vector<std::string>& args);

// Layers the sources and validates the result. `flags` are KEY -> value from the command line,
// `environment` the process environment (KEY -> value), `file_text` the environment file's content
// (nullopt when there is none). Checks only what does not need the network.
struct Layers {
  std::optional<std::string> file_text;
  std::string file_name;
  std::map<std::string, std::string> environment;
  std::map<std::string, std::string> flags;
};
Expected<Config, ConfigError> build_config(const Layers& layers);

// Validation of what serving needs (credentials, endpoint, bind address); reads the key and password files
// and MCP_AUTH_TOKENS_FILE (into token_entries).
std::optional<ConfigError> validate_for_serving(Config& config);

// MCP_AUTH_TOKENS_FILE: one token per line, `NAME SCOPE CLUSTERS SHA256HEX`, '#' comments and blank lines
// ignored. A malformed line, a duplicate name or digest is an error naming the file and line.
Expected<std::vector<TokenEntry>, ConfigError> parse_tokens_file(const std::string& text,
                                                                 const std::string& file_name);
// The parts of a line, for gen-token too. Names: letters, digits, '.', '_', '-', '@' (up to 64, starting
// with a letter or digit; "token" is the name of MCP_AUTH_TOKEN's tokens). Scope: read | write |
// destructive or a comma list of them. Clusters: "*" or a comma list of ids and names.
std::optional<std::string> check_token_name(std::string_view name);  // nullopt when valid, else why not
Expected<TokenScope, std::string> parse_token_scope(std::string_view scope);
Expected<std::vector<std::string>, std::string> parse_token_clusters(std::string_view clusters);
// The file line of an entry: "oncall read * 9f86d0...".
std::string token_line(const TokenEntry& entry);

// Every key's effective value as text (secrets NOT redacted), e.g. for defaults in the docs.
std::map<std::string, std::string> effective_values(const Config& config);

// One warning per secret-bearing file (the environment file `env_file`, CMON_PASSWORD_FILE,
// CMON_KEY_FILE, MCP_TLS_KEY, MCP_AUTH_TOKENS_FILE) that every local user can read. Files that do not
// exist are skipped.
std::vector<std::string> permission_warnings(const Config& config, const std::string& env_file);

// "KEY=value  (source)" lines with secrets redacted.
std::string print_config(const Config& config);

}  // namespace cmon_mcp::config
