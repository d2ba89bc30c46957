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

}  // namespace cmon_mcp::util
