// Configuration sources, parsing and validation.
#include "cmon_mcp/config/config.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "cmon_mcp/util/sha256.hpp"

namespace cmon_mcp::config {

namespace {

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(s);
  while (std::getline(in, item, ',')) {
    item = trim(item);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::optional<bool> parse_bool(std::string v) {
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off" || v.empty()) return false;
  return std::nullopt;
}

std::optional<int> parse_int(const std::string& v, int min, int max) {
  if (v.empty() || v.size() > 9) return std::nullopt;
  int n = 0;
  for (char c : v) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    n = n * 10 + (c - '0');
  }
  if (n < min || n > max) return std::nullopt;
  return n;
}

const OptionInfo* find_option_by_key(std::string_view key) {
  for (const auto& o : known_options())
    if (o.key == key) return &o;
  return nullptr;
}

const OptionInfo* find_option_by_flag(std::string_view flag) {
  for (const auto& o : known_options())
    if (o.flag == flag) return &o;
  return nullptr;
}

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return static_cast<bool>(in) || in.eof();
}

}  // namespace

const char* to_string(Source s) {
  switch (s) {
    case Source::defaults:
      return "default";
    case Source::file:
      return "file";
    case Source::environment:
      return "environment";
    case Source::flag:
      return "flag";
  }
  return "default";
}

const std::vector<OptionInfo>& known_options() {
  static const std::vector<OptionInfo> options = {
      {"CMON_ENDPOINT", "endpoint",
       "CMON controller URL, e.g. https://127.0.0.1:9501 (several, comma separated, for CMON HA)"},
      {"CMON_USERNAME", "username", "CMON user to log in as"},
      {"CMON_PASSWORD", "password", "password of the CMON user (prefer CMON_PASSWORD_FILE)", true},
      {"CMON_PASSWORD_FILE", "password-file", "file holding the CMON user's password"},
      {"CMON_KEY_FILE", "key-file",
       "RSA private key (PEM) registered for the CMON user; instead of a password"},
      {"CMON_CA_FILE", "ca-file", "CA bundle (PEM) to verify the controller's certificate"},
      {"CMON_TLS_FINGERPRINT", "tls-fingerprint",
       "SHA-256 fingerprint the controller's certificate must have"},
      {"CMON_TLS_VERIFY", "tls-verify",
       "auto | yes | no: verify the controller's certificate (auto: not on loopback)"},
      {"CMON_TIMEOUT_S", "cmon-timeout", "seconds one CMON call may take (default 30)"},
      {"CMON_POOL_SIZE", "cmon-pool-size", "keep-alive connections to the controller (default 4)"},
      {"MCP_BIND_ADDRESS", "bind", "serve HTTP on host:port (e.g. 127.0.0.1:3000); unset = stdio"},
      {"MCP_BASE_URL", "base-url", "public URL of this server, e.g. https://cc.example.com/mcp-prefix"},
      {"MCP_AUTH_TOKEN", "auth-token", "bearer token(s) HTTP clients must send, comma separated", true},
      {"MCP_AUTH_TOKENS_FILE", "auth-tokens-file",
       "file of named bearer tokens, each with a scope (read, write, destructive) and the clusters it may "
       "act "
       "on; one `NAME SCOPE CLUSTERS SHA256HEX` line per token (cmon-mcp gen-token --name prints it)"},
      {"MCP_ALLOWED_ORIGINS", "allowed-origins",
       "extra browser origins allowed to call the server, comma separated"},
      {"MCP_TLS_CERT", "tls-cert", "TLS certificate (PEM) for the HTTP listener"},
      {"MCP_TLS_KEY", "tls-key", "TLS private key (PEM) for the HTTP listener"},
      {"MCP_STATELESS", "stateless", "serve Streamable HTTP without sessions (for load balancers)", false,
       true},
      {"MCP_TRANSPORT", "transport", "stdio | http (default: http when a bind address is set, else stdio)"},
      {"MCP_MAX_SESSIONS", "max-sessions", "maximum concurrent MCP sessions over HTTP (default 1000)"},
      {"MCP_RATE_LIMIT", "rate-limit",
       "HTTP requests per minute per token (per client address without tokens); more get 429 (default 600, "
       "0 = no limit)"},
      {"MCP_RATE_BURST", "rate-burst",
       "requests a client may send at once before MCP_RATE_LIMIT applies (default 100)"},
      {"MCP_MAX_CONCURRENT_CALLS", "max-concurrent-calls",
       "tool calls running at once, all clients together; more wait in a queue (default 32)"},
      {"MCP_MAX_QUEUED_CALLS", "max-queued-calls",
       "tool calls waiting for a slot; more are refused as busy (default 256)"},
      {"MCP_SESSION_IDLE_S", "session-idle", "seconds before an idle HTTP session expires (default 3600)"},
      {"MCP_READ_ONLY", "read-only", "offer only tools that change nothing", false, true},
      {"MCP_TOOLS_ALLOW", "tools-allow", "only these tools/groups/globs, comma separated"},
      {"MCP_TOOLS_DENY", "tools-deny", "never these tools/groups/globs, comma separated"},
      {"MCP_CONFIRM_DESTRUCTIVE", "confirm-destructive",
       "destructive tools need the user's confirmation (default true; false for automation)"},
      {"MCP_BACKUP_GUARD_HOURS", "backup-guard-hours",
       "refuse data-destroying tools on clusters without a successful backup this recent (default 24, 0 = "
       "off)"},
      {"MCP_DUPLICATE_WINDOW_S", "duplicate-window",
       "seconds an identical job submission returns the existing job instead of a new one (default 600)"},
      {"MCP_LOG_LEVEL", "log-level", "trace | debug | info | warn | error | critical | off (default info)"},
      {"MCP_AUDIT_LOG", "audit-log",
       "file that receives one JSON line per call of a state-changing tool (secrets redacted); unset = "
       "the main log"},
  };
  return options;
}

Transport Config::effective_transport() const {
  if (transport != Transport::automatic) return transport;
  return bind_address.empty() ? Transport::stdio : Transport::http;
}

Expected<std::map<std::string, std::string>, ConfigError> parse_env_file(const std::string& text,
                                                                         const std::string& file_name) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string raw;
  int line_no = 0;
  auto fail = [&](const std::string& why) {
    return unexpected(ConfigError{file_name + ":" + std::to_string(line_no) + ": " + why});
  };
  while (std::getline(in, raw)) {
    ++line_no;
    std::string line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("export ", 0) == 0) line = trim(line.substr(7));
    auto eq = line.find('=');
    if (eq == std::string::npos) return fail("expected KEY=value, got '" + line.substr(0, 40) + "'");
    std::string key = trim(line.substr(0, eq));
    std::string value = trim(line.substr(eq + 1));
    if (!find_option_by_key(key))
      return fail("unknown setting '" + key + "' (see cmon-mcp --help for the list)");
    if (!value.empty() && (value[0] == '"' || value[0] == '\'')) {
      char quote = value[0];
      std::string unquoted;
      size_t i = 1;
      bool closed = false;
      for (; i < value.size(); ++i) {
        char c = value[i];
        if (c == quote) {
          closed = true;
          break;
        }
        // Inside double quotes a backslash escapes the next character, as in a shell.
        if (quote == '"' && c == '\\' && i + 1 < value.size()) c = value[++i];
        unquoted.push_back(c);
      }
      if (!closed) return fail("unterminated quote in the value of " + key);
      std::string rest = trim(value.substr(i + 1));
      if (!rest.empty() && rest[0] != '#') return fail("unexpected text after the quoted value of " + key);
      value = unquoted;
    } else {
      // An unquoted value ends at " #" (a trailing comment).
      auto hash = value.find(" #");
      if (hash != std::string::npos) value = trim(value.substr(0, hash));
    }
    out[key] = value;
  }
  return out;
}

std::vector<std::string> normalize_argv(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  out.reserve(args.size());
  bool value_expected = false;
  for (const auto& a : args) {
    if (value_expected) {
      out.push_back(a);
      value_expected = false;
      continue;
    }
    std::string arg = a;
    bool single_dash_long = arg.size() > 2 && arg[0] == '-' && arg[1] != '-' &&
                            std::isalpha(static_cast<unsigned char>(arg[1])) &&
                            (std::isalnum(static_cast<unsigned char>(arg[2])) || arg[2] == '-');
    if (single_dash_long) arg = "-" + arg;
    if (arg.rfind("--", 0) == 0 && arg.find('=') == std::string::npos) {
      std::string name = arg.substr(2);
      const OptionInfo* o = find_option_by_flag(name);
      // The next token is this flag's value, even if it starts with a dash (a password may).
      if ((o && !o->is_bool) || name == "config" || name == "print-config-format") value_expected = true;
    }
    out.push_back(std::move(arg));
  }
  return out;
}

Expected<Config, ConfigError> build_config(const Layers& layers) {
  std::map<std::string, std::string> file_values;
  if (layers.file_text) {
    auto parsed = parse_env_file(*layers.file_text, layers.file_name);
    if (!parsed) return unexpected(parsed.error());
    file_values = std::move(parsed.value());
  }
  Config c;
  std::map<std::string, std::string> values;
  for (const auto& o : known_options()) {
    if (auto f = layers.flags.find(o.key); f != layers.flags.end()) {
      values[o.key] = f->second;
      c.sources[o.key] = Source::flag;
    } else if (auto e = layers.environment.find(o.key); e != layers.environment.end()) {
      values[o.key] = e->second;
      c.sources[o.key] = Source::environment;
    } else if (auto v = file_values.find(o.key); v != file_values.end()) {
      values[o.key] = v->second;
      c.sources[o.key] = Source::file;
    } else {
      c.sources[o.key] = Source::defaults;
    }
  }
  auto origin = [&](const std::string& key) {
    switch (c.sources[key]) {
      case Source::flag:
        return std::string("--") + find_option_by_key(key)->flag;
      case Source::environment:
        return key + " (environment)";
      case Source::file:
        return key + " (" + layers.file_name + ")";
      default:
        return key;
    }
  };
  auto get = [&](const std::string& key) -> const std::string* {
    auto it = values.find(key);
    return it == values.end() ? nullptr : &it->second;
  };
  auto bad = [&](const std::string& key, const std::string& why) {
    return unexpected(ConfigError{origin(key) + ": " + why});
  };

  if (auto v = get("CMON_ENDPOINT")) c.cmon_endpoints = split_list(*v);
  if (auto v = get("CMON_USERNAME")) c.cmon_username = *v;
  if (auto v = get("CMON_PASSWORD")) c.cmon_password = *v;
  if (auto v = get("CMON_PASSWORD_FILE")) c.cmon_password_file = *v;
  if (auto v = get("CMON_KEY_FILE")) c.cmon_key_file = *v;
  if (auto v = get("CMON_CA_FILE")) c.cmon_ca_file = *v;
  if (auto v = get("CMON_TLS_FINGERPRINT")) c.cmon_tls_fingerprint = *v;
  if (auto v = get("CMON_TLS_VERIFY")) {
    if (*v != "auto" && *v != "yes" && *v != "no")
      return bad("CMON_TLS_VERIFY", "must be auto, yes or no, not '" + *v + "'");
    c.cmon_tls_verify = *v;
  }
  if (auto v = get("CMON_TIMEOUT_S")) {
    auto n = parse_int(*v, 1, 86400);
    if (!n) return bad("CMON_TIMEOUT_S", "must be a number of seconds from 1 to 86400, not '" + *v + "'");
    c.cmon_timeout_s = *n;
  }
  if (auto v = get("CMON_POOL_SIZE")) {
    auto n = parse_int(*v, 1, 64);
    if (!n) return bad("CMON_POOL_SIZE", "must be a number from 1 to 64, not '" + *v + "'");
    c.cmon_pool_size = *n;
  }
  if (auto v = get("MCP_BIND_ADDRESS")) c.bind_address = trim(*v);
  if (auto v = get("MCP_BASE_URL")) c.base_url = trim(*v);
  if (auto v = get("MCP_AUDIT_LOG")) c.audit_log = trim(*v);
  if (auto v = get("MCP_AUTH_TOKEN")) c.auth_tokens = split_list(*v);
  if (auto v = get("MCP_AUTH_TOKENS_FILE")) c.auth_tokens_file = trim(*v);
  if (auto v = get("MCP_ALLOWED_ORIGINS")) c.allowed_origins = split_list(*v);
  if (auto v = get("MCP_TLS_CERT")) c.tls_cert = *v;
  if (auto v = get("MCP_TLS_KEY")) c.tls_key = *v;
  if (auto v = get("MCP_STATELESS")) {
    auto b = parse_bool(*v);
    if (!b) return bad("MCP_STATELESS", "must be true or false, not '" + *v + "'");
    c.stateless = *b;
  }
  if (auto v = get("MCP_TRANSPORT")) {
    if (*v == "stdio")
      c.transport = Transport::stdio;
    else if (*v == "http")
      c.transport = Transport::http;
    else if (v->empty() || *v == "auto")
      c.transport = Transport::automatic;
    else
      return bad("MCP_TRANSPORT", "must be stdio or http, not '" + *v + "'");
  }
  if (auto v = get("MCP_MAX_SESSIONS")) {
    auto n = parse_int(*v, 1, 1000000);
    if (!n) return bad("MCP_MAX_SESSIONS", "must be a number from 1 to 1000000, not '" + *v + "'");
    c.max_sessions = *n;
  }
  if (auto v = get("MCP_RATE_LIMIT")) {
    auto n = parse_int(*v, 0, 1000000);
    if (!n)
      return bad("MCP_RATE_LIMIT",
                 "must be a number of requests per minute from 0 to 1000000, not '" + *v + "'");
    c.rate_limit_per_minute = *n;
  }
  if (auto v = get("MCP_RATE_BURST")) {
    auto n = parse_int(*v, 1, 100000);
    if (!n) return bad("MCP_RATE_BURST", "must be a number from 1 to 100000, not '" + *v + "'");
    c.rate_burst = *n;
  }
  if (auto v = get("MCP_MAX_CONCURRENT_CALLS")) {
    auto n = parse_int(*v, 1, 10000);
    if (!n) return bad("MCP_MAX_CONCURRENT_CALLS", "must be a number from 1 to 10000, not '" + *v + "'");
    c.max_concurrent_calls = *n;
  }
  if (auto v = get("MCP_MAX_QUEUED_CALLS")) {
    auto n = parse_int(*v, 0, 100000);
    if (!n) return bad("MCP_MAX_QUEUED_CALLS", "must be a number from 0 to 100000, not '" + *v + "'");
    c.max_queued_calls = *n;
  }
  if (auto v = get("MCP_SESSION_IDLE_S")) {
    auto n = parse_int(*v, 10, 7 * 86400);
    if (!n)
      return bad("MCP_SESSION_IDLE_S", "must be a number of seconds from 10 to 604800, not '" + *v + "'");
    c.session_idle_s = *n;
  }
  if (auto v = get("MCP_READ_ONLY")) {
    auto b = parse_bool(*v);
    if (!b) return bad("MCP_READ_ONLY", "must be true or false, not '" + *v + "'");
    c.read_only = *b;
  }
  if (auto v = get("MCP_TOOLS_ALLOW")) c.tools_allow = split_list(*v);
  if (auto v = get("MCP_TOOLS_DENY")) c.tools_deny = split_list(*v);
  if (auto v = get("MCP_CONFIRM_DESTRUCTIVE")) {
    auto b = parse_bool(*v);
    if (!b) return bad("MCP_CONFIRM_DESTRUCTIVE", "must be true or false, not '" + *v + "'");
    c.confirm_destructive = *b;
  }
  if (auto v = get("MCP_BACKUP_GUARD_HOURS")) {
    auto n = parse_int(*v, 0, 24 * 366);
    if (!n)
      return bad("MCP_BACKUP_GUARD_HOURS",
                 "must be a number of hours from 0 (off) to 8784, not '" + *v + "'");
    c.backup_guard_hours = *n;
  }
  if (auto v = get("MCP_DUPLICATE_WINDOW_S")) {
    auto n = parse_int(*v, 0, 86400);
    if (!n)
      return bad("MCP_DUPLICATE_WINDOW_S",
                 "must be a number of seconds from 0 (off) to 86400, not '" + *v + "'");
    c.duplicate_window_s = *n;
  }
  if (auto v = get("MCP_LOG_LEVEL")) {
    static const std::set<std::string> levels = {"trace", "debug",    "info", "warn",
                                                 "error", "critical", "off"};
    if (!levels.count(*v))
      return bad("MCP_LOG_LEVEL",
                 "must be one of trace, debug, info, warn, error, critical, off; not '" + *v + "'");
    c.log_level = *v;
  }

  // Checks that need no files and no network.
  for (const auto& e : c.cmon_endpoints) {
    if (e.rfind("https://", 0) != 0 && e.rfind("http://", 0) != 0)
      return bad("CMON_ENDPOINT", "'" + e + "' is not an http(s) URL; expected e.g. https://127.0.0.1:9501");
    if (e.find('@') != std::string::npos)
      return bad("CMON_ENDPOINT", "must not carry credentials; use CMON_USERNAME and CMON_PASSWORD_FILE");
  }
  if (!c.cmon_password.empty() && !c.cmon_password_file.empty())
    return unexpected(ConfigError{"CMON_PASSWORD and CMON_PASSWORD_FILE are both set: keep one"});
  bool has_password = !c.cmon_password.empty() || !c.cmon_password_file.empty();
  if (has_password && !c.cmon_key_file.empty())
    return unexpected(
        ConfigError{"CMON_PASSWORD and CMON_KEY_FILE are mutually exclusive: log in with a password or with "
                    "an RSA key, not "
                    "both (set " +
                    origin(!c.cmon_password.empty() ? "CMON_PASSWORD" : "CMON_PASSWORD_FILE") + " or " +
                    origin("CMON_KEY_FILE") + ", and remove the other)"});
  if (!c.bind_address.empty()) {
    const std::string& b = c.bind_address;
    size_t colon = b.rfind(':');
    bool bracketed = !b.empty() && b[0] == '[';
    bool ok = colon != std::string::npos && colon > 0 && colon + 1 < b.size();
    if (ok && bracketed) ok = b[colon - 1] == ']';
    if (ok && !bracketed && b.find(':') != colon) ok = false;  // bare IPv6 needs brackets
    if (ok) ok = parse_int(b.substr(colon + 1), 0, 65535).has_value();
    if (!ok)
      return bad("MCP_BIND_ADDRESS",
                 "'" + b + "' is not host:port (e.g. 127.0.0.1:3000, [::1]:3000, 0.0.0.0:8080)");
  }
  if (!c.base_url.empty() && c.base_url.rfind("https://", 0) != 0 && c.base_url.rfind("http://", 0) != 0)
    return bad("MCP_BASE_URL", "'" + c.base_url + "' is not an http(s) URL");
  if (c.tls_cert.empty() != c.tls_key.empty())
    return unexpected(ConfigError{"MCP_TLS_CERT and MCP_TLS_KEY go together: set both or neither"});
  return c;
}

std::optional<ConfigError> validate_for_serving(Config& c) {
  if (c.cmon_endpoints.empty())
    return ConfigError{"CMON_ENDPOINT is not set: point it at the controller, e.g. https://127.0.0.1:9501"};
  if (c.cmon_username.empty())
    return ConfigError{"CMON_USERNAME is not set: name the CMON user to log in as"};
  if (!c.cmon_password_file.empty()) {
    std::string text;
    if (!read_file(c.cmon_password_file, text))
      return ConfigError{"CMON_PASSWORD_FILE '" + c.cmon_password_file + "' cannot be read"};
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    if (text.empty()) return ConfigError{"CMON_PASSWORD_FILE '" + c.cmon_password_file + "' is empty"};
    c.cmon_password = text;
  }
  if (c.cmon_password.empty() && c.cmon_key_file.empty())
    return ConfigError{"no CMON credentials: set CMON_PASSWORD (or CMON_PASSWORD_FILE) or CMON_KEY_FILE"};
  if (!c.cmon_key_file.empty() && ::access(c.cmon_key_file.c_str(), R_OK) != 0)
    return ConfigError{"CMON_KEY_FILE '" + c.cmon_key_file + "' cannot be read by this user"};
  if (!c.cmon_ca_file.empty() && ::access(c.cmon_ca_file.c_str(), R_OK) != 0)
    return ConfigError{"CMON_CA_FILE '" + c.cmon_ca_file + "' cannot be read by this user"};
  for (const auto* f : {&c.tls_cert, &c.tls_key})
    if (!f->empty() && ::access(f->c_str(), R_OK) != 0)
      return ConfigError{"'" + *f + "' (MCP_TLS_CERT/MCP_TLS_KEY) cannot be read by this user"};
  c.token_entries.clear();
  if (!c.auth_tokens_file.empty()) {
    const std::string& path = c.auth_tokens_file;
    std::string text;
    if (!read_file(path, text)) return ConfigError{"MCP_AUTH_TOKENS_FILE '" + path + "' cannot be read"};
    auto entries = parse_tokens_file(text, path);
    if (!entries) return entries.error();
    // An empty file must not quietly turn authentication off.
    if (entries->empty())
      return ConfigError{
          "MCP_AUTH_TOKENS_FILE '" + path +
          "' has no token line (NAME SCOPE CLUSTERS SHA256HEX); add one with cmon-mcp gen-token "
          "--name NAME --scope SCOPE, or unset MCP_AUTH_TOKENS_FILE"};
    for (const auto& t : c.auth_tokens) {
      std::string digest = util::sha256_hex(t);
      for (const auto& e : *entries)
        if (e.sha256_hex == digest)
          return ConfigError{path + ":" + std::to_string(e.line) + ": '" + e.name +
                             "' is a token of MCP_AUTH_TOKEN too: give every token its own value"};
    }
    c.token_entries = std::move(*entries);
  }
  return std::nullopt;
}

std::map<std::string, std::string> effective_values(const Config& c) {
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
    return s;
  };
  return {
      {"CMON_ENDPOINT", join(c.cmon_endpoints)},
      {"CMON_USERNAME", c.cmon_username},
      {"CMON_PASSWORD", c.cmon_password},
      {"CMON_PASSWORD_FILE", c.cmon_password_file},
      {"CMON_KEY_FILE", c.cmon_key_file},
      {"CMON_CA_FILE", c.cmon_ca_file},
      {"CMON_TLS_FINGERPRINT", c.cmon_tls_fingerprint},
      {"CMON_TLS_VERIFY", c.cmon_tls_verify},
      {"CMON_TIMEOUT_S", std::to_string(c.cmon_timeout_s)},
      {"CMON_POOL_SIZE", std::to_string(c.cmon_pool_size)},
      {"MCP_BIND_ADDRESS", c.bind_address},
      {"MCP_BASE_URL", c.base_url},
      {"MCP_AUTH_TOKEN", join(c.auth_tokens)},
      {"MCP_AUTH_TOKENS_FILE", c.auth_tokens_file},
      {"MCP_ALLOWED_ORIGINS", join(c.allowed_origins)},
      {"MCP_TLS_CERT", c.tls_cert},
      {"MCP_TLS_KEY", c.tls_key},
      {"MCP_STATELESS", c.stateless ? "true" : "false"},
      {"MCP_TRANSPORT", c.transport == Transport::stdio  ? "stdio"
                        : c.transport == Transport::http ? "http"
                                                         : "auto"},
      {"MCP_MAX_SESSIONS", std::to_string(c.max_sessions)},
      {"MCP_RATE_LIMIT", std::to_string(c.rate_limit_per_minute)},
      {"MCP_RATE_BURST", std::to_string(c.rate_burst)},
      {"MCP_MAX_CONCURRENT_CALLS", std::to_string(c.max_concurrent_calls)},
      {"MCP_MAX_QUEUED_CALLS", std::to_string(c.max_queued_calls)},
      {"MCP_SESSION_IDLE_S", std::to_string(c.session_idle_s)},
      {"MCP_READ_ONLY", c.read_only ? "true" : "false"},
      {"MCP_TOOLS_ALLOW", join(c.tools_allow)},
      {"MCP_TOOLS_DENY", join(c.tools_deny)},
      {"MCP_CONFIRM_DESTRUCTIVE", c.confirm_destructive ? "true" : "false"},
      {"MCP_BACKUP_GUARD_HOURS", std::to_string(c.backup_guard_hours)},
      {"MCP_DUPLICATE_WINDOW_S", std::to_string(c.duplicate_window_s)},
      {"MCP_LOG_LEVEL", c.log_level},
      {"MCP_AUDIT_LOG", c.audit_log},
  };
}

std::string print_config(const Config& c) {
  std::map<std::string, std::string> shown = effective_values(c);
  std::string out;
  for (const auto& o : known_options()) {
    std::string value = shown[o.key];
    if (o.secret && !value.empty()) value = "<redacted>";
    auto src = c.sources.find(o.key);
    out += o.key + "=" + value + "    # " +
           to_string(src == c.sources.end() ? Source::defaults : src->second) + "\n";
  }
  return out;
}

std::vector<std::string> permission_warnings(const Config& c, const std::string& env_file) {
  std::vector<std::string> out;
  auto check = [&](const std::string& path, const std::string& what) {
    struct stat st {};
    if (path.empty() || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
    if ((st.st_mode & S_IROTH) == 0) return;
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    out.push_back(what + " " + path + " is readable by every user of this machine (mode " + mode +
                  "): chmod o-r " + path + " (0640 root:cmon-mcp is enough for the service)");
  };
  check(env_file, "the environment file");
  check(c.cmon_password_file, "CMON_PASSWORD_FILE");
  check(c.cmon_key_file, "CMON_KEY_FILE");
  check(c.tls_key, "MCP_TLS_KEY");
  check(c.auth_tokens_file, "MCP_AUTH_TOKENS_FILE");
  return out;
}

}  // namespace cmon_mcp::config
