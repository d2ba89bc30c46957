// Logins (password and RSA key), sessions, the admin API's faults, and reply shapes compared with
// real controller captures.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "rpc_client.hpp"
#include "sim_process.hpp"
#include "sim_test_util.hpp"

using cmon_mcp::test::RpcClient;
using cmon_mcp::test::SimProcess;
using nlohmann::json;

namespace {

json authenticate(RpcClient& c, const std::string& user, const char* key = "user_name") {
  return c.call("/v2/auth", {{"operation", "authenticate"}, {key, user}}).json;
}

}  // namespace

TEST(SimAuth, PasswordLoginRightAndWrong) {
  SimProcess sim;
  RpcClient c(sim.port());
  auto bad = c.call(
      "/v2/auth", {{"operation", "authenticateWithPassword"}, {"user_name", "admin"}, {"password", "nope"}});
  EXPECT_EQ(bad.status(), "AccessDenied");
  EXPECT_FALSE(bad.json.contains("user"));
  auto good = c.call(
      "/v2/auth", {{"operation", "authenticateWithPassword"}, {"user_name", "admin"}, {"password", "admin"}});
  ASSERT_TRUE(good.ok()) << good.body;
  EXPECT_EQ(good.json["user"]["user_name"], "admin");
  EXPECT_EQ(good.json["is_superuser"], true);
  EXPECT_EQ(good.set_cookie.rfind("cmon-sid=", 0), 0u);
  EXPECT_TRUE(c.call("/v2/users", {{"operation", "whoAmI"}}).ok());
  auto stats = sim.stats();
  EXPECT_EQ(stats["password_logins"], 1);
  EXPECT_EQ(stats["failed_logins"], 1);
  EXPECT_EQ(stats["operations"]["whoAmI"], 1);
}

TEST(SimAuth, KeyLoginPkcs1AndSpkiWrongKeyAndNoKey) {
  simtest::RsaKey alice, mallory, bob;
  std::string pub = simtest::write_temp("alice.pub", alice.pkcs1_public_pem());
  SimProcess sim({"--user-key", "alice:" + pub, "--user", "admin:admin", "--user", "carol:carol"});
  std::filesystem::remove(pub);

  RpcClient c(sim.port());
  auto ch = authenticate(c, "alice");
  ASSERT_EQ(ch["request_status"], "Ok") << ch.dump();
  std::string challenge = ch["challenge"];
  auto ok =
      c.call("/v2/auth", {{"operation", "authenticateResponse"}, {"signature", alice.sign_b64(challenge)}});
  ASSERT_TRUE(ok.ok()) << ok.body;
  EXPECT_EQ(ok.json["user"]["user_name"], "alice");
  EXPECT_TRUE(c.call("/v2/users", {{"operation", "whoAmI"}}).ok());

  // A challenge is single-use, and a signature from another key is refused.
  RpcClient m(sim.port());
  auto ch2 = authenticate(m, "alice", "username");
  ASSERT_EQ(ch2["request_status"], "Ok");
  EXPECT_EQ(m.call("/v2/auth",
                   {{"operation", "authenticateResponse"}, {"signature", mallory.sign_b64(ch2["challenge"])}})
                .status(),
            "AccessDenied");
  EXPECT_EQ(m.call("/v2/auth",
                   {{"operation", "authenticateResponse"}, {"signature", alice.sign_b64(ch2["challenge"])}})
                .status(),
            "AccessDenied");
  EXPECT_EQ(m.call("/v2/users", {{"operation", "whoAmI"}}).status(), "AuthRequired");

  // No prior authenticate, unknown user, user without keys.
  RpcClient fresh(sim.port());
  EXPECT_EQ(fresh.call("/v2/auth", {{"operation", "authenticateResponse"}, {"signature", "AAAA"}}).status(),
            "AccessDenied");
  EXPECT_EQ(authenticate(fresh, "nosuchuser")["request_status"], "AccessDenied");
  EXPECT_EQ(authenticate(fresh, "carol")["request_status"], "AccessDenied");

  // An SPKI key added at run time works with the 1.4-era 'response' operation name too.
  RpcClient admin(sim.port());
  ASSERT_TRUE(admin.login("admin", "admin"));
  ASSERT_TRUE(admin
                  .call("/v2/users", {{"operation", "addKey"},
                                      {"user", {{"user_name", "carol"}}},
                                      {"public_key", {{"name", "spki"}, {"key", bob.spki_public_pem()}}}})
                  .ok());
  RpcClient carol(sim.port());
  auto ch3 = authenticate(carol, "carol");
  ASSERT_EQ(ch3["request_status"], "Ok");
  EXPECT_TRUE(
      carol.call("/v2/auth", {{"operation", "response"}, {"response", bob.sign_b64(ch3["challenge"])}}).ok());
  auto stats = sim.stats();
  EXPECT_EQ(stats["key_logins"], 2);
  EXPECT_GE(stats["failed_logins"], 4);
}

TEST(SimAuth, SessionExpiryLogoutAndStatusSwitch) {
  SimProcess sim;
  RpcClient c(sim.port(), /*keep_alive=*/true);
  ASSERT_TRUE(c.login("admin", "admin"));
  EXPECT_TRUE(c.call("/v2/clusters", {{"operation", "getAllClusterInfo"}}).ok());
  EXPECT_EQ(c.connections_opened, 1);  // keep-alive reused the connection
  sim.expire_sessions();
  auto r = c.call("/v2/clusters", {{"operation", "getAllClusterInfo"}});
  EXPECT_EQ(r.http_status, 401);
  EXPECT_EQ(r.status(), "AuthRequired");
  sim.config({{"auth_required_http_status", 200}});
  auto r2 = c.call("/v2/clusters", {{"operation", "getAllClusterInfo"}});
  EXPECT_EQ(r2.http_status, 200);
  EXPECT_EQ(r2.status(), "AuthRequired");
  ASSERT_TRUE(c.login("admin", "admin"));
  EXPECT_TRUE(c.call("/v2/auth", {{"operation", "logout"}}).ok());
  EXPECT_EQ(c.call("/v2/users", {{"operation", "whoAmI"}}).status(), "AuthRequired");

  // Idle expiry: with a one-second idle limit the session is gone after two seconds of silence.
  SimProcess quick({"--session-idle-s", "1"});
  RpcClient q(quick.port());
  ASSERT_TRUE(q.login("admin", "admin"));
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_EQ(q.call("/v2/users", {{"operation", "whoAmI"}}).status(), "AuthRequired");
}

TEST(SimFaults, EveryMode) {
  SimProcess sim;
  RpcClient c(sim.port());
  ASSERT_TRUE(c.login("admin", "admin"));
  json ping = {{"operation", "ping"}, {"cluster_id", 0}};

  sim.set_fault({{"mode", "malformed"}, {"count", 1}});
  auto bad = c.call("/v2/clusters", ping);
  EXPECT_EQ(bad.http_status, 200);
  EXPECT_TRUE(bad.json.is_discarded());
  EXPECT_TRUE(c.call("/v2/clusters", ping).ok());  // count 1: only one request affected

  sim.set_fault({{"mode", "html500"}, {"operation", "ping"}});
  EXPECT_TRUE(c.call("/v2/users", {{"operation", "whoAmI"}}).ok());  // other operations unaffected
  auto html = c.call("/v2/clusters", ping);
  EXPECT_EQ(html.http_status, 500);
  EXPECT_NE(html.body.find("<html>"), std::string::npos);

  sim.set_fault({{"mode", "wrong_status"}});
  auto ws = c.call("/v2/clusters", ping);
  EXPECT_TRUE(ws.json.is_object());
  EXPECT_NE(ws.status(), "Ok");
  EXPECT_NE(ws.status(), "");

  sim.set_fault({{"mode", "drop"}});
  auto dropped = c.call("/v2/clusters", ping);
  EXPECT_NE(dropped.error, "");

  sim.set_fault({{"mode", "delay"}, {"delay_ms", 300}, {"count", 1}});
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.call("/v2/clusters", ping).ok());
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(300));

  sim.set_fault({{"mode", "down"}});
  auto down = c.call("/v2/clusters", ping);
  EXPECT_NE(down.error, "");
  sim.clear_fault();
  EXPECT_TRUE(c.call("/v2/clusters", ping).ok());  // same port again, session kept
  EXPECT_EQ(sim.admin("POST", "/faults", R"({"mode":"explode"})").status, 400);
}

TEST(SimAdmin, StateAndJobState) {
  SimProcess sim({"--job-speed", "50"});
  RpcClient c(sim.port());
  ASSERT_TRUE(c.login("admin", "admin"));
  auto st = sim.state();
  ASSERT_EQ(st["clusters"].size(), 8u);
  for (const char* k :
       {"hosts", "databases", "accounts", "backups", "schedules", "jobs", "alarms", "maintenance", "configs"})
    EXPECT_TRUE(st["clusters"][0].contains(k)) << k;
  EXPECT_TRUE(st.contains("users"));
  EXPECT_TRUE(st.contains("groups"));
  auto job = simtest::create_job(c, 1, "success", json::object());
  int64_t id = job["job"]["job_id"];
  simtest::wait_job(c, id);
  auto js = sim.job_state(id);
  EXPECT_EQ(js["status"], "FINISHED");
  EXPECT_TRUE(js["messages"].is_array());
  EXPECT_EQ(sim.admin("GET", "/state/jobs/99999").status, 404);
  sim.reset_stats();
  EXPECT_EQ(sim.stats()["requests"], 0);
}

// For every captured Ok reply: the simulator's reply to the captured request (after login) has the
// captured top-level keys with the same JSON types, wherever both sides carry the key.
TEST(SimCaptures, SharedKeysHaveTheCapturedTypes) {
  std::filesystem::path dir = std::filesystem::path(CMON_MCP_SOURCE_DIR) / ".." / "shared" / "cmon-captures";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no CMON captures beside the project (" << dir << ")";
  SimProcess sim({"--user", "admin:admin", "--user", "system:system"});
  auto type_of = [](const json& v) -> std::string {
    if (v.is_number()) return "number";  // integer/float is not a shape difference (§17.3)
    return v.type_name();
  };
  static const std::map<std::string, std::string> module_of = {{"getAllClusterInfo", "clusters"},
                                                               {"getClusterInfo", "clusters"},
                                                               {"ping", "clusters"},
                                                               {"getConfig", "clusters"},
                                                               {"setConfig", "clusters"},
                                                               {"createAccount", "clusters"},
                                                               {"createDatabase", "clusters"},
                                                               {"getAccounts", "clusters"},
                                                               {"createJobInstance", "jobs"},
                                                               {"getJobInstance", "jobs"},
                                                               {"getJobInstances", "jobs"},
                                                               {"getJobLog", "jobs"},
                                                               {"killJobInstance", "jobs"},
                                                               {"getBackups", "backup"},
                                                               {"deleteBackupRecord", "backup"},
                                                               {"getAlarms", "alarm"},
                                                               {"getLogEntries", "log"},
                                                               {"getMaintenance", "maintenance"},
                                                               {"addMaintenance", "maintenance"},
                                                               {"removeMaintenance", "maintenance"},
                                                               {"getCurrentMaintenance", "maintenance"},
                                                               {"whoAmI", "users"},
                                                               {"getUsers", "users"},
                                                               {"getGroups", "users"},
                                                               {"createUser", "users"},
                                                               {"setUser", "users"},
                                                               {"changePassword", "users"},
                                                               {"getKeys", "users"},
                                                               {"addKey", "users"},
                                                               {"createGroup", "users"},
                                                               {"deleteGroup", "users"},
                                                               {"addToGroup", "users"},
                                                               {"removeFromGroup", "users"},
                                                               {"getReportTemplates", "reports"},
                                                               {"generateReport", "reports"},
                                                               {"getReports", "reports"},
                                                               {"getReport", "reports"},
                                                               {"deleteReport", "reports"},
                                                               {"getSupportedClusterTypes", "discovery"},
                                                               {"appendTag", "tree"},
                                                               {"getLdapConfig", "config"},
                                                               {"setLdapConfig", "config"},
                                                               {"getAcl", "tree"},
                                                               {"authenticateWithPassword", "auth"}};
  int compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("Ok-", 0) != 0 || name.size() < 13 || name.substr(name.size() - 9) != "-rep.json")
      continue;
    std::string op = name.substr(3, name.size() - 12);
    auto mod = module_of.find(op);
    if (mod == module_of.end()) continue;
    std::ifstream rq(dir / ("Ok-" + op + "-req.json")), rp(entry.path());
    json req = json::parse(rq, nullptr, false), rep = json::parse(rp, nullptr, false);
    if (!req.is_object() || !rep.is_object()) continue;
    RpcClient c(sim.port());
    ASSERT_TRUE(c.login("admin", "admin"));
    // The captures name objects of another controller; point them at ours where that is the request's
    // subject.
    if (req.contains("cluster_name")) req["cluster_name"] = "prod-galera";
    if (req.contains("cluster_id") && req["cluster_id"] != 0) req["cluster_id"] = 1;
    if (op == "getJobInstance" || op == "getJobLog") req["job_id"] = 4;
    if (op == "getKeys" || op == "setUser" || op == "changePassword" || op == "addKey")
      req["user"] = {{"user_name", "admin"}};
    if (op == "changePassword") req["old_password"] = "admin", req["new_password"] = "admin";
    if (op == "addToGroup") req["user"] = {{"user_name", "dba"}};
    if (op == "removeFromGroup") req["user"] = {{"user_name", "dba"}}, req["group_name"] = "dba";
    if (op == "deleteGroup") req["group"] = {{"group_name", "nobody-else"}};
    if (op == "getReport" || op == "deleteReport") req["report"]["report_id"] = 1;
    if (op == "appendTag") req["path"] = "/prod-galera";
    if (op == "authenticateWithPassword") req["user_name"] = "admin", req["password"] = "admin";
    if (op == "deleteGroup") {
      c.call("/v2/users", {{"operation", "createGroup"}, {"group", {{"group_name", "nobody-else"}}}});
    }
    if (op == "killJobInstance") {
      sim.config({{"job_speed", 0.01}});
      req["job_id"] = simtest::create_job(c, 1, "rolling_restart", json::object())["job"]["job_id"];
    }
    if (op == "removeMaintenance")
      req["UUID"] = c.call("/v2/maintenance", {{"operation", "addMaintenance"},
                                               {"cluster_id", 1},
                                               {"initiate", "2030-01-01T00:00:00.000Z"},
                                               {"deadline", "2030-01-02T00:00:00.000Z"},
                                               {"reason", "x"}})
                        .json["UUID"];
    if (op == "getCurrentMaintenance")
      c.call("/v2/maintenance", {{"operation", "addMaintenance"},
                                 {"cluster_id", 1},
                                 {"initiate", "2020-01-01T00:00:00.000Z"},
                                 {"deadline", "2090-01-01T00:00:00.000Z"},
                                 {"reason", "capture"}});
    if (op == "createUser") req["user"]["user_name"] = "capture-user-" + std::to_string(compared);
    auto r = c.call("/v2/" + mod->second, req);
    ASSERT_TRUE(r.json.is_object()) << op << ": " << r.body;
    EXPECT_EQ(r.status(), "Ok") << op << ": " << r.body;
    if (!r.ok()) continue;
    ++compared;
    for (auto it = rep.begin(); it != rep.end(); ++it) {
      if (it.key() == "reply_received") continue;  // added by the s9s client, not the controller
      if (!r.json.contains(it.key())) {
        // Empty lists may be omitted (§17.1); everything else the controller sent must be there.
        bool empty_list = it.value().is_array() && it.value().empty();
        bool list_total = it.key() == "clusters";
        EXPECT_TRUE(empty_list || list_total || it.key() == "request_created" || it.key() == "request_id")
            << op << ": missing key " << it.key();
        continue;
      }
      if (it.value().is_null()) continue;
      EXPECT_EQ(type_of(r.json[it.key()]), type_of(it.value())) << op << ": key " << it.key();
    }
  }
  EXPECT_GE(compared, 30);
}
