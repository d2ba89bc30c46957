// See sim_fixture.hpp.
#include "sim_fixture.hpp"

#include <stdexcept>
#include <thread>

#include <boost/asio/use_future.hpp>

#include "cmon_mcp/cmon/errors.hpp"
#include "cmon_mcp/util/json_schema.hpp"

namespace cmon_mcp::tools::test_support {

cmon_mcp::test::SimProcess* SimActionTest::sim_ = nullptr;

void SimActionTest::SetUpTestSuite() {
  sim_ = new cmon_mcp::test::SimProcess({"--job-speed", "20"});
}

void SimActionTest::TearDownTestSuite() {
  delete sim_;
  sim_ = nullptr;
}

SimActionTest::SimActionTest() {
  register_all_tools(registry);
  set_safety(SafetySettings{});
  cmon::CmonClientOptions o;
  o.endpoints = {sim_->endpoint()};
  o.username = "admin";
  o.password = "admin";
  o.tls_fingerprint = sim_->fingerprint();
  o.connect_timeout = std::chrono::seconds(5);
  o.default_timeout = std::chrono::seconds(20);
  client = std::make_unique<cmon::CmonClient>(io.get_executor(), o);
}

void SimActionTest::set_safety(SafetySettings s) {
  Policy p;
  p.safety = s;
  registry.set_policy(p);
}

template <class T>
T SimActionTest::run_on_io(awaitable<T> a) {
  auto fut = asio::co_spawn(io, std::move(a), asio::use_future);
  io.restart();
  io.run();
  return fut.get();
}

ToolResult SimActionTest::run(const std::string& name, json args, cmon_mcp::test::RecordingHost* host) {
  const ToolDefinition* d = registry.find(name);
  if (!d) throw std::invalid_argument("no callable tool " + name);
  auto violations = util::validate_schema(d->input_schema, args);
  EXPECT_TRUE(violations.empty()) << name << " input: " << util::describe_violations(violations);
  cmon_mcp::test::RecordingHost local;
  ToolContext ctx{*client, host ? *host : local};
  ToolResult r = run_on_io(d->handler(ctx, args));
  if (!r.is_error) {
    EXPECT_TRUE(r.structured.has_value()) << name;
    if (r.structured && d->output_schema) {
      auto v = util::validate_schema(*d->output_schema, *r.structured);
      EXPECT_TRUE(v.empty()) << name << " " << args.dump() << " output: " << util::describe_violations(v)
                             << "\n"
                             << r.structured->dump(1).substr(0, 4000);
    }
  }
  return r;
}

ToolResult SimActionTest::ok(const std::string& name, json args, cmon_mcp::test::RecordingHost* host) {
  ToolResult r = run(name, args, host);
  EXPECT_FALSE(r.is_error) << name << " " << args.dump() << ": " << text_of(r);
  return r;
}

std::string SimActionTest::fails(const std::string& name, json args, const std::string& needle) {
  ToolResult r = run(name, args);
  std::string text = text_of(r);
  EXPECT_TRUE(r.is_error) << name << " " << args.dump() << " should fail: " << text;
  EXPECT_NE(text.find(needle), std::string::npos) << name << ": expected '" << needle << "' in:\n" << text;
  return text;
}

json SimActionTest::structured(const ToolResult& r) {
  return r.structured ? *r.structured : json::object();
}

cmon::Result<json> SimActionTest::raw(const std::string& path, const std::string& op, json fields) {
  return run_on_io(client->call(path, op, std::move(fields)));
}

json SimActionTest::state() {
  return sim_->state();
}

json SimActionTest::sim_cluster(int64_t id) {
  // A local copy: a range-for over state()["clusters"] would iterate a destroyed temporary.
  const json st = state();
  for (const auto& c : st["clusters"])
    if (c.value("cluster_id", int64_t{-1}) == id) return c;
  throw std::invalid_argument("no cluster " + std::to_string(id) + " in the simulator");
}

json SimActionTest::job(int64_t job_id) {
  try {
    return sim_->job_state(job_id);
  } catch (const std::exception&) {
    return nullptr;
  }
}

json SimActionTest::wait_job_end(int64_t job_id, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  json j;
  while (std::chrono::steady_clock::now() < deadline) {
    j = job(job_id);
    std::string status = j.is_object() ? j.value("status", "") : "";
    if (status == "FINISHED" || status == "FAILED" || status == "ABORTED") return j;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "job " << job_id << " did not end within " << timeout.count() << " s: " << j.dump();
  return j;
}

json SimActionTest::sim_host(int64_t cluster_id, const std::string& hostname, int64_t port) {
  const json cluster = sim_cluster(cluster_id);
  for (const auto& h : cluster["hosts"])
    if (h.value("hostname", "") == hostname && (port == 0 || h.value("port", int64_t{0}) == port)) return h;
  return nullptr;
}

void SimActionTest::fresh_backup(int64_t cluster_id) {
  json args{{"cluster_id", cluster_id}, {"wait", true}, {"timeout_s", 60}, {"force_new", true}};
  ToolResult r = ok("create_backup", args);
  ASSERT_EQ(structured(r).value("status", ""), "done") << text_of(r);
}

std::string text_of(const ToolResult& r) {
  return cmon_mcp::test::text_of(r);
}

}  // namespace cmon_mcp::tools::test_support
