// Database user and database tools (catalogue B.6, read side): list_db_users, list_databases.
#include <algorithm>

#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"

namespace cmon_mcp::tools {
namespace {

awaitable<ToolResult> list_db_users(ToolContext& ctx, const json& in) {
  json args = in;
  auto c = co_await resolve_cluster(ctx, args);
  if (!c) co_return c.error();
  if (c->family == Family::redis || c->family == Family::elastic)
    co_return ToolResult::error(std::string("database accounts are not available for ") +
                                family_name(c->family) +
                                " clusters in ClusterControl; list_db_users covers MySQL/MariaDB/Galera, "
                                "PostgreSQL, MongoDB and SQL Server");
  Paging page = paging_of(args, 50);
  std::string name = args.value("user_name", std::string());
  json fields{{"cluster_id", c->id},
              {"limit", name.empty() ? page.limit : 1000},
              {"offset", name.empty() ? page.offset : 0}};
  auto r = co_await call(ctx, "/v2/clusters", "getAccounts", std::move(fields),
                         "list database accounts of cluster " + c->name);
  if (!r) co_return r.error();
  json items = json::array();
  for (const auto& a : get_list(*r, "accounts")) {
    if (!name.empty() && !icontains(get_string(a, "user_name"), name)) continue;
    items.push_back(
        json{{"user_name", get_string(a, "user_name")},
             {"host_allow", get_string(a, "host_allow", "%")},
             {"grants", get_string(a, "grants")},
             {"system_user", get_bool(a, "system_user")},
             {"password_expired", get_bool(a, "password_expired")},
             {"max_connections", get_int(a, "max_user_connections", get_int(a, "max_connections"))},
             {"connections", get_int(a, "connections")}});
  }
  json out{{"cluster_id", c->id}};
  if (!name.empty()) {
    page_array(out, "accounts", std::move(items), page);
  } else {
    size_t n = items.size();
    out["accounts"] = std::move(items);
    out.update(page_info(get_int(*r, "total", static_cast<long long>(n)), page, n));
  }
  std::string text = std::to_string(out["total"].get<int64_t>()) + " account(s) in " + c->name + ":\n";
  for (const auto& a : out["accounts"]) {
    text += "- '" + a["user_name"].get<std::string>() + "'@'" + a["host_allow"].get<std::string>() + "'";
    if (a["system_user"].get<bool>()) text += " (system)";
    if (a["password_expired"].get<bool>()) text += " PASSWORD EXPIRED";
    std::string grants = a["grants"].get<std::string>();
    if (!grants.empty())
      text += ": " + (grants.size() > 300 && detail_of(args) == Detail::concise ? grants.substr(0, 300) + "…"
                                                                                : grants);
    text += "\n";
  }
  co_return respond(args, std::move(text), std::move(out), "accounts");
}

awaitable<ToolResult> list_databases(ToolContext& ctx, const json& in) {
  json args = in;
  json extra{{"with_databases", true}};
  auto c = co_await resolve_cluster(ctx, args, std::move(extra));
  if (!c) co_return c.error();
  json items = json::array();
  for (const auto& d : get_list(c->info, "databases"))
    items.push_back(json{{"database_name", get_string(d, "database_name")},
                         {"size_bytes", get_double(d, "database_size")},
                         {"tables", get_int(d, "number_of_tables")},
                         {"rows", get_int(d, "number_of_rows")}});
  if (items.empty() && (c->family == Family::redis || c->family == Family::elastic))
    co_return ToolResult::error(std::string("a database list is not available for ") +
                                family_name(c->family) + " clusters; use get_db_stats for keyspace figures");
  std::stable_sort(items.begin(), items.end(), [](const json& a, const json& b) {
    return a["size_bytes"].get<double>() > b["size_bytes"].get<double>();
  });
  double total_size = 0;
  for (const auto& i : items) total_size += i["size_bytes"].get<double>();
  json out{{"cluster_id", c->id}, {"total_size_bytes", total_size}};
  page_array(out, "databases", std::move(items), paging_of(args, 100));
  std::string text = std::to_string(out["total"].get<int64_t>()) + " database(s) in " + c->name + ", " +
                     human_bytes(total_size) + " in all, largest first:\n";
  for (const auto& d : out["databases"])
    text += "- " + d["database_name"].get<std::string>() + ": " + human_bytes(d["size_bytes"].get<double>()) +
            ", " + std::to_string(d["tables"].get<int64_t>()) + " tables, " +
            std::to_string(d["rows"].get<int64_t>()) + " rows\n";
  if (out["total"] == 0)
    text = "CMON reports no databases for " + c->name + " (it may not have collected them yet).";
  co_return respond(args, std::move(text), std::move(out), "databases");
}

}  // namespace

void register_accounts_tools(Registry& registry) {
  registry.add(ToolDefinition{
      .name = "list_db_users",
      .title = "List database users",
      .description =
          "Database accounts of a cluster with allowed hosts and grants (MySQL/MariaDB/Galera, "
          "PostgreSQL, MongoDB, SQL Server). Use it to audit who can connect or before creating a user. "
          "Read-only: changes nothing.\nExample: {\"cluster_id\": 3, \"user_name\": \"app\"}",
      .group = "accounts",
      .tool_class = ToolClass::read,
      .input_schema = Schema()
                          .cluster()
                          .prop("user_name", s_string("Only accounts whose name contains this."))
                          .paging(50, 1000)
                          .detail()
                          .format()
                          .build(),
      .output_schema = o_page("accounts", o_obj({{"user_name", o_str()},
                                                 {"host_allow", o_str()},
                                                 {"grants", o_str()},
                                                 {"system_user", o_bool()}},
                                                {"user_name", "host_allow", "grants"})),
      .handler = list_db_users,
  });
  json db_page = o_page(
      "databases",
      o_obj({{"database_name", o_str()}, {"size_bytes", o_num()}, {"tables", o_int()}, {"rows", o_int()}},
            {"database_name", "size_bytes"}));
  db_page["properties"]["total_size_bytes"] = o_num();
  registry.add(ToolDefinition{
      .name = "list_databases",
      .title = "List databases",
      .description =
          "Databases (schemas) of a cluster with size, table and row counts, largest first. Use it for "
          "\"what takes the space?\"; get_database_growth shows the trend. Read-only: changes nothing.\n"
          "Example: {\"cluster_name\": \"pg-prod\"}",
      .group = "accounts",
      .tool_class = ToolClass::read,
      .input_schema = Schema().cluster().paging(100, 1000).format().build(),
      .output_schema = db_page,
      .handler = list_databases,
  });
}

}  // namespace cmon_mcp::tools
