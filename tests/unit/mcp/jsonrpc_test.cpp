// JSON-RPC framing and version negotiation.
#include <gtest/gtest.h>

#include "cmon_mcp/mcp/jsonrpc.hpp"
#include "cmon_mcp/mcp/protocol.hpp"

using namespace cmon_mcp::mcp;

TEST(Classify, KindsOfMessages) {
  EXPECT_EQ(classify(json::parse(R"({"jsonrpc":"2.0","id":1,"method":"ping"})")), MessageKind::request);
  EXPECT_EQ(classify(json::parse(R"({"jsonrpc":"2.0","id":"a","method":"ping"})")), MessageKind::request);
  EXPECT_EQ(classify(json::parse(R"({"jsonrpc":"2.0","method":"notifications/initialized"})")),
            MessageKind::notification);
  EXPECT_EQ(classify(json::parse(R"({"jsonrpc":"2.0","id":1,"result":{}})")), MessageKind::response);
  EXPECT_EQ(classify(json::parse(R"({"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"x"}})")),
            MessageKind::response);
  for (const char* bad :
       {R"({"id":1,"method":"ping"})", R"({"jsonrpc":"1.0","id":1,"method":"ping"})",
        R"({"jsonrpc":"2.0","id":null,"method":"ping"})", R"({"jsonrpc":"2.0","id":1.5,"method":"x"})",
        R"({"jsonrpc":"2.0","id":[1],"method":"x"})", R"({"jsonrpc":"2.0","method":7})",
        R"({"jsonrpc":"2.0","id":1})", R"([])", R"("text")", R"(42)"})
    EXPECT_EQ(classify(json::parse(bad)), MessageKind::invalid) << bad;
}

TEST(Parse, ErrorsAndDepthLimit) {
  ParseFailure f;
  EXPECT_FALSE(parse("{", &f));
  EXPECT_EQ(f.code, error_code::parse_error);
  EXPECT_NE(f.message.find("Parse error"), std::string::npos);
  std::string deep(100, '[');
  deep += std::string(100, ']');
  EXPECT_FALSE(parse(deep, &f));
  EXPECT_NE(f.message.find("deeper than 64"), std::string::npos);
  std::string ok(60, '[');
  ok += std::string(60, ']');
  EXPECT_TRUE(parse(ok, &f));
  EXPECT_FALSE(parse("\"\xff\xfe\"", &f)) << "invalid UTF-8 is a parse error";
  auto big = parse("123456789012345678901234567890", &f);
  ASSERT_TRUE(big);  // huge numbers parse as floating point, never crash
  EXPECT_TRUE(big->is_number_float());
  // Beyond double's range: a parse error like any other, never an exception (found by the HTTP abuse
  // test, tests/e2e/abuse_http.test.mjs).
  for (const char* overflow : {"1e400", "-1e400", R"({"jsonrpc":"2.0","id":1e999,"method":"ping"})",
                               R"({"a":[1.7976931348623157e309]})"}) {
    f = {};
    EXPECT_FALSE(parse(overflow, &f)) << overflow;
    EXPECT_EQ(f.code, error_code::parse_error) << overflow;
    EXPECT_NE(f.message.find("Parse error"), std::string::npos) << f.message;
  }
}

TEST(Serialize, CompactAndNewlineFree) {
  json m = make_result(1, json{{"text", "line1\nline2"}, {"bad", std::string("\xff")}});
  std::string s = serialize(m);
  EXPECT_EQ(s.find('\n'), std::string::npos);
  EXPECT_NE(s.find("\\n"), std::string::npos);
  EXPECT_NO_THROW(json::parse(s));
}

TEST(IdKey, DistinguishesTypes) {
  EXPECT_NE(id_key(5), id_key("5"));
  EXPECT_EQ(id_key(5), id_key(json(5)));
}

TEST(Negotiation, SameVersionWhenSupportedElseLatest) {
  for (auto v : kSupportedVersions) EXPECT_EQ(negotiate_version(v), v);
  EXPECT_EQ(negotiate_version("2024-10-07"), kLatestVersion);
  EXPECT_EQ(negotiate_version("2026-07-28"), kLatestVersion);
  EXPECT_EQ(negotiate_version(""), kLatestVersion);
}

TEST(Features, GatedByVersion) {
  EXPECT_TRUE(allows_batch("2025-03-26"));
  EXPECT_FALSE(allows_batch("2025-06-18"));
  EXPECT_FALSE(allows_batch("2024-11-05"));
  EXPECT_TRUE(has_structured_output("2025-06-18"));
  EXPECT_FALSE(has_structured_output("2025-03-26"));
  EXPECT_TRUE(validation_errors_are_tool_errors("2025-11-25"));
  EXPECT_FALSE(validation_errors_are_tool_errors("2025-06-18"));
  EXPECT_TRUE(wants_sse_priming("2025-11-25"));
  EXPECT_FALSE(wants_sse_priming("2025-06-18"));
  EXPECT_LT(log_level_rank("debug"), log_level_rank("warning"));
  EXPECT_EQ(log_level_rank("loud"), -1);
}

TEST(JsonRpc, RawResultsAreSplicedVerbatimAlsoInBatches) {
  using namespace cmon_mcp::mcp;
  const std::string raw = R"({"tools":[{"name":"x","description":"ü \"q\""}],"nextCursor":"p1.1"})";
  json r = make_raw_result(7, raw);
  std::string text = serialize(r);
  EXPECT_EQ(text, std::string(R"({"id":7,"jsonrpc":"2.0","result":)") + raw + "}");
  json back = json::parse(text);
  EXPECT_EQ(back["result"], json::parse(raw));
  json batch = json::array({r, make_result("a", json{{"ok", true}})});
  json parsed = json::parse(serialize(batch));
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0]["result"]["nextCursor"], "p1.1");
  EXPECT_EQ(parsed[1]["result"]["ok"], true);
  // Plain messages are unchanged.
  EXPECT_EQ(serialize(make_result(1, json::object())), R"({"id":1,"jsonrpc":"2.0","result":{}})");
}
