// The backup, restore and schedule tools (catalogue B.5, state-changing side) against the simulator:
// each effect is checked in the simulator's model, plus dry runs, confirmation, the backup guard and the
// main refusals.
#include "sim_fixture.hpp"

namespace cmon_mcp::tools::test_support {
namespace {

class BackupActions : public SimActionTest {
 protected:
  // The simulator's backup records (a copy: never iterate over a member of a temporary state()).
  json backups() { return state()["backups"]; }
  // The simulator's backup record of cluster `cid` made with `method` (the first one), null when none.
  json backup_record(int64_t cid, const std::string& method) {
    for (const auto& b : backups())
      if (b.value("cid", int64_t{-1}) == cid && b.value("method", "") == method) return b;
    return nullptr;
  }
  int64_t backup_id(int64_t cid, const std::string& method) {
    json b = backup_record(cid, method);
    EXPECT_TRUE(b.is_object()) << "no " << method << " backup of cluster " << cid;
    return b.is_object() ? b.value("id", int64_t{0}) : 0;
  }
  bool backup_exists(int64_t id) {
    for (const auto& b : backups())
      if (b.value("id", int64_t{-1}) == id) return true;
    return false;
  }
  size_t job_count() { return state()["jobs"].size(); }
  size_t backup_count() { return state()["backups"].size(); }
  // The recurring backup job of cluster `cid` (from the fixture), null when none.
  json schedule_of(int64_t cid) {
    json s = sim_cluster(cid)["schedules"];
    return s.empty() ? json() : s[0];
  }
  // job_data of the single request of a dry run.
  static json dry_job_data(const ToolResult& r) {
    json s = structured(r);
    EXPECT_EQ(s.value("status", ""), "dry_run") << text_of(r);
    return s["requests"][0]["body"]["job"]["job_spec"]["job_data"];
  }
};

// ----- create_backup

TEST_F(BackupActions, CreateBackupWaitMakesACompletedRecordAndReportsProgress) {
  cmon_mcp::test::RecordingHost host;
  json args{
      {"cluster_name", "prod-galera"}, {"title", "e2e-before-restart"}, {"wait", true}, {"timeout_s", 60}};
  ToolResult r = ok("create_backup", args, &host);
  json s = structured(r);
  ASSERT_EQ(s.value("status", ""), "done") << text_of(r);
  int64_t job_id = s.value("job_id", int64_t{0});
  ASSERT_GT(job_id, 0);
  EXPECT_EQ(s.value("command", ""), "backup");

  json rec;
  for (const auto& b : backups())
    if (b.value("job_id", int64_t{0}) == job_id) rec = b;
  ASSERT_TRUE(rec.is_object()) << "no backup record made by job " << job_id;
  EXPECT_EQ(rec["status"], "Completed");
  EXPECT_EQ(rec["cid"], 1);
  EXPECT_EQ(rec["method"], "xtrabackupfull");  // Percona's default
  EXPECT_EQ(rec["title"], "e2e-before-restart");
  json j = job(job_id);
  EXPECT_EQ(j["job_spec"]["job_data"]["backup_method"], "xtrabackupfull");
  EXPECT_EQ(j["job_spec"]["job_data"]["backup_title"], "e2e-before-restart");

  ASSERT_FALSE(host.progresses.empty()) << "no progress notification";
  for (size_t i = 1; i < host.progresses.size(); ++i)
    EXPECT_GT(host.progresses[i].progress, host.progresses[i - 1].progress);
  EXPECT_EQ(host.progresses.back().progress, 100);
  EXPECT_NE(host.progresses.back().message.find("job " + std::to_string(job_id)), std::string::npos)
      << host.progresses.back().message;
}

TEST_F(BackupActions, CreateBackupWithoutWaitReturnsTheJobAndARetryIsADuplicate) {
  json args{{"cluster_id", 2}};
  json first = structured(ok("create_backup", args));
  ASSERT_EQ(first.value("status", ""), "submitted");
  int64_t job_id = first.value("job_id", int64_t{0});
  json second = structured(ok("create_backup", args));
  EXPECT_EQ(second.value("status", ""), "duplicate");
  EXPECT_EQ(second.value("job_id", int64_t{0}), job_id);
  json j = wait_job_end(job_id);
  EXPECT_EQ(j["status"], "FINISHED");
  EXPECT_EQ(j["job_spec"]["job_data"]["backup_method"], "mariabackupfull");  // MariaDB's default
  size_t made = 0;
  for (const auto& b : backups())
    if (b.value("job_id", int64_t{0}) == job_id) ++made;
  EXPECT_EQ(made, 1u);
}

TEST_F(BackupActions, CreateBackupDefaultMethodPerProduct) {
  struct Case {
    int64_t cluster;
    const char* method;  // "" = none sent
    const char* hostname;
  };
  for (const Case& c : {Case{1, "xtrabackupfull", ""}, Case{2, "mariabackupfull", ""},
                        Case{3, "pg_basebackup", ""}, Case{4, "pg_basebackup", ""}, Case{5, "mongodump", ""},
                        Case{6, "mongodump", ""}, Case{7, "mssqlfull", "auto"}, Case{8, "", "auto"}}) {
    json args{{"cluster_id", c.cluster}, {"dry_run", true}};
    json data = dry_job_data(ok("create_backup", args));
    if (*c.method)
      EXPECT_EQ(data.value("backup_method", ""), c.method) << c.cluster;
    else
      EXPECT_FALSE(data.contains("backup_method")) << data.dump();
    if (*c.hostname)
      EXPECT_EQ(data.value("hostname", ""), c.hostname) << c.cluster;
    else
      EXPECT_FALSE(data.contains("hostname")) << data.dump();
  }
}

TEST_F(BackupActions, CreateBackupOnRedisLetsCmonChooseAndCompletes) {
  json args{{"cluster_name", "redis-sentinel"}, {"wait", true}, {"timeout_s", 60}};
  json s = structured(ok("create_backup", args));
  ASSERT_EQ(s.value("status", ""), "done");
  bool found = false;
  for (const auto& b : backups())
    if (b.value("job_id", int64_t{0}) == s.value("job_id", int64_t{0})) {
      found = true;
      EXPECT_EQ(b["cid"], 8);
      EXPECT_EQ(b["status"], "Completed");
    }
  EXPECT_TRUE(found);
}

TEST_F(BackupActions, CreateBackupDryRunCarriesEveryOptionAndChangesNothing) {
  size_t jobs = job_count(), backups = backup_count();
  json args{{"cluster_id", 1},
            {"method", "xtrabackup"},
            {"node", "10.0.1.12"},
            {"title", "before-upgrade"},
            {"storage_dir", "/backups/prod"},
            {"compression_level", 6},
            {"retention_days", 14},
            {"encrypt", true},
            {"failover", true},
            {"databases", json::array({"shop", "inventory"})},
            {"dry_run", true}};
  ToolResult r = ok("create_backup", args);
  json s = structured(r);
  json req = s["requests"][0];
  EXPECT_EQ(req["path"], "/v2/jobs");
  EXPECT_EQ(req["operation"], "createJobInstance");
  EXPECT_EQ(req["body"]["cluster_id"], 1);
  EXPECT_EQ(req["body"]["job"]["job_spec"]["command"], "backup");
  json data = req["body"]["job"]["job_spec"]["job_data"];
  EXPECT_EQ(data["backup_method"], "xtrabackupfull");
  EXPECT_EQ(data["hostname"], "10.0.1.12");
  EXPECT_EQ(data["port"], 3306);
  EXPECT_EQ(data["backup_title"], "before-upgrade");
  EXPECT_EQ(data["backupdir"], "/backups/prod");
  EXPECT_EQ(data["compression"], true);
  EXPECT_EQ(data["compression_level"], 6);
  EXPECT_EQ(data["backup_retention"], 14);
  EXPECT_EQ(data["encrypt_backup"], true);
  EXPECT_EQ(data["backup_failover"], true);
  EXPECT_EQ(data["backup_failover_host"], "auto");
  EXPECT_EQ(data["include_databases"], "shop,inventory");
  EXPECT_EQ(job_count(), jobs);
  EXPECT_EQ(backup_count(), backups);
}

TEST_F(BackupActions, CreateBackupStorageOnControllerOrAnotherHost) {
  json a{{"cluster_id", 3}, {"store_on_controller", true}, {"dry_run", true}};
  EXPECT_EQ(dry_job_data(ok("create_backup", a))["cc_storage"], true);
  json b{{"cluster_id", 3}, {"storage_host", "10.0.9.9"}, {"dry_run", true}};
  EXPECT_EQ(dry_job_data(ok("create_backup", b))["storage_host"], "10.0.9.9");
  json both{{"cluster_id", 3}, {"store_on_controller", true}, {"storage_host", "10.0.9.9"}};
  fails("create_backup", both, "not both");
  json rel{{"cluster_id", 3}, {"storage_dir", "backups"}};
  fails("create_backup", rel, "absolute");
}

TEST_F(BackupActions, CreateBackupRefusesAMethodOfAnotherProduct) {
  size_t jobs = job_count();
  json a{{"cluster_id", 2}, {"method", "xtrabackupfull"}};
  std::string t = fails("create_backup", a, "is for MySQL / Percona (not MariaDB)");
  EXPECT_NE(t.find("mariabackupfull"), std::string::npos) << t;
  json b{{"cluster_id", 1}, {"method", "mariabackup"}};
  fails("create_backup", b, "'mariabackupfull' is for MariaDB");
  json c{{"cluster_name", "pg-streaming"}, {"method", "mongodump"}};
  t = fails("create_backup", c, "is for MongoDB");
  EXPECT_NE(t.find("pg_basebackup"), std::string::npos) << t;
  json d{{"cluster_id", 5}, {"method", "pg_dump"}};
  fails("create_backup", d, "'pgdump' is for PostgreSQL");
  json e{{"cluster_id", 8}, {"method", "xtrabackupfull"}};
  fails("create_backup", e, "is for MySQL");
  json f{{"cluster_id", 7}, {"method", "bogus"}};
  fails("create_backup", f, "'bogus' is unknown");
  EXPECT_EQ(job_count(), jobs);
}

TEST_F(BackupActions, CreateBackupAcceptsEachProductsOwnMethods) {
  for (auto [cluster, method, sent] :
       std::vector<std::tuple<int64_t, std::string, std::string>>{{2, "mysqldump", "mysqldump"},
                                                                  {3, "pg_dumpall", "pgdumpall"},
                                                                  {4, "pgbackrestincr", "pgbackrestincr"},
                                                                  {6, "pbm", "percona-backup-mongodb"},
                                                                  {7, "mssqldiff", "mssqldiff"},
                                                                  {1, "xtrabackupincr", "xtrabackupincr"}}) {
    json args{{"cluster_id", cluster}, {"method", method}, {"dry_run", true}};
    EXPECT_EQ(dry_job_data(ok("create_backup", args)).value("backup_method", ""), sent) << method;
  }
}

TEST_F(BackupActions, CreateBackupIncrementalNeedsAFullBackup) {
  // pg-streaming has pg_basebackup backups only, no pgBackRest full backup to build on.
  json a{{"cluster_id", 3}, {"method", "pgbackrestincr"}};
  fails("create_backup", a, "builds on a completed pgbackrestfull");
  // mongo-rs, redis: no incremental method at all; mariadb-repl has a mariabackupfull: accepted.
  json b{{"cluster_id", 2}, {"method", "mariabackupincr"}, {"wait", true}, {"timeout_s", 60}};
  EXPECT_EQ(structured(ok("create_backup", b)).value("status", ""), "done");
  EXPECT_TRUE(backup_record(2, "mariabackupincr").is_object());
}

TEST_F(BackupActions, CreateBackupDatabasesOnlyWhereTheMethodSupportsThem) {
  json a{{"cluster_id", 3}, {"databases", json::array({"orders"})}};
  std::string t = fails("create_backup", a, "cannot take a list of databases");
  EXPECT_NE(t.find("pgdump"), std::string::npos) << t;
  json b{{"cluster_id", 3}, {"method", "pgdump"}, {"databases", json::array({"ordrs"})}};
  t = fails("create_backup", b, "database 'ordrs' not found");
  EXPECT_NE(t.find("orders"), std::string::npos) << t;
  json c{{"cluster_id", 3}, {"method", "pgdump"}, {"databases", json::array({"orders"})}, {"dry_run", true}};
  EXPECT_EQ(dry_job_data(ok("create_backup", c))["include_databases"], "orders");
}

TEST_F(BackupActions, CreateBackupRefusesAnOfflineOrHelperNode) {
  json stop{{"cluster_id", 5}, {"node", "10.0.5.13"}, {"confirm", true}, {"wait", true}, {"timeout_s", 60}};
  ASSERT_EQ(structured(ok("stop_node", stop)).value("status", ""), "done");
  json a{{"cluster_id", 5}, {"node", "10.0.5.13"}};
  fails("create_backup", a, "back up from an online node");
  json b{{"cluster_id", 8}, {"node", "10.0.8.11:26379"}};
  fails("create_backup", b, "holds no data");
  json c{{"cluster_id", 1}, {"node", "10.0.1.99"}};
  fails("create_backup", c, "not found in cluster prod-galera");
  // With failover the job goes on another node.
  json d{{"cluster_id", 5}, {"node", "10.0.5.13"}, {"failover", true}, {"wait", true}, {"timeout_s", 60}};
  json s = structured(ok("create_backup", d));
  EXPECT_EQ(s.value("status", ""), "done") << s.dump();
  json made;
  for (const auto& b : backups())
    if (b.value("job_id", int64_t{0}) == s.value("job_id", int64_t{-1})) made = b;
  ASSERT_TRUE(made.is_object());
  EXPECT_NE(made.value("backup_host", ""), "10.0.5.13");  // taken from an online member instead
}

TEST_F(BackupActions, CreateBackupUnknownCluster) {
  json a{{"cluster_name", "prod-galer"}};
  fails("create_backup", a, "close matches: prod-galera");
}

// ----- restore_backup

TEST_F(BackupActions, RestoreAsksForConfirmationAndChangesNothingWithoutIt) {
  int64_t id = backup_id(1, "xtrabackupincr");  // 2 h old: the backup guard passes
  size_t jobs = job_count();
  json args{{"cluster_id", 1}, {"backup_id", id}};
  json s = structured(ok("restore_backup", args));
  EXPECT_EQ(s.value("status", ""), "confirmation_required");
  std::string effect = s.value("effect", "");
  EXPECT_NE(effect.find("backup " + std::to_string(id)), std::string::npos) << effect;
  EXPECT_NE(effect.find("is lost"), std::string::npos) << effect;
  EXPECT_NE(effect.find("incremental"), std::string::npos) << effect;
  EXPECT_NE(effect.find("Galera"), std::string::npos) << effect;
  EXPECT_EQ(job_count(), jobs);
}

TEST_F(BackupActions, RestoreWithConfirmRunsTheJob) {
  int64_t id = backup_id(1, "xtrabackupfull");
  json args{{"cluster_id", 1}, {"backup_id", id}, {"confirm", true}, {"wait", true}, {"timeout_s", 60}};
  json s = structured(ok("restore_backup", args));
  ASSERT_EQ(s.value("status", ""), "done") << s.dump();
  json j = job(s.value("job_id", int64_t{0}));
  EXPECT_EQ(j["status"], "FINISHED");
  EXPECT_EQ(j["job_spec"]["command"], "restore_backup");
  EXPECT_EQ(j["job_spec"]["job_data"]["backupid"], id);
  EXPECT_EQ(j["job_spec"]["job_data"]["backup_method"], "xtrabackupfull");
  EXPECT_EQ(j["job_spec"]["job_data"]["bootstrap"], true);
  bool restored = false;
  for (const auto& m : j["messages"])
    if (m.value("message_text", "") == "Backup " + std::to_string(id) + " restored.") restored = true;
  EXPECT_TRUE(restored) << j["messages"].dump();
}

TEST_F(BackupActions, RestoreIsRefusedByTheBackupGuardUntilThereIsAFreshBackup) {
  // metrics-timescale's only backup is 30 h old.
  int64_t id = backup_id(4, "pgbackrestfull");
  size_t jobs = job_count();
  json args{{"cluster_id", 4}, {"backup_id", id}, {"confirm", true}};
  ToolResult r = run("restore_backup", args);
  EXPECT_TRUE(r.is_error);
  EXPECT_EQ(structured(r).value("reason", ""), "backup_guard") << text_of(r);
  EXPECT_EQ(job_count(), jobs);

  json overridden = args;
  overridden["override_backup_guard"] = true;
  json s = structured(ok("restore_backup", overridden));
  EXPECT_EQ(s.value("status", ""), "submitted") << s.dump();
  EXPECT_EQ(wait_job_end(s.value("job_id", int64_t{0}))["status"], "FINISHED");

  fresh_backup(4);
  json again = args;
  again["force_new"] = true;
  s = structured(ok("restore_backup", again));
  EXPECT_EQ(s.value("status", ""), "submitted") << s.dump();
}

TEST_F(BackupActions, RestoreDryRunShowsTheJobAndTheGuard) {
  int64_t id = backup_id(4, "pgbackrestfull");
  json args{{"cluster_id", 4},
            {"backup_id", id},
            {"node", "10.0.4.11"},
            {"keep_datadir_copy", true},
            {"dry_run", true}};
  size_t jobs = job_count();
  ToolResult r = ok("restore_backup", args);
  json s = structured(r);
  EXPECT_EQ(s["requests"][0]["body"]["job"]["job_spec"]["command"], "restore_backup");
  json data = dry_job_data(r);
  EXPECT_EQ(data["backupid"], id);
  EXPECT_EQ(data["server_address"], "10.0.4.11:5432");
  EXPECT_EQ(data["backup_datadir_before_restore"], true);
  EXPECT_FALSE(data.contains("bootstrap"));  // Galera only
  EXPECT_EQ(s["checks"]["backup_guard"]["pass"], false);
  EXPECT_NE(s.value("effect", "").find("node 10.0.4.11:5432"), std::string::npos);
  EXPECT_EQ(job_count(), jobs);
}

TEST_F(BackupActions, RestoreRefusesUnknownForeignAndFailedBackups) {
  json unknown{{"cluster_id", 1}, {"backup_id", 999}};
  fails("restore_backup", unknown, "backup 999 not found");
  int64_t foreign = backup_id(2, "mariabackupfull");
  json other{{"cluster_id", 1}, {"backup_id", foreign}};
  fails("restore_backup", other, "belongs to cluster id 2, not cluster prod-galera (id 1)");
  int64_t failed = backup_id(2, "mysqldump");
  json bad{{"cluster_id", 2}, {"backup_id", failed}};
  fails("restore_backup", bad, "is Failed, not Completed");
}

TEST_F(BackupActions, RestoreToAPointInTime) {
  int64_t id = backup_id(3, "pg_basebackup");  // 8 h old
  json args{{"cluster_id", 3}, {"backup_id", id}, {"pitr_time", "1h"}, {"dry_run", true}};
  ToolResult r = ok("restore_backup", args);
  std::string stop = dry_job_data(r).value("pitr_stop_time", "");
  ASSERT_EQ(stop.size(), 19u) << stop;  // YYYY-MM-DD HH:MM:SS
  EXPECT_EQ(stop[10], ' ');
  EXPECT_EQ(stop[13], ':');
  EXPECT_NE(structured(r).value("effect", "").find("WAL"), std::string::npos);

  json run_it{{"cluster_id", 3}, {"backup_id", id}, {"pitr_time", "2h"},
              {"confirm", true}, {"wait", true},    {"timeout_s", 60}};
  json s = structured(ok("restore_backup", run_it));
  EXPECT_EQ(s.value("status", ""), "done");
  EXPECT_EQ(
      job(s.value("job_id", int64_t{0}))["job_spec"]["job_data"]["pitr_stop_time"].get<std::string>().size(),
      19u);

  json before{{"cluster_id", 3}, {"backup_id", id}, {"pitr_time", "9h"}};
  fails("restore_backup", before, "is before backup");
  json future{{"cluster_id", 3}, {"backup_id", id}, {"pitr_time", "2099-01-01T00:00:00Z"}};
  fails("restore_backup", future, "in the future");
  json garbage{{"cluster_id", 3}, {"backup_id", id}, {"pitr_time", "yesterday-ish"}};
  fails("restore_backup", garbage, "pitr_time: cannot read time");
  // A dump cannot be rolled forward.
  json dump{{"cluster_id", 5}, {"backup_id", backup_id(5, "mongodump")}, {"pitr_time", "1h"}};
  fails("restore_backup", dump, "point-in-time recovery is not possible");
}

// ----- verify_backup

TEST_F(BackupActions, VerifyBackupRestoresOnATestServerAndMarksItVerified) {
  int64_t id = backup_id(3, "pg_basebackup");
  json args{{"cluster_id", 3}, {"backup_id", id}, {"host", "10.0.9.50"}, {"wait", true}, {"timeout_s", 60}};
  json s = structured(ok("verify_backup", args));
  ASSERT_EQ(s.value("status", ""), "done") << s.dump();
  json j = job(s.value("job_id", int64_t{0}));
  EXPECT_EQ(j["job_spec"]["command"], "verify_backup");
  EXPECT_EQ(j["job_spec"]["job_data"]["backupid"], id);
  EXPECT_EQ(j["job_spec"]["job_data"]["server_address"], "10.0.9.50");
  EXPECT_EQ(j["job_spec"]["job_data"]["install_software"], true);
  EXPECT_EQ(j["job_spec"]["job_data"]["terminate_db_server"], true);
  EXPECT_EQ(backup_record(3, "pg_basebackup")["verified"]["status"], "Verified");
}

TEST_F(BackupActions, VerifyBackupDryRunAndRefusals) {
  int64_t id = backup_id(1, "xtrabackupfull");
  size_t jobs = job_count();
  json dry{{"cluster_id", 1},
           {"backup_id", id},
           {"host", "test-db.example.com"},
           {"shutdown_after", false},
           {"dry_run", true}};
  json data = dry_job_data(ok("verify_backup", dry));
  EXPECT_EQ(data["server_address"], "test-db.example.com");
  EXPECT_EQ(data["terminate_db_server"], false);
  EXPECT_EQ(job_count(), jobs);
  EXPECT_EQ(backup_record(1, "xtrabackupfull")["verified"]["status"], "NotVerified");

  json node{{"cluster_id", 1}, {"backup_id", id}, {"host", "10.0.2.11"}};
  fails("verify_backup", node, "a node of cluster mariadb-repl (id 2)");
  json controller{{"cluster_id", 1}, {"backup_id", id}, {"host", "10.0.0.5"}};
  fails("verify_backup", controller, "the controller host");
  json failed{{"cluster_id", 2}, {"backup_id", backup_id(2, "mysqldump")}, {"host", "10.0.9.50"}};
  fails("verify_backup", failed, "not Completed");
  json bad_host{{"cluster_id", 1}, {"backup_id", id}, {"host", "a b;rm"}};
  fails("verify_backup", bad_host, "not a host name");
  EXPECT_EQ(job_count(), jobs);
}

// ----- delete_backup

TEST_F(BackupActions, DeleteBackupNeedsConfirmationAndNamesWhatItBreaks) {
  int64_t full = backup_id(1, "xtrabackupfull");
  int64_t incr = backup_id(1, "xtrabackupincr");
  json args{{"cluster_id", 1}, {"backup_id", full}};
  json s = structured(ok("delete_backup", args));
  EXPECT_EQ(s.value("status", ""), "confirmation_required");
  std::string effect = s.value("effect", "");
  EXPECT_NE(effect.find("Incremental backup(s) " + std::to_string(incr)), std::string::npos) << effect;
  EXPECT_NE(effect.find("newest completed backup left is backup " + std::to_string(incr)), std::string::npos)
      << effect;
  EXPECT_TRUE(backup_exists(full));

  args["confirm"] = true;
  s = structured(ok("delete_backup", args));
  EXPECT_EQ(s.value("status", ""), "done") << s.dump();
  EXPECT_EQ(s["deleted_backup_ids"], json::array({full}));
  EXPECT_FALSE(backup_exists(full));
  EXPECT_TRUE(backup_exists(incr));
}

TEST_F(BackupActions, DeleteSeveralBackupsUsesDeleteBackupList) {
  int64_t a = backup_id(2, "mariabackupfull");
  int64_t b = backup_id(2, "mysqldump");
  json dry{{"cluster_id", 2}, {"backup_ids", json::array({a, b})}, {"dry_run", true}};
  json s = structured(ok("delete_backup", dry));
  EXPECT_EQ(s["requests"][0]["path"], "/v2/backup");
  EXPECT_EQ(s["requests"][0]["operation"], "deleteBackupList");
  EXPECT_EQ(s["requests"][0]["body"]["backup_id_list"], json::array({a, b}));
  EXPECT_NE(s.value("effect", "").find("NO completed backup left"), std::string::npos) << s.dump();
  EXPECT_TRUE(backup_exists(a));

  json args{{"cluster_id", 2}, {"backup_ids", json::array({a, b})}, {"confirm", true}};
  EXPECT_EQ(structured(ok("delete_backup", args)).value("status", ""), "done");
  EXPECT_FALSE(backup_exists(a));
  EXPECT_FALSE(backup_exists(b));
}

TEST_F(BackupActions, DeleteOneBackupDryRunUsesDeleteBackupRecord) {
  int64_t id = backup_id(5, "mongodump");
  json dry{{"cluster_id", 5}, {"backup_ids", json::array({id})}, {"dry_run", true}};
  json s = structured(ok("delete_backup", dry));
  EXPECT_EQ(s["requests"][0]["operation"], "deleteBackupRecord");
  EXPECT_EQ(s["requests"][0]["body"]["backup_record"]["backup_id"], id);
  EXPECT_TRUE(backup_exists(id));
}

TEST_F(BackupActions, DeleteBackupRefusesUnknownAndForeignIdsAndDeletesNothing) {
  int64_t mine = backup_id(1, "xtrabackupfull");
  int64_t foreign = backup_id(3, "pg_basebackup");
  size_t before = backup_count();
  json a{{"cluster_id", 1}, {"backup_ids", json::array({mine, foreign})}, {"confirm", true}};
  fails("delete_backup", a, "belongs to cluster id 3");
  json b{{"cluster_id", 1}, {"backup_ids", json::array({mine, 999})}, {"confirm", true}};
  fails("delete_backup", b, "backup 999 not found");
  json none{{"cluster_id", 1}, {"confirm", true}};
  fails("delete_backup", none, "give backup_id or backup_ids");
  EXPECT_EQ(backup_count(), before);
}

// ----- purge_old_backups

TEST_F(BackupActions, PurgeOldBackupsListsWhatGoesAndDeletesIt) {
  int64_t old_full = backup_id(1, "xtrabackupfull");  // 26 h old
  int64_t recent = backup_id(1, "xtrabackupincr");    // 2 h old
  json args{{"cluster_id", 1}, {"retention_days", 1}};
  json s = structured(ok("purge_old_backups", args));
  EXPECT_EQ(s.value("status", ""), "confirmation_required");
  std::string effect = s.value("effect", "");
  EXPECT_NE(effect.find("deletes 1 backup(s)"), std::string::npos) << effect;
  EXPECT_NE(effect.find("backup " + std::to_string(old_full)), std::string::npos) << effect;
  EXPECT_TRUE(backup_exists(old_full));

  args["confirm"] = true;
  args["wait"] = true;
  args["timeout_s"] = 60;
  s = structured(ok("purge_old_backups", args));
  ASSERT_EQ(s.value("status", ""), "done") << s.dump();
  json j = job(s.value("job_id", int64_t{0}));
  EXPECT_EQ(j["job_spec"]["command"], "delete_old_backups");
  EXPECT_EQ(j["job_spec"]["job_data"]["backup_retention"], 1);
  EXPECT_FALSE(backup_exists(old_full));
  EXPECT_TRUE(backup_exists(recent));
  EXPECT_TRUE(backup_record(2, "mariabackupfull").is_object());  // other clusters untouched
}

TEST_F(BackupActions, PurgeOldBackupsDefaultsToTheClusterRetentionAndRefusesWhenNothingIsOld) {
  // backup_retention is 31 days in the fixture; the oldest backup is 44 h old.
  json args{{"cluster_id", 2}, {"confirm", true}};
  fails("purge_old_backups", args, "older than 31 day(s) (the cluster's backup_retention setting)");
  json dry{{"cluster_id", 4}, {"retention_days", 1}, {"dry_run", true}};
  json s = structured(ok("purge_old_backups", dry));
  EXPECT_EQ(dry_job_data(ok("purge_old_backups", dry))["backup_retention"], 1);
  EXPECT_NE(s.value("effect", "").find("NO completed backup left"), std::string::npos) << s.dump();
  EXPECT_TRUE(backup_record(4, "pgbackrestfull").is_object());
}

// ----- create_backup_schedule

TEST_F(BackupActions, CreateScheduleMakesARecurringBackupJob) {
  size_t before = sim_cluster(1)["schedules"].size();
  json args{{"cluster_id", 1}, {"schedule", "30 2 * * *"}, {"title", "nightly"}, {"retention_days", 7}};
  ToolResult r = ok("create_backup_schedule", args);
  json s = structured(r);
  ASSERT_EQ(s.value("status", ""), "done") << text_of(r);
  int64_t id = s.value("schedule_id", int64_t{0});
  ASSERT_GT(id, 0);
  EXPECT_EQ(s.value("recurrence", ""), "TZ=UTC 30 2 * * *");
  EXPECT_NE(text_of(r).find("every day at 02:30 (UTC)"), std::string::npos) << text_of(r);
  EXPECT_EQ(text_of(r).find("Started job"), std::string::npos) << text_of(r);

  json schedules = sim_cluster(1)["schedules"];
  ASSERT_EQ(schedules.size(), before + 1);
  json nightly;
  for (const auto& j : schedules)
    if (j.value("job_id", int64_t{0}) == id) nightly = j;
  ASSERT_TRUE(nightly.is_object()) << schedules.dump();
  EXPECT_EQ(nightly["status"], "SCHEDULED");
  EXPECT_NE(nightly["recurrence"].get<std::string>().find("30 2 * * *"), std::string::npos);
  EXPECT_EQ(nightly["title"], "nightly");
  EXPECT_EQ(nightly["job_spec"]["command"], "backup");
  EXPECT_EQ(nightly["job_spec"]["job_data"]["backup_method"], "xtrabackupfull");
  EXPECT_EQ(nightly["job_spec"]["job_data"]["backup_retention"], 7);

  // list_backup_schedules sees it.
  json listed = structured(ok("list_backup_schedules", json{{"cluster_id", 1}}));
  bool seen = false;
  for (const auto& sc : listed["schedules"])
    if (sc.value("schedule_id", int64_t{0}) == id) seen = sc.value("enabled", false);
  EXPECT_TRUE(seen) << listed.dump();
}

TEST_F(BackupActions, CreateScheduleRefusesAnIdenticalSecondOne) {
  json args{{"cluster_id", 3}, {"schedule", "0 4 * * 1-5"}, {"method", "pgdumpall"}};
  json s = structured(ok("create_backup_schedule", args));
  ASSERT_EQ(s.value("status", ""), "done");
  size_t n = sim_cluster(3)["schedules"].size();
  std::string t = fails("create_backup_schedule", args, "an identical backup schedule");
  EXPECT_NE(t.find(std::to_string(s.value("schedule_id", int64_t{0}))), std::string::npos) << t;
  EXPECT_EQ(sim_cluster(3)["schedules"].size(), n);
  // Another time is another schedule.
  json other = args;
  other["schedule"] = "0 5 * * 1-5";
  EXPECT_EQ(structured(ok("create_backup_schedule", other)).value("status", ""), "done");
  EXPECT_EQ(sim_cluster(3)["schedules"].size(), n + 1);
}

TEST_F(BackupActions, CreateScheduleTimezoneAndDescription) {
  json a{{"cluster_id", 5}, {"schedule", "TZ=Europe/Berlin 0 1 * * 0"}};
  ToolResult r = ok("create_backup_schedule", a);
  EXPECT_EQ(structured(r).value("recurrence", ""), "TZ=Europe/Berlin 0 1 * * 0");
  EXPECT_NE(text_of(r).find("on Sunday at 01:00 (Europe/Berlin)"), std::string::npos) << text_of(r);
  json b{
      {"cluster_id", 5}, {"schedule", "*/30 * * * *"}, {"timezone", "America/New_York"}, {"dry_run", true}};
  json s = structured(ok("create_backup_schedule", b));
  EXPECT_EQ(s["requests"][0]["body"]["job"]["recurrence"], "TZ=America/New_York */30 * * * *");
  json clash{{"cluster_id", 5}, {"schedule", "TZ=UTC 0 1 * * *"}, {"timezone", "Europe/Paris"}};
  fails("create_backup_schedule", clash, "give the zone once");
}

TEST_F(BackupActions, CreateScheduleDryRunShowsTheRecurringJobAndChangesNothing) {
  size_t jobs = job_count();
  json args{
      {"cluster_name", "mssql-ao"}, {"schedule", "15 3 * * *"}, {"method", "mssqlfull"}, {"dry_run", true}};
  json s = structured(ok("create_backup_schedule", args));
  EXPECT_EQ(s.value("status", ""), "dry_run");
  json job = s["requests"][0]["body"]["job"];
  EXPECT_EQ(s["requests"][0]["operation"], "createJobInstance");
  EXPECT_EQ(job["status"], "SCHEDULED");
  EXPECT_EQ(job["recurrence"], "TZ=UTC 15 3 * * *");
  EXPECT_EQ(job["job_spec"]["command"], "backup");
  EXPECT_EQ(job["job_spec"]["job_data"]["backup_method"], "mssqlfull");
  EXPECT_EQ(job["job_spec"]["job_data"]["hostname"], "auto");
  EXPECT_EQ(job_count(), jobs);
}

TEST_F(BackupActions, CreateScheduleRefusesBadCronExpressions) {
  size_t jobs = job_count();
  struct Case {
    const char* schedule;
    const char* needle;
  };
  for (const Case& c :
       {Case{"30 2 * *", "has 4 field(s)"}, Case{"0 30 2 * * *", "seconds and years"},
        Case{"61 2 * * *", "field 1 (minute): '61' is out of range 0-59"},
        Case{"0 24 * * *", "field 2 (hour): '24' is out of range 0-23"},
        Case{"0 2 0 * *", "field 3 (day of month): '0' is out of range 1-31"},
        Case{"0 2 * 13 *", "field 4 (month)"}, Case{"0 2 * * mon-xyz", "'xyz' is not a number"},
        Case{"0 2 * * 5-1", "goes backwards"}, Case{"*/0 * * * *", "the step"},
        Case{"@daily", "shortcuts are not accepted"}, Case{"0 2,,3 * * *", "empty list item"},
        Case{"", "the schedule is empty"}}) {
    json args{{"cluster_id", 1}, {"schedule", c.schedule}};
    std::string t = fails("create_backup_schedule", args, c.needle);
    EXPECT_NE(t.find("minute hour day-of-month month day-of-week"), std::string::npos) << t;
  }
  // Names and lists are fine.
  json ok_args{{"cluster_id", 1}, {"schedule", "0 1,13 * jan-jun mon-fri"}, {"dry_run", true}};
  EXPECT_EQ(structured(ok("create_backup_schedule", ok_args)).value("status", ""), "dry_run");
  EXPECT_EQ(job_count(), jobs);
}

TEST_F(BackupActions, CreateScheduleChecksTheMethodToo) {
  json args{{"cluster_id", 2}, {"schedule", "0 1 * * *"}, {"method", "xtrabackupfull"}};
  fails("create_backup_schedule", args, "is for MySQL / Percona (not MariaDB)");
}

// ----- set_backup_schedule_enabled

TEST_F(BackupActions, PauseAndResumeASchedule) {
  json sched = schedule_of(1);
  ASSERT_TRUE(sched.is_object());
  int64_t id = sched["job_id"];
  ASSERT_EQ(sched["status"], "SCHEDULED");

  json pause{{"cluster_id", 1}, {"schedule_id", id}, {"enabled", false}};
  json s = structured(ok("set_backup_schedule_enabled", pause));
  EXPECT_EQ(s.value("status", ""), "done");
  EXPECT_EQ(s.value("enabled", true), false);
  EXPECT_EQ(s.value("changed", false), true);
  EXPECT_EQ(job(id)["status"], "PAUSED");

  json resume{{"cluster_id", 1}, {"schedule_id", id}, {"enabled", true}};
  s = structured(ok("set_backup_schedule_enabled", resume));
  EXPECT_EQ(s.value("enabled", false), true);
  EXPECT_EQ(job(id)["status"], "SCHEDULED");
}

TEST_F(BackupActions, PausingAPausedScheduleIsANoOpAndDryRunSendsNothing) {
  json sched = schedule_of(2);  // "Hourly dump", PAUSED in the fixture
  int64_t id = sched["job_id"];
  ASSERT_EQ(sched["status"], "PAUSED");
  json pause{{"cluster_id", 2}, {"schedule_id", id}, {"enabled", false}};
  json s = structured(ok("set_backup_schedule_enabled", pause));
  EXPECT_EQ(s.value("changed", true), false);
  EXPECT_EQ(job(id)["status"], "PAUSED");

  json dry{{"cluster_id", 2}, {"schedule_id", id}, {"enabled", true}, {"dry_run", true}};
  s = structured(ok("set_backup_schedule_enabled", dry));
  EXPECT_EQ(s.value("status", ""), "dry_run");
  EXPECT_EQ(s["requests"][0]["operation"], "updateJobInstance");
  EXPECT_EQ(s["requests"][0]["body"]["job"]["job_id"], id);
  EXPECT_EQ(s["requests"][0]["body"]["job"]["status"], "SCHEDULED");
  EXPECT_EQ(job(id)["status"], "PAUSED");
}

TEST_F(BackupActions, ScheduleIdMustBeARecurringBackupJobOfThatCluster) {
  int64_t sched1 = schedule_of(1)["job_id"];
  json foreign{{"cluster_id", 3}, {"schedule_id", sched1}, {"enabled", false}};
  fails("set_backup_schedule_enabled", foreign, "belongs to cluster id 1");
  int64_t one_off = 0;
  json jobs = sim_cluster(1)["jobs"];
  for (const auto& j : jobs)
    if (!j.contains("recurrence")) one_off = j["job_id"];
  ASSERT_GT(one_off, 0);
  json not_sched{{"cluster_id", 1}, {"schedule_id", one_off}, {"enabled", false}};
  fails("set_backup_schedule_enabled", not_sched, "is a one-off job, not a recurring backup schedule");
  json unknown{{"cluster_id", 1}, {"schedule_id", 99999}, {"enabled", false}};
  fails("set_backup_schedule_enabled", unknown, "backup schedule 99999 not found");
  json del{{"cluster_id", 1}, {"schedule_id", one_off}, {"confirm", true}};
  fails("delete_backup_schedule", del, "not a recurring backup schedule");
  EXPECT_TRUE(job(one_off).is_object());
  EXPECT_EQ(job(sched1)["status"], "SCHEDULED");
}

// ----- delete_backup_schedule

TEST_F(BackupActions, DeleteScheduleNeedsConfirmationThenRemovesIt) {
  int64_t id = schedule_of(1)["job_id"];
  json args{{"cluster_id", 1}, {"schedule_id", id}};
  json s = structured(ok("delete_backup_schedule", args));
  EXPECT_EQ(s.value("status", ""), "confirmation_required");
  std::string effect = s.value("effect", "");
  EXPECT_NE(effect.find("Nightly full"), std::string::npos) << effect;
  EXPECT_NE(effect.find("NO enabled backup schedule"), std::string::npos) << effect;
  EXPECT_TRUE(job(id).is_object());

  json dry = args;
  dry["dry_run"] = true;
  s = structured(ok("delete_backup_schedule", dry));
  EXPECT_EQ(s["requests"][0]["operation"], "deleteJobInstance");
  EXPECT_EQ(s["requests"][0]["body"]["job_id"], id);
  EXPECT_TRUE(job(id).is_object());

  args["confirm"] = true;
  s = structured(ok("delete_backup_schedule", args));
  EXPECT_EQ(s.value("status", ""), "done") << s.dump();
  EXPECT_TRUE(job(id).is_null());
  EXPECT_TRUE(sim_cluster(1)["schedules"].empty());
  EXPECT_TRUE(backup_record(1, "xtrabackupfull").is_object());  // its backups stay
}

TEST_F(BackupActions, DeleteScheduleSaysWhenAnotherEnabledOneRemains) {
  json add{{"cluster_id", 1}, {"schedule", "0 13 * * *"}, {"method", "mysqldump"}};
  ASSERT_EQ(structured(ok("create_backup_schedule", add)).value("status", ""), "done");
  int64_t id = schedule_of(1)["job_id"];
  json args{{"cluster_id", 1}, {"schedule_id", id}};
  std::string effect = structured(ok("delete_backup_schedule", args)).value("effect", "");
  EXPECT_NE(effect.find("keeps 1 other enabled backup schedule(s)"), std::string::npos) << effect;
}

}  // namespace
}  // namespace cmon_mcp::tools::test_support
