// gen-token, client-config and tools: what an operator runs by hand.
#include "cmon_mcp/app/commands.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "cmon_mcp/util/sha256.hpp"

namespace cmon_mcp::app {

using nlohmann::json;

std::string generate_token() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1)
    throw std::runtime_error("OpenSSL could not produce random bytes");
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(hex[b >> 4]);
    out.push_back(hex[b & 15]);
  }
  return out;
}

Expected<std::string, std::string> generate_scoped_token(const std::string& name, const std::string& scope,
                                                         const std::string& clusters) {
  config::TokenEntry e;
  e.name = name;
  if (auto why = config::check_token_name(name)) return unexpected("--name: " + *why);
  auto parsed_scope = config::parse_token_scope(scope);
  if (!parsed_scope) return unexpected("--scope: " + parsed_scope.error());
  e.scope = *parsed_scope;
  auto parsed_clusters = config::parse_token_clusters(clusters.empty() ? "*" : clusters);
  if (!parsed_clusters) return unexpected("--clusters: " + parsed_clusters.error());
  e.clusters = std::move(*parsed_clusters);
  const std::string token = generate_token();
  e.sha256_hex = util::sha256_hex(token);
  return token +
         "\n# The token above is shown only this once: give it to the client now (the file keeps only its "
         "SHA-256).\n# Append this line to the MCP_AUTH_TOKENS_FILE and restart cmon-mcp:\n" +
         config::token_line(e) + "\n";
}

std::string public_url(const config::Config& c, std::string_view path) {
  if (!c.base_url.empty()) {
    std::string base = c.base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + std::string(path);
  }
  std::string host = c.bind_address.empty() ? "127.0.0.1:3000" : c.bind_address;
  // A wildcard bind is reachable locally through loopback.
  if (host.rfind("0.0.0.0:", 0) == 0) host = "127.0.0.1" + host.substr(7);
  if (host.rfind("[::]:", 0) == 0) host = "[::1]" + host.substr(4);
  return std::string(c.tls_cert.empty() ? "http://" : "https://") + host + std::string(path);
}

namespace {

std::string token_or_placeholder(const config::Config& c) {
  return c.auth_tokens.empty() ? std::string("<MCP_AUTH_TOKEN>") : c.auth_tokens.front();
}

json stdio_entry(const config::Config& c) {
  json args = json::array();
  if (!c.cmon_endpoints.empty()) args.insert(args.end(), {"-endpoint", c.cmon_endpoints.front()});
  if (!c.cmon_username.empty()) args.insert(args.end(), {"-username", c.cmon_username});
  if (!c.cmon_key_file.empty()) args.insert(args.end(), {"-key-file", c.cmon_key_file});
  if (!c.cmon_password_file.empty()) args.insert(args.end(), {"-password-file", c.cmon_password_file});
  json entry{{"command", "/usr/bin/cmon-mcp"}, {"args", args}};
  // A password goes through the environment, never argv (visible in ps).
  if (!c.cmon_password.empty() && c.cmon_password_file.empty())
    entry["env"] = {{"CMON_PASSWORD", "<password>"}};
  return entry;
}

const char* class_letter(tools::ToolClass c) {
  return c == tools::ToolClass::read ? "R" : c == tools::ToolClass::write ? "W" : "D";
}

// A Markdown table cell: one line, pipes escaped.
std::string cell(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      out += ' ';
    } else if (c == '|') {
      out += "\\|";
    } else {
      out += c;
    }
  }
  return out;
}

std::string schema_type(const json& s) {
  if (s.contains("enum")) {
    std::string out;
    for (const auto& v : s["enum"])
      out += (out.empty() ? "" : " \\| ") + (v.is_string() ? v.get<std::string>() : v.dump());
    return out;
  }
  std::string t = s.value("type", std::string("any"));
  if (t == "array" && s.contains("items")) t += " of " + s["items"].value("type", std::string("any"));
  return t;
}

// docs/tools.md: an index, then each tool by group with its arguments.
std::string tools_markdown(const std::vector<const tools::ToolDefinition*>& list) {
  std::ostringstream out;
  out << "# Tools reference\n\n"
      << "Generated from the tool registry by `cmon-mcp tools --format markdown`; do not edit by hand.\n"
      << "Regenerate with `scripts/gen-docs.sh` (the `docs_tools_current` test fails when this file is "
         "stale).\n\n"
      << "Classes: **R** reads and changes nothing (`readOnlyHint`), **W** changes state recoverably, **D** "
         "is "
         "destructive and needs `confirm: true`. Every tool answers with a concise text summary and, for "
         "clients that support it, `structuredContent` matching its `outputSchema`. `MCP_READ_ONLY=true` "
         "offers only the R tools; `MCP_TOOLS_ALLOW`/`MCP_TOOLS_DENY` take the names and groups below.\n\n"
      << "| Tool | Class | Group | Title |\n|---|---|---|---|\n";
  for (const auto* d : list)
    out << "| [`" << d->name << "`](#" << d->name << ") | " << class_letter(d->tool_class) << " | "
        << d->group << " | " << cell(d->title) << " |\n";
  std::string group;
  for (const auto* d : list) {
    if (d->group != group) {
      group = d->group;
      out << "\n## " << group << "\n";
    }
    out << "\n### " << d->name << "\n\n**" << d->title << "** (" << class_letter(d->tool_class) << ")\n\n"
        << d->description << "\n\n";
    const json props = d->input_schema.value("properties", json::object());
    if (props.empty()) {
      out << "No arguments.\n";
      continue;
    }
    std::set<std::string> required;
    for (const auto& r : d->input_schema.value("required", json::array()))
      required.insert(r.get<std::string>());
    out << "| Argument | Type | Required | Description |\n|---|---|---|---|\n";
    for (const auto& [name, s] : props.items())
      out << "| `" << name << "` | " << schema_type(s) << " | " << (required.count(name) ? "yes" : "")
          << " | " << cell(s.value("description", std::string())) << " |\n";
  }
  return out.str();
}

}  // namespace

std::string client_config_snippet(const config::Config& c, const std::string& client) {
  const std::string mcp = public_url(c, "/mcp");
  const std::string sse = public_url(c, "/sse");
  const std::string token = token_or_placeholder(c);
  const bool http = !c.bind_address.empty() || !c.base_url.empty();
  std::ostringstream out;
  if (client == "claude-desktop") {
    json cfg;
    if (http) {
      cfg["mcpServers"]["cmon"] = {
          {"command", "npx"},
          {"args", {"-y", "mcp-remote", mcp, "--header", "Authorization:${AUTH_HEADER}"}},
          {"env", {{"AUTH_HEADER", "Bearer " + token}}}};
      out << "// claude_desktop_config.json: Claude Desktop reaches the daemon through mcp-remote.\n";
    } else {
      cfg["mcpServers"]["cmon"] = stdio_entry(c);
      out << "// claude_desktop_config.json: Claude Desktop starts cmon-mcp over stdio.\n";
    }
    out << cfg.dump(2) << "\n";
  } else if (client == "claude-code") {
    if (http) {
      out << "claude mcp add --transport http cmon " << mcp << " --header \"Authorization: Bearer " << token
          << "\"\n";
      out << "# legacy SSE instead: claude mcp add --transport sse cmon " << sse
          << " --header \"Authorization: Bearer " << token << "\"\n";
    } else {
      json entry = stdio_entry(c);
      out << "claude mcp add cmon";
      if (entry.contains("env"))
        for (const auto& [k, v] : entry["env"].items()) out << " -e " << k << "=" << v.get<std::string>();
      out << " -- /usr/bin/cmon-mcp";
      for (const auto& a : entry["args"]) out << " " << a.get<std::string>();
      out << "\n";
    }
  } else if (client == "codex") {
    if (http) {
      out << "# ~/.codex/config.toml (Codex reads the token from the environment variable)\n"
          << "[mcp_servers.cmon]\nurl = \"" << mcp << "\"\nbearer_token_env_var = \"CMON_MCP_TOKEN\"\n\n"
          << "# then, in the shell that starts codex:\nexport CMON_MCP_TOKEN=" << token << "\n"
          << "# or: codex mcp add cmon --url " << mcp << " --bearer-token-env-var CMON_MCP_TOKEN\n"
          << "# Responses API tool entry:\n"
          << json{{"type", "mcp"},
                  {"server_label", "cmon"},
                  {"server_url", mcp},
                  {"headers", {{"Authorization", "Bearer " + token}}},
                  {"require_approval", "always"}}
                 .dump(2)
          << "\n";
    } else {
      out << "# ~/.codex/config.toml\n[mcp_servers.cmon]\ncommand = \"/usr/bin/cmon-mcp\"\nargs = "
          << stdio_entry(c)["args"].dump() << "\n";
    }
  } else if (client == "mcp-remote") {
    out << "AUTH_HEADER=\"Bearer " << token << "\" npx -y mcp-remote " << mcp
        << " --header \"Authorization:${AUTH_HEADER}\"\n"
        << "# legacy SSE: npx -y mcp-remote " << sse
        << " --transport sse-only --header \"Authorization:${AUTH_HEADER}\"\n";
  } else if (client == "inspector") {
    out << "npx @modelcontextprotocol/inspector --cli " << mcp << " --header \"Authorization: Bearer "
        << token << "\" --method tools/list\n"
        << "# interactive UI: npx @modelcontextprotocol/inspector, transport Streamable HTTP, URL " << mcp
        << ", header Authorization: Bearer <token>\n";
  } else {
    throw std::invalid_argument("unknown client " + client);
  }
  return out.str();
}

std::string render_tools(const tools::Registry& registry, const std::string& format) {
  auto list = registry.list();
  std::ostringstream out;
  if (format == "json") {
    json arr = json::array();
    for (const auto* d : list) {
      json t{{"name", d->name},
             {"title", d->title},
             {"description", d->description},
             {"group", d->group},
             {"class", class_letter(d->tool_class)},
             {"inputSchema", d->input_schema},
             {"annotations", tools::annotations_for(*d)}};
      if (d->output_schema) t["outputSchema"] = *d->output_schema;
      arr.push_back(std::move(t));
    }
    out << arr.dump(2) << "\n";
  } else if (format == "markdown") {
    out << tools_markdown(list);
  } else {
    size_t width = 4;
    for (const auto* d : list) width = std::max(width, d->name.size());
    for (const auto* d : list) {
      std::string name = d->name;
      name.resize(width, ' ');
      out << name << "  " << class_letter(d->tool_class) << "  " << d->title << "\n";
    }
    out << list.size() << " tools (R reads, W changes state, D destructive)\n";
  }
  return out.str();
}

std::string render_settings(const std::string& format) {
  auto defaults = config::build_config(config::Layers{});
  if (!defaults) throw std::logic_error("the built-in defaults do not validate: " + defaults.error().message);
  auto values = config::effective_values(*defaults);
  std::ostringstream out;
  if (format == "markdown") {
    out << "| Variable | Flag | Default | Meaning |\n|---|---|---|---|\n";
    for (const auto& o : config::known_options()) {
      const std::string& v = values[o.key];
      out << "| `" << o.key << "` | `--" << o.flag << "`" << (o.is_bool ? " [BOOL]" : "") << " | "
          << (v.empty() ? std::string("(empty)") : "`" + v + "`") << " | " << cell(o.help)
          << (o.secret ? " (secret: redacted by `--print-config`)" : "") << " |\n";
    }
    return out.str();
  }
  for (const auto& o : config::known_options()) {
    const std::string& v = values[o.key];
    out << o.key << "  (--" << o.flag << ")  default: " << (v.empty() ? "(empty)" : v) << "\n    " << o.help
        << "\n";
  }
  return out.str();
}

}  // namespace cmon_mcp::app
