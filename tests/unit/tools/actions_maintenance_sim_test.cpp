// Maintenance windows (catalogue B.11, state-changing side) against the simulator: schedule_maintenance
// and end_maintenance checked in the simulator's model (state().maintenance), their dry runs and errors.
// The fixture has a future window on cluster 3 (in 20 h) and an active one on host 10.0.5.13.
#include "sim_fixture.hpp"

namespace cmon_mcp::tools::test_support {
namespace {

class MaintenanceActions : public SimActionTest {
 protected:
  json windows() { return state()["maintenance"]; }
  json window(const std::string& uuid) {
    for (const auto& m : windows())
      if (m.value("UUID", "") == uuid) return m;
    return nullptr;
  }
  json window_with_reason(const std::string& reason) {
    for (const auto& m : windows())
      if (m.value("reason", "") == reason) return m;
    return nullptr;
  }
  static SysTime at(const json& m, const char* key) { return *cmon_time(m.at(key)); }
};

// ------------------------------------------------------------------------------- schedule_maintenance

TEST_F(MaintenanceActions, ScheduleOnANodeAsTheE2eScenarioDoes) {
  const size_t before = windows().size();
  const auto now = std::chrono::system_clock::now();
  ToolResult r =
      ok("schedule_maintenance",
         json{{"cluster_id", 1}, {"node", "10.0.1.12"}, {"duration", "1h"}, {"reason", "e2e: restart"}});
  ASSERT_EQ(windows().size(), before + 1);
  json w = window_with_reason("e2e: restart");
  ASSERT_TRUE(w.is_object()) << windows().dump();
  EXPECT_EQ(w.value("hostname", ""), "10.0.1.12");
  EXPECT_FALSE(w.contains("cluster_id")) << "a node window is a host window";
  auto length = std::chrono::duration_cast<std::chrono::seconds>(at(w, "deadline") - at(w, "initiate"));
  EXPECT_EQ(length.count(), 3600);
  EXPECT_LE(std::chrono::abs(at(w, "initiate") - now), std::chrono::seconds(5));
  // CMON's form, with milliseconds.
  EXPECT_EQ(w["initiate"].get<std::string>().size(), std::string("2025-03-02T01:00:00.000Z").size());
  json s = structured(r);
  EXPECT_EQ(s["status"], "done");
  EXPECT_EQ(s["window_id"], w["UUID"]);
  EXPECT_EQ(s["active"], true);
  // get_current_maintenance sees it.
  ToolResult cur = ok("get_current_maintenance", json{{"cluster_id", 1}, {"node", "10.0.1.12"}});
  EXPECT_EQ(structured(cur)["in_maintenance"], true);
}

TEST_F(MaintenanceActions, ScheduleOnAClusterLaterWithAnEndTime) {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const std::string end = iso_utc(now + std::chrono::hours(5));
  ok("schedule_maintenance",
     json{{"cluster_name", "mariadb-repl"}, {"start", "2h"}, {"end", end}, {"reason", "upgrade to 10.11"}});
  json w = window_with_reason("upgrade to 10.11");
  ASSERT_TRUE(w.is_object());
  EXPECT_EQ(w.value("cluster_id", 0), 2);
  EXPECT_FALSE(w.contains("hostname"));
  EXPECT_LE(std::chrono::abs(at(w, "initiate") - (now + std::chrono::hours(2))), std::chrono::seconds(2));
  EXPECT_EQ(at(w, "deadline"), now + std::chrono::hours(5));
  // It is not in force yet.
  ToolResult cur = ok("get_current_maintenance", json{{"cluster_id", 2}});
  EXPECT_EQ(structured(cur)["in_maintenance"], false);
  EXPECT_TRUE(structured(cur)["next"].is_object());
}

TEST_F(MaintenanceActions, ScheduleDryRunChangesNothing) {
  const json before = windows();
  ToolResult r = ok("schedule_maintenance",
                    json{{"cluster_id", 1}, {"duration", "30m"}, {"reason", "patching"}, {"dry_run", true}});
  json s = structured(r);
  EXPECT_EQ(s["status"], "dry_run");
  json req = s["requests"][0];
  EXPECT_EQ(req["path"], "/v2/maintenance");
  EXPECT_EQ(req["operation"], "addMaintenance");
  EXPECT_EQ(req["body"]["cluster_id"], 1);
  EXPECT_EQ(req["body"]["reason"], "patching");
  EXPECT_FALSE(req["body"].contains("hostname"));
  auto length = *cmon_time(req["body"]["deadline"]) - *cmon_time(req["body"]["initiate"]);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(length).count(), 1800);
  EXPECT_EQ(windows(), before);
}

TEST_F(MaintenanceActions, ScheduleErrors) {
  const size_t before = windows().size();
  fails("schedule_maintenance",
        json{{"cluster_id", 1}, {"duration", "1h"}, {"end", "2030-01-01T00:00:00Z"}, {"reason", "x"}},
        "not both");
  fails("schedule_maintenance", json{{"cluster_id", 1}, {"duration", "soon"}, {"reason", "x"}}, "duration:");
  fails("schedule_maintenance", json{{"cluster_id", 1}, {"duration", "60d"}, {"reason", "x"}}, "31 days");
  fails("schedule_maintenance", json{{"cluster_id", 1}, {"end", "2h"}, {"reason", "x"}}, "use duration");
  fails("schedule_maintenance", json{{"cluster_id", 1}, {"end", "2020-01-01T00:00:00Z"}, {"reason", "x"}},
        "before it starts");
  fails("schedule_maintenance", json{{"cluster_id", 1}, {"start", "1h ago"}, {"reason", "x"}}, "past");
  fails("schedule_maintenance", json{{"cluster_id", 1}, {"reason", "  "}}, "reason");
  fails("schedule_maintenance", json{{"cluster_id", 1}, {"node", "10.9.9.9"}, {"reason", "x"}}, "10.9.9.9");
  fails("schedule_maintenance", json{{"cluster_id", 42}, {"reason", "x"}}, "42");
  // pg-streaming has a window in 20 h for 2 h: an overlapping one is refused, one before it is fine.
  fails("schedule_maintenance",
        json{{"cluster_id", 3}, {"start", "19h"}, {"duration", "2h"}, {"reason", "x"}}, "overlapping");
  EXPECT_EQ(windows().size(), before);
  ok("schedule_maintenance",
     json{{"cluster_id", 3}, {"start", "1h"}, {"duration", "2h"}, {"reason", "earlier"}});
  EXPECT_EQ(windows().size(), before + 1);
}

// ------------------------------------------------------------------------------- end_maintenance

TEST_F(MaintenanceActions, EndByNodeAsTheE2eScenarioDoes) {
  ToolResult s =
      ok("schedule_maintenance",
         json{{"cluster_id", 1}, {"node", "10.0.1.11"}, {"duration", "1h"}, {"reason", "e2e: restart"}});
  const std::string uuid = structured(s)["window_id"];
  ASSERT_TRUE(window(uuid).is_object());
  ToolResult r = ok("end_maintenance", json{{"cluster_id", 1}, {"node", "10.0.1.11"}});
  EXPECT_FALSE(window(uuid).is_object()) << windows().dump();
  json out = structured(r);
  EXPECT_EQ(out["window_id"], uuid);
  EXPECT_EQ(out["was_active"], true);
  EXPECT_NE(text_of(r).find("e2e: restart"), std::string::npos);
}

TEST_F(MaintenanceActions, EndTheFixtureWindowOfAHostAndById) {
  // Host 10.0.5.13 (mongo-rs) is in maintenance in the fixture.
  json fixture_window;
  for (const auto& m : windows())
    if (m.value("hostname", "") == "10.0.5.13") fixture_window = m;
  ASSERT_TRUE(fixture_window.is_object());
  ok("end_maintenance", json{{"cluster_id", 5}, {"node", "10.0.5.13"}});
  EXPECT_FALSE(window(fixture_window["UUID"]).is_object());

  // A future window, cancelled by id.
  json future;
  for (const auto& m : windows())
    if (m.value("cluster_id", 0) == 3) future = m;
  ASSERT_TRUE(future.is_object());
  ToolResult r = ok("end_maintenance", json{{"window_id", future["UUID"]}});
  EXPECT_FALSE(window(future["UUID"]).is_object());
  EXPECT_EQ(structured(r)["was_active"], false);
  EXPECT_NE(text_of(r).find("cancelled"), std::string::npos);
}

TEST_F(MaintenanceActions, EndDryRunChangesNothing) {
  const json before = windows();
  ToolResult r =
      ok("end_maintenance", json{{"cluster_name", "mongo-rs"}, {"node", "10.0.5.13"}, {"dry_run", true}});
  json s = structured(r);
  EXPECT_EQ(s["status"], "dry_run");
  EXPECT_EQ(s["requests"][0]["operation"], "removeMaintenance");
  std::string uuid = s["requests"][0]["body"]["UUID"];
  EXPECT_TRUE(window(uuid).is_object());
  EXPECT_EQ(windows(), before);
}

TEST_F(MaintenanceActions, EndSaysWhichWhenSeveralAreInForce) {
  const std::string end1 = iso_utc(std::chrono::system_clock::now() + std::chrono::hours(1));
  const std::string end2 = iso_utc(std::chrono::system_clock::now() + std::chrono::hours(3));
  // Two overlapping windows cannot be made through the tool; CMON itself allows them.
  std::string now = iso_utc(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
  now.insert(now.size() - 1, ".000");
  auto a = raw("/v2/maintenance", "addMaintenance",
               json{{"cluster_id", 1}, {"initiate", now}, {"deadline", end1}, {"reason", "first"}});
  auto b = raw("/v2/maintenance", "addMaintenance",
               json{{"cluster_id", 1}, {"initiate", now}, {"deadline", end2}, {"reason", "second"}});
  ASSERT_TRUE(a.has_value() && b.has_value());
  std::string t = fails("end_maintenance", json{{"cluster_id", 1}}, "2 maintenance windows in force");
  std::string ua = get_string(*a, "UUID"), ub = get_string(*b, "UUID");
  EXPECT_NE(t.find(ua), std::string::npos) << t;
  EXPECT_NE(t.find(ub), std::string::npos) << t;
  EXPECT_TRUE(window(ua).is_object() && window(ub).is_object());
  ok("end_maintenance", json{{"cluster_id", 1}, {"window_id", ub}});
  EXPECT_TRUE(window(ua).is_object());
  EXPECT_FALSE(window(ub).is_object());
  // Now one is left: the cluster alone names it.
  ok("end_maintenance", json{{"cluster_id", 1}});
  EXPECT_FALSE(window(ua).is_object());
}

TEST_F(MaintenanceActions, EndErrors) {
  const size_t before = windows().size();
  fails("end_maintenance", json::object(), "say which window");
  fails("end_maintenance", json{{"window_id", "8b1d0c6e-2f4a-4e7b-9d3c-5a6b7c8d9e0f"}},
        "no current or future");
  fails("end_maintenance", json{{"cluster_id", 1}, {"node", "10.0.1.13"}}, "not in maintenance now");
  // The cluster's future window is listed, not ended.
  std::string t = fails("end_maintenance", json{{"cluster_id", 3}}, "not in maintenance now");
  EXPECT_NE(t.find("Kernel patching"), std::string::npos) << t;
  // A window of another cluster is not ended through this one.
  json host_window;
  for (const auto& m : windows())
    if (m.value("hostname", "") == "10.0.5.13") host_window = m;
  fails("end_maintenance", json{{"cluster_id", 1}, {"window_id", host_window["UUID"]}},
        "not on cluster prod-galera");
  // A node of a cluster in maintenance points at the cluster's window.
  ok("schedule_maintenance", json{{"cluster_id", 2}, {"duration", "1h"}, {"reason", "whole cluster"}});
  t = fails("end_maintenance", json{{"cluster_id", 2}, {"node", "10.0.2.11"}},
            "Its cluster is in maintenance");
  EXPECT_NE(t.find("whole cluster"), std::string::npos) << t;
  EXPECT_EQ(windows().size(), before + 1);
}

}  // namespace
}  // namespace cmon_mcp::tools::test_support
