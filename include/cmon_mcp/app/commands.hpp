// Operator sub-commands: gen-token, client-config, tools, check.
#pragma once

#include <string>

#include "cmon_mcp/config/config.hpp"
#include "cmon_mcp/tools/registry.hpp"

namespace cmon_mcp::app {

// 256 random bits from OpenSSL's CSPRNG, hex encoded (64 characters).
std::string generate_token();

// gen-token --name NAME --scope SCOPE [--clusters LIST]: a fresh token, printed once, and the
// MCP_AUTH_TOKENS_FILE line that holds its SHA-256 with the name, scope and clusters. A bad name, scope
// or cluster list is a one-line error.
Expected<std::string, std::string> generate_scoped_token(const std::string& name, const std::string& scope,
                                                         const std::string& clusters);

// The URL clients use: MCP_BASE_URL when set, else http(s)://<bind address>; `path` is "/mcp" or "/sse".
std::string public_url(const config::Config& config, std::string_view path);

// Ready-to-paste configuration for `client` (claude-desktop, claude-code, codex, mcp-remote, inspector).
// stdio-capable clients get an HTTP snippet when a bind address is configured, a stdio one otherwise.
std::string client_config_snippet(const config::Config& config, const std::string& client);

// The tool catalogue as a table, Markdown (docs/tools.md) or JSON (the tools/list entries).
std::string render_tools(const tools::Registry& registry, const std::string& format);

// Every known setting with its flag, built-in default and help, as a table or as Markdown
// (the reference part of docs/configuration.md).
std::string render_settings(const std::string& format);

}  // namespace cmon_mcp::app
