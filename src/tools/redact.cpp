// Redaction of secret tool arguments (writeOnly in the input schema, or a credential-like name).
#include "cmon_mcp/tools/redact.hpp"

#include <array>
#include <cctype>
#include <string>

namespace cmon_mcp::tools {

using nlohmann::json;

namespace {

constexpr int kMaxDepth = 64;  // schemas and arguments are depth-limited upstream; stay bounded here too

const json& empty_object() {
  static const json e = json::object();
  return e;
}

bool write_only(const json& schema) {
  if (!schema.is_object()) return false;
  auto it = schema.find("writeOnly");
  return it != schema.end() && it->is_boolean() && it->get<bool>();
}

// The schema of property `name` of an object schema: properties[name], else additionalProperties when
// it is a schema, else an empty schema.
const json& property_schema(const json& schema, const std::string& name) {
  if (!schema.is_object()) return empty_object();
  if (auto p = schema.find("properties"); p != schema.end() && p->is_object())
    if (auto s = p->find(name); s != p->end()) return *s;
  if (auto a = schema.find("additionalProperties"); a != schema.end() && a->is_object()) return *a;
  return empty_object();
}

const json& items_schema(const json& schema) {
  if (!schema.is_object()) return empty_object();
  if (auto i = schema.find("items"); i != schema.end() && i->is_object()) return *i;
  return empty_object();
}

json redact(const json& schema, const json& value, int depth) {
  if (depth > kMaxDepth) return kRedacted;  // pathological nesting: show nothing rather than too much
  if (value.is_object()) {
    json out = json::object();
    for (auto it = value.begin(); it != value.end(); ++it) {
      const json& s = property_schema(schema, it.key());
      if (write_only(s) || secret_name(it.key()))
        out[it.key()] = kRedacted;
      else
        out[it.key()] = redact(s, it.value(), depth + 1);
    }
    return out;
  }
  if (value.is_array()) {
    const json& s = items_schema(schema);
    if (write_only(s)) return json::array({kRedacted});
    json out = json::array();
    for (const auto& v : value) out.push_back(redact(s, v, depth + 1));
    return out;
  }
  return value;
}

}  // namespace

bool secret_name(std::string_view name) {
  std::string n;
  n.reserve(name.size());
  for (char c : name)
    if (std::isalnum(static_cast<unsigned char>(c)))
      n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static constexpr std::array<std::string_view, 8> needles{
      "password", "passwd", "secret", "token", "privatekey", "apikey", "credential", "passphrase"};
  for (auto needle : needles)
    if (n.find(needle) != std::string::npos) return true;
  return n == "pass" || n == "pwd";
}

json redact_secrets(const json& schema, const json& args) {
  if (write_only(schema)) return kRedacted;
  return redact(schema, args, 0);
}

}  // namespace cmon_mcp::tools
