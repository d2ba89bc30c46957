// MCP_AUTH_TOKENS_FILE: named bearer tokens with a scope and clusters, stored as SHA-256 digests.
#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

#include "cmon_mcp/config/config.hpp"

namespace cmon_mcp::config {

namespace {

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  std::string field;
  while (in >> field) {
    if (field[0] == '#') break;  // a trailing comment
    out.push_back(field);
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Items of a comma list; an empty item is kept (as "") so that the caller can refuse it.
std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    auto comma = s.find(',', start);
    out.emplace_back(
        s.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

std::optional<std::string> check_token_name(std::string_view name) {
  if (name.empty()) return "the token name is empty";
  if (name.size() > 64)
    return "the token name '" + std::string(name.substr(0, 64)) + "...' is longer than 64 characters";
  auto ok = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '@';
  };
  if (!std::isalnum(static_cast<unsigned char>(name[0])) || !std::all_of(name.begin(), name.end(), ok))
    return "invalid token name '" + std::string(name) +
           "': use letters, digits, '.', '_', '-' and '@', starting with a letter or digit";
  if (name == "token") return "the token name 'token' is reserved for the tokens of MCP_AUTH_TOKEN";
  return std::nullopt;
}

Expected<TokenScope, std::string> parse_token_scope(std::string_view scope) {
  TokenScope out;
  for (const auto& raw : split_commas(scope)) {
    std::string item = lower(raw);
    if (item == "read") {
      // read is part of every scope
    } else if (item == "write") {
      out.write = true;
    } else if (item == "destructive") {
      out.write = out.destructive = true;
    } else {
      return unexpected("unknown scope '" + std::string(scope) +
                        "': use read, write (read and write) or destructive (all three), or a comma list "
                        "of them");
    }
  }
  return out;
}

Expected<std::vector<std::string>, std::string> parse_token_clusters(std::string_view clusters) {
  if (clusters == "*") return std::vector<std::string>{};
  std::vector<std::string> out;
  for (auto& item : split_commas(clusters)) {
    if (item.empty())
      return unexpected("empty cluster in '" + std::string(clusters) +
                        "': give '*' or a comma list of cluster ids and names, e.g. 1,prod-galera");
    if (item == "*")
      return unexpected("'*' (every cluster) cannot be combined with other clusters in '" +
                        std::string(clusters) + "'");
    if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(std::move(item));
  }
  return out;
}

std::string token_line(const TokenEntry& e) {
  std::string clusters;
  for (const auto& c : e.clusters) clusters += (clusters.empty() ? "" : ",") + c;
  const char* scope = e.scope.destructive ? "destructive" : e.scope.write ? "write" : "read";
  return e.name + " " + scope + " " + (clusters.empty() ? "*" : clusters) + " " + e.sha256_hex;
}

Expected<std::vector<TokenEntry>, ConfigError> parse_tokens_file(const std::string& text,
                                                                 const std::string& file_name) {
  std::vector<TokenEntry> out;
  std::map<std::string, int> names, digests;
  std::istringstream in(text);
  std::string raw;
  int line_no = 0;
  auto fail = [&](const std::string& why) {
    return unexpected(ConfigError{file_name + ":" + std::to_string(line_no) + ": " + why});
  };
  while (std::getline(in, raw)) {
    ++line_no;
    auto fields = split_fields(raw);
    if (fields.empty()) continue;  // blank or comment
    // The fourth field is never echoed: it might be a token pasted in clear.
    if (fields.size() != 4)
      return fail("expected NAME SCOPE CLUSTERS SHA256HEX, got " + std::to_string(fields.size()) +
                  " field(s) (cmon-mcp gen-token --name NAME --scope SCOPE prints such a line)");
    TokenEntry e;
    e.line = line_no;
    e.name = fields[0];
    if (auto why = check_token_name(e.name)) return fail(*why);
    auto scope = parse_token_scope(fields[1]);
    if (!scope) return fail(scope.error());
    e.scope = *scope;
    auto clusters = parse_token_clusters(fields[2]);
    if (!clusters) return fail(clusters.error());
    e.clusters = std::move(*clusters);
    const std::string& digest = fields[3];
    bool hex = digest.size() == 64 && std::all_of(digest.begin(), digest.end(), [](char c) {
                 return std::isxdigit(static_cast<unsigned char>(c));
               });
    if (!hex)
      return fail("the fourth field of '" + e.name +
                  "' must be the token's SHA-256 as 64 hex characters, never the token itself "
                  "(printf %s TOKEN | sha256sum)");
    e.sha256_hex = lower(digest);
    if (auto it = names.find(lower(e.name)); it != names.end())
      return fail("the token name '" + e.name + "' is already used on line " + std::to_string(it->second));
    if (auto it = digests.find(e.sha256_hex); it != digests.end())
      return fail("'" + e.name + "' has the same token (SHA-256) as line " + std::to_string(it->second) +
                  ": give every token its own value");
    names[lower(e.name)] = line_no;
    digests[e.sha256_hex] = line_no;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace cmon_mcp::config
