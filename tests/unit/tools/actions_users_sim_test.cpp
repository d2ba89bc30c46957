// The ClusterControl user tools (catalogue B.7, state-changing side) against the simulator: each tool's
// effect in the simulator's model (state()["users"], ["groups"]) and, for passwords, by logging in with
// them; dry runs (secrets "***", nothing changed); the main refusals; confirmation of delete_cmon_user.
#include <boost/asio/use_future.hpp>

#include "sim_fixture.hpp"

namespace cmon_mcp::tools::test_support {
namespace {

const std::string kRsaPem =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC/EdckXzuTCG6Z3VRFyAu8ezen\n"
    "5M6HzAZRhLXNGqLd9xMpgE2swdLMOSoQBReZg5bcsMYhqz1ZQbvXgdv9poTKQzGI\n"
    "pqUYRdamQ8yTAlT/ppZpwt90QLwdM2aoDhs4uW36X0UPQO52Mp9dtjdp2HHAj8bK\n"
    "FvTBUEAkTiXJWsD3PwIDAQAB\n"
    "-----END PUBLIC KEY-----\n";
const std::string kEd25519 =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILTsNxAIHCxepwCnynhHY0U/mUSB4+ZAgu314x/6GWSM alice@laptop";

class UserActions : public SimActionTest {
 protected:
  // The simulator's user `name`, null when absent.
  // (The model is bound to a local first: iterating `state()["users"]` would read a destroyed temporary.)
  json sim_user(const std::string& name) {
    const json st = state();
    for (const auto& u : st["users"])
      if (u.value("user_name", "") == name) return u;
    return nullptr;
  }
  std::vector<std::string> sim_groups_of(const std::string& name) {
    std::vector<std::string> out;
    json u = sim_user(name);
    if (u.is_object())
      for (const auto& g : u["groups"]) out.push_back(g.value("group_name", ""));
    return out;
  }
  // Whether `user` can log in to the simulator with `password` (a fresh client, whoAmI).
  bool can_login(const std::string& user, const std::string& password) {
    cmon::CmonClientOptions o;
    o.endpoints = {sim_->endpoint()};
    o.username = user;
    o.password = password;
    o.tls_fingerprint = sim_->fingerprint();
    o.connect_timeout = std::chrono::seconds(5);
    o.default_timeout = std::chrono::seconds(10);
    cmon::CmonClient other(io.get_executor(), o);
    auto fut = asio::co_spawn(io, other.call("/v2/users", "whoAmI", json::object()), asio::use_future);
    io.restart();
    io.run();
    auto r = fut.get();
    return r && get_string(get_object(*r, "user"), "user_name") == user;
  }
};

// ----------------------------------------------------------------------------- create_cmon_user

TEST_F(UserActions, CreateUserAddsItWithGroupsAndAGeneratedPassword) {
  ASSERT_TRUE(sim_user("alice").is_null());
  auto r = ok("create_cmon_user", {{"user_name", "alice"},
                                   {"groups", {"dba", "users"}},
                                   {"email", "alice@example.com"},
                                   {"first_name", "Alice"},
                                   {"last_name", "Smith"},
                                   {"title", "DBA"}});
  json s = structured(r);
  EXPECT_EQ(s["status"], "done");
  json u = sim_user("alice");
  ASSERT_TRUE(u.is_object()) << state()["users"].dump();
  EXPECT_EQ(u["email_address"], "alice@example.com");
  EXPECT_EQ(u["first_name"], "Alice");
  EXPECT_EQ(u["last_name"], "Smith");
  EXPECT_EQ(u["title"], "DBA");
  EXPECT_EQ(sim_groups_of("alice"), (std::vector<std::string>{"dba", "users"}));
  EXPECT_EQ(s["user"]["user_name"], "alice");
  EXPECT_EQ(s["user"]["user_id"], u["user_id"]);
  // The generated password is returned once (structured and text) and really is the password.
  ASSERT_TRUE(s["generated"].contains("password")) << s.dump();
  std::string pw = s["generated"]["password"];
  EXPECT_EQ(pw.size(), 24u);
  EXPECT_NE(text_of(r).find(pw), std::string::npos);
  EXPECT_TRUE(can_login("alice", pw));
  EXPECT_FALSE(can_login("alice", "wrong-password"));
}

TEST_F(UserActions, CreateUserWithGivenPasswordAndPemKey) {
  auto r =
      ok("create_cmon_user", {{"user_name", "bob"}, {"password", "Bob-pass-123"}, {"public_key", kRsaPem}});
  json s = structured(r);
  EXPECT_FALSE(s.contains("generated")) << s.dump();
  EXPECT_EQ(text_of(r).find("Bob-pass-123"), std::string::npos) << "a given password is never echoed";
  json u = sim_user("bob");
  ASSERT_TRUE(u.is_object());
  ASSERT_EQ(u["public_keys"].size(), 1u);
  EXPECT_EQ(u["public_keys"][0]["key"], kRsaPem.substr(0, kRsaPem.size() - 1));  // trimmed
  EXPECT_EQ(u["public_keys"][0]["name"], "bob");
  EXPECT_EQ(sim_groups_of("bob"), (std::vector<std::string>{"users"}));  // CMON's default group
  EXPECT_TRUE(can_login("bob", "Bob-pass-123"));
}

TEST_F(UserActions, CreateUserAcceptsAnOpenSshKeyAndResolvesGroupCase) {
  ok("create_cmon_user", {{"user_name", "carol"},
                          {"groups", {"ADMINS"}},
                          {"public_key", kEd25519},
                          {"public_key_name", "laptop"}});
  json u = sim_user("carol");
  ASSERT_TRUE(u.is_object());
  EXPECT_EQ(u["public_keys"][0]["key"], kEd25519);
  EXPECT_EQ(u["public_keys"][0]["name"], "laptop");
  EXPECT_EQ(sim_groups_of("carol"), (std::vector<std::string>{"admins"}));
}

TEST_F(UserActions, CreateUserDryRunRedactsThePasswordAndChangesNothing) {
  const size_t before = state()["users"].size();
  auto r =
      ok("create_cmon_user",
         {{"user_name", "dave"}, {"groups", {"users"}}, {"password", "Dave-secret-9"}, {"dry_run", true}});
  json s = structured(r);
  EXPECT_EQ(s["status"], "dry_run");
  ASSERT_EQ(s["requests"].size(), 1u);
  const json& req = s["requests"][0];
  EXPECT_EQ(req["path"], "/v2/users");
  EXPECT_EQ(req["operation"], "createUser");
  EXPECT_EQ(req["body"]["new_password"], "***");
  EXPECT_EQ(req["body"]["user"]["user_name"], "dave");
  EXPECT_EQ(req["body"]["user"]["groups"][0]["group_name"], "users");
  EXPECT_EQ(text_of(r).find("Dave-secret-9"), std::string::npos);
  EXPECT_EQ(s.dump().find("Dave-secret-9"), std::string::npos);
  EXPECT_TRUE(sim_user("dave").is_null());
  EXPECT_EQ(state()["users"].size(), before);

  // Without a password: the generated one is not revealed by a dry run either.
  auto g = ok("create_cmon_user", {{"user_name", "dave"}, {"dry_run", true}});
  EXPECT_EQ(structured(g)["requests"][0]["body"]["new_password"], "***");
  EXPECT_FALSE(structured(g).contains("generated"));
  EXPECT_TRUE(sim_user("dave").is_null());
}

TEST_F(UserActions, CreateUserRefusals) {
  const size_t before = state()["users"].size();
  fails("create_cmon_user", {{"user_name", "dba"}}, "already exists");
  std::string t = fails("create_cmon_user", {{"user_name", "erin"}, {"groups", {"users", "dbas"}}},
                        "group 'dbas' does not exist");
  EXPECT_NE(t.find("'admins', 'users', 'nobody', 'dba'"), std::string::npos) << t;
  fails("create_cmon_user", {{"user_name", "erin"}, {"public_key", "hello world"}},
        "does not look like a public key");
  fails("create_cmon_user",
        {{"user_name", "erin"},
         {"public_key",
          "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH "
          "PRIVATE KEY-----"}},
        "PRIVATE key");
  // An ssh-rsa label on an ed25519 blob.
  std::string mislabelled = kEd25519;
  mislabelled.replace(0, 11, "ssh-rsa");
  fails("create_cmon_user", {{"user_name", "erin"}, {"public_key", mislabelled}}, "does not match its type");
  std::string broken_pem = kRsaPem;
  broken_pem.replace(broken_pem.find("-----END"), 8, "-----FIN");
  fails("create_cmon_user", {{"user_name", "erin"}, {"public_key", broken_pem}}, "END PUBLIC KEY");
  fails("create_cmon_user", {{"user_name", "erin"}, {"email", "erin.example.com"}}, "not an e-mail address");
  EXPECT_EQ(state()["users"].size(), before);
  EXPECT_TRUE(sim_user("erin").is_null());
}

// ----------------------------------------------------------------------------- update_cmon_user

TEST_F(UserActions, UpdateUserChangesOnlyTheGivenFields) {
  auto r =
      ok("update_cmon_user", {{"user_name", "dba"}, {"email", "dana@corp.example"}, {"title", "Lead DBA"}});
  json u = sim_user("dba");
  EXPECT_EQ(u["email_address"], "dana@corp.example");
  EXPECT_EQ(u["title"], "Lead DBA");
  EXPECT_EQ(u["first_name"], "Dana");
  EXPECT_EQ(u["last_name"], "Admin");
  json s = structured(r);
  EXPECT_EQ(s["user"]["email"], "dana@corp.example");
  EXPECT_NE(text_of(r).find("email_address 'dba@example.com' -> 'dana@corp.example'"), std::string::npos)
      << text_of(r);
}

TEST_F(UserActions, UpdateUserDryRunAndRefusals) {
  auto r = ok("update_cmon_user", {{"user_name", "dba"}, {"last_name", "Jones"}, {"dry_run", true}});
  json s = structured(r);
  EXPECT_EQ(s["status"], "dry_run");
  EXPECT_EQ(s["requests"][0]["operation"], "setUser");
  EXPECT_EQ(s["requests"][0]["body"]["user"],
            (json{{"class_name", "CmonUser"}, {"user_name", "dba"}, {"last_name", "Jones"}}));
  EXPECT_EQ(sim_user("dba")["last_name"], "Admin");

  std::string t =
      fails("update_cmon_user", {{"user_name", "dbaa"}, {"title", "x"}}, "no ClusterControl user");
  EXPECT_NE(t.find("did you mean 'dba'"), std::string::npos) << t;
  fails("update_cmon_user", {{"user_name", "dba"}}, "give at least one of");
  fails("update_cmon_user", {{"user_name", "dba"}, {"first_name", "Dana"}}, "already has these values");
  fails("update_cmon_user", {{"user_name", "dba"}, {"email", "not-an-address"}}, "not an e-mail address");
  EXPECT_EQ(sim_user("dba")["first_name"], "Dana");
}

// ----------------------------------------------------------------------------- set_cmon_user_enabled

TEST_F(UserActions, DisableAndEnableAUser) {
  ASSERT_TRUE(can_login("dba", "dba"));
  auto r = ok("set_cmon_user_enabled", {{"user_name", "dba"}, {"enabled", false}});
  EXPECT_EQ(sim_user("dba")["disabled"], true);
  EXPECT_EQ(structured(r)["user"]["disabled"], true);
  EXPECT_FALSE(can_login("dba", "dba"));
  ok("set_cmon_user_enabled", {{"user_name", "dba"}, {"enabled", true}});
  EXPECT_EQ(sim_user("dba")["disabled"], false);
  EXPECT_TRUE(can_login("dba", "dba"));
}

TEST_F(UserActions, SetEnabledDryRunAndRefusals) {
  auto r = ok("set_cmon_user_enabled", {{"user_name", "dba"}, {"enabled", false}, {"dry_run", true}});
  json s = structured(r);
  EXPECT_EQ(s["status"], "dry_run");
  EXPECT_EQ(s["requests"][0]["operation"], "disable");
  EXPECT_EQ(s["requests"][0]["body"]["user"]["user_name"], "dba");
  EXPECT_NE(s["effect"].get<std::string>().find("can no longer log in"), std::string::npos);
  EXPECT_EQ(sim_user("dba")["disabled"], false);

  // The server's own user (the fixture logs in as admin).
  std::string t = fails("set_cmon_user_enabled", {{"user_name", "admin"}, {"enabled", false}}, "refused");
  EXPECT_NE(t.find("logged in as"), std::string::npos) << t;
  EXPECT_EQ(sim_user("admin")["disabled"], false);
  fails("set_cmon_user_enabled", {{"user_name", "dba"}, {"enabled", true}}, "already enabled");
  fails("set_cmon_user_enabled", {{"user_name", "nobody"}, {"enabled", false}}, "already disabled");
  fails("set_cmon_user_enabled", {{"user_name", "viewr"}, {"enabled", false}}, "did you mean 'viewer'");
}

// ----------------------------------------------------------------------------- set_cmon_user_groups

TEST_F(UserActions, AddAndRemoveGroups) {
  auto r = ok("set_cmon_user_groups", {{"user_name", "dba"}, {"add", {"admins"}}, {"remove", {"users"}}});
  EXPECT_EQ(sim_groups_of("dba"), (std::vector<std::string>{"dba", "admins"}));
  EXPECT_EQ(structured(r)["user"]["groups"], (json{"dba", "admins"}));
  // Moving a user out of their only group in one call: the addition goes first.
  ok("set_cmon_user_groups", {{"user_name", "viewer"}, {"add", {"dba"}}, {"remove", {"users"}}});
  EXPECT_EQ(sim_groups_of("viewer"), (std::vector<std::string>{"dba"}));
}

TEST_F(UserActions, ReplacePrimaryGroup) {
  ok("set_cmon_user_groups", {{"user_name", "dba"}, {"add", {"admins"}}, {"replace_primary_group", true}});
  EXPECT_EQ(sim_groups_of("dba"), (std::vector<std::string>{"admins", "users"}));
}

TEST_F(UserActions, SetGroupsDryRunSkipsAndRefusals) {
  auto r = ok("set_cmon_user_groups",
              {{"user_name", "dba"}, {"add", {"admins", "dba"}}, {"remove", {"users"}}, {"dry_run", true}});
  json s = structured(r);
  ASSERT_EQ(s["requests"].size(), 2u) << s.dump();  // 'dba' skipped: already a member
  EXPECT_EQ(s["requests"][0]["operation"], "addToGroup");
  EXPECT_EQ(s["requests"][0]["body"]["group_name"], "admins");
  EXPECT_EQ(s["requests"][1]["operation"], "removeFromGroup");
  EXPECT_EQ(s["requests"][1]["body"]["group_name"], "users");
  EXPECT_NE(s["summary"].get<std::string>().find("already in 'dba'"), std::string::npos);
  EXPECT_EQ(sim_groups_of("dba"), (std::vector<std::string>{"dba", "users"}));

  std::string t =
      fails("set_cmon_user_groups", {{"user_name", "dba"}, {"add", {"ops"}}}, "group 'ops' does not exist");
  EXPECT_NE(t.find("valid groups: 'admins'"), std::string::npos) << t;
  fails("set_cmon_user_groups", {{"user_name", "dba"}, {"remove", {"dba", "users"}}}, "without any group");
  fails("set_cmon_user_groups", {{"user_name", "dba"}, {"add", {"admins"}}, {"remove", {"admins"}}},
        "in both add and remove");
  fails("set_cmon_user_groups", {{"user_name", "dba"}, {"add", {"users"}}}, "nothing to change");
  fails("set_cmon_user_groups", {{"user_name", "dba"}}, "give add and/or remove");
  fails("set_cmon_user_groups",
        {{"user_name", "dba"}, {"add", {"admins", "nobody"}}, {"replace_primary_group", true}},
        "exactly one group");
  EXPECT_EQ(sim_groups_of("dba"), (std::vector<std::string>{"dba", "users"}));
}

// ----------------------------------------------------------------------------- change_cmon_password

TEST_F(UserActions, ChangePasswordToAGivenOne) {
  auto r = ok("change_cmon_password", {{"user_name", "dba"}, {"new_password", "Fresh-pass-42"}});
  EXPECT_EQ(text_of(r).find("Fresh-pass-42"), std::string::npos);
  EXPECT_FALSE(structured(r).contains("generated"));
  EXPECT_TRUE(can_login("dba", "Fresh-pass-42"));
  EXPECT_FALSE(can_login("dba", "dba"));
}

TEST_F(UserActions, ChangePasswordGeneratesOneWhenAbsent) {
  auto r = ok("change_cmon_password", {{"user_name", "viewer"}});
  json s = structured(r);
  ASSERT_TRUE(s["generated"].contains("new_password")) << s.dump();
  std::string pw = s["generated"]["new_password"];
  EXPECT_EQ(pw.size(), 24u);
  EXPECT_NE(text_of(r).find(pw), std::string::npos);
  EXPECT_TRUE(can_login("viewer", pw));
  EXPECT_FALSE(can_login("viewer", "viewer"));
}

TEST_F(UserActions, ChangePasswordDryRunRedactsBothPasswords) {
  auto r = ok(
      "change_cmon_password",
      {{"user_name", "dba"}, {"new_password", "Fresh-pass-42"}, {"old_password", "dba"}, {"dry_run", true}});
  json s = structured(r);
  EXPECT_EQ(s["status"], "dry_run");
  const json& body = s["requests"][0]["body"];
  EXPECT_EQ(s["requests"][0]["operation"], "changePassword");
  EXPECT_EQ(body["user"]["user_name"], "dba");
  EXPECT_EQ(body["new_password"], "***");
  EXPECT_EQ(body["old_password"], "***");
  EXPECT_EQ(text_of(r).find("Fresh-pass-42"), std::string::npos);
  EXPECT_TRUE(can_login("dba", "dba"));
  EXPECT_FALSE(can_login("dba", "Fresh-pass-42"));
}

TEST_F(UserActions, ChangePasswordOfTheServersOwnUserWarnsAndUnknownUserFails) {
  fails("change_cmon_password", {{"user_name", "dbq"}, {"new_password", "x-123456"}}, "did you mean 'dba'");
  auto r = ok("change_cmon_password", {{"user_name", "admin"}, {"new_password", "Admin-new-77"}});
  EXPECT_NE(text_of(r).find("CMON_PASSWORD"), std::string::npos) << text_of(r);
  EXPECT_TRUE(can_login("admin", "Admin-new-77"));
}

// ----------------------------------------------------------------------------- delete_cmon_user

TEST_F(UserActions, DeleteUserNeedsConfirmation) {
  auto r = ok("delete_cmon_user", {{"user_name", "dba"}});
  json s = structured(r);
  EXPECT_EQ(s["status"], "confirmation_required");
  std::string effect = s["effect"];
  EXPECT_NE(effect.find("'dba'"), std::string::npos) << effect;
  EXPECT_NE(effect.find("cannot be undone"), std::string::npos) << effect;
  EXPECT_TRUE(sim_user("dba").is_object());

  auto done = ok("delete_cmon_user", {{"user_name", "dba"}, {"confirm", true}});
  EXPECT_EQ(structured(done)["status"], "done");
  EXPECT_EQ(structured(done)["deleted_user"], "dba");
  EXPECT_TRUE(sim_user("dba").is_null());
  EXPECT_FALSE(can_login("dba", "dba"));
}

TEST_F(UserActions, DeleteUserDryRunAndRefusals) {
  auto r = ok("delete_cmon_user", {{"user_name", "viewer"}, {"dry_run", true}});
  json s = structured(r);
  EXPECT_EQ(s["status"], "dry_run");
  EXPECT_EQ(s["requests"][0]["operation"], "deleteUser");
  EXPECT_EQ(s["requests"][0]["body"]["user"]["user_name"], "viewer");
  EXPECT_TRUE(sim_user("viewer").is_object());

  std::string t = fails("delete_cmon_user", {{"user_name", "admin"}, {"confirm", true}}, "refused");
  EXPECT_NE(t.find("logged in as"), std::string::npos) << t;
  fails("delete_cmon_user", {{"user_name", "system"}, {"confirm", true}}, "built-in system user");
  fails("delete_cmon_user", {{"user_name", "DBA"}, {"confirm", true}}, "exactly");
  fails("delete_cmon_user", {{"user_name", "zed"}, {"confirm", true}}, "no ClusterControl user named 'zed'");
  EXPECT_TRUE(sim_user("admin").is_object());
  EXPECT_TRUE(sim_user("system").is_object());
  EXPECT_TRUE(sim_user("dba").is_object());
}

}  // namespace
}  // namespace cmon_mcp::tools::test_support
