// Differential fuzzing of util::parse_json against nlohmann::json::parse: both must accept the same
// texts and give the same values (dump() tells number types and -0.0 apart). Any difference aborts.
#include <cstdlib>
#include <string_view>

#include "cmon_mcp/util/json_parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::json ours = cmon_mcp::util::parse_json(text);
  nlohmann::json theirs = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (ours.is_discarded() != theirs.is_discarded()) std::abort();
  if (!theirs.is_discarded() && ours.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) !=
                                    theirs.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
    std::abort();
  return 0;
}
