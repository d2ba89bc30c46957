// Start-up, envelope, sessions, password login and the admin API of a spawned cmon-sim.
#include <gtest/gtest.h>

#include "rpc_client.hpp"
#include "sim_process.hpp"

using cmon_mcp::test::RpcClient;
using cmon_mcp::test::SimProcess;
using nlohmann::json;

TEST(SimStartup, PrintsEndpointAdminAndFingerprint) {
  SimProcess sim;
  EXPECT_EQ(sim.endpoint().rfind("https://127.0.0.1:", 0), 0u);
  EXPECT_EQ(sim.admin_url().rfind("http://127.0.0.1:", 0), 0u);
  EXPECT_NE(sim.port(), 0);
  EXPECT_EQ(sim.fingerprint().size(), 32u * 3 - 1);
  EXPECT_EQ(sim.fingerprint().find_first_not_of("0123456789ABCDEF:"), std::string::npos);
}

TEST(SimStartup, InfoPingWorksWithoutSession) {
  SimProcess sim;
  RpcClient c(sim.port());
  auto r = c.call("/v2/info", {{"operation", "ping"}, {"request_id", 7}});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.server, "cmon/1.8.2");
  EXPECT_EQ(r.status(), "Ok");
  EXPECT_EQ(r.json["request_id"], 7);
  EXPECT_EQ(r.json["package_version"], "1.8.2");
  EXPECT_TRUE(r.json.contains("controller_id"));
  EXPECT_TRUE(r.json.contains("request_processed"));
}
