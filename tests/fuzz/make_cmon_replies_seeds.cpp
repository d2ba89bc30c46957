// Writes the seed corpus of fuzz_cmon_replies: every tool run once against the in-memory CMON world of
// the tool tests (tests/unit/tools/fixture.cpp), each reply it received recorded as one line in the
// order the tool asked for it. Run by hand after tools change: make_cmon_replies_seeds <corpus dir>.
#include <fstream>
#include <iostream>

#include "cmon_fuzz_support.hpp"
#include "cmon_mcp/tools/all.hpp"
#include "fixture.hpp"

using namespace cmon_mcp;
using nlohmann::json;

namespace {

// Passes calls to the world and records each reply as the wire body CMON would have sent.
class Recorder final : public cmon::Api {
 public:
  explicit Recorder(cmon::Api& inner) : inner_(inner) {}
  std::vector<std::string> lines;

  awaitable<cmon::Result<json>> call(std::string_view path, std::string_view operation, json fields,
                                     cmon::CallOptions options) override {
    auto r = co_await inner_.call(path, operation, std::move(fields), options);
    json wire;
    if (r) {
      wire = *r;
      wire["request_status"] = "Ok";
    } else {
      wire = json{
          {"request_status", r.error().request_status.empty() ? "UnknownError" : r.error().request_status},
          {"error_string", r.error().message}};
    }
    lines.push_back(wire.dump(-1, ' ', false, json::error_handler_t::replace));
    co_return r;
  }
  std::string endpoint() const override { return inner_.endpoint(); }

 private:
  cmon::Api& inner_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_cmon_replies_seeds <corpus dir>\n";
    return 2;
  }
  tools::Registry registry = fuzz::real_tools();
  for (const auto* def : registry.list()) {
    for (std::string_view options : {"", "jd"}) {
      test::FakeCmon world;
      test::install_world(world);
      Recorder recorder(world);
      fuzz::QuietHost host;
      json args = fuzz::arguments_for(*def, options);
      // Ids the world knows, so that the recorded replies are the successful ones.
      for (auto [key, id] : {std::pair{"job_id", 118}, {"alarm_id", 77}, {"report_id", 1}})
        if (args.contains(key)) args[key] = id;
      asio::io_context io;
      asio::co_spawn(
          io,
          [&]() -> awaitable<void> {
            tools::ToolContext ctx{recorder, host};
            (void)co_await def->handler(ctx, args);
          },
          asio::detached);
      io.run_for(std::chrono::seconds(10));
      std::string name = def->name + (options.empty() ? "" : "-" + std::string(options));
      std::ofstream out(std::string(argv[1]) + "/seed-" + name);
      out << def->name << (options.empty() ? "" : " " + std::string(options)) << "\n";
      for (size_t i = 0; i < recorder.lines.size(); ++i)
        out << recorder.lines[i] << (i + 1 < recorder.lines.size() ? "\n" : "");
    }
  }
  return 0;
}
