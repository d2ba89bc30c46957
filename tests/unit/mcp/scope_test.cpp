// Scoped tokens in the dispatcher: tools/list and tools/call under a session's principal (tool classes,
// clusters by id and by name), and the token's name in audit records. The HTTP side (which principal a
// session gets) is tested in tests/unit/transport, the daemon end to end in tests/e2e/scoped_tokens.
#include <gtest/gtest.h>

#include <boost/asio/detached.hpp>

#include "cmon_mcp/mcp/dispatcher.hpp"
#include "cmon_mcp/mcp/jsonrpc.hpp"
#include "cmon_mcp/util/metrics.hpp"

namespace cmon_mcp::mcp {
namespace {

using tools::ToolClass;
using tools::ToolContext;
using tools::ToolDefinition;
using tools::ToolResult;

// Answers getAllClusterInfo with two clusters (or fails when told to), counting calls.
class FakeCmon : public cmon::Api {
 public:
  int calls = 0;
  bool fail = false;
  awaitable<cmon::Result<json>> call(std::string_view, std::string_view, json, cmon::CallOptions) override {
    ++calls;
    if (fail) {
      cmon::Error e;
      e.code = cmon::Errc::unreachable;
      e.message = "connection refused";
      co_return unexpected(e);
    }
    json reply = json::parse(R"({"clusters":[{"cluster_id":1,"cluster_name":"prod-galera"},
                                             {"cluster_id":2,"cluster_name":"mariadb-repl"}]})");
    co_return reply;
  }
  std::string endpoint() const override { return "https://cmon.test:9501"; }
};

json cluster_props() {
  return json::parse(R"({"cluster_id":{"type":"integer"},"cluster_name":{"type":"string"},
                         "node":{"type":"string"}})");
}

struct ScopedTokens : ::testing::Test {
  asio::io_context io;
  FakeCmon cmon;
  tools::Registry registry;
  std::vector<json> audits;
  std::map<std::string, int> ran;  // tool -> handler or planner runs
  std::unique_ptr<Dispatcher> dispatcher;

  ScopedTokens() {
    auto read_tool = [&](std::string name, bool cluster_scoped) {
      ToolDefinition d;
      d.name = name;
      d.title = name;
      d.group = "g";
      d.tool_class = ToolClass::read;
      if (cluster_scoped) d.input_schema = json{{"type", "object"}, {"properties", cluster_props()}};
      d.handler = [this, name](ToolContext&, const json&) -> awaitable<ToolResult> {
        ++ran[name];
        co_return ToolResult::text("ran " + name);
      };
      registry.add(std::move(d));
    };
    auto action_tool = [&](std::string name, ToolClass c, bool cluster_scoped) {
      ToolDefinition d;
      d.name = name;
      d.title = name;
      d.group = "g";
      d.tool_class = c;
      if (cluster_scoped) d.input_schema = json{{"type", "object"}, {"properties", cluster_props()}};
      // The planner stops the pipeline at once: reaching it is what the tests look at.
      d.action = tools::make_action(
          [this, name](ToolContext&, const json&) -> awaitable<Expected<tools::ActionPlan, ToolResult>> {
            ++ran[name];
            co_return unexpected(ToolResult::error("planned " + name));
          });
      registry.add(std::move(d));
    };
    read_tool("list_clusters", false);
    read_tool("get_cluster", true);
    action_tool("restart_node", ToolClass::write, true);
    action_tool("create_cmon_user", ToolClass::write, false);
    action_tool("stop_node", ToolClass::destructive, true);
    DispatcherOptions o;
    o.audit = [this](const json& r) { audits.push_back(r); };
    dispatcher = std::make_unique<Dispatcher>(o, registry, cmon);
  }

  std::shared_ptr<Session> session(Principal p) {
    auto s = std::make_shared<Session>(io.get_executor(), "sess-1");
    s->on_initialize("2025-06-18", json::object(), json{{"name", "test-client"}});
    s->set_principal(std::move(p));
    return s;
  }

  json request(const std::shared_ptr<Session>& s, const std::string& method, json params) {
    json message{{"jsonrpc", "2.0"}, {"id", 7}, {"method", method}, {"params", std::move(params)}};
    std::optional<json> out;
    asio::co_spawn(
        s->strand(),
        [&]() -> awaitable<void> { out = co_await dispatcher->handle_message(s, message, nullptr); },
        asio::detached);
    io.restart();
    io.run();
    return out.value_or(json(nullptr));
  }

  std::vector<std::string> listed(const std::shared_ptr<Session>& s) {
    json r = request(s, "tools/list", json::object());
    std::string text = serialize(r);  // the page is a raw (pre-serialized) result
    json parsed = json::parse(text);
    std::vector<std::string> names;
    for (const auto& t : parsed["result"]["tools"]) names.push_back(t["name"]);
    return names;
  }

  // The text of a tools/call answer: the tool result's first block, or the JSON-RPC error message.
  std::string call(const std::shared_ptr<Session>& s, const std::string& tool, json args,
                   bool* is_error = nullptr) {
    json r = request(s, "tools/call", json{{"name", tool}, {"arguments", std::move(args)}});
    if (r.contains("error")) {
      if (is_error) *is_error = true;
      return "rpc " + std::to_string(r["error"]["code"].get<int>()) + ": " +
             r["error"]["message"].get<std::string>();
    }
    if (is_error) *is_error = r["result"].value("isError", false);
    return r["result"]["content"][0]["text"];
  }
};

Principal principal(std::string name, std::uint8_t classes, std::vector<std::string> clusters = {}) {
  Principal p;
  p.name = std::move(name);
  p.classes = classes;
  p.clusters = std::move(clusters);
  return p;
}

constexpr std::uint8_t kRead = Principal::kRead;
constexpr std::uint8_t kWrite = Principal::kRead | Principal::kWrite;

TEST_F(ScopedTokens, ToolsListShowsOnlyTheClassesOfTheScope) {
  std::vector<std::string> all = {"list_clusters", "get_cluster", "restart_node", "create_cmon_user",
                                  "stop_node"};
  // The full list first: the cached page of a full principal must not leak into a narrower one.
  EXPECT_EQ(listed(session(Principal{})), all);
  EXPECT_EQ(listed(session(principal("oncall", kRead))),
            (std::vector<std::string>{"list_clusters", "get_cluster"}));
  EXPECT_EQ(listed(session(principal("dev", kWrite))),
            (std::vector<std::string>{"list_clusters", "get_cluster", "restart_node", "create_cmon_user"}));
  EXPECT_EQ(listed(session(principal("dba", Principal::kAll))), all);
  EXPECT_EQ(listed(session(Principal{})), all);
}

TEST_F(ScopedTokens, AToolOutsideTheScopeIsAnsweredLikeAnUnknownToolAndAudited) {
  auto s = session(principal("oncall", kRead));
  util::metrics().clear();
  std::string text = call(s, "stop_node", json{{"cluster_id", 1}, {"node", "10.0.1.13"}});
  EXPECT_NE(text.find("rpc -32602: Unknown tool: stop_node"), std::string::npos) << text;
  EXPECT_NE(text.find("scope of token 'oncall' does not allow it"), std::string::npos) << text;
  EXPECT_NE(text.find("read tools only"), std::string::npos) << text;
  EXPECT_EQ(ran["stop_node"], 0);
  EXPECT_EQ(util::metrics().value("mcp_tool_calls_rejected_total", {{"reason", "scope"}}), 1);
  ASSERT_EQ(audits.size(), 1u);
  EXPECT_EQ(audits[0]["token"], "oncall");
  EXPECT_EQ(audits[0]["tool"], "stop_node");
  EXPECT_EQ(audits[0]["outcome"], "forbidden");
  // Read tools are callable; a write token may not call a destructive tool either.
  EXPECT_EQ(call(s, "get_cluster", json{{"cluster_id", 2}}), "ran get_cluster");
  EXPECT_NE(call(session(principal("dev", kWrite)), "stop_node", json{{"cluster_id", 1}, {"node", "x"}})
                .find("may use read and write tools only"),
            std::string::npos);
  EXPECT_EQ(call(session(principal("dev", kWrite)), "restart_node", json{{"cluster_id", 1}, {"node", "x"}}),
            "planned restart_node");
}

TEST_F(ScopedTokens, ClusterIdsRestrictCallsThatNameACluster) {
  auto s = session(principal("dba-one", kWrite, {"1"}));
  bool error = false;
  EXPECT_EQ(call(s, "restart_node", json{{"cluster_id", 1}, {"node", "10.0.1.12"}}), "planned restart_node");
  EXPECT_EQ(cmon.calls, 0) << "an id in the list needs no lookup";

  std::string refused = call(s, "restart_node", json{{"cluster_id", 2}, {"node", "10.0.2.12"}}, &error);
  EXPECT_TRUE(error);
  EXPECT_EQ(refused, "cluster_id 2 is not allowed: token 'dba-one' may only act on cluster 1") << refused;
  EXPECT_EQ(ran["restart_node"], 1);
  ASSERT_FALSE(audits.empty());
  EXPECT_EQ(audits.back()["outcome"], "forbidden");
  EXPECT_EQ(audits.back()["token"], "dba-one");
  EXPECT_EQ(audits.back()["error"], refused);

  // By name: resolved through the controller's cluster list, exactly as the tools resolve names.
  EXPECT_EQ(call(s, "restart_node", json{{"cluster_name", "prod-galera"}, {"node", "x"}}),
            "planned restart_node");
  EXPECT_EQ(cmon.calls, 1);
  refused = call(s, "get_cluster", json{{"cluster_name", "mariadb-repl"}}, &error);
  EXPECT_TRUE(error);
  EXPECT_NE(refused.find("cluster_name \"mariadb-repl\" is not allowed"), std::string::npos) << refused;
  refused = call(s, "get_cluster", json{{"cluster_name", "no-such-cluster"}}, &error);
  EXPECT_TRUE(error);
  // Both selectors: each must be allowed.
  refused = call(s, "get_cluster", json{{"cluster_id", 1}, {"cluster_name", "mariadb-repl"}}, &error);
  EXPECT_TRUE(error);
  EXPECT_EQ(ran["get_cluster"], 0);
  EXPECT_EQ(util::metrics().value("mcp_tool_calls_rejected_total", {{"reason", "cluster"}}) >= 4, true);
}

TEST_F(ScopedTokens, ClusterNamesRestrictCallsByNameAndById) {
  auto s = session(principal("pg", kWrite, {"prod-galera"}));
  bool error = false;
  EXPECT_EQ(call(s, "get_cluster", json{{"cluster_name", "PROD-galera"}}), "ran get_cluster");
  EXPECT_EQ(cmon.calls, 0) << "a name in the list needs no lookup";
  EXPECT_EQ(call(s, "get_cluster", json{{"cluster_id", 1}}), "ran get_cluster");
  EXPECT_EQ(cmon.calls, 1);
  std::string refused = call(s, "get_cluster", json{{"cluster_id", 2}}, &error);
  EXPECT_TRUE(error);
  EXPECT_EQ(refused, "cluster_id 2 is not allowed: token 'pg' may only act on cluster prod-galera");
  refused = call(s, "get_cluster", json{{"cluster_id", 99}}, &error);
  EXPECT_TRUE(error);
  // Several clusters are listed in the message.
  auto two = session(principal("two", kRead, {"1", "mariadb-repl"}));
  EXPECT_EQ(call(two, "get_cluster", json{{"cluster_id", 2}}), "ran get_cluster");
  refused = call(two, "get_cluster", json{{"cluster_id", 3}}, &error);
  EXPECT_NE(refused.find("may only act on clusters 1, mariadb-repl"), std::string::npos) << refused;
}

TEST_F(ScopedTokens, ClusterScopedToolsNeedASelectorControllerToolsDoNot) {
  auto s = session(principal("dba-one", kWrite, {"1", "prod-galera"}));
  bool error = false;
  std::string refused = call(s, "get_cluster", json::object(), &error);
  EXPECT_TRUE(error);
  EXPECT_EQ(refused,
            "get_cluster needs a cluster: token 'dba-one' may only act on clusters 1, prod-galera; give "
            "cluster_id or cluster_name of one of them");
  EXPECT_EQ(call(s, "list_clusters", json::object()), "ran list_clusters");
  EXPECT_EQ(call(s, "create_cmon_user", json::object()), "planned create_cmon_user");
  // A token for every cluster has no such rule.
  EXPECT_EQ(call(session(principal("all", kRead)), "get_cluster", json::object()), "ran get_cluster");
}

TEST_F(ScopedTokens, AFailedLookupRefusesInsteadOfGuessing) {
  cmon.fail = true;
  auto s = session(principal("pg", kRead, {"prod-galera"}));
  bool error = false;
  std::string refused = call(s, "get_cluster", json{{"cluster_id", 1}}, &error);
  EXPECT_TRUE(error);
  EXPECT_NE(refused.find("cannot check the cluster"), std::string::npos) << refused;
  EXPECT_NE(refused.find("connection refused"), std::string::npos) << refused;
  EXPECT_EQ(ran["get_cluster"], 0);
}

TEST_F(ScopedTokens, FullRightsWithoutATokenAndTheTokenNameInAuditRecords) {
  auto s = session(Principal{});
  EXPECT_EQ(call(s, "stop_node", json{{"cluster_id", 2}, {"node", "x"}}), "planned stop_node");
  ASSERT_EQ(audits.size(), 1u);
  EXPECT_TRUE(audits[0]["token"].is_null());
  EXPECT_EQ(audits[0]["outcome"], "error");
  auto named = session(principal("dba", Principal::kAll));
  call(named, "stop_node", json{{"cluster_id", 2}, {"node", "x"}});
  ASSERT_EQ(audits.size(), 2u);
  EXPECT_EQ(audits[1]["token"], "dba");
}

TEST(Principal, ScopeAndClustersText) {
  EXPECT_EQ(principal("a", kRead).scope_text(), "read");
  EXPECT_EQ(principal("a", kWrite).scope_text(), "read and write");
  EXPECT_EQ(principal("a", Principal::kAll).scope_text(), "read, write and destructive");
  EXPECT_EQ(principal("a", kRead).clusters_text(), "every cluster");
  EXPECT_EQ(principal("a", kRead, {"1", "prod"}).clusters_text(), "1, prod");
  EXPECT_TRUE(principal("a", kRead).may_use(ToolClass::read));
  EXPECT_FALSE(principal("a", kRead).may_use(ToolClass::write));
  EXPECT_FALSE(principal("a", kWrite).may_use(ToolClass::destructive));
  EXPECT_TRUE(Principal{}.may_use(ToolClass::destructive));
}

}  // namespace
}  // namespace cmon_mcp::mcp
