// Tool registry: policy order (read-only, deny, allow), globs and groups, annotations from the class.
#include <gtest/gtest.h>

#include "cmon_mcp/tools/registry.hpp"

using namespace cmon_mcp::tools;

namespace {
ToolDefinition def(std::string name, std::string group, ToolClass c) {
  ToolDefinition d;
  d.name = std::move(name);
  d.title = d.name;
  d.group = std::move(group);
  d.tool_class = c;
  if (c == ToolClass::read) {
    d.handler = [](ToolContext&, const json&) -> cmon_mcp::awaitable<ToolResult> {
      co_return ToolResult::text("");
    };
  } else {
    d.action = make_action(
        [](ToolContext&, const json&) -> cmon_mcp::awaitable<cmon_mcp::Expected<ActionPlan, ToolResult>> {
          co_return ActionPlan{};
        });
  }
  return d;
}

std::vector<std::string> names(const Registry& r) {
  std::vector<std::string> out;
  for (const auto* d : r.list()) out.push_back(d->name);
  return out;
}

Registry sample() {
  Registry r;
  r.add(def("list_backups", "backups", ToolClass::read));
  r.add(def("create_backup", "backups", ToolClass::write));
  r.add(def("restore_backup", "backups", ToolClass::destructive));
  r.add(def("list_clusters", "clusters", ToolClass::read));
  r.add(def("stop_cluster", "clusters", ToolClass::destructive));
  return r;
}
}  // namespace

TEST(Registry, RejectsDuplicatesAndBadNames) {
  Registry r;
  r.add(def("a_tool", "g", ToolClass::read));
  EXPECT_THROW(r.add(def("a_tool", "g", ToolClass::read)), std::logic_error);
  EXPECT_THROW(r.add(def("has space", "g", ToolClass::read)), std::logic_error);
  EXPECT_THROW(r.add(def("", "g", ToolClass::read)), std::logic_error);
}

TEST(Registry, ReadOnlyHidesWriteAndDestructive) {
  Registry r = sample();
  r.set_policy({.read_only = true});
  EXPECT_EQ(names(r), (std::vector<std::string>{"list_backups", "list_clusters"}));
  EXPECT_EQ(r.find("stop_cluster"), nullptr);
  EXPECT_NE(r.find("list_clusters"), nullptr);
}

TEST(Registry, DenyThenAllowWithGroupsAndGlobs) {
  Registry r = sample();
  r.set_policy({.allow = {"backups", "list_*"}, .deny = {"restore_*"}});
  EXPECT_EQ(names(r), (std::vector<std::string>{"list_backups", "create_backup", "list_clusters"}));
  r.set_policy({.read_only = true, .allow = {"create_backup"}});
  EXPECT_TRUE(names(r).empty()) << "an allow list never relaxes read-only mode";
}

TEST(Annotations, DerivedFromClass) {
  auto a = annotations_for(def("x", "g", ToolClass::destructive));
  EXPECT_EQ(a["readOnlyHint"], false);
  EXPECT_EQ(a["destructiveHint"], true);
  auto b = annotations_for(def("y", "g", ToolClass::read));
  EXPECT_EQ(b["readOnlyHint"], true);
  EXPECT_EQ(b["idempotentHint"], true);
}

TEST(Registry, ReportsPatternsThatMatchNothing) {
  Registry r = sample();
  r.set_policy({.allow = {"backups", "list_*"}, .deny = {"restore_bakup", "clusterz"}});
  EXPECT_EQ(r.unmatched_patterns(), (std::vector<std::string>{"restore_bakup", "clusterz"}));
}
