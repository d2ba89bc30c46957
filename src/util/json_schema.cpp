// JSON Schema subset validation (see the header for the keywords).
#include "cmon_mcp/util/json_schema.hpp"

#include <cmath>
#include <cstdint>
#include <regex>
#include <set>

namespace cmon_mcp::util {

using nlohmann::json;

namespace {

// Schemas are ours, instances come from a model: bound the regex input and the recursion.
constexpr size_t kMaxPatternInput = 4096;
constexpr int kMaxDepth = 32;

std::string type_of(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "integer";
    case json::value_t::number_float:
      return "number";
    case json::value_t::string:
      return "string";
    case json::value_t::array:
      return "array";
    case json::value_t::object:
      return "object";
    default:
      return "unknown";
  }
}

bool has_type(const json& v, const std::string& t) {
  if (t == "number") return v.is_number();
  if (t == "integer") {
    // Integers are also bounded to what tools can hold (int64): 1e29 or 2^64-1 would overflow the
    // conversion a handler makes, so they are refused here with the other type errors.
    if (v.is_number_unsigned()) return v.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX);
    if (v.is_number_integer()) return true;
    // 3.0 is an integer in JSON Schema.
    if (v.is_number_float()) {
      double d = v.get<double>();
      return std::isfinite(d) && std::floor(d) == d && d >= -9223372036854775808.0 &&
             d < 9223372036854775808.0;
    }
    return false;
  }
  return type_of(v) == t;
}

std::string preview(const json& v) {
  std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

// Where a value sits in the instance ("a.b[2].c"), as a chain of nodes on the stack: the text is only
// built for a violation, not for every value checked (output schemas are checked on every tool call).
struct Path {
  const Path* parent = nullptr;
  std::string_view key;  // a property name, or empty for an array index
  size_t index = 0;
  bool is_index = false;

  Path member(std::string_view name) const { return Path{this, name, 0, false}; }
  Path item(size_t i) const { return Path{this, {}, i, true}; }

  std::string text() const {
    std::string base = parent ? parent->text() : std::string();
    if (is_index) return base + "[" + std::to_string(index) + "]";
    if (!parent) return std::string(key);
    return base.empty() ? std::string(key) : base + "." + std::string(key);
  }
};

class Validator {
 public:
  explicit Validator(const json& root) : root_(root) {}

  void check(const json& schema, const json& v, const Path& path, int depth) {
    if (depth > kMaxDepth) {
      add(path, "value nested too deeply");
      return;
    }
    if (schema.is_boolean()) {
      if (!schema.get<bool>()) add(path, "no value is allowed here");
      return;
    }
    if (!schema.is_object()) return;

    if (auto ref = schema.find("$ref"); ref != schema.end() && ref->is_string()) {
      if (const json* target = resolve(ref->get<std::string>())) check(*target, v, path, depth + 1);
    }
    if (auto t = schema.find("type"); t != schema.end()) {
      bool ok = false;
      std::string expected;
      if (t->is_string()) {
        ok = has_type(v, t->get_ref<const std::string&>());
        if (!ok) expected = t->get_ref<const std::string&>();
      } else if (t->is_array()) {
        for (const auto& one : *t) {
          if (!one.is_string()) continue;
          ok = ok || has_type(v, one.get<std::string>());
          expected += (expected.empty() ? "" : " or ") + one.get<std::string>();
        }
      } else {
        ok = true;
      }
      if (!ok) {
        add(path, "expected " + expected + ", got " + type_of(v) + " " + preview(v));
        return;  // further keywords would only repeat the type error
      }
    }
    if (auto e = schema.find("enum"); e != schema.end() && e->is_array()) {
      bool found = false;
      for (const auto& option : *e) found = found || option == v;
      if (!found) {
        std::string options;
        for (const auto& option : *e) options += (options.empty() ? "" : ", ") + preview(option);
        add(path, "must be one of " + options + "; got " + preview(v));
      }
    }
    if (auto c = schema.find("const"); c != schema.end() && *c != v) add(path, "must be " + preview(*c));

    if (v.is_number()) check_number(schema, v.get<double>(), path);
    if (v.is_string()) check_string(schema, v.get_ref<const std::string&>(), path);
    if (v.is_array()) check_array(schema, v, path, depth);
    if (v.is_object()) check_object(schema, v, path, depth);

    if (auto all = schema.find("allOf"); all != schema.end() && all->is_array())
      for (const auto& sub : *all) check(sub, v, path, depth + 1);
    if (auto any = schema.find("anyOf"); any != schema.end() && any->is_array()) {
      size_t matching = count_matching(*any, v, depth);
      if (matching == 0) add(path, "does not match any of the allowed forms");
    }
    if (auto one = schema.find("oneOf"); one != schema.end() && one->is_array()) {
      size_t matching = count_matching(*one, v, depth);
      if (matching != 1)
        add(path,
            matching == 0 ? "does not match any of the allowed forms" : "matches more than one allowed form");
    }
    if (auto n = schema.find("not"); n != schema.end()) {
      Validator sub(root_);
      sub.check(*n, v, path, depth + 1);
      if (sub.violations_.empty()) add(path, "is not allowed here");
    }
  }

  std::vector<SchemaViolation> take() { return std::move(violations_); }

 private:
  void add(const Path& path, std::string message) {
    violations_.push_back({path.text(), std::move(message)});
  }

  size_t count_matching(const json& options, const json& v, int depth) {
    size_t matching = 0;
    for (const auto& sub : options) {
      Validator trial(root_);
      trial.check(sub, v, Path{}, depth + 1);
      if (trial.violations_.empty()) ++matching;
    }
    return matching;
  }

  const json* resolve(const std::string& ref) const {
    // Only local references: "#", "#/$defs/name", "#/definitions/name".
    if (ref == "#") return &root_;
    if (ref.rfind("#/", 0) != 0) return nullptr;
    try {
      const json& target = root_.at(json::json_pointer(ref.substr(1)));
      return &target;
    } catch (const json::exception&) {
      return nullptr;
    }
  }

  static std::string num(double d) {
    if (std::floor(d) == d && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
    return std::to_string(d);
  }

  void check_number(const json& s, double d, const Path& path) {
    if (auto m = s.find("minimum"); m != s.end() && m->is_number() && d < m->get<double>())
      add(path, "must be >= " + num(m->get<double>()) + "; got " + num(d));
    if (auto m = s.find("maximum"); m != s.end() && m->is_number() && d > m->get<double>())
      add(path, "must be <= " + num(m->get<double>()) + "; got " + num(d));
    if (auto m = s.find("exclusiveMinimum"); m != s.end() && m->is_number() && d <= m->get<double>())
      add(path, "must be > " + num(m->get<double>()));
    if (auto m = s.find("exclusiveMaximum"); m != s.end() && m->is_number() && d >= m->get<double>())
      add(path, "must be < " + num(m->get<double>()));
  }

  void check_string(const json& s, const std::string& str, const Path& path) {
    size_t length = utf8_length(str);
    if (auto m = s.find("minLength"); m != s.end() && m->is_number_unsigned() && length < m->get<size_t>())
      add(path, "must be at least " + std::to_string(m->get<size_t>()) + " characters long");
    if (auto m = s.find("maxLength"); m != s.end() && m->is_number_unsigned() && length > m->get<size_t>())
      add(path, "must be at most " + std::to_string(m->get<size_t>()) + " characters long");
    if (auto p = s.find("pattern"); p != s.end() && p->is_string()) {
      if (str.size() > kMaxPatternInput) {
        add(path, "is too long to check against its pattern");
      } else {
        try {
          std::regex re(p->get<std::string>(), std::regex::ECMAScript);
          if (!std::regex_search(str, re)) add(path, "must match the pattern " + p->get<std::string>());
        } catch (const std::regex_error&) {
          // A malformed pattern is a bug in our schema, not the caller's fault: don't block the call.
        }
      }
    }
  }

  void check_array(const json& s, const json& v, const Path& path, int depth) {
    if (auto m = s.find("minItems"); m != s.end() && m->is_number_unsigned() && v.size() < m->get<size_t>())
      add(path, "needs at least " + std::to_string(m->get<size_t>()) + " items");
    if (auto m = s.find("maxItems"); m != s.end() && m->is_number_unsigned() && v.size() > m->get<size_t>())
      add(path, "allows at most " + std::to_string(m->get<size_t>()) + " items");
    if (auto u = s.find("uniqueItems"); u != s.end() && u->is_boolean() && u->get<bool>()) {
      std::set<std::string> seen;
      for (const auto& item : v)
        if (!seen.insert(item.dump()).second) {
          add(path, "items must be unique; " + preview(item) + " repeats");
          break;
        }
    }
    if (auto items = s.find("items"); items != s.end() && (items->is_object() || items->is_boolean())) {
      for (size_t i = 0; i < v.size(); ++i) check(*items, v[i], path.item(i), depth + 1);
    }
  }

  void check_object(const json& s, const json& v, const Path& path, int depth) {
    if (auto r = s.find("required"); r != s.end() && r->is_array()) {
      for (const auto& name : *r)
        if (name.is_string() && !v.contains(name.get<std::string>()))
          add(path.member(name.get_ref<const std::string&>()), "is required");
    }
    const json* props = nullptr;
    if (auto p = s.find("properties"); p != s.end() && p->is_object()) props = &*p;
    auto additional = s.find("additionalProperties");
    for (const auto& [key, value] : v.items()) {
      auto prop = props ? props->find(key) : s.end();
      if (props && prop != props->end()) {
        check(*prop, value, path.member(key), depth + 1);
      } else if (additional != s.end()) {
        if (additional->is_boolean() && !additional->get<bool>()) {
          std::string known;
          if (props)
            for (const auto& [name, _] : props->items()) known += (known.empty() ? "" : ", ") + name;
          add(path.member(key),
              "is not a known argument" + (known.empty() ? std::string() : "; known: " + known));
        } else if (additional->is_object()) {
          check(*additional, value, path.member(key), depth + 1);
        }
      }
    }
    if (auto m = s.find("minProperties");
        m != s.end() && m->is_number_unsigned() && v.size() < m->get<size_t>())
      add(path, "needs at least " + std::to_string(m->get<size_t>()) + " properties");
  }

  static size_t utf8_length(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
  }

  const json& root_;
  std::vector<SchemaViolation> violations_;
};

}  // namespace

std::vector<SchemaViolation> validate_schema(const json& schema, const json& instance) {
  Validator v(schema);
  v.check(schema, instance, Path{}, 0);
  return v.take();
}

std::string describe_violations(const std::vector<SchemaViolation>& violations) {
  std::string out;
  for (const auto& v : violations) {
    if (!out.empty()) out += "; ";
    out += v.path.empty() ? v.message : v.path + ": " + v.message;
  }
  return out;
}

}  // namespace cmon_mcp::util
