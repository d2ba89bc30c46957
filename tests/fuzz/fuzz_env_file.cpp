// Fuzzes the environment-file parser and the configuration layering behind it.
#include "cmon_mcp/config/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cmon_mcp::config;
  Layers layers;
  layers.file_name = "fuzz.env";
  layers.file_text = std::string(reinterpret_cast<const char*>(data), size);
  auto config = build_config(layers);
  if (config) (void)print_config(*config);
  return 0;
}
