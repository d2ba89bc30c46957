// The JSON Schema subset used to validate tool arguments.
#include <gtest/gtest.h>

#include "cmon_mcp/util/json_schema.hpp"

using cmon_mcp::util::describe_violations;
using cmon_mcp::util::validate_schema;
using nlohmann::json;

namespace {
std::string check(const char* schema, const char* instance) {
  return describe_violations(validate_schema(json::parse(schema), json::parse(instance)));
}
}  // namespace

TEST(Schema, Types) {
  EXPECT_EQ(check(R"({"type":"integer"})", "3"), "");
  EXPECT_EQ(check(R"({"type":"integer"})", "3.0"), "");
  EXPECT_EQ(check(R"({"type":"integer"})", "3.5"), "expected integer, got number 3.5");
  EXPECT_EQ(check(R"({"type":"number"})", "3"), "");
  EXPECT_EQ(check(R"({"type":["string","null"]})", "null"), "");
  EXPECT_EQ(check(R"({"type":["string","null"]})", "1"), "expected string or null, got integer 1");
  EXPECT_EQ(check(R"({"type":"boolean"})", R"("true")"), "expected boolean, got string \"true\"");
}

TEST(Schema, ObjectsRequiredAndAdditional) {
  const char* s = R"({"type":"object","properties":{"cluster_id":{"type":"integer","minimum":1},
      "node":{"type":"string","pattern":"^[^:]+(:[0-9]+)?$"}},"required":["cluster_id"],"additionalProperties":false})";
  EXPECT_EQ(check(s, R"({"cluster_id":3,"node":"10.0.0.1:3306"})"), "");
  EXPECT_EQ(check(s, R"({})"), "cluster_id: is required");
  EXPECT_EQ(check(s, R"({"cluster_id":0})"), "cluster_id: must be >= 1; got 0");
  EXPECT_EQ(check(s, R"({"cluster_id":1,"node":"a:b:c"})"), "node: must match the pattern ^[^:]+(:[0-9]+)?$");
  EXPECT_EQ(check(s, R"({"cluster_id":1,"nod":"x"})"),
            "nod: is not a known argument; known: cluster_id, node");
}

TEST(Schema, EnumsConstArraysAndCombinators) {
  EXPECT_EQ(check(R"({"enum":["a","b"]})", R"("c")"), "must be one of \"a\", \"b\"; got \"c\"");
  EXPECT_EQ(check(R"({"const":5})", "6"), "must be 5");
  const char* arr =
      R"({"type":"array","items":{"type":"integer"},"minItems":1,"maxItems":2,"uniqueItems":true})";
  EXPECT_EQ(check(arr, "[1]"), "");
  EXPECT_EQ(check(arr, "[]"), "needs at least 1 items");
  EXPECT_EQ(check(arr, "[1,2,3]"), "allows at most 2 items");
  EXPECT_EQ(check(arr, "[1,1]"), "items must be unique; 1 repeats");
  EXPECT_EQ(check(arr, R"([1,"x"])"), "[1]: expected integer, got string \"x\"");
  EXPECT_EQ(check(R"({"anyOf":[{"type":"integer"},{"type":"string"}]})", "true"),
            "does not match any of the allowed forms");
  EXPECT_EQ(check(R"({"oneOf":[{"type":"integer"},{"type":"number"}]})", "1"),
            "matches more than one allowed form");
  EXPECT_EQ(check(R"({"not":{"type":"null"}})", "null"), "is not allowed here");
}

TEST(Schema, StringLengthsCountCharactersNotBytes) {
  EXPECT_EQ(check(R"({"type":"string","maxLength":2})", R"("éé")"), "");
  EXPECT_EQ(check(R"({"type":"string","minLength":3})", R"("éé")"), "must be at least 3 characters long");
}

TEST(Schema, LocalRefsIntoDefs) {
  const char* s = R"({"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
      "properties":{"address":{"$ref":"#/$defs/address"}},"$defs":{"address":{"type":"object",
      "properties":{"zip":{"type":"string"}},"required":["zip"]}}})";
  EXPECT_EQ(check(s, R"({"address":{"zip":"123"}})"), "");
  EXPECT_EQ(check(s, R"({"address":{}})"), "address.zip: is required");
}

TEST(Schema, HostileInstancesDoNotHurt) {
  std::string deep = "1";
  for (int i = 0; i < 200; ++i) deep = "[" + deep + "]";
  const char* nested = R"({"type":"array","items":{"$ref":"#"}})";
  EXPECT_NE(
      describe_violations(validate_schema(json::parse(nested), json::parse(deep))).find("nested too deeply"),
      std::string::npos);
  std::string huge = "\"" + std::string(100000, 'a') + "\"";
  EXPECT_NE(check(R"({"type":"string","pattern":"^(a+)+$"})", huge.c_str()).find("too long"),
            std::string::npos);
}

TEST(Schema, IntegersBeyondInt64AreNotIntegers) {
  json schema = json::parse(R"({"type":"object","properties":{"n":{"type":"integer"}}})");
  EXPECT_TRUE(validate_schema(schema, json::parse(R"({"n": 9223372036854775807})")).empty());
  EXPECT_TRUE(validate_schema(schema, json::parse(R"({"n": -9223372036854775808})")).empty());
  EXPECT_TRUE(validate_schema(schema, json::parse(R"({"n": 3.0})")).empty());
  EXPECT_FALSE(validate_schema(schema, json::parse(R"({"n": 9223372036854775808})")).empty());
  EXPECT_FALSE(validate_schema(schema, json::parse(R"({"n": 18446744073709551615})")).empty());
  EXPECT_FALSE(validate_schema(schema, json::parse(R"({"n": 123456789012345678901234567890})")).empty());
  EXPECT_FALSE(validate_schema(schema, json::parse(R"({"n": -1e19})")).empty());
}

TEST(Schema, NestedPathsNameTheOffendingValue) {
  const char* s = R"({"type":"object","properties":{"a":{"type":"array","items":{"type":"object",
    "properties":{"b":{"type":"integer"}},"required":["c"]}}}})";
  EXPECT_EQ(check(s, R"({"a":[{"b":1,"c":0},{"b":"x","c":0}]})"),
            "a[1].b: expected integer, got string \"x\"");
  EXPECT_EQ(check(s, R"({"a":[{"b":1}]})"), "a[0].c: is required");
  EXPECT_EQ(
      check(R"({"type":"array","items":{"type":"array","items":{"type":"null"}}})", "[[null],[null,1]]"),
      "[1][1]: expected null, got integer 1");
}
