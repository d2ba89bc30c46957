// util::parse_json must give exactly what nlohmann::json::parse gives (values, number types, and a
// discarded value for anything else). Compared on hand-picked edge cases, generated documents and
// every captured CMON reply.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "cmon_mcp/util/json_parse.hpp"

using cmon_mcp::util::parse_json;
using nlohmann::json;

namespace {

// Specs that meet the generated documents' keys (k0..k19) and the CMON replies' at several depths.
const std::vector<cmon_mcp::util::JsonKeep>& keeps() {
  static const std::vector<cmon_mcp::util::JsonKeep> all = [] {
    std::vector<cmon_mcp::util::JsonKeep> v;
    v.emplace_back(json::object());
    v.emplace_back(
        json{{"k1", true}, {"k2", {{"k3", true}, {"k5", {{"k1", true}}}}}, {"k7", json::object()}});
    v.emplace_back(json{{"k0", {{"k0", {{"k0", true}, {"k4", true}}}}}, {"k9", true}});
    v.emplace_back(json{{"request_status", true},
                        {"total", true},
                        {"clusters", {{"cluster_id", true}, {"hosts", {{"hostname", true}, {"port", true}}}}},
                        {"jobs", {{"job_id", true}, {"job_spec", true}}}});
    return v;
  }();
  return all;
}

// dump() tells 1 from 1.0 and -0.0 from 0, which operator== does not. With each of keeps(), the result
// must be nlohmann's value projected, and the text accepted or refused alike.
void expect_same(const std::string& text) {
  SCOPED_TRACE(text.size() > 200 ? text.substr(0, 200) + "..." : text);
  json ours = parse_json(text);
  json theirs = json::parse(text, nullptr, /*allow_exceptions=*/false);
  ASSERT_EQ(ours.is_discarded(), theirs.is_discarded());
  for (const auto& keep : keeps()) {
    SCOPED_TRACE(keep.spec().dump());
    json part = parse_json(text, keep);
    ASSERT_EQ(part.is_discarded(), theirs.is_discarded());
    if (!theirs.is_discarded()) {
      EXPECT_EQ(part.dump(), cmon_mcp::util::project(theirs, keep).dump());
    }
  }
  if (theirs.is_discarded()) return;
  EXPECT_EQ(ours.dump(), theirs.dump());
  EXPECT_EQ(ours.type(), theirs.type());
}

}  // namespace

TEST(ParseJson, AgreesWithNlohmannOnValidText) {
  for (const char* text : {
           "{}",
           "[]",
           "  {\"a\" : [1, 2, {\"b\": null}], \"c\": true, \"d\": false}\n\t\r ",
           "\"plain\"",
           "0",
           "-0",
           "7",
           "-7",
           "1.5",
           "-0.0",
           "1e3",
           "1E+3",
           "2.5e-3",
           "1.7976931348623157e308",
           "18446744073709551615",
           "-9223372036854775808",
           "9223372036854775807",
           "4.9e-324",
           "\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t\"",
           "\"\\u0041\\u00e9\\u20ac\\ud83d\\ude00\"",
           "\"\\u0000 nul\"",
           "\"utf-8: \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \x7f\"",
           "{\"dup\": 1, \"dup\": 2}",
           "{\"z\": 1, \"a\": 2, \"m\": {\"y\": [], \"b\": {}}}",
           "[[[[[[[[[[1]]]]]]]]]]",
       })
    expect_same(text);
}

TEST(ParseJson, AgreesWithNlohmannOnNumbersOutOfRange) {
  // The fast path refuses these; nlohmann turns them into doubles or rejects them.
  for (const char* text : {"18446744073709551616", "-9223372036854775809", "123456789012345678901234567890",
                           "1e309", "-1e309", "1e-400", "[1e400]"})
    expect_same(text);
}

TEST(ParseJson, RejectsWhatNlohmannRejects) {
  for (const char* text : {
           "",
           " ",
           "{",
           "}",
           "[1,]",
           "{\"a\":1,}",
           "{\"a\" 1}",
           "{a:1}",
           "[1 2]",
           "01",
           "-",
           "1.",
           ".5",
           "1e",
           "1e+",
           "+1",
           "tru",
           "nul",
           "truex",
           "\"open",
           "\"bad \\x escape\"",
           "\"\\u12\"",
           "\"\\ud83d\"",
           "\"\\ud83d\\u0041\"",
           "\"\\ude00\"",
           "\"ctl \x01\"",
           "\"\xc0\xaf\"",
           "\"\xed\xa0\x80\"",
           "\"\xf5\x80\x80\x80\"",
           "\"\xe2\x82\"",
           "\"\x80\"",
           "{} {}",
           "[] x",
           "// c\n{}",
           "NaN",
           "[Infinity]",
       })
    expect_same(text);
}

TEST(ParseJson, ByteOrderMarkAndDeepNestingGoToNlohmann) {
  expect_same("\xef\xbb\xbf{\"a\": 1}");
  // Deeper than the fast path goes (256): nlohmann, whose parser needs no stack, takes it. (Not much
  // deeper here: the comparison's dump() recurses, and a sanitizer build's frames are several KiB.)
  expect_same(std::string(300, '[') + std::string(300, ']'));
  expect_same(std::string(300, '['));
}

TEST(ParseJson, NestingBeyondTheBoundIsRefused) {
  auto nested = [](int levels) { return std::string(levels, '[') + std::string(levels, ']'); };
  bool too_deep = true;
  EXPECT_EQ(parse_json(nested(cmon_mcp::util::kMaxJsonNesting), &too_deep).dump().size(),
            2u * cmon_mcp::util::kMaxJsonNesting);
  EXPECT_FALSE(too_deep);
  auto refused = parse_json(nested(cmon_mcp::util::kMaxJsonNesting + 1), &too_deep);
  EXPECT_TRUE(refused.is_discarded());
  EXPECT_TRUE(too_deep);
  // Deep inside an object, and far deeper: refused without building it.
  refused = parse_json("{\"a\": " + nested(1000000) + "}", &too_deep);
  EXPECT_TRUE(refused.is_discarded());
  EXPECT_TRUE(too_deep);
  // Invalid text is not "too deep".
  EXPECT_TRUE(parse_json("[1,", &too_deep).is_discarded());
  EXPECT_FALSE(too_deep);
}

TEST(ParseJson, AgreesOnGeneratedDocuments) {
  // Random documents written by nlohmann (compact and pretty), parsed back by both.
  std::mt19937_64 rng(42);
  std::function<json(int)> gen = [&](int depth) -> json {
    switch (depth > 4 ? rng() % 6 : rng() % 8) {
      case 0:
        return nullptr;
      case 1:
        return rng() % 2 == 0;
      case 2:
        return static_cast<std::int64_t>(rng()) >> (rng() % 64);
      case 3:
        return static_cast<std::uint64_t>(rng());
      case 4:
        return std::ldexp(static_cast<double>(rng() % 1000000) - 500000.0, static_cast<int>(rng() % 80) - 40);
      case 5: {
        std::string s;
        for (int i = static_cast<int>(rng() % 12); i > 0; --i) {
          static const char* pieces[] = {"a",  "Z",  " ",    "\"",       "\\",           "/",
                                         "\n", "\t", "\x01", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
          s += pieces[rng() % 12];
        }
        return s;
      }
      case 6: {
        json a = json::array();
        for (int i = static_cast<int>(rng() % 5); i > 0; --i) a.push_back(gen(depth + 1));
        return a;
      }
      default: {
        json o = json::object();
        for (int i = static_cast<int>(rng() % 5); i > 0; --i)
          o["k" + std::to_string(rng() % 20)] = gen(depth + 1);
        return o;
      }
    }
  };
  for (int i = 0; i < 500; ++i) {
    json doc = gen(0);
    expect_same(doc.dump());
    expect_same(doc.dump(2));
    expect_same(doc.dump(-1, ' ', true));  // ASCII only: \u escapes, surrogate pairs included
  }
}

TEST(ParseJson, AgreesOnEveryCapturedCmonReply) {
  const char* env = std::getenv("CMON_MCP_CAPTURES_DIR");
  std::filesystem::path dir =
      env && *env ? std::filesystem::path(env)
                  : std::filesystem::path(CMON_MCP_SOURCE_DIR) / ".." / "shared" / "cmon-captures";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "no CMON captures at " << dir;
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    expect_same(ss.str());
    ++files;
  }
  EXPECT_GT(files, 0);
}

TEST(ParseJsonKeep, BuildsOnlyTheNamedParts) {
  const cmon_mcp::util::JsonKeep keep(
      json{{"status", true}, {"clusters", {{"id", true}, {"hosts", {{"name", true}}}, {"tags", true}}}});
  const std::string text = R"({"status": "Ok", "total": 2, "clusters": [
      {"id": 1, "name": "a", "hosts": [{"name": "h1", "port": 3306, "nested": {"x": [1, 2]}}, "odd"],
       "tags": ["p", {"q": 1}]},
      {"id": 2, "hosts": {"name": "single", "role": "primary"}, "big": [[[{"a": "\u00e9"}]]]},
      7]})";
  json expected = json::parse(R"({"status": "Ok", "clusters": [
      {"id": 1, "hosts": [{"name": "h1"}, "odd"], "tags": ["p", {"q": 1}]},
      {"id": 2, "hosts": {"name": "single"}},
      7]})");
  EXPECT_EQ(parse_json(text, keep), expected);
  EXPECT_EQ(cmon_mcp::util::project(json::parse(text), keep), expected);
}

TEST(ParseJsonKeep, DroppedPartsAreStillChecked) {
  const cmon_mcp::util::JsonKeep keep(json{{"a", true}});
  for (const char* text : {R"({"a": 1, "b": [1,]})", R"({"a": 1, "b": "\x"})", R"({"a": 1, "b": 01})",
                           R"({"a": 1, "b": {"c" 1}})", R"({"a": 1, "b": tru})", R"({"a": 1, "b": [1e400]})",
                           R"({"a": 1, "b": "\ud83d"})", "{\"a\": 1, \"b\": \"\xc0\xaf\"}"}) {
    SCOPED_TRACE(text);
    EXPECT_TRUE(parse_json(text, keep).is_discarded());
    expect_same(text);
  }
  // Out of the fast path's number range but a double for nlohmann: accepted, and still dropped.
  EXPECT_EQ(parse_json(R"({"a": 1, "b": 18446744073709551616})", keep), json({{"a", 1}}));
  // The nesting bound counts the dropped parts too.
  bool too_deep = false;
  const int levels = cmon_mcp::util::kMaxJsonNesting + 1;
  const std::string deep = std::string(levels, '[') + std::string(levels, ']');
  EXPECT_TRUE(parse_json(R"({"a": 1, "b": )" + deep + "}", keep, &too_deep).is_discarded());
  EXPECT_TRUE(too_deep);
  // Deeper than the fast path goes but within the bound: nlohmann's value, projected.
  const std::string deeper_than_fast = std::string(300, '[') + std::string(300, ']');
  EXPECT_EQ(parse_json(R"({"a": 1, "b": )" + deeper_than_fast + "}", keep, &too_deep), json({{"a", 1}}));
  EXPECT_FALSE(too_deep);
}

TEST(ParseJsonKeep, SpecsOfTheWrongShapeAreRefused) {
  auto make = [](json spec) { return cmon_mcp::util::JsonKeep(std::move(spec)); };
  EXPECT_THROW(make(json::array()), std::invalid_argument);
  EXPECT_THROW(make(json{{"a", false}}), std::invalid_argument);
  EXPECT_THROW(make(json{{"a", {{"b", 1}}}}), std::invalid_argument);
  EXPECT_NO_THROW(make(json{{"a", {{"b", true}}}}));
}
