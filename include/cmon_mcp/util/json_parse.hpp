// A faster way into nlohmann::json for large documents (CMON replies).
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace cmon_mcp::util {

// The deepest nesting of containers parse_json() accepts. A deeper document is refused like one that is
// not JSON, so that nothing recursive downstream (nlohmann's dump() of a raw reply, tools that walk a
// reply) can exhaust a thread's stack on hostile input. No CMON reply comes near it.
inline constexpr int kMaxJsonNesting = 512;

// Parses `text` exactly as nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false) does (same
// values, same number types; a discarded value for anything that is not one JSON document), at several
// times its speed on large pretty-printed replies: nlohmann's lexer copies every byte, whitespace
// included, into a token buffer. What the fast path does not take (invalid text, numbers that do not
// fit 64 bits or a double, nesting deeper than 256, a byte-order mark) goes to nlohmann, so the rare
// and the wrong cases keep its exact behaviour. The one difference: a document nested deeper than
// kMaxJsonNesting gives a discarded value, and `*too_deep` (when given) says why.
nlohmann::json parse_json(std::string_view text, bool* too_deep = nullptr);

// The parts of a document a reader uses, so that parse_json() need not build the rest: most of a large
// CMON reply (every host's sixty-odd keys) is never read by a concise summary, and building nlohmann's
// tree of it is most of what a read tool costs. The spec is a JSON object naming the keys to keep:
// `true` keeps the key's whole value; a nested object keeps only those keys of the value (of each
// element, when the value is an array of objects). A key the spec does not name is dropped. Where the
// spec meets a scalar, or an array of scalars, the value is kept as it is.
class JsonKeep {
 public:
  // Throws std::invalid_argument when `spec` is not of that shape (a programming error: specs are
  // constants next to the code that reads the parts).
  explicit JsonKeep(nlohmann::json spec);

  const nlohmann::json& spec() const { return spec_; }

 private:
  nlohmann::json spec_;
};

// `document` with only the parts `keep` names: what parse_json(text, keep) gives for its text.
nlohmann::json project(const nlohmann::json& document, const JsonKeep& keep);

// parse_json() that builds only the parts `keep` names. The dropped parts are still checked to be JSON,
// within the same nesting bound: the text is accepted or refused exactly as without `keep`, and the
// result equals project(parse_json(text), keep).
nlohmann::json parse_json(std::string_view text, const JsonKeep& keep, bool* too_deep = nullptr);

}  // namespace cmon_mcp::util
