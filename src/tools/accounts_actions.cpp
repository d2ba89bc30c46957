// Catalogue B.6 (database users and databases), state-changing side: planners run by the safety pipeline
// (action.cpp). Accounts and databases change through /v2/clusters operations (cmon-rpc-v2.md §8), except
// dropping a database, which is the CMON job delete_database.
#include <algorithm>
#include <cctype>
#include <set>

#include "cmon_mcp/tools/action.hpp"
#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"

namespace cmon_mcp::tools {
namespace {

// ---------------------------------------------------------------------------------------------------
// Products and accounts.

// ClusterControl manages database accounts for the SQL products and MongoDB, not for Redis/Valkey or
// Elasticsearch (list_db_users refuses them the same way).
std::optional<ToolResult> refuse_without_accounts(const Cluster& c, std::string_view what) {
  if (c.family != Family::redis && c.family != Family::elastic) return std::nullopt;
  return ToolResult::error(std::string(what) + " is not available for " + cluster_label(c) + ": " +
                           family_name(c.family) +
                           " clusters have no database accounts or databases in ClusterControl (only "
                           "MySQL/MariaDB/Galera, PostgreSQL, MongoDB and SQL Server clusters do).");
}

// What host_allow means for the product, and its default. PostgreSQL puts it in pg_hba.conf (an
// address or CIDR), MongoDB keeps the authentication database there, SQL Server logins are not bound
// to a client host.
std::string default_host(Family f) {
  switch (f) {
    case Family::postgres:
      return "0.0.0.0/0";
    case Family::mongo:
      return "admin";
    default:
      return "%";
  }
}

// In MySQL an account is a user name plus a client host ('app'@'10.0.%' and 'app'@'%' are two
// accounts); elsewhere the user name alone identifies the account.
bool host_is_part_of_account(Family f) {
  return f == Family::mysql || f == Family::galera;
}

std::string account_label(const std::string& user, const std::string& host) {
  return "'" + user + "'@'" + host + "'";
}

std::string account_label(const json& a) {
  return account_label(get_string(a, "user_name"), get_string(a, "host_allow", "%"));
}

json account_ref(const json& a) {
  json ref = json::object();
  ref["class_name"] = "CmonAccount";
  ref["user_name"] = get_string(a, "user_name");
  ref["host_allow"] = get_string(a, "host_allow");
  return ref;
}

// Every account of the cluster (getAccounts pages through CMON's list).
awaitable<Expected<json, ToolResult>> fetch_accounts(ToolContext& ctx, const Cluster& c) {
  json all = json::array();
  int64_t offset = 0;
  for (int page = 0; page < 20; ++page) {
    json fields{{"cluster_id", c.id}, {"limit", 500}, {"offset", offset}};
    auto r = co_await call(ctx, "/v2/clusters", "getAccounts", std::move(fields),
                           "read the database accounts of " + cluster_label(c));
    if (!r) co_return unexpected(std::move(r.error()));
    json list = get_list(*r, "accounts");
    for (auto& a : list) all.push_back(std::move(a));
    offset += static_cast<int64_t>(list.size());
    const int64_t total = get_int(*r, "total", offset);
    if (list.empty() || offset >= total) break;
  }
  co_return all;
}

std::string account_names(const json& accounts, size_t max = 20) {
  std::string out;
  size_t n = 0;
  for (const auto& a : accounts) {
    if (n == max) {
      out += ", …";
      break;
    }
    out += (n++ ? ", " : "") + account_label(a);
  }
  return out.empty() ? "none" : out;
}

// The existing account the arguments name: user_name plus host when given. Without host, the user name
// must name one account.
Expected<json, ToolResult> find_account(const Cluster& c, const json& accounts, const std::string& user,
                                        const std::string& host) {
  json same_name = json::array();
  for (const auto& a : accounts)
    if (get_string(a, "user_name") == user) same_name.push_back(a);
  if (same_name.empty())
    return unexpected(ToolResult::error("there is no database account named '" + user + "' on " +
                                        cluster_label(c) + ". Accounts: " + account_names(accounts) +
                                        " (list_db_users shows them with their grants)."));
  if (!host.empty()) {
    for (const auto& a : same_name)
      if (get_string(a, "host_allow", "%") == host) return a;
    return unexpected(ToolResult::error("there is no account " + account_label(user, host) + " on " +
                                        cluster_label(c) + "; the user '" + user + "' exists as " +
                                        account_names(same_name) + ". Pass that host."));
  }
  if (same_name.size() > 1)
    return unexpected(ToolResult::error("the user '" + user + "' has " + std::to_string(same_name.size()) +
                                        " accounts on " + cluster_label(c) + ": " + account_names(same_name) +
                                        ". Say which with the host argument."));
  return same_name[0];
}

// ---------------------------------------------------------------------------------------------------
// The privilege expression language (§8.2): specifications separated by ';', each
// [object[,object...]:]privilege[,privilege...]; an object is *, *.*, db.*, db.table or a bare database.

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    size_t end = s.find(sep, pos);
    out.push_back(std::string(s.substr(pos, end == std::string_view::npos ? s.size() - pos : end - pos)));
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return out;
}

bool is_identifier(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  if (s.size() >= 2 && s.front() == '`' && s.back() == '`') {
    s = s.substr(1, s.size() - 2);
    return !s.empty() && s.find('`') == std::string_view::npos;
  }
  return std::all_of(s.begin(), s.end(), [](char ch) {
    unsigned char u = static_cast<unsigned char>(ch);
    return std::isalnum(u) || ch == '_' || ch == '$' || ch == '-';
  });
}

bool is_user_name(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char ch) {
    unsigned char u = static_cast<unsigned char>(ch);
    return std::isalnum(u) || ch == '_' || ch == '.' || ch == '$' || ch == '-';
  });
}

std::string unquote(std::string s) {
  if (s.size() >= 2 && s.front() == '`' && s.back() == '`') return s.substr(1, s.size() - 2);
  return s;
}

// The database an object names, "" for all databases ("*", "*.*").
std::string object_database(const std::string& object) {
  std::string db = object.substr(0, object.find('.'));
  return db == "*" ? "" : unquote(db);
}

bool is_object(const std::string& o) {
  if (o == "*" || o == "*.*") return true;
  size_t dot = o.find('.');
  if (dot == std::string::npos) return is_identifier(o);
  std::string db = o.substr(0, dot), table = o.substr(dot + 1);
  return is_identifier(db) && (table == "*" || is_identifier(table));
}

bool is_privilege(const std::string& p) {
  if (p.empty() || p.size() > 64 || !std::isalpha(static_cast<unsigned char>(p[0]))) return false;
  return std::all_of(p.begin(), p.end(), [](char ch) {
    unsigned char u = static_cast<unsigned char>(ch);
    return std::isalnum(u) || ch == '_' || ch == ' ';
  });
}

struct Privileges {
  std::string expression;              // normalised (blanks around separators removed)
  std::vector<std::string> databases;  // databases named by the objects
};

const char* kPrivilegeForm =
    "the form is [object[,object...]:]PRIVILEGE[,PRIVILEGE...] with specifications separated by ';', "
    "an object being *.*, db.*, db.table or a database name, e.g. \"shop.*:SELECT,INSERT;reporting:SELECT\"";

Expected<Privileges, std::string> parse_privileges(std::string_view text) {
  Privileges out;
  size_t n = 0;
  for (const auto& raw : split(text, ';')) {
    std::string spec = trim(raw);
    if (spec.empty()) continue;
    ++n;
    auto parts = split(spec, ':');
    if (parts.size() > 2)
      return unexpected("specification '" + spec + "' has more than one ':'; " + kPrivilegeForm);
    std::string objects_text = parts.size() == 2 ? trim(parts[0]) : std::string();
    std::string privs_text = trim(parts.back());
    std::vector<std::string> objects;
    if (parts.size() == 2) {
      if (objects_text.empty())
        return unexpected("specification '" + spec + "' has nothing before ':'; " + kPrivilegeForm);
      for (const auto& o : split(objects_text, ',')) {
        std::string obj = trim(o);
        if (!is_object(obj))
          return unexpected("'" + obj + "' in '" + spec + "' is not a database object; " + kPrivilegeForm);
        objects.push_back(obj);
        std::string db = object_database(obj);
        if (!db.empty() && std::find(out.databases.begin(), out.databases.end(), db) == out.databases.end())
          out.databases.push_back(db);
      }
    }
    std::vector<std::string> privs;
    for (const auto& p : split(privs_text, ',')) {
      std::string priv = trim(p);
      // "ALL   PRIVILEGES" -> "ALL PRIVILEGES"
      priv.erase(std::unique(priv.begin(), priv.end(), [](char a, char b) { return a == ' ' && b == ' '; }),
                 priv.end());
      if (!is_privilege(priv))
        return unexpected(
            (priv.empty() ? "an empty privilege" : "'" + priv + "'") + " in '" + spec +
            "' is not a privilege name (letters, digits, '_' and blanks, like SELECT or ALL PRIVILEGES); " +
            kPrivilegeForm);
      privs.push_back(priv);
    }
    std::string normal;
    for (size_t i = 0; i < objects.size(); ++i) normal += (i ? "," : "") + objects[i];
    if (!objects.empty()) normal += ":";
    for (size_t i = 0; i < privs.size(); ++i) normal += (i ? "," : "") + privs[i];
    out.expression += (out.expression.empty() ? "" : ";") + normal;
  }
  if (n == 0) return unexpected(std::string("the privilege expression is empty; ") + kPrivilegeForm);
  return out;
}

// "Note: ..." lines for databases the expression names that the cluster does not report (likely typos).
std::string unknown_database_notes(const Cluster& c, const std::vector<std::string>& names) {
  json dbs = get_list(c.info, "databases");
  if (dbs.empty()) return "";
  std::string notes;
  for (const auto& name : names) {
    bool found = false;
    for (const auto& d : dbs)
      if (get_string(d, "database_name") == name) found = true;
    if (!found)
      notes += "Note: " + cluster_label(c) + " reports no database '" + name +
               "'; the privileges apply once it exists (check the spelling with list_databases).\n";
  }
  return notes;
}

// ---------------------------------------------------------------------------------------------------
// Results of the non-job operations.

json reply_messages(const json& reply) {
  json out = json::array();
  for (const auto& m : get_list(reply, "messages"))
    if (m.is_string()) out.push_back(strip_html(m.get<std::string>()));
  return out;
}

std::string message_lines(const json& messages) {
  std::string text;
  for (const auto& m : messages) text += "- " + m.get<std::string>() + "\n";
  return text;
}

json account_summary(const json& a) {
  return json{{"user_name", get_string(a, "user_name")},
              {"host_allow", get_string(a, "host_allow", "%")},
              {"grants", get_string(a, "grants")}};
}

// ---------------------------------------------------------------------------------------------------
// Planners.

struct AccountTarget {
  Cluster cluster;
  json account;
};

// The cluster (with its databases, for the typo notes) and the existing account the arguments name.
awaitable<Expected<AccountTarget, ToolResult>> resolve_account(ToolContext& ctx, const json& args,
                                                               std::string_view what) {
  json extra{{"with_databases", true}};
  auto c = co_await resolve_cluster(ctx, args, std::move(extra));
  if (!c) co_return unexpected(std::move(c.error()));
  if (auto refused = refuse_without_accounts(*c, what)) co_return unexpected(std::move(*refused));
  auto accounts = co_await fetch_accounts(ctx, *c);
  if (!accounts) co_return unexpected(std::move(accounts.error()));
  auto a = find_account(*c, *accounts, args.value("user_name", std::string()),
                        trim(args.value("host", std::string())));
  if (!a) co_return unexpected(std::move(a.error()));
  co_return AccountTarget{std::move(*c), std::move(*a)};
}

std::optional<ToolResult> refuse_system_account(const AccountTarget& t, std::string_view doing) {
  if (!get_bool(t.account, "system_user")) return std::nullopt;
  return ToolResult::error(account_label(t.account) + " on " + cluster_label(t.cluster) +
                           " is a system account (used by ClusterControl or replication); " +
                           std::string(doing) +
                           " it would break the management or replication of the cluster, so cmon-mcp "
                           "refuses. Do it by hand on the database if you really mean it.");
}

awaitable<Expected<ActionPlan, ToolResult>> plan_create_db_user(ToolContext& ctx, const json& args) {
  json extra{{"with_databases", true}};
  auto c = co_await resolve_cluster(ctx, args, std::move(extra));
  if (!c) co_return unexpected(std::move(c.error()));
  if (auto refused = refuse_without_accounts(*c, "create_db_user")) co_return unexpected(std::move(*refused));
  const std::string user = trim(args.value("user_name", std::string()));
  if (!is_user_name(user))
    co_return unexpected(ToolResult::error("user_name '" + user +
                                           "' is not usable: letters, digits, '_', '.', '$' and '-', at "
                                           "most 64 characters"));
  std::string host = trim(args.value("host", std::string()));
  if (host.empty()) host = default_host(c->family);

  Privileges privs;
  if (args.contains("privileges")) {
    auto p = parse_privileges(args["privileges"].get<std::string>());
    if (!p) co_return unexpected(ToolResult::error("privileges: " + p.error()));
    privs = std::move(*p);
  }
  const bool own_database = args.value("own_database", false);
  if (own_database) {
    for (const auto& d : get_list(c->info, "databases"))
      if (get_string(d, "database_name") == user)
        co_return unexpected(ToolResult::error(
            "own_database: database '" + user + "' already exists on " + cluster_label(*c) +
            "; leave own_database out and grant on it with privileges \"" + user + ".*:ALL PRIVILEGES\"."));
  }

  auto accounts = co_await fetch_accounts(ctx, *c);
  if (!accounts) co_return unexpected(std::move(accounts.error()));
  for (const auto& a : *accounts) {
    if (get_string(a, "user_name") != user) continue;
    if (host_is_part_of_account(c->family) && get_string(a, "host_allow", "%") != host) continue;
    co_return unexpected(ToolResult::error("the account " + account_label(a) + " already exists on " +
                                           cluster_label(*c) +
                                           "; use grant_privileges to give it more privileges, or "
                                           "delete_db_user first to recreate it."));
  }

  ActionPlan plan;
  plan.cluster = *c;
  std::string password = args.value("password", std::string());
  if (password.empty()) {
    password = generate_password();
    plan.generated["password"] = password;
  }
  json account = json::object();
  account["class_name"] = "CmonAccount";
  account["user_name"] = user;
  account["password"] = password;
  account["host_allow"] = host;
  if (!privs.expression.empty()) account["grants"] = privs.expression;
  if (own_database) account["own_database"] = true;
  json fields = json::object();
  fields["cluster_id"] = c->id;
  fields["account"] = std::move(account);
  plan.requests.push_back(
      CmonRequest{"/v2/clusters", "createAccount", std::move(fields), {"/account/password"}});
  plan.summary = "Create database account " + account_label(user, host) + " on " + cluster_label(*c);
  if (!privs.expression.empty()) plan.summary += " with privileges " + privs.expression;
  if (own_database) plan.summary += " and its own database '" + user + "'";
  const std::string notes = unknown_database_notes(*c, privs.databases);
  const bool generated = !plan.generated.empty();
  const std::string label = account_label(user, host);
  plan.on_done = [notes, generated, label](const ActionPlan& p, const std::vector<json>& replies) {
    json reply = replies.empty() ? json::object() : replies[0];
    json out = action_result_base("create_db_user", p, "done");
    json acc = get_object(reply, "account");
    out["account"] = account_summary(acc.empty() ? p.requests[0].fields["account"] : acc);
    out["password_generated"] = generated;
    out["messages"] = reply_messages(reply);
    std::string text = "Done: created account " + label + " on " + cluster_label(*p.cluster) + ".\n";
    if (!out["account"]["grants"].get<std::string>().empty())
      text += "Grants: " + out["account"]["grants"].get<std::string>() + "\n";
    text += message_lines(out["messages"]) + notes;
    if (generated)
      text += "Generated password (shown only this once, store it now): " +
              p.generated.value("password", std::string()) + "\n";
    return ToolResult::structured_text(std::move(text), std::move(out));
  };
  co_return plan;
}

awaitable<Expected<ActionPlan, ToolResult>> plan_delete_db_user(ToolContext& ctx, const json& args) {
  auto t = co_await resolve_account(ctx, args, "delete_db_user");
  if (!t) co_return unexpected(std::move(t.error()));
  if (auto refused = refuse_system_account(*t, "dropping")) co_return unexpected(std::move(*refused));
  ActionPlan plan;
  plan.cluster = t->cluster;
  json fields = json::object();
  fields["cluster_id"] = t->cluster.id;
  fields["account"] = account_ref(t->account);
  plan.requests.push_back(CmonRequest{"/v2/clusters", "deleteAccount", std::move(fields), {}});
  const std::string label = account_label(t->account);
  plan.summary = "Drop database account " + label + " from " + cluster_label(t->cluster);
  plan.effect = "This drops the account " + label + " from " + cluster_label(t->cluster) +
                ": clients that log in with it are refused from then on";
  if (int64_t n = get_int(t->account, "connections"); n > 0)
    plan.effect += " (it has " + std::to_string(n) + " open connection(s) now)";
  std::string grants = get_string(t->account, "grants");
  plan.effect += grants.empty() ? "." : ", and its privileges (" + grants + ") are gone.";
  plan.effect += " Recreating it needs a new password.";
  json acc = account_summary(t->account);
  plan.on_done = [acc, label](const ActionPlan& p, const std::vector<json>& replies) {
    json out = action_result_base("delete_db_user", p, "done");
    out["account"] = acc;
    out["messages"] = reply_messages(replies.empty() ? json::object() : replies[0]);
    std::string text = "Done: dropped account " + label + " from " + cluster_label(*p.cluster) + ".\n" +
                       message_lines(out["messages"]);
    return ToolResult::structured_text(std::move(text), std::move(out));
  };
  co_return plan;
}

// grant_privileges and revoke_privileges: the reply carries the account with its grants after the change.
std::function<ToolResult(const ActionPlan&, const std::vector<json>&)> privileges_done(std::string tool,
                                                                                       std::string did,
                                                                                       json before,
                                                                                       std::string notes) {
  return [tool, did, before, notes](const ActionPlan& p, const std::vector<json>& replies) {
    json reply = replies.empty() ? json::object() : replies[0];
    json out = action_result_base(tool, p, "done");
    json acc = get_object(reply, "account");
    out["account"] = account_summary(acc.empty() ? before : acc);
    out["grants_before"] = get_string(before, "grants");
    out["messages"] = reply_messages(reply);
    std::string text = "Done: " + did + ".\n";
    if (!acc.empty()) {
      std::string grants = out["account"]["grants"].get<std::string>();
      text += "Grants now: " + (grants.empty() ? std::string("none") : grants) + "\n";
    }
    text += message_lines(out["messages"]) + notes;
    return ToolResult::structured_text(std::move(text), std::move(out));
  };
}

awaitable<Expected<ActionPlan, ToolResult>> plan_grant_privileges(ToolContext& ctx, const json& args) {
  auto p = parse_privileges(args.value("privileges", std::string()));
  if (!p) co_return unexpected(ToolResult::error("privileges: " + p.error()));
  auto t = co_await resolve_account(ctx, args, "grant_privileges");
  if (!t) co_return unexpected(std::move(t.error()));
  ActionPlan plan;
  plan.cluster = t->cluster;
  json fields = json::object();
  fields["cluster_id"] = t->cluster.id;
  fields["account"] = account_ref(t->account);
  fields["privileges"] = p->expression;
  plan.requests.push_back(CmonRequest{"/v2/clusters", "grantPrivileges", std::move(fields), {}});
  const std::string label = account_label(t->account);
  plan.summary = "Grant " + p->expression + " to " + label + " on " + cluster_label(t->cluster);
  plan.on_done = privileges_done("grant_privileges", "granted " + p->expression + " to " + label, t->account,
                                 unknown_database_notes(t->cluster, p->databases));
  co_return plan;
}

awaitable<Expected<ActionPlan, ToolResult>> plan_revoke_privileges(ToolContext& ctx, const json& args) {
  const bool all = args.value("all", false);
  const bool has_expr = args.contains("privileges");
  if (all == has_expr)
    co_return unexpected(ToolResult::error(
        all ? "give either privileges or all: true, not both"
            : "say what to revoke: privileges (e.g. \"shop.*:INSERT,UPDATE\") or all: true for every "
              "privilege"));
  Privileges privs;
  if (has_expr) {
    auto p = parse_privileges(args["privileges"].get<std::string>());
    if (!p) co_return unexpected(ToolResult::error("privileges: " + p.error()));
    privs = std::move(*p);
  }
  auto t = co_await resolve_account(ctx, args, "revoke_privileges");
  if (!t) co_return unexpected(std::move(t.error()));
  if (auto refused = refuse_system_account(*t, "revoking privileges from"))
    co_return unexpected(std::move(*refused));
  ActionPlan plan;
  plan.cluster = t->cluster;
  json fields = json::object();
  fields["cluster_id"] = t->cluster.id;
  fields["account"] = account_ref(t->account);
  const std::string label = account_label(t->account);
  std::string did;
  if (all) {
    plan.requests.push_back(CmonRequest{"/v2/clusters", "revokeAllPrivileges", std::move(fields), {}});
    plan.summary = "Revoke every privilege of " + label + " on " + cluster_label(t->cluster);
    plan.effect = "The account " + label +
                  " can still log in but can do nothing until privileges are granted "
                  "again (grants now: " +
                  get_string(t->account, "grants", "none") + ").";
    did = "revoked every privilege of " + label;
  } else {
    fields["privileges"] = privs.expression;
    plan.requests.push_back(CmonRequest{"/v2/clusters", "revokePrivileges", std::move(fields), {}});
    plan.summary = "Revoke " + privs.expression + " from " + label + " on " + cluster_label(t->cluster);
    did = "revoked " + privs.expression + " from " + label;
  }
  plan.on_done = privileges_done("revoke_privileges", did, t->account, "");
  co_return plan;
}

bool is_system_database(Family f, const std::string& name) {
  static const std::set<std::string> mysql = {"mysql", "information_schema", "performance_schema", "sys"};
  static const std::set<std::string> postgres = {"postgres", "template0", "template1"};
  static const std::set<std::string> mongo = {"admin", "local", "config"};
  static const std::set<std::string> mssql = {"master", "model", "msdb", "tempdb"};
  switch (f) {
    case Family::mysql:
    case Family::galera:
      return mysql.count(lower(name)) > 0;
    case Family::postgres:
      return postgres.count(name) > 0;
    case Family::mongo:
      return mongo.count(name) > 0;
    case Family::mssql:
      return mssql.count(lower(name)) > 0;
    default:
      return false;
  }
}

awaitable<Expected<ActionPlan, ToolResult>> plan_create_database(ToolContext& ctx, const json& args) {
  json extra{{"with_databases", true}};
  auto c = co_await resolve_cluster(ctx, args, std::move(extra));
  if (!c) co_return unexpected(std::move(c.error()));
  if (auto refused = refuse_without_accounts(*c, "create_database"))
    co_return unexpected(std::move(*refused));
  const std::string name = trim(args.value("database_name", std::string()));
  if (!is_identifier(name) || name.front() == '`')
    co_return unexpected(ToolResult::error("database_name '" + name +
                                           "' is not usable: letters, digits, '_', '$' and '-', at most "
                                           "64 characters"));
  for (const auto& d : get_list(c->info, "databases"))
    if (get_string(d, "database_name") == name)
      co_return unexpected(ToolResult::error(
          "database '" + name + "' already exists on " + cluster_label(*c) + " (" +
          human_bytes(get_double(d, "database_size")) + ", " +
          std::to_string(get_int(d, "number_of_tables")) + " tables); choose another name"));
  json database = json::object();
  database["class_name"] = "CmonDataBase";
  database["database_name"] = name;
  const std::string owner = trim(args.value("owner", std::string()));
  if (!owner.empty()) {
    if (c->family != Family::postgres && c->family != Family::mssql)
      co_return unexpected(ToolResult::error(
          std::string("owner applies to PostgreSQL and SQL Server databases only; on ") +
          family_name(c->family) +
          " clusters grant the user privileges on the database with grant_privileges instead"));
    auto accounts = co_await fetch_accounts(ctx, *c);
    if (!accounts) co_return unexpected(std::move(accounts.error()));
    bool found = false;
    for (const auto& a : *accounts)
      if (get_string(a, "user_name") == owner) found = true;
    if (!found)
      co_return unexpected(ToolResult::error("owner: there is no account '" + owner + "' on " +
                                             cluster_label(*c) +
                                             " (create it with create_db_user first). "
                                             "Accounts: " +
                                             account_names(*accounts)));
    database["database_owner"] = owner;
  }
  ActionPlan plan;
  plan.cluster = *c;
  json fields = json::object();
  fields["cluster_id"] = c->id;
  fields["database"] = std::move(database);
  plan.requests.push_back(CmonRequest{"/v2/clusters", "createDatabase", std::move(fields), {}});
  plan.summary = "Create database '" + name + "' on " + cluster_label(*c) +
                 (owner.empty() ? "" : " owned by '" + owner + "'");
  plan.on_done = [name](const ActionPlan& p, const std::vector<json>& replies) {
    json reply = replies.empty() ? json::object() : replies[0];
    json out = action_result_base("create_database", p, "done");
    out["database_name"] = name;
    out["messages"] = reply_messages(reply);
    std::string text = "Done: created database '" + name + "' on " + cluster_label(*p.cluster) + ".\n" +
                       message_lines(out["messages"]) +
                       "Give an account access with grant_privileges {\"privileges\": \"" + name +
                       ".*:ALL PRIVILEGES\", ...}.\n";
    return ToolResult::structured_text(std::move(text), std::move(out));
  };
  co_return plan;
}

// Accounts whose grants name `database` (for the effect of drop_database).
std::vector<std::string> accounts_granted_on(const json& accounts, const std::string& database) {
  std::vector<std::string> out;
  for (const auto& a : accounts) {
    bool on = false;
    for (const auto& spec : split(get_string(a, "grants"), ';')) {
      size_t colon = spec.find(':');
      if (colon == std::string::npos) continue;
      for (const auto& o : split(spec.substr(0, colon), ','))
        if (object_database(trim(o)) == database) on = true;
    }
    if (on) out.push_back(account_label(a));
  }
  return out;
}

awaitable<Expected<ActionPlan, ToolResult>> plan_drop_database(ToolContext& ctx, const json& args) {
  json extra{{"with_databases", true}};
  auto c = co_await resolve_cluster(ctx, args, std::move(extra));
  if (!c) co_return unexpected(std::move(c.error()));
  if (auto refused = refuse_without_accounts(*c, "drop_database")) co_return unexpected(std::move(*refused));
  const std::string name = trim(args.value("database_name", std::string()));
  json db;
  std::string names;
  for (const auto& d : get_list(c->info, "databases")) {
    names += (names.empty() ? "" : ", ") + get_string(d, "database_name");
    if (get_string(d, "database_name") == name) db = d;
  }
  if (db.is_null())
    co_return unexpected(ToolResult::error("there is no database '" + name + "' on " + cluster_label(*c) +
                                           ". Databases: " + (names.empty() ? "none reported" : names) +
                                           " (list_databases)."));
  if (is_system_database(c->family, name))
    co_return unexpected(ToolResult::error("'" + name + "' is a system database of " +
                                           family_name(c->family) +
                                           "; dropping it would break the server, so cmon-mcp refuses."));
  ActionPlan plan = job_plan(*c, "Drop database '" + name + "' of " + cluster_label(*c), "delete_database",
                             json{{"database", name}});
  plan.effect = "This drops database '" + name + "' on " + cluster_label(*c);
  std::vector<std::string> sizes;
  if (db.contains("number_of_tables"))
    sizes.push_back(std::to_string(get_int(db, "number_of_tables")) + " table(s)");
  if (db.contains("number_of_rows"))
    sizes.push_back(std::to_string(get_int(db, "number_of_rows")) + " row(s)");
  if (db.contains("database_size")) sizes.push_back(human_bytes(get_double(db, "database_size")));
  if (sizes.empty()) {
    plan.effect += "; everything in it is deleted for good.";
  } else {
    plan.effect += "; its ";
    for (size_t i = 0; i < sizes.size(); ++i)
      plan.effect += (i == 0 ? "" : i + 1 == sizes.size() ? " and " : ", ") + sizes[i];
    plan.effect += " are deleted for good.";
  }
  // The accounts that use it, when CMON lists them; the drop does not depend on it.
  json fields{{"cluster_id", c->id}, {"limit", 1000}, {"offset", 0}};
  auto acc = co_await ctx.cmon.call("/v2/clusters", "getAccounts", std::move(fields));
  if (acc) {
    json accounts = get_list(*acc, "accounts");
    auto users = accounts_granted_on(accounts, name);
    if (!users.empty()) {
      plan.effect += " Accounts with privileges on it (they keep their grants but lose the data): ";
      for (size_t i = 0; i < users.size(); ++i) plan.effect += (i ? ", " : "") + users[i];
      plan.effect += ".";
    }
  }
  plan.effect += " Only a restore from a backup brings it back.";
  co_return plan;
}

}  // namespace

void register_accounts_actions(Registry& registry) {
  json user_name = s_string("The database user name.", "^[A-Za-z0-9_.$-]+$", 64);
  json host = s_string(
      "The account's host part as CMON stores it (host_allow). MySQL/MariaDB/Galera: client host pattern, "
      "default '%'. PostgreSQL: pg_hba address or CIDR, default '0.0.0.0/0'. MongoDB: the authentication "
      "database, default 'admin'. SQL Server: logins are not host-bound, default '%'.",
      "^[A-Za-z0-9_.%:/*-]+$", 255);
  json existing_host = s_string(
      "The account's host part (host_allow as list_db_users shows it). Needed only when the user name has "
      "several accounts (MySQL 'app'@'%' and 'app'@'10.0.%').",
      "^[A-Za-z0-9_.%:/*-]+$", 255);
  json privileges = s_string(
      "Privilege expression: specifications separated by ';', each [object[,object...]:]PRIV[,PRIV...]; an "
      "object is *.*, db.*, db.table or a database name; no object means all databases. Example: "
      "\"shop.*:SELECT,INSERT,UPDATE;reporting:SELECT\". PostgreSQL: \"orders:ALL\"; MongoDB roles: "
      "\"catalog:readWrite\".",
      std::nullopt, 2000);
  json password =
      s_string("The password. Leave it out to have a strong one generated and returned once in the result.",
               std::nullopt, 256);
  password["writeOnly"] = true;
  json database_name = s_string("The database (schema) name.", "^[A-Za-z0-9_$-]+$", 64);

  registry.add(ToolDefinition{
      .name = "create_db_user",
      .title = "Create database user",
      .description =
          "Creates a database account on a cluster (CMON createAccount) with a password, the allowed host "
          "and privileges, optionally with a database of its own. Use it to give an application or a "
          "person access. Refused when the account already exists (grant_privileges changes an existing "
          "one) and on Redis/Elasticsearch, which have no accounts in ClusterControl. Without password a "
          "strong one is generated and returned once. Changes state; dry_run=true shows the request with "
          "the password as ***.\nExample: {\"cluster_id\": 1, \"user_name\": \"shop_app\", \"host\": "
          "\"10.0.%\", \"privileges\": \"shop.*:SELECT,INSERT,UPDATE,DELETE\"}",
      .group = "accounts",
      .tool_class = ToolClass::write,
      .input_schema =
          Schema()
              .cluster()
              .prop("user_name", user_name, true)
              .prop("host", host)
              .prop("password", password)
              .prop("privileges", privileges)
              .prop(
                  "own_database",
                  s_boolean("Also create a database named after the user and grant it all privileges on it."))
              .build(),
      .action = make_action(plan_create_db_user),
  });
  registry.add(ToolDefinition{
      .name = "delete_db_user",
      .title = "Delete database user",
      .description =
          "Drops a database account (CMON deleteAccount): clients using it can no longer log in. "
          "Destructive: the user is asked to confirm (or confirm=true when the client cannot ask), and it "
          "is refused on a cluster without a recent successful backup unless override_backup_guard=true. "
          "System accounts (ClusterControl's own, replication) are refused. dry_run=true shows what would "
          "happen.\nExample: {\"cluster_name\": \"prod-galera\", \"user_name\": \"report\", \"host\": \"%\"}",
      .group = "accounts",
      .tool_class = ToolClass::destructive,
      .input_schema =
          Schema().cluster().prop("user_name", user_name, true).prop("host", existing_host).build(),
      .action = make_action(plan_delete_db_user, ActionKind::request, BackupGuard::on),
  });
  registry.add(ToolDefinition{
      .name = "grant_privileges",
      .title = "Grant privileges",
      .description =
          "Grants privileges to an existing database account (CMON grantPrivileges). The expression names "
          "objects and privileges: \"db.*:SELECT,INSERT;other.tbl:SELECT\". Returns the account's grants "
          "after the change. Changes state.\nExample: {\"cluster_id\": 1, \"user_name\": \"report\", "
          "\"privileges\": \"inventory.*:SELECT\"}",
      .group = "accounts",
      .tool_class = ToolClass::write,
      .input_schema = Schema()
                          .cluster()
                          .prop("user_name", user_name, true)
                          .prop("host", existing_host)
                          .prop("privileges", privileges, true)
                          .build(),
      .action = make_action(plan_grant_privileges),
  });
  registry.add(ToolDefinition{
      .name = "revoke_privileges",
      .title = "Revoke privileges",
      .description =
          "Revokes privileges from a database account (CMON revokePrivileges), or every privilege with "
          "all=true (revokeAllPrivileges); the account itself stays (delete_db_user drops it). System "
          "accounts are refused. Returns the grants after the change. Changes state.\nExample: "
          "{\"cluster_id\": 1, \"user_name\": \"app\", \"privileges\": \"shop.*:DELETE\"}",
      .group = "accounts",
      .tool_class = ToolClass::write,
      .input_schema = Schema()
                          .cluster()
                          .prop("user_name", user_name, true)
                          .prop("host", existing_host)
                          .prop("privileges", privileges)
                          .prop("all", s_boolean("Revoke every privilege instead of an expression."))
                          .build(),
      .action = make_action(plan_revoke_privileges),
  });
  registry.add(ToolDefinition{
      .name = "create_database",
      .title = "Create database",
      .description =
          "Creates an empty database (schema) on a cluster (CMON createDatabase); refused when the name "
          "exists. PostgreSQL and SQL Server take an owner account. Grant access afterwards with "
          "grant_privileges. Changes state.\nExample: {\"cluster_id\": 3, \"database_name\": \"invoices\", "
          "\"owner\": \"orders_rw\"}",
      .group = "accounts",
      .tool_class = ToolClass::write,
      .input_schema = Schema()
                          .cluster()
                          .prop("database_name", database_name, true)
                          .prop("owner", s_string("PostgreSQL/SQL Server: the existing account that owns the "
                                                  "database.",
                                                  "^[A-Za-z0-9_$-]+$", 64))
                          .build(),
      .action = make_action(plan_create_database),
  });
  registry.add(ToolDefinition{
      .name = "drop_database",
      .title = "Drop database",
      .description =
          "Drops a database and everything in it (CMON job delete_database). Destructive: the user is asked "
          "to confirm with its size and table count, and it is refused on a cluster without a recent "
          "successful backup unless override_backup_guard=true; system databases are refused. Returns the "
          "job id, or follows the job with wait=true.\nExample: {\"cluster_id\": 1, \"database_name\": "
          "\"sessions\", \"wait\": true}",
      .group = "accounts",
      .tool_class = ToolClass::destructive,
      .input_schema = Schema().cluster().prop("database_name", database_name, true).build(),
      .action = make_action(plan_drop_database, ActionKind::job, BackupGuard::on),
  });
}

}  // namespace cmon_mcp::tools
