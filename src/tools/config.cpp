// Configuration tools (catalogue B.12, read side): get_node_config (database config files of a node) and
// get_cluster_settings (the controller's own per-cluster settings).
#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"

namespace cmon_mcp::tools {
namespace {

awaitable<ToolResult> get_node_config(ToolContext& ctx, const json& in) {
  json args = in;
  json extra{{"with_hosts", true}};
  auto c = co_await resolve_cluster(ctx, args, std::move(extra));
  if (!c) co_return c.error();
  auto h = find_node(*c, args["node"].get<std::string>());
  if (!h) co_return ToolResult::error(h.error());
  json fields{{"cluster_id", c->id}, {"hostname", get_string(*h, "hostname")}, {"port", get_int(*h, "port")}};
  auto r = co_await call(ctx, "/v2/config", "getConfig", std::move(fields),
                         "read the configuration of " + host_label(*h));
  if (!r) co_return r.error();
  // s9s reads config.files[]; one printer reads files[] at the top level (§14.1): accept both.
  json files = get_list(get_object(*r, "config"), "files");
  if (files.empty()) files = get_list(*r, "files");
  std::string name = args.value("name", std::string());
  std::string section = args.value("section", std::string());
  bool content = args.value("include_content", false);
  json values = json::array();
  json file_list = json::array();
  for (const auto& f : files) {
    std::string path = get_string(f, "path", get_string(f, "filename"));
    json fi{{"path", path}, {"syntax", get_string(f, "syntax")}};
    if (content) fi["content"] = get_string(f, "content");
    file_list.push_back(fi);
    for (const auto& v : get_list(f, "values")) {
      std::string var = get_string(v, "variablename", get_string(v, "name"));
      std::string sec = get_string(v, "section", get_string(v, "group"));
      if (!name.empty() && !icontains(var, name)) continue;
      if (!section.empty() && !icontains(sec, section)) continue;
      values.push_back(
          json{{"file", path}, {"section", sec}, {"name", var}, {"value", get_string(v, "value")}});
    }
  }
  json out{{"node", host_label(*h)}, {"files", file_list}};
  page_array(out, "values", std::move(values), paging_of(args, 200));
  std::string text = "Configuration of " + host_label(*h) + " (" + std::to_string(file_list.size()) +
                     " file(s)), " + std::to_string(out["total"].get<int64_t>()) + " value(s)" +
                     (name.empty() ? "" : " matching '" + name + "'") + ":\n";
  std::string file;
  for (const auto& v : out["values"]) {
    if (v["file"] != file) {
      file = v["file"].get<std::string>();
      text += file + ":\n";
    }
    text += "  " + (v["section"].get<std::string>().empty() ? "" : v["section"].get<std::string>() + " ") +
            v["name"].get<std::string>() + " = " + v["value"].get<std::string>() + "\n";
  }
  if (content)
    for (const auto& f : file_list)
      text += "--- " + f["path"].get<std::string>() + "\n" + f["content"].get<std::string>() + "\n";
  co_return respond(args, std::move(text), std::move(out), "values");
}

awaitable<ToolResult> get_cluster_settings(ToolContext& ctx, const json& in) {
  json args = in;
  auto c = co_await resolve_cluster(ctx, args);
  if (!c) co_return c.error();
  json fields{{"cluster_id", c->id}};
  auto r = co_await call(ctx, "/v2/clusters", "getConfig", std::move(fields),
                         "read the controller settings of " + c->name);
  if (!r) co_return r.error();
  std::string name = args.value("name", std::string());
  bool changed = args.value("changed_only", false);
  json values = get_list(get_object(*r, "configuration"), "values");
  if (values.empty()) values = get_list(*r, "values");
  json items = json::array();
  for (const auto& v : values) {
    std::string n = get_string(v, "name");
    std::string cur = get_string(v, "current_value", get_string(v, "value"));
    std::string def = get_string(v, "default_value");
    if (!name.empty() && !icontains(n, name) && !icontains(get_string(v, "description"), name)) continue;
    if (changed && cur == def) continue;
    json item{{"name", n}, {"value", cur}, {"default", def}};
    if (detail_of(args) == Detail::full) item["description"] = strip_html(get_string(v, "description"));
    items.push_back(std::move(item));
  }
  json out{{"cluster_id", c->id}};
  page_array(out, "settings", std::move(items), paging_of(args, 100));
  std::string text =
      std::to_string(out["total"].get<int64_t>()) + " controller setting(s) of " + c->name + ":\n";
  for (const auto& s : out["settings"]) {
    text += "- " + s["name"].get<std::string>() + " = " + s["value"].get<std::string>();
    if (s["value"] != s["default"]) text += " (default " + s["default"].get<std::string>() + ")";
    if (s.contains("description")) text += " — " + s["description"].get<std::string>();
    text += "\n";
  }
  co_return respond(args, std::move(text), std::move(out), "settings");
}

}  // namespace

void register_config_tools(Registry& registry) {
  registry.add(ToolDefinition{
      .name = "get_node_config",
      .title = "Node configuration",
      .description =
          "A node's database configuration files and variables as the controller reads them (my.cnf "
          "sections, postgresql.conf, mongod.conf, ...), filtered by variable name or section. Use it "
          "before changing a setting. Read-only: changes nothing.\nExample: {\"cluster_id\": 3, \"node\": "
          "\"10.0.0.11\", \"name\": \"max_connections\"}",
      .group = "config",
      .tool_class = ToolClass::read,
      .input_schema = Schema()
                          .cluster()
                          .node(true)
                          .prop("name", s_string("Only variables whose name contains this."))
                          .prop("section", s_string("Only this section (e.g. mysqld)."))
                          .prop("include_content", s_boolean("Also return the raw file contents."))
                          .paging(200, 2000)
                          .format()
                          .build(),
      .output_schema = o_page(
          "values", o_obj({{"file", o_str()}, {"section", o_str()}, {"name", o_str()}, {"value", o_str()}},
                          {"name", "value"})),
      .handler = get_node_config,
  });
  registry.add(ToolDefinition{
      .name = "get_cluster_settings",
      .title = "Cluster controller settings",
      .description =
          "ClusterControl's own settings for a cluster (not database variables): monitoring intervals, "
          "auto-recovery, backup retention, ... with current and default values. Filter by name; "
          "changed_only shows what differs from defaults. Read-only: changes nothing.\nExample: "
          "{\"cluster_id\": 3, \"name\": \"recovery\"}",
      .group = "config",
      .tool_class = ToolClass::read,
      .input_schema = Schema()
                          .cluster()
                          .prop("name", s_string("Only settings whose name or description contains this."))
                          .prop("changed_only", s_boolean("Only settings that differ from their default."))
                          .paging(100, 1000)
                          .detail()
                          .format()
                          .build(),
      .output_schema = o_page("settings", o_obj({{"name", o_str()}, {"value", o_str()}, {"default", o_str()}},
                                                {"name", "value"})),
      .handler = get_cluster_settings,
  });
}

}  // namespace cmon_mcp::tools
