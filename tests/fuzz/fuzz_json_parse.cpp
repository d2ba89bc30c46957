// Differential fuzzing of util::parse_json against nlohmann::json::parse: both must accept the same
// texts and give the same values (dump() tells number types and -0.0 apart), except that parse_json refuses
// nesting deeper than kMaxJsonNesting. Any other difference aborts. parse_json with a JsonKeep must give
// nlohmann's value projected, and accept and refuse the same texts.
#include <cstdlib>
#include <string>
#include <string_view>

#include "cmon_mcp/util/json_parse.hpp"

namespace {

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Short keys, so that mutated documents meet the spec at several depths.
  static const cmon_mcp::util::JsonKeep keep(nlohmann::json{
      {"a", true}, {"b", {{"a", true}, {"c", {{"b", true}}}}}, {"clusters", {{"hosts", true}}}});
  std::string_view text(reinterpret_cast<const char*>(data), size);
  bool too_deep = false;
  nlohmann::json ours = cmon_mcp::util::parse_json(text, &too_deep);
  bool part_too_deep = false;
  nlohmann::json part = cmon_mcp::util::parse_json(text, keep, &part_too_deep);
  if (part_too_deep != too_deep || part.is_discarded() != ours.is_discarded()) std::abort();
  // Deeper than kMaxJsonNesting is refused by design, whatever nlohmann makes of it.
  if (too_deep) {
    if (!ours.is_discarded()) std::abort();
    return 0;
  }
  nlohmann::json theirs = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (ours.is_discarded() != theirs.is_discarded()) std::abort();
  if (!theirs.is_discarded() && dump(ours) != dump(theirs)) std::abort();
  if (!theirs.is_discarded() && dump(part) != dump(cmon_mcp::util::project(theirs, keep))) std::abort();
  return 0;
}
