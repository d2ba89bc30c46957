// Differential fuzzing of util::parse_json against nlohmann::json::parse: both must accept the same
// texts and give the same values (dump() tells number types and -0.0 apart), except that parse_json refuses
// nesting deeper than kMaxJsonNesting. Any other difference aborts.
#include <cstdlib>
#include <string_view>

#include "cmon_mcp/util/json_parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  bool too_deep = false;
  nlohmann::json ours = cmon_mcp::util::parse_json(text, &too_deep);
  // Deeper than kMaxJsonNesting is refused by design, whatever nlohmann makes of it.
  if (too_deep) {
    if (!ours.is_discarded()) std::abort();
    return 0;
  }
  nlohmann::json theirs = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (ours.is_discarded() != theirs.is_discarded()) std::abort();
  if (!theirs.is_discarded() && ours.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) !=
                                    theirs.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
    std::abort();
  return 0;
}
