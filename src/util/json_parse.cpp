// A recursive-descent JSON parser that builds nlohmann::json directly (see json_parse.hpp). It only has
// to be right on what it accepts: whatever it refuses is parsed again by nlohmann, which then decides.
// The fuzz target fuzz_json_parse and json_parse_test compare the two on every input.
#include "cmon_mcp/util/json_parse.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace cmon_mcp::util {
namespace {

using json = nlohmann::json;

constexpr int kMaxDepth = 256;  // deeper documents go to nlohmann's parser, which needs no stack

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& s, std::uint32_t cp) {
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class FastParser {
 public:
  explicit FastParser(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  // `keep`: the spec of a JsonKeep, or null to build everything.
  bool document(json& out, const json* keep) {
    skip_ws();
    if (!value(out, 0, keep)) return false;
    skip_ws();
    return p_ == end_;
  }

 private:
  const char* p_;
  const char* const end_;
  std::string scratch_;     // decoded strings with escapes or UTF-8, reused
  std::string key_buffer_;  // the same for keys, which stay in use while the value is read
  json scratch_number_;

  void skip_ws() {
    // Pretty-printed replies (CMON's are) indent by runs of spaces: eight at a time first.
    static constexpr char kEightSpaces[8] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
    while (end_ - p_ >= 8 && std::memcmp(p_, kEightSpaces, 8) == 0) p_ += 8;
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) {
      ++p_;
      while (end_ - p_ >= 8 && std::memcmp(p_, kEightSpaces, 8) == 0) p_ += 8;
    }
  }

  bool value(json& out, int depth, const json* keep) {
    if (p_ >= end_) return false;
    switch (*p_) {
      case '{':
        return object(out, depth + 1, keep);
      case '[':
        return array(out, depth + 1, keep);
      case '"': {
        std::string_view text;
        if (!string_view_of(text, scratch_)) return false;
        out = std::string(text);
        return true;
      }
      case 't':
        return literal("true", json(true), out);
      case 'f':
        return literal("false", json(false), out);
      case 'n':
        return literal("null", json(nullptr), out);
      default:
        return number(out);
    }
  }

  // A value that is not kept: checked by the same grammar and bounds as value(), nothing built.
  bool skip(int depth) {
    if (p_ >= end_) return false;
    switch (*p_) {
      case '{':
        if (depth + 1 > kMaxDepth) return false;
        return elements('}', [&] {
          std::string_view key;
          return member_key(key, scratch_) && skip(depth + 1);
        });
      case '[':
        if (depth + 1 > kMaxDepth) return false;
        return elements(']', [&] { return skip(depth + 1); });
      case '"': {
        std::string_view text;
        return string_view_of(text, scratch_);
      }
      case 't':
        return literal("true", json(true), scratch_number_);
      case 'f':
        return literal("false", json(false), scratch_number_);
      case 'n':
        return literal("null", json(nullptr), scratch_number_);
      default:
        return number(scratch_number_);  // the same range checks as a kept number
    }
  }

  // A container from its opening bracket through `close`: `read_element` reads one element (an array's
  // value, or an object's key, colon and value); the brackets and commas around them are checked here,
  // one loop for objects, arrays and skipped values alike.
  template <class ReadElement>
  bool elements(char close, ReadElement read_element) {
    ++p_;  // '{' or '['
    skip_ws();
    if (p_ < end_ && *p_ == close) {
      ++p_;
      return true;
    }
    for (;;) {
      skip_ws();
      if (!read_element()) return false;
      skip_ws();
      if (p_ >= end_) return false;
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ != close) return false;
      ++p_;
      return true;
    }
  }

  // An object member's key and the colon after it (see string_view_of for how long `key` is valid).
  bool member_key(std::string_view& key, std::string& buffer) {
    if (p_ >= end_ || *p_ != '"' || !string_view_of(key, buffer)) return false;
    skip_ws();
    if (p_ >= end_ || *p_ != ':') return false;
    ++p_;
    skip_ws();
    return true;
  }

  bool literal(std::string_view word, json v, json& out) {
    if (static_cast<size_t>(end_ - p_) < word.size() || std::memcmp(p_, word.data(), word.size()) != 0)
      return false;
    p_ += word.size();
    out = std::move(v);
    return true;
  }

  bool object(json& out, int depth, const json* keep) {
    if (depth > kMaxDepth) return false;
    out = json::object();
    auto& members = out.get_ref<json::object_t&>();
    return elements('}', [&] {
      std::string_view key;
      if (!member_key(key, key_buffer_)) return false;
      // Parsed in place. Keys usually come sorted (nlohmann and CMON write them so): the end() hint
      // makes those inserts constant time. A repeated key is overwritten: the last one wins, as in
      // nlohmann.
      if (keep == nullptr) {
        auto it = members.try_emplace(members.end(), std::string(key));
        return value(it->second, depth, nullptr);
      }
      auto spec = keep->find(key);
      if (spec == keep->end()) return skip(depth);
      auto it = members.try_emplace(members.end(), std::string(key));
      return value(it->second, depth, spec->is_object() ? &*spec : nullptr);
    });
  }

  bool array(json& out, int depth, const json* keep) {
    if (depth > kMaxDepth) return false;
    out = json::array();
    auto& items = out.get_ref<json::array_t&>();
    return elements(']', [&] {
      items.emplace_back();
      return value(items.back(), depth, keep);
    });
  }

  // A string's text: a view of the input when it has no escapes and is ASCII (the common case: nothing
  // copied), else decoded into `buffer`. Either way valid only until the next string is read.
  bool string_view_of(std::string_view& text, std::string& buffer) {
    const char* start = ++p_;  // past the opening quote
    while (p_ < end_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        text = std::string_view(start, static_cast<size_t>(p_ - start));
        ++p_;
        return true;
      }
      if (c == '\\' || c < 0x20 || c >= 0x80) break;
      ++p_;
    }
    buffer.assign(start, p_);
    if (!string_rest(buffer)) return false;
    text = buffer;
    return true;
  }

  // The rest of a string from p_ (past its opening quote), decoded and appended to `s`.
  bool string_rest(std::string& s) {
    for (;;) {
      const char* run = p_;
      while (p_ < end_) {
        const auto c = static_cast<unsigned char>(*p_);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
        ++p_;
      }
      s.append(run, p_);
      if (p_ >= end_) return false;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c < 0x20) return false;  // control characters must be escaped
      if (c == '\\') {
        if (!escape(s)) return false;
      } else if (!utf8(s)) {
        return false;
      }
    }
  }

  // One multi-byte UTF-8 sequence, checked as RFC 3629 (and nlohmann) define well-formed sequences.
  bool utf8(std::string& s) {
    const auto lead = static_cast<unsigned char>(*p_);
    auto in = [this](size_t i, unsigned lo, unsigned hi) {
      if (static_cast<size_t>(end_ - p_) <= i) return false;
      const auto b = static_cast<unsigned char>(p_[i]);
      return b >= lo && b <= hi;
    };
    size_t len = 0;
    bool ok = false;
    if (lead >= 0xC2 && lead <= 0xDF) {
      len = 2;
      ok = in(1, 0x80, 0xBF);
    } else if (lead == 0xE0) {
      len = 3;
      ok = in(1, 0xA0, 0xBF) && in(2, 0x80, 0xBF);
    } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
      len = 3;
      ok = in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF);
    } else if (lead == 0xED) {
      len = 3;
      ok = in(1, 0x80, 0x9F) && in(2, 0x80, 0xBF);
    } else if (lead == 0xF0) {
      len = 4;
      ok = in(1, 0x90, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF);
    } else if (lead >= 0xF1 && lead <= 0xF3) {
      len = 4;
      ok = in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF);
    } else if (lead == 0xF4) {
      len = 4;
      ok = in(1, 0x80, 0x8F) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF);
    }
    if (!ok) return false;
    s.append(p_, len);
    p_ += len;
    return true;
  }

  int hex4() {
    if (end_ - p_ < 4) return -1;
    int v = 0;
    for (int i = 0; i < 4; ++i) {
      const int h = hex_value(p_[i]);
      if (h < 0) return -1;
      v = v * 16 + h;
    }
    p_ += 4;
    return v;
  }

  bool escape(std::string& s) {
    ++p_;  // the backslash
    if (p_ >= end_) return false;
    const char c = *p_++;
    switch (c) {
      case '"':
      case '\\':
      case '/':
        s += c;
        return true;
      case 'b':
        s += '\b';
        return true;
      case 'f':
        s += '\f';
        return true;
      case 'n':
        s += '\n';
        return true;
      case 'r':
        s += '\r';
        return true;
      case 't':
        s += '\t';
        return true;
      case 'u': {
        int cp = hex4();
        if (cp < 0) return false;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          // A high surrogate must be followed by an escaped low one.
          if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
          p_ += 2;
          const int low = hex4();
          if (low < 0xDC00 || low > 0xDFFF) return false;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return false;  // a lone low surrogate
        }
        append_utf8(s, static_cast<std::uint32_t>(cp));
        return true;
      }
      default:
        return false;
    }
  }

  bool digits() {
    if (p_ >= end_ || !is_digit(*p_)) return false;
    while (p_ < end_ && is_digit(*p_)) ++p_;
    return true;
  }

  // JSON's number grammar; integers become int64 (negative) or uint64, others double, as in nlohmann.
  // Out of range for those types: refused here, and nlohmann decides (a double, or an error).
  bool number(json& out) {
    const char* start = p_;
    if (*p_ == '-') ++p_;
    if (p_ >= end_) return false;
    if (*p_ == '0') {
      ++p_;
    } else if (!digits()) {
      return false;
    }
    bool integral = true;
    if (p_ < end_ && *p_ == '.') {
      integral = false;
      ++p_;
      if (!digits()) return false;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      integral = false;
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (!digits()) return false;
    }
    if (integral && *start == '-') {
      std::int64_t v = 0;
      auto [ptr, ec] = std::from_chars(start, p_, v);
      if (ec != std::errc() || ptr != p_) return false;
      out = v;
      return true;
    }
    if (integral) {
      std::uint64_t v = 0;
      auto [ptr, ec] = std::from_chars(start, p_, v);
      if (ec != std::errc() || ptr != p_) return false;
      out = v;
      return true;
    }
    double v = 0;
    auto [ptr, ec] = std::from_chars(start, p_, v);
    if (ec != std::errc() || ptr != p_) return false;
    out = v;
    return true;
  }
};

}  // namespace

namespace {

void check_keep_spec(const json& spec, const std::string& where) {
  if (!spec.is_object())
    throw std::invalid_argument("JsonKeep: " + where + " must be an object of true or nested objects");
  for (const auto& [key, part] : spec.items()) {
    if (part.is_object())
      check_keep_spec(part, where + "." + key);
    else if (part != json(true))
      throw std::invalid_argument("JsonKeep: " + where + "." + key + " must be true or an object");
  }
}

json project_value(const json& value, const json* keep) {
  if (keep == nullptr) return value;
  if (value.is_array()) {
    json out = json::array();
    auto& elements = out.get_ref<json::array_t&>();
    elements.reserve(value.size());
    for (const auto& e : value) elements.push_back(project_value(e, keep));
    return out;
  }
  if (!value.is_object()) return value;
  json out = json::object();
  for (const auto& [key, part] : keep->items()) {
    auto it = value.find(key);
    if (it != value.end()) out[key] = project_value(*it, part.is_object() ? &part : nullptr);
  }
  return out;
}

}  // namespace

JsonKeep::JsonKeep(json spec) : spec_(std::move(spec)) {
  check_keep_spec(spec_, "spec");
}

json project(const json& document, const JsonKeep& keep) {
  return project_value(document, &keep.spec());
}

namespace {

json parse(std::string_view text, const JsonKeep* keep, bool* too_deep) {
  static_assert(kMaxDepth < kMaxJsonNesting, "the fast path refuses what is deeper than its own limit");
  if (too_deep) *too_deep = false;
  json out;
  if (FastParser(text).document(out, keep ? &keep->spec() : nullptr)) return out;
  // nlohmann's parser needs no stack, but what is done with its result may: stop at the bound. The
  // callback's depth is the number of containers around the one that starts.
  struct TooDeep {};
  auto bound = [](int depth, json::parse_event_t event, json&) {
    if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) &&
        depth >= kMaxJsonNesting)
      throw TooDeep{};
    return true;
  };
  try {
    json whole = json::parse(text, bound, /*allow_exceptions=*/false);
    if (keep == nullptr || whole.is_discarded()) return whole;
    return project(whole, *keep);  // the rare case (see json_parse.hpp): the same parts as the fast path
  } catch (const TooDeep&) {
    if (too_deep) *too_deep = true;
    return json(json::value_t::discarded);
  }
}

}  // namespace

nlohmann::json parse_json(std::string_view text, bool* too_deep) {
  return parse(text, nullptr, too_deep);
}

nlohmann::json parse_json(std::string_view text, const JsonKeep& keep, bool* too_deep) {
  return parse(text, &keep, too_deep);
}

}  // namespace cmon_mcp::util
