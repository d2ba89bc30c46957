// Database users and databases (catalogue B.6, state-changing side) against the simulator: every tool's
// effect in the simulator's model, its dry run, its main errors, confirmation of the D tools and the backup
// guard of delete_db_user and drop_database.
#include "sim_fixture.hpp"

namespace cmon_mcp::tools::test_support {
namespace {

class AccountActions : public SimActionTest {
 protected:
  // The simulator's cluster, held in a local: iterating a member of the temporary that sim_cluster()
  // indexes into would dangle (C++20 range-for keeps only the last temporary alive).
  json cluster_of(int64_t cid) {
    json s = state();
    for (const auto& c : s["clusters"])
      if (c.value("cluster_id", int64_t{-1}) == cid) return c;
    ADD_FAILURE() << "no cluster " << cid << " in the simulator";
    return json::object();
  }
  // The account of cluster `cid` in the simulator's model, null when absent.
  json account(int64_t cid, const std::string& user, const std::string& host = "") {
    json c = cluster_of(cid);
    for (const auto& a : c["accounts"])
      if (a.value("user_name", "") == user && (host.empty() || a.value("host_allow", "") == host)) return a;
    return nullptr;
  }
  json database(int64_t cid, const std::string& name) {
    json c = cluster_of(cid);
    for (const auto& d : c["databases"])
      if (d.value("database_name", "") == name) return d;
    return nullptr;
  }
  // A completed backup made through CMON itself (a raw backup job), so that the backup guard passes; it
  // does not depend on create_backup.
  void backup_now(int64_t cid) {
    json job{{"class_name", "CmonJobInstance"},
             {"title", "test backup"},
             {"job_spec", {{"command", "backup"}, {"job_data", json::object()}}}};
    auto r = raw("/v2/jobs", "createJobInstance", json{{"cluster_id", cid}, {"job", job}});
    ASSERT_TRUE(r.has_value());
    json done = wait_job_end(get_int(get_object(*r, "job"), "job_id"));
    ASSERT_EQ(done.value("status", ""), "FINISHED") << done.dump();
  }
};

// ----------------------------------------------------------------------------------- create_db_user

TEST_F(AccountActions, CreateDbUserMakesTheAccountWithItsPrivileges) {
  ToolResult r = ok("create_db_user", json{{"cluster_id", 1},
                                           {"user_name", "shop_reader"},
                                           {"host", "10.0.%"},
                                           {"password", "S3cret-Pass-123"},
                                           {"privileges", " shop.*:SELECT ; inventory:SELECT,SHOW VIEW"}});
  json s = structured(r);
  EXPECT_EQ(s["status"], "done");
  EXPECT_EQ(s["password_generated"], false);
  EXPECT_FALSE(s.contains("generated"));
  EXPECT_EQ(text_of(r).find("S3cret-Pass-123"), std::string::npos) << "a given password is never echoed";
  json a = account(1, "shop_reader");
  ASSERT_TRUE(a.is_object()) << cluster_of(1)["accounts"].dump();
  EXPECT_EQ(a["host_allow"], "10.0.%");
  EXPECT_EQ(a["grants"], "shop.*:SELECT;inventory.*:SELECT,SHOW VIEW");
  EXPECT_EQ(s["account"]["grants"], "shop.*:SELECT;inventory.*:SELECT,SHOW VIEW");
}

TEST_F(AccountActions, CreateDbUserGeneratesAPasswordAndReturnsItOnce) {
  ToolResult r =
      ok("create_db_user", json{{"cluster_id", 2}, {"user_name", "etl"}, {"privileges", "crm:SELECT"}});
  json s = structured(r);
  ASSERT_TRUE(s.contains("generated")) << s.dump();
  std::string password = s["generated"]["password"];
  EXPECT_EQ(password.size(), 24u);
  EXPECT_EQ(s["password_generated"], true);
  EXPECT_NE(text_of(r).find(password), std::string::npos);
  json a = account(2, "etl", "%");
  ASSERT_TRUE(a.is_object());
  EXPECT_EQ(a["grants"], "crm.*:SELECT");
}

TEST_F(AccountActions, CreateDbUserDryRunRedactsThePasswordAndChangesNothing) {
  const json before = cluster_of(1)["accounts"];
  ToolResult r = ok("create_db_user", json{{"cluster_id", 1},
                                           {"user_name", "tmp"},
                                           {"password", "visible-if-broken"},
                                           {"privileges", "shop.*:SELECT"},
                                           {"dry_run", true}});
  json s = structured(r);
  EXPECT_EQ(s["status"], "dry_run");
  json req = s["requests"][0];
  EXPECT_EQ(req["operation"], "createAccount");
  EXPECT_EQ(req["path"], "/v2/clusters");
  EXPECT_EQ(req["body"]["account"]["password"], "***");
  EXPECT_EQ(req["body"]["account"]["user_name"], "tmp");
  EXPECT_EQ(req["body"]["account"]["host_allow"], "%");
  EXPECT_EQ(req["body"]["account"]["grants"], "shop.*:SELECT");
  EXPECT_EQ(text_of(r).find("visible-if-broken"), std::string::npos);
  EXPECT_EQ(cluster_of(1)["accounts"], before);

  // A generated password is redacted in a dry run too.
  ToolResult g = ok("create_db_user", json{{"cluster_id", 1}, {"user_name", "tmp2"}, {"dry_run", true}});
  EXPECT_EQ(structured(g)["requests"][0]["body"]["account"]["password"], "***");
  EXPECT_FALSE(account(1, "tmp2").is_object());
}

TEST_F(AccountActions, CreateDbUserDefaultHostFitsTheProduct) {
  ok("create_db_user", json{{"cluster_id", 3}, {"user_name", "pg_app"}, {"privileges", "orders:ALL"}});
  ok("create_db_user",
     json{{"cluster_id", 5}, {"user_name", "mongo_app"}, {"privileges", "catalog:readWrite"}});
  ok("create_db_user",
     json{{"cluster_id", 7}, {"user_name", "mssql_app"}, {"privileges", "erp:db_datareader"}});
  EXPECT_EQ(account(3, "pg_app").value("host_allow", ""), "0.0.0.0/0");
  EXPECT_EQ(account(5, "mongo_app").value("host_allow", ""), "admin");
  EXPECT_EQ(account(7, "mssql_app").value("host_allow", ""), "%");
  EXPECT_EQ(account(5, "mongo_app").value("grants", ""), "catalog.*:readWrite");
}

TEST_F(AccountActions, CreateDbUserWithItsOwnDatabase) {
  ok("create_db_user", json{{"cluster_name", "mariadb-repl"}, {"user_name", "wiki"}, {"own_database", true}});
  EXPECT_TRUE(database(2, "wiki").is_object());
  EXPECT_NE(account(2, "wiki").value("grants", "").find("wiki.*:ALL PRIVILEGES"), std::string::npos);
  // The same name as an existing database is refused.
  fails("create_db_user", json{{"cluster_id", 2}, {"user_name", "crm"}, {"own_database", true}},
        "database 'crm' already exists");
}

TEST_F(AccountActions, CreateDbUserRefusesExistingAccountsAndProductsWithout) {
  fails("create_db_user", json{{"cluster_id", 1}, {"user_name", "app"}, {"host", "10.0.%"}},
        "already exists");
  // In MySQL another host is another account.
  ok("create_db_user", json{{"cluster_id", 1}, {"user_name", "app"}, {"host", "%"}});
  EXPECT_TRUE(account(1, "app", "%").is_object());
  EXPECT_TRUE(account(1, "app", "10.0.%").is_object());
  // In PostgreSQL the name alone is the account.
  fails("create_db_user", json{{"cluster_id", 3}, {"user_name", "orders_rw"}, {"host", "10.0.0.0/8"}},
        "already exists");
  std::string t =
      fails("create_db_user", json{{"cluster_id", 8}, {"user_name", "cache"}}, "no database accounts");
  EXPECT_NE(t.find("redis"), std::string::npos) << t;
  EXPECT_FALSE(account(8, "cache").is_object());
  fails("create_db_user", json{{"cluster_id", 99}, {"user_name", "x"}}, "99");
}

TEST_F(AccountActions, CreateDbUserValidatesThePrivilegeExpression) {
  fails("create_db_user",
        json{{"cluster_id", 1}, {"user_name", "u1"}, {"privileges", "shop.*:SELECT:INSERT"}},
        "more than one ':'");
  fails("create_db_user", json{{"cluster_id", 1}, {"user_name", "u1"}, {"privileges", "shop.*:"}},
        "not a privilege name");
  fails("create_db_user", json{{"cluster_id", 1}, {"user_name", "u1"}, {"privileges", "shop.a.b:SELECT"}},
        "not a database object");
  fails("create_db_user", json{{"cluster_id", 1}, {"user_name", "u1"}, {"privileges", ":SELECT"}},
        "nothing before ':'");
  fails("create_db_user", json{{"cluster_id", 1}, {"user_name", "u1"}, {"privileges", " ; "}}, "is empty");
  fails("create_db_user", json{{"cluster_id", 1}, {"user_name", "u1"}, {"privileges", "shop.*:SELECT'"}},
        "e.g. \"shop.*:SELECT,INSERT;reporting:SELECT\"");
  EXPECT_FALSE(account(1, "u1").is_object());
}

// ----------------------------------------------------------------------------------- delete_db_user

TEST_F(AccountActions, DeleteDbUserAsksForConfirmationThenDrops) {
  ToolResult r = ok("delete_db_user", json{{"cluster_id", 1}, {"user_name", "report"}});
  json s = structured(r);
  EXPECT_EQ(s["status"], "confirmation_required");
  EXPECT_NE(s["effect"].get<std::string>().find("'report'@'%'"), std::string::npos) << s.dump();
  EXPECT_NE(s["effect"].get<std::string>().find("shop.*:SELECT"), std::string::npos) << s.dump();
  EXPECT_TRUE(account(1, "report").is_object());

  ToolResult d = ok("delete_db_user", json{{"cluster_id", 1}, {"user_name", "report"}, {"confirm", true}});
  EXPECT_EQ(structured(d)["status"], "done") << text_of(d);
  EXPECT_FALSE(account(1, "report").is_object());
  EXPECT_TRUE(account(1, "app").is_object());
}

TEST_F(AccountActions, DeleteDbUserDryRun) {
  ToolResult r = ok("delete_db_user", json{{"cluster_id", 1}, {"user_name", "app"}, {"dry_run", true}});
  json s = structured(r);
  EXPECT_EQ(s["status"], "dry_run");
  json req = s["requests"][0];
  EXPECT_EQ(req["operation"], "deleteAccount");
  EXPECT_EQ(req["body"]["account"]["user_name"], "app");
  EXPECT_EQ(req["body"]["account"]["host_allow"], "10.0.%");
  EXPECT_TRUE(s["checks"]["backup_guard"]["pass"].get<bool>()) << s.dump();
  EXPECT_TRUE(account(1, "app").is_object());
}

TEST_F(AccountActions, DeleteDbUserBackupGuard) {
  // metrics-timescale's newest backup is 30 h old.
  ToolResult r = run("delete_db_user", json{{"cluster_id", 4}, {"user_name", "grafana"}, {"confirm", true}});
  EXPECT_TRUE(r.is_error);
  EXPECT_EQ(structured(r)["reason"], "backup_guard") << text_of(r);
  EXPECT_TRUE(account(4, "grafana").is_object());

  ok("delete_db_user",
     json{{"cluster_id", 4}, {"user_name", "grafana"}, {"confirm", true}, {"override_backup_guard", true}});
  EXPECT_FALSE(account(4, "grafana").is_object());
}

TEST_F(AccountActions, DeleteDbUserPassesTheGuardAfterAFreshBackup) {
  backup_now(4);
  ok("delete_db_user", json{{"cluster_id", 4}, {"user_name", "grafana"}, {"confirm", true}});
  EXPECT_FALSE(account(4, "grafana").is_object());
}

TEST_F(AccountActions, DeleteDbUserErrors) {
  std::string t = fails("delete_db_user", json{{"cluster_id", 1}, {"user_name", "ghost"}, {"confirm", true}},
                        "no database account");
  EXPECT_NE(t.find("'app'@'10.0.%'"), std::string::npos) << t;
  fails("delete_db_user", json{{"cluster_id", 1}, {"user_name", "app"}, {"host", "%"}, {"confirm", true}},
        "exists as 'app'@'10.0.%'");
  fails("delete_db_user", json{{"cluster_id", 1}, {"user_name", "cmon"}, {"confirm", true}},
        "system account");
  EXPECT_TRUE(account(1, "cmon").is_object());
  fails("delete_db_user", json{{"cluster_id", 8}, {"user_name", "default"}, {"confirm", true}},
        "no database accounts");

  // Two accounts with one name: the host says which.
  ok("create_db_user", json{{"cluster_id", 1}, {"user_name", "app"}, {"host", "%"}});
  fails("delete_db_user", json{{"cluster_id", 1}, {"user_name", "app"}, {"confirm", true}}, "Say which");
  ok("delete_db_user", json{{"cluster_id", 1}, {"user_name", "app"}, {"host", "%"}, {"confirm", true}});
  EXPECT_FALSE(account(1, "app", "%").is_object());
  EXPECT_TRUE(account(1, "app", "10.0.%").is_object());
}

// ------------------------------------------------------------------------ grant / revoke privileges

TEST_F(AccountActions, GrantPrivilegesAddsToTheAccount) {
  ToolResult r = ok("grant_privileges",
                    json{{"cluster_id", 1}, {"user_name", "report"}, {"privileges", "sessions.*:SELECT"}});
  EXPECT_EQ(account(1, "report")["grants"], "shop.*:SELECT;inventory.*:SELECT;sessions.*:SELECT");
  json s = structured(r);
  EXPECT_EQ(s["account"]["grants"], "shop.*:SELECT;inventory.*:SELECT;sessions.*:SELECT");
  EXPECT_EQ(s["grants_before"], "shop.*:SELECT;inventory.*:SELECT");
  EXPECT_NE(text_of(r).find("Grants now:"), std::string::npos);
}

TEST_F(AccountActions, GrantPrivilegesNotesUnknownDatabasesAndDryRun) {
  ToolResult r = ok("grant_privileges",
                    json{{"cluster_id", 1}, {"user_name", "report"}, {"privileges", "shopp.*:SELECT"}});
  EXPECT_NE(text_of(r).find("no database 'shopp'"), std::string::npos) << text_of(r);

  const json before = account(1, "app");
  ToolResult d = ok(
      "grant_privileges",
      json{{"cluster_id", 1}, {"user_name", "app"}, {"privileges", "inventory.*:SELECT"}, {"dry_run", true}});
  json req = structured(d)["requests"][0];
  EXPECT_EQ(req["operation"], "grantPrivileges");
  EXPECT_EQ(req["body"]["privileges"], "inventory.*:SELECT");
  EXPECT_EQ(req["body"]["account"]["host_allow"], "10.0.%");
  EXPECT_EQ(account(1, "app"), before);
}

TEST_F(AccountActions, GrantPrivilegesErrors) {
  fails("grant_privileges",
        json{{"cluster_id", 1}, {"user_name", "report"}, {"privileges", "shop.*;SELECT:"}}, "privileges:");
  fails("grant_privileges", json{{"cluster_id", 1}, {"user_name", "nobody"}, {"privileges", "shop.*:SELECT"}},
        "no database account named 'nobody'");
  fails("grant_privileges", json{{"cluster_id", 8}, {"user_name", "default"}, {"privileges", "x:SELECT"}},
        "no database accounts");
  EXPECT_EQ(account(1, "report")["grants"], "shop.*:SELECT;inventory.*:SELECT");
}

TEST_F(AccountActions, RevokePrivilegesRemovesThem) {
  ToolResult r = ok("revoke_privileges",
                    json{{"cluster_id", 1}, {"user_name", "app"}, {"privileges", "shop.*:DELETE,UPDATE"}});
  EXPECT_EQ(account(1, "app")["grants"], "shop.*:SELECT,INSERT");
  EXPECT_EQ(structured(r)["account"]["grants"], "shop.*:SELECT,INSERT");

  ToolResult d = ok("revoke_privileges",
                    json{{"cluster_id", 2}, {"user_name", "billing"}, {"all", true}, {"dry_run", true}});
  EXPECT_EQ(structured(d)["requests"][0]["operation"], "revokeAllPrivileges");
  EXPECT_FALSE(structured(d)["requests"][0]["body"].contains("privileges"));
  EXPECT_EQ(account(2, "billing")["grants"], "billing.*:ALL PRIVILEGES");

  ok("revoke_privileges", json{{"cluster_id", 2}, {"user_name", "billing"}, {"all", true}});
  EXPECT_EQ(account(2, "billing")["grants"], "");
  EXPECT_TRUE(account(2, "billing").is_object()) << "the account itself stays";
}

TEST_F(AccountActions, RevokePrivilegesErrors) {
  fails("revoke_privileges", json{{"cluster_id", 1}, {"user_name", "app"}}, "say what to revoke");
  fails("revoke_privileges",
        json{{"cluster_id", 1}, {"user_name", "app"}, {"all", true}, {"privileges", "shop.*:SELECT"}},
        "not both");
  fails("revoke_privileges", json{{"cluster_id", 1}, {"user_name", "app"}, {"privileges", "shop.*:SEL;ECT:"}},
        "privileges:");
  fails("revoke_privileges", json{{"cluster_id", 1}, {"user_name", "cmon"}, {"all", true}}, "system account");
  EXPECT_EQ(account(1, "cmon")["grants"], "*.*:ALL PRIVILEGES");
  EXPECT_EQ(account(1, "app")["grants"], "shop.*:SELECT,INSERT,UPDATE,DELETE");
}

// ----------------------------------------------------------------------------------- create_database

TEST_F(AccountActions, CreateDatabaseAddsIt) {
  ToolResult r = ok("create_database", json{{"cluster_id", 1}, {"database_name", "analytics"}});
  EXPECT_EQ(structured(r)["database_name"], "analytics");
  EXPECT_TRUE(database(1, "analytics").is_object());

  ok("create_database", json{{"cluster_id", 3}, {"database_name", "invoices"}, {"owner", "orders_rw"}});
  json d = database(3, "invoices");
  ASSERT_TRUE(d.is_object());
  EXPECT_EQ(d.value("database_owner", ""), "orders_rw");
}

TEST_F(AccountActions, CreateDatabaseDryRunAndErrors) {
  ToolResult d =
      ok("create_database", json{{"cluster_id", 1}, {"database_name", "tmpdb"}, {"dry_run", true}});
  json req = structured(d)["requests"][0];
  EXPECT_EQ(req["operation"], "createDatabase");
  EXPECT_EQ(req["body"]["database"]["database_name"], "tmpdb");
  EXPECT_EQ(req["body"]["database"]["class_name"], "CmonDataBase");
  EXPECT_FALSE(database(1, "tmpdb").is_object());

  fails("create_database", json{{"cluster_id", 1}, {"database_name", "shop"}}, "already exists");
  fails("create_database", json{{"cluster_id", 1}, {"database_name", "x1"}, {"owner", "app"}},
        "PostgreSQL and SQL Server");
  fails("create_database", json{{"cluster_id", 3}, {"database_name", "x2"}, {"owner", "nobody"}},
        "no account 'nobody'");
  fails("create_database", json{{"cluster_id", 8}, {"database_name", "x3"}},
        "no database accounts or databases");
  EXPECT_FALSE(database(1, "x1").is_object());
  EXPECT_FALSE(database(3, "x2").is_object());
}

// ----------------------------------------------------------------------------------- drop_database

TEST_F(AccountActions, DropDatabaseAsksWithSizeThenDrops) {
  const size_t jobs_before = state()["jobs"].size();
  ToolResult r = ok("drop_database", json{{"cluster_id", 1}, {"database_name", "shop"}});
  json s = structured(r);
  EXPECT_EQ(s["status"], "confirmation_required");
  std::string effect = s["effect"];
  EXPECT_NE(effect.find("'shop'"), std::string::npos) << effect;
  EXPECT_NE(effect.find("42 table(s)"), std::string::npos) << effect;
  EXPECT_NE(effect.find("2.0 GiB"), std::string::npos) << effect;
  EXPECT_NE(effect.find("'app'@'10.0.%'"), std::string::npos) << effect;
  EXPECT_TRUE(database(1, "shop").is_object());
  EXPECT_EQ(state()["jobs"].size(), jobs_before) << "no job without confirmation";

  ToolResult d = ok("drop_database", json{{"cluster_id", 1},
                                          {"database_name", "sessions"},
                                          {"confirm", true},
                                          {"wait", true},
                                          {"timeout_s", 30}});
  json ds = structured(d);
  EXPECT_EQ(ds["status"], "done") << text_of(d);
  EXPECT_EQ(ds["command"], "delete_database");
  json j = job(ds["job_id"].get<int64_t>());
  EXPECT_EQ(j["job_spec"]["job_data"]["database"], "sessions");
  EXPECT_FALSE(database(1, "sessions").is_object());
  EXPECT_TRUE(database(1, "shop").is_object());
}

TEST_F(AccountActions, DropDatabaseDryRun) {
  const size_t jobs_before = state()["jobs"].size();
  ToolResult r = ok("drop_database", json{{"cluster_id", 2}, {"database_name", "crm"}, {"dry_run", true}});
  json s = structured(r);
  EXPECT_EQ(s["status"], "dry_run");
  json req = s["requests"][0];
  EXPECT_EQ(req["operation"], "createJobInstance");
  EXPECT_EQ(req["body"]["job"]["job_spec"]["command"], "delete_database");
  EXPECT_EQ(req["body"]["job"]["job_spec"]["job_data"]["database"], "crm");
  EXPECT_NE(s["effect"].get<std::string>().find("58 table(s)"), std::string::npos);
  EXPECT_EQ(state()["jobs"].size(), jobs_before);
  EXPECT_TRUE(database(2, "crm").is_object());
}

TEST_F(AccountActions, DropDatabaseBackupGuard) {
  ToolResult r =
      run("drop_database",
          json{{"cluster_id", 4}, {"database_name", "metrics"}, {"confirm", true}, {"wait", true}});
  EXPECT_TRUE(r.is_error);
  EXPECT_EQ(structured(r)["reason"], "backup_guard") << text_of(r);
  EXPECT_TRUE(database(4, "metrics").is_object());

  ToolResult o = ok("drop_database", json{{"cluster_id", 4},
                                          {"database_name", "metrics"},
                                          {"confirm", true},
                                          {"override_backup_guard", true},
                                          {"wait", true},
                                          {"timeout_s", 30}});
  EXPECT_EQ(structured(o)["status"], "done") << text_of(o);
  EXPECT_FALSE(database(4, "metrics").is_object());
}

TEST_F(AccountActions, DropDatabasePassesTheGuardAfterAFreshBackup) {
  backup_now(4);
  ToolResult o = ok("drop_database", json{{"cluster_id", 4},
                                          {"database_name", "metrics"},
                                          {"confirm", true},
                                          {"wait", true},
                                          {"timeout_s", 30}});
  EXPECT_EQ(structured(o)["status"], "done") << text_of(o);
  EXPECT_FALSE(database(4, "metrics").is_object());
}

TEST_F(AccountActions, DropDatabaseErrors) {
  std::string t =
      fails("drop_database", json{{"cluster_id", 1}, {"database_name", "shopp"}, {"confirm", true}},
            "no database 'shopp'");
  EXPECT_NE(t.find("inventory"), std::string::npos) << t;
  fails("drop_database", json{{"cluster_id", 3}, {"database_name", "postgres"}, {"confirm", true}},
        "system database");
  fails("drop_database", json{{"cluster_id", 8}, {"database_name", "0"}, {"confirm", true}},
        "no database accounts");
  EXPECT_TRUE(database(3, "postgres").is_object());
}

}  // namespace
}  // namespace cmon_mcp::tools::test_support
