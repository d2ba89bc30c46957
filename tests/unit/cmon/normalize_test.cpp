// The quirk helpers against the forms listed in cmon-rpc-v2.md §17.
#include "cmon_mcp/cmon/normalize.hpp"

#include <gtest/gtest.h>

namespace cmon_mcp::cmon {
namespace {

TEST(Normalize, IntegersFromNumbersStringsAndBooleans) {
  json o{{"a", 3306}, {"b", "3306"}, {"c", " 42 "},  {"d", 7.9},
         {"e", true}, {"f", "x"},    {"g", nullptr}, {"h", "12.0"}};
  EXPECT_EQ(get_int(o, "a"), 3306);
  EXPECT_EQ(get_int(o, "b"), 3306);
  EXPECT_EQ(get_int(o, "c"), 42);
  EXPECT_EQ(get_int(o, "d"), 7);
  EXPECT_EQ(get_int(o, "e"), 1);
  EXPECT_EQ(get_int(o, "f", -1), -1);
  EXPECT_EQ(get_int(o, "g", -2), -2);
  EXPECT_EQ(get_int(o, "h"), 12);
  EXPECT_EQ(get_int(o, "missing", 5), 5);
  EXPECT_EQ(get_int(json::array(), "a", 9), 9);
}

TEST(Normalize, DoublesAndProgressPercent) {
  json o{{"p", 42}, {"q", 42.5}, {"r", "17.25"}, {"s", "abc"}};
  EXPECT_DOUBLE_EQ(get_double(o, "p"), 42.0);
  EXPECT_DOUBLE_EQ(get_double(o, "q"), 42.5);
  EXPECT_DOUBLE_EQ(get_double(o, "r"), 17.25);
  EXPECT_DOUBLE_EQ(get_double(o, "s", -1), -1.0);
}

TEST(Normalize, BooleansFromStringsAndInts) {
  json o{{"a", "true"}, {"b", "FALSE"}, {"c", 0},       {"d", 1},
         {"e", "yes"},  {"f", "off"},   {"g", "maybe"}, {"h", false}};
  EXPECT_TRUE(get_bool(o, "a"));
  EXPECT_FALSE(get_bool(o, "b", true));
  EXPECT_FALSE(get_bool(o, "c", true));
  EXPECT_TRUE(get_bool(o, "d"));
  EXPECT_TRUE(get_bool(o, "e"));
  EXPECT_FALSE(get_bool(o, "f", true));
  EXPECT_TRUE(get_bool(o, "g", true));  // unknown text keeps the default
  EXPECT_FALSE(get_bool(o, "g", false));
  EXPECT_FALSE(get_bool(o, "h", true));
  EXPECT_TRUE(get_bool(o, "missing", true));
}

TEST(Normalize, StringsRenderScalars) {
  json o{{"s", "abc"}, {"n", 3306}, {"b", true}, {"z", nullptr}, {"o", json::object()}};
  EXPECT_EQ(get_string(o, "s"), "abc");
  EXPECT_EQ(get_string(o, "n"), "3306");
  EXPECT_EQ(get_string(o, "b"), "true");
  EXPECT_EQ(get_string(o, "z", "dflt"), "dflt");
  EXPECT_EQ(get_string(o, "o", "dflt"), "dflt");
  EXPECT_EQ(get_string(o, "missing"), "");
}

TEST(Normalize, ListsMissingNullAndWithNulls) {
  json o{{"alarms", {nullptr, {{"alarm_id", 1}}, nullptr, {{"alarm_id", 2}}}},
         {"none", nullptr},
         {"one", {{"x", 1}}},
         {"text", "x"}};
  auto alarms = get_list(o, "alarms");
  ASSERT_EQ(alarms.size(), 2u);
  EXPECT_EQ(alarms[1]["alarm_id"], 2);
  EXPECT_TRUE(get_list(o, "clusters").is_array());
  EXPECT_TRUE(get_list(o, "clusters").empty());
  EXPECT_TRUE(get_list(o, "none").empty());
  EXPECT_EQ(get_list(o, "one").size(), 1u);
  EXPECT_TRUE(get_list(o, "text").empty());
  EXPECT_TRUE(get_object(o, "missing").is_object());
  EXPECT_EQ(get_object(o, "one")["x"], 1);
}

TEST(Normalize, Ports) {
  json o{{"port", "3306"}, {"p2", 5432}, {"bad", "x"}, {"big", 70000}};
  EXPECT_EQ(get_port(o), 3306);
  EXPECT_EQ(get_port(o, "p2"), 5432);
  EXPECT_EQ(get_port(o, "bad", -1), -1);
  EXPECT_EQ(get_port(o, "big", -1), -1);
}

TEST(Normalize, StripHtml) {
  EXPECT_EQ(strip_html("<strong style='color:red'>Backup</strong> of <em>10.0.0.1</em> done &amp; ok"),
            "Backup of 10.0.0.1 done & ok");
  EXPECT_EQ(strip_html("line1<br/>line2<BR>line3"), "line1\nline2\nline3");
  EXPECT_EQ(strip_html("a < b and c > d"), "a < b and c > d");
  EXPECT_EQ(strip_html("&lt;tag&gt; &quot;q&quot;"), "<tag> \"q\"");
  EXPECT_EQ(strip_html("plain"), "plain");
}

TEST(Normalize, JobStates) {
  for (auto s : {"RUNNING", "running", "RUNNING2", "RUNNING3", "RUNNING_EXT"})
    EXPECT_TRUE(is_job_running(s)) << s;
  for (auto s : {"FINISHED", "FAILED", "aborted"}) {
    EXPECT_TRUE(is_job_terminal(s)) << s;
    EXPECT_FALSE(is_job_running(s)) << s;
  }
  EXPECT_FALSE(is_job_terminal("RUNNING"));
  EXPECT_FALSE(is_job_terminal("SCHEDULED"));
  EXPECT_TRUE(is_job_pending("DEFINED"));
  EXPECT_TRUE(is_job_pending("dequeued"));
  EXPECT_TRUE(is_job_succeeded("Finished"));
  EXPECT_FALSE(is_job_succeeded("FAILED"));
}

TEST(Normalize, JobSpecForms) {
  json obj{{"command", "backup"}};
  EXPECT_EQ(parse_job_spec(obj), obj);
  EXPECT_EQ(
      parse_job_spec(json("{\"command\":\"restart\",\"job_data\":{\"port\":3306}}"))["job_data"]["port"],
      3306);
  auto text = parse_job_spec(json("Recovery of node 10.0.0.3"));
  EXPECT_EQ(text["command"], "");
  EXPECT_EQ(text["text"], "Recovery of node 10.0.0.3");
  EXPECT_TRUE(parse_job_spec(json(nullptr)).empty());
}

TEST(Normalize, HostStatus) {
  EXPECT_EQ(host_status("CmonHostOnline"), HostStatus::online);
  EXPECT_EQ(host_status("CmonHostOffLine"), HostStatus::offline);
  EXPECT_EQ(host_status("CmonHostOffline"), HostStatus::offline);
  EXPECT_EQ(host_status("cmonhostfailed"), HostStatus::failed);
  EXPECT_EQ(host_status("CmonHostShutDown"), HostStatus::shutdown);
  EXPECT_EQ(host_status("CmonHostRecovery"), HostStatus::recovery);
  EXPECT_EQ(host_status("weird"), HostStatus::unknown);
  EXPECT_EQ(canonical_host_status("CmonHostOffline"), "CmonHostOffLine");
  EXPECT_STREQ(to_string(host_status("CmonHostOnline")), "online");
}

TEST(Normalize, ReplyDropsNullsAndParsesJobSpecs) {
  json r{{"request_status", "Ok"},
         {"alarms", {nullptr, {{"alarm_id", 1}}}},
         {"job", {{"job_spec", "{\"command\":\"backup\"}"}}},
         {"jobs", {{{"job_spec", "free text"}}, {{"job_spec", {{"command", "x"}}}}}}};
  normalize_reply(r);
  EXPECT_EQ(r["alarms"].size(), 1u);
  EXPECT_EQ(r["job"]["job_spec"]["command"], "backup");
  EXPECT_EQ(r["jobs"][0]["job_spec"]["text"], "free text");
  EXPECT_EQ(r["jobs"][1]["job_spec"]["command"], "x");
}

TEST(Normalize, CaseHelpers) {
  EXPECT_EQ(upper("galera"), "GALERA");
  EXPECT_EQ(lower("GetClusterInfo"), "getclusterinfo");
  EXPECT_TRUE(iequals("ok", "OK"));
  EXPECT_FALSE(iequals("ok", "oki"));
  EXPECT_TRUE(icontains("Cluster Was Not Found.", "was not found"));
}

}  // namespace
}  // namespace cmon_mcp::cmon
