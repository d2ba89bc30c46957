// redact_secrets: writeOnly values and credential-like names become "***", nested objects and arrays
// included; everything else is kept as it was.
#include <gtest/gtest.h>

#include "cmon_mcp/tools/redact.hpp"

namespace cmon_mcp::tools {
namespace {

using nlohmann::json;

json schema() {
  return json::parse(R"({
    "type": "object",
    "properties": {
      "cluster_id": {"type": "integer"},
      "admin_pass": {"type": "string", "writeOnly": true},
      "user": {"type": "object", "properties": {
        "name": {"type": "string"},
        "secret_word": {"type": "string", "writeOnly": true}}},
      "hosts": {"type": "array", "items": {"type": "object", "properties": {
        "hostname": {"type": "string"}, "ssh_pw": {"type": "string", "writeOnly": true}}}},
      "keys": {"type": "array", "items": {"type": "string", "writeOnly": true}},
      "settings": {"type": "object", "additionalProperties": {"type": "string", "writeOnly": true}},
      "note": {"type": "string"}
    }})");
}

TEST(RedactSecrets, WriteOnlyValuesAtEveryDepth) {
  json args = json::parse(R"({
    "cluster_id": 3, "admin_pass": "s3cr3t!",
    "user": {"name": "bob", "secret_word": "hunter2"},
    "hosts": [{"hostname": "db1", "ssh_pw": "pw1"}, {"hostname": "db2", "ssh_pw": "pw2"}],
    "keys": ["k1", "k2"],
    "settings": {"a": "x", "b": "y"},
    "note": "keep me"})");
  json r = redact_secrets(schema(), args);
  EXPECT_EQ(r["cluster_id"], 3);
  EXPECT_EQ(r["admin_pass"], "***");
  EXPECT_EQ(r["user"]["name"], "bob");
  EXPECT_EQ(r["user"]["secret_word"], "***");
  EXPECT_EQ(r["hosts"][0]["hostname"], "db1");
  EXPECT_EQ(r["hosts"][0]["ssh_pw"], "***");
  EXPECT_EQ(r["hosts"][1]["ssh_pw"], "***");
  EXPECT_EQ(r["keys"], json::array({"***"}));
  EXPECT_EQ(r["settings"]["a"], "***");
  EXPECT_EQ(r["note"], "keep me");
  std::string dumped = r.dump();
  for (const char* secret : {"s3cr3t!", "hunter2", "pw1", "pw2", "k1", "\"x\""})
    EXPECT_EQ(dumped.find(secret), std::string::npos) << secret;
  // The input is untouched.
  EXPECT_EQ(args["admin_pass"], "s3cr3t!");
}

TEST(RedactSecrets, CredentialNamesWithoutSchema) {
  json args{{"password", "a"},    {"db_Password", "b"},   {"api-key", "c"},
            {"private_key", "d"}, {"token", "e"},         {"pwd", "f"},
            {"hostname", "h"},    {"ssh_key_path", "/p"}, {"nested", {{"root_passwd", "g"}, {"port", 3306}}}};
  json r = redact_secrets(json::object(), args);
  for (const char* k : {"password", "db_Password", "api-key", "private_key", "token", "pwd"})
    EXPECT_EQ(r[k], "***") << k;
  EXPECT_EQ(r["hostname"], "h");
  EXPECT_EQ(r["ssh_key_path"], "/p");
  EXPECT_EQ(r["nested"]["root_passwd"], "***");
  EXPECT_EQ(r["nested"]["port"], 3306);
}

TEST(RedactSecrets, OddInputIsHandled) {
  EXPECT_EQ(redact_secrets(json(), json(5)), json(5));
  EXPECT_EQ(redact_secrets(json::array(), json::object()), json::object());
  EXPECT_EQ(redact_secrets(json{{"writeOnly", true}}, json("x")), json("***"));
  EXPECT_EQ(redact_secrets(json{{"properties", 7}}, json{{"a", 1}}), (json{{"a", 1}}));
  // Deep nesting stays bounded.
  json deep = json::object();
  json* cur = &deep;
  for (int i = 0; i < 200; ++i) cur = &((*cur)["n"] = json::object());
  json r = redact_secrets(json::object(), deep);
  EXPECT_TRUE(r.is_object());
}

TEST(RedactSecrets, SecretNames) {
  EXPECT_TRUE(secret_name("PASSWORD"));
  EXPECT_TRUE(secret_name("client_secret"));
  EXPECT_TRUE(secret_name("passphrase"));
  EXPECT_FALSE(secret_name("cluster_name"));
  EXPECT_FALSE(secret_name("passive"));
  EXPECT_FALSE(secret_name("key"));
}

}  // namespace
}  // namespace cmon_mcp::tools
