// ClusterControl user tools (catalogue B.7, read side): whoami, list_cmon_users, list_cmon_groups.
#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"

namespace cmon_mcp::tools {
namespace {

json group_names(const json& user) {
  json out = json::array();
  for (const auto& g : get_list(user, "groups")) out.push_back(get_string(g, "group_name"));
  return out;
}

std::string joined(const json& arr) {
  std::string s;
  for (const auto& v : arr) s += (s.empty() ? "" : ", ") + v.get<std::string>();
  return s;
}

awaitable<ToolResult> whoami(ToolContext& ctx, const json& in) {
  json args = in;
  json fields{{"with_extended_privileges", true}};
  auto r = co_await call(ctx, "/v2/users", "whoAmI", std::move(fields), "ask the controller who we are");
  if (!r) co_return r.error();
  json ping_fields{{"cluster_id", 0}};
  auto ping = co_await ctx.cmon.call("/v2/clusters", "ping", std::move(ping_fields));
  json user = get_object(*r, "user");
  json priv = get_object(*r, "user_extended_privileges");
  json out{
      {"user_id", get_int(user, "user_id")},
      {"user_name", get_string(user, "user_name")},
      {"full_name", get_string(user, "first_name") +
                        (get_string(user, "last_name").empty() ? "" : " " + get_string(user, "last_name"))},
      {"email", get_string(user, "email_address")},
      {"groups", group_names(user)},
      {"is_superuser", get_bool(*r, "is_superuser")},
      {"can_create_clusters", get_bool(priv, "can_create_clusters")},
      {"can_execute_jobs", get_bool(priv, "can_execute_jobs")},
      {"controller_endpoint", ctx.cmon.endpoint()},
      {"controller_version", ping ? get_string(*ping, "package_version") : ""},
      {"rpc_version", ping ? get_string(*ping, "rpc_version") : ""}};
  std::string text = "Logged in to " + ctx.cmon.endpoint() + " as CMON user '" +
                     out["user_name"].get<std::string>() + "' (id " +
                     std::to_string(out["user_id"].get<int64_t>()) + "), groups: " + joined(out["groups"]) +
                     ".\nMay create clusters: " + (out["can_create_clusters"].get<bool>() ? "yes" : "no") +
                     "; may run jobs: " + (out["can_execute_jobs"].get<bool>() ? "yes" : "no") + ".\n";
  if (ping)
    text += "Controller cmon " + out["controller_version"].get<std::string>() + ", RPC " +
            out["rpc_version"].get<std::string>() + ".\n";
  co_return respond(args, std::move(text), std::move(out));
}

awaitable<ToolResult> list_cmon_users(ToolContext& ctx, const json& in) {
  json args = in;
  json fields = json::object();
  auto r = co_await call(ctx, "/v2/users", "getUsers", std::move(fields), "list ClusterControl users");
  if (!r) co_return r.error();
  json items = json::array();
  for (const auto& u : get_list(*r, "users"))
    items.push_back(json{{"user_id", get_int(u, "user_id")},
                         {"user_name", get_string(u, "user_name")},
                         {"email", get_string(u, "email_address")},
                         {"groups", group_names(u)},
                         {"disabled", get_bool(u, "disabled")},
                         {"suspended", get_bool(u, "suspended")},
                         {"last_login", cmon_ts(u, "last_login")},
                         {"failed_logins", get_int(u, "n_failed_logins")},
                         {"origin", get_string(u, "origin")}});
  json out = json::object();
  page_array(out, "users", std::move(items), paging_of(args, 100));
  std::string text = std::to_string(out["total"].get<int64_t>()) + " ClusterControl user(s):\n";
  for (const auto& u : out["users"])
    text +=
        "- " + u["user_name"].get<std::string>() + " (id " + std::to_string(u["user_id"].get<int64_t>()) +
        ") groups " + joined(u["groups"]) + (u["disabled"].get<bool>() ? ", DISABLED" : "") +
        (u["suspended"].get<bool>() ? ", SUSPENDED" : "") +
        (u["last_login"].get<std::string>().empty() ? ""
                                                    : ", last login " + u["last_login"].get<std::string>()) +
        (u["failed_logins"].get<int64_t>() > 0
             ? ", " + std::to_string(u["failed_logins"].get<int64_t>()) + " failed logins"
             : "") +
        "\n";
  co_return respond(args, std::move(text), std::move(out), "users");
}

awaitable<ToolResult> list_cmon_groups(ToolContext& ctx, const json& in) {
  json args = in;
  json fields = json::object();
  auto r = co_await call(ctx, "/v2/users", "getGroups", std::move(fields), "list ClusterControl groups");
  if (!r) co_return r.error();
  json items = json::array();
  for (const auto& g : get_list(*r, "groups"))
    items.push_back(json{{"group_id", get_int(g, "group_id")},
                         {"group_name", get_string(g, "group_name")},
                         {"owner", get_string(g, "owner_user_name")}});
  json out = json::object();
  page_array(out, "groups", std::move(items), paging_of(args, 100));
  std::string text = std::to_string(out["total"].get<int64_t>()) + " group(s):";
  for (const auto& g : out["groups"])
    text += " " + g["group_name"].get<std::string>() + " (id " +
            std::to_string(g["group_id"].get<int64_t>()) + ")";
  co_return respond(args, text + "\n", std::move(out), "groups");
}

}  // namespace

void register_users_tools(Registry& registry) {
  registry.add(ToolDefinition{
      .name = "whoami",
      .title = "Who am I",
      .description =
          "The CMON user this server acts as: name, groups, whether it may create clusters and run jobs, "
          "plus the controller's version. Use it when an operation is denied, to see what rights we "
          "have. Read-only: changes nothing.\nExample: {}",
      .group = "users",
      .tool_class = ToolClass::read,
      .input_schema = Schema().format().build(),
      .output_schema = o_obj({{"user_id", o_int()},
                              {"user_name", o_str()},
                              {"groups", o_arr(o_str())},
                              {"can_create_clusters", o_bool()},
                              {"can_execute_jobs", o_bool()},
                              {"controller_version", o_str()}},
                             {"user_name", "groups"}),
      .handler = whoami,
  });
  registry.add(ToolDefinition{
      .name = "list_cmon_users",
      .title = "List ClusterControl users",
      .description =
          "ClusterControl (CMON) users, not database accounts: name, groups, disabled/suspended, last "
          "login, failed logins. Read-only: changes nothing.\nExample: {\"limit\": 20}",
      .group = "users",
      .tool_class = ToolClass::read,
      .input_schema = Schema().paging(100, 1000).format().build(),
      .output_schema = o_page("users", o_obj({{"user_id", o_int()},
                                              {"user_name", o_str()},
                                              {"groups", o_arr(o_str())},
                                              {"disabled", o_bool()}},
                                             {"user_id", "user_name"})),
      .handler = list_cmon_users,
  });
  registry.add(ToolDefinition{
      .name = "list_cmon_groups",
      .title = "List ClusterControl groups",
      .description = "ClusterControl (CMON) user groups with ids. Read-only: changes nothing.\nExample: {}",
      .group = "users",
      .tool_class = ToolClass::read,
      .input_schema = Schema().paging(100, 1000).format().build(),
      .output_schema = o_page(
          "groups", o_obj({{"group_id", o_int()}, {"group_name", o_str()}}, {"group_id", "group_name"})),
      .handler = list_cmon_groups,
  });
}

}  // namespace cmon_mcp::tools
