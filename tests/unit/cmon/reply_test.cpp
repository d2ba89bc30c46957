// Reply decoding and error messages, without a network: composed replies for each status, and every
// captured reply of a real controller (set CMON_MCP_CAPTURES_DIR to the folder of *-rep.json files).
#include "cmon_mcp/cmon/reply.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "cmon_mcp/cmon/errors.hpp"

namespace cmon_mcp::cmon {
namespace {

const ReplyContext kCtx{"/v2/clusters", "getClusterInfo", "https://10.0.0.5:9501"};

Error decode_error(int http, const std::string& body, const ReplyContext& ctx = kCtx) {
  auto r = decode_reply(http, body, ctx);
  EXPECT_FALSE(r.has_value()) << body;
  if (r) return {};
  return r.error();
}

TEST(DecodeReply, OkIsCaseInsensitiveAndNormalised) {
  auto r = decode_reply(200, R"({"request_status":"ok","alarms":[null,{"alarm_id":1}],"total":1})", kCtx);
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["alarms"].size(), 1u);
  EXPECT_TRUE(decode_reply(200, R"({"request_status":"OK"})"));
}

TEST(DecodeReply, StatusesMapToErrc) {
  struct Case {
    const char* status;
    const char* text;
    Errc code;
  } cases[] = {
      {"AccessDenied", "Write access to group 'x' is denied.", Errc::access_denied},
      {"ObjectNotFound", "Cluster was not found.", Errc::not_found},
      {"ClusterNotFound", "", Errc::not_found},
      {"InvalidRequest", "Cluster was not found.", Errc::not_found},
      {"InvalidRequest", "Group 'g' does not exist.", Errc::not_found},
      {"InvalidRequest", "Access denied.", Errc::access_denied},
      {"InvalidRequest", "User 'sisko' is already a member of group 'admins'.", Errc::invalid_request},
      {"TryAgain", "Controller is starting.", Errc::try_again},
      {"UnknownError", "Something broke.", Errc::failed},
      {"UnknownError", "Report with id 1 was not found.", Errc::not_found},
      {"Redirect", "", Errc::redirect},
      {"AuthRequired", "", Errc::auth_failed},
      {"SomethingNew", "", Errc::failed},
  };
  for (const auto& c : cases) {
    json body{{"request_status", c.status}};
    if (*c.text) body["error_string"] = c.text;
    Error e = decode_error(200, body.dump());
    EXPECT_EQ(e.code, c.code) << c.status << " / " << c.text;
    EXPECT_EQ(e.request_status, c.status);
    if (*c.text) {
      EXPECT_EQ(e.message, c.text);
    }
    EXPECT_EQ(e.operation, "getClusterInfo");
    EXPECT_EQ(e.path, "/v2/clusters");
    EXPECT_EQ(e.endpoint, "https://10.0.0.5:9501");
    EXPECT_EQ(e.http_status, 200);
  }
}

TEST(DecodeReply, AccessDeniedOnLoginIsAuthFailed) {
  ReplyContext login{"/v2/auth", "authenticateWithPassword", "https://127.0.0.1:9501"};
  Error e = decode_error(200, R"({"request_status":"AccessDenied"})", login);
  EXPECT_EQ(e.code, Errc::auth_failed);
  EXPECT_FALSE(e.message.empty());
  EXPECT_FALSE(is_session_lost(e));
}

TEST(DecodeReply, SessionLossBy401403OrAuthRequired) {
  Error a = decode_error(401, R"({"request_status":"AuthRequired","error_string":"Log in first."})");
  EXPECT_EQ(a.code, Errc::auth_failed);
  EXPECT_TRUE(is_session_lost(a));
  Error b = decode_error(200, R"({"request_status":"AuthRequired"})");
  EXPECT_TRUE(is_session_lost(b));
  Error c = decode_error(403, "<html>Forbidden</html>");
  EXPECT_EQ(c.code, Errc::auth_failed);
  EXPECT_TRUE(is_session_lost(c));
  Error d = decode_error(200, R"({"request_status":"AccessDenied","error_string":"no"})");
  EXPECT_FALSE(is_session_lost(d));
}

TEST(DecodeReply, NonJsonBodiesAreBadReplyWithHttpStatus) {
  Error e = decode_error(500, "<html><body><h1>500 Internal Server Error</h1></body></html>");
  EXPECT_EQ(e.code, Errc::bad_reply);
  EXPECT_EQ(e.http_status, 500);
  EXPECT_NE(e.message.find("HTTP 500"), std::string::npos);
  EXPECT_NE(e.message.find("500 Internal Server Error"), std::string::npos);
  EXPECT_EQ(e.message.find("<h1>"), std::string::npos);
  EXPECT_EQ(decode_error(200, R"({"request_status": "Ok", )").code, Errc::bad_reply);
  EXPECT_EQ(decode_error(200, "[1,2]").code, Errc::bad_reply);
  EXPECT_EQ(decode_error(200, R"({"total": 3})").code, Errc::bad_reply);
  EXPECT_EQ(decode_error(200, "").code, Errc::bad_reply);
}

// A reply nested beyond util::kMaxJsonNesting is refused before anything recursive (a dump() of a raw
// reply, a tool walking it) can exhaust the stack; a deep job_spec string inside a reply is not parsed.
TEST(DecodeReply, RepliesNestedTooDeeplyAreRefused) {
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  Error e = decode_error(200, R"({"request_status": "Ok", "clusters": )" + deep + "}");
  EXPECT_EQ(e.code, Errc::bad_reply);
  EXPECT_NE(e.message.find("deeper than 512 levels"), std::string::npos) << e.message;
  EXPECT_TRUE(
      decode_reply(200,
                   R"({"request_status": "Ok", "v": )" + std::string(500, '[') + std::string(500, ']') + "}",
                   kCtx)
          .has_value());
  auto job = decode_reply(200, R"({"request_status": "Ok", "job": {"job_spec": ")" + deep + R"("}})", kCtx);
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ((*job)["job"]["job_spec"]["text"].get<std::string>().size(), deep.size());
}

TEST(DecodeReply, ErrorJsonWithNon2xxUsesTheBody) {
  Error e =
      decode_error(500, R"({"request_status":"ObjectNotFound","error_string":"Cluster was not found."})");
  EXPECT_EQ(e.code, Errc::not_found);
  EXPECT_EQ(e.http_status, 500);
}

TEST(Describe, OneActionableSentencePerKind) {
  Error e;
  e.endpoint = "https://10.0.0.5:9501";
  e.operation = "getBackups";
  e.code = Errc::unreachable;
  e.message = "connection refused";
  EXPECT_EQ(
      describe(e),
      "controller unreachable at https://10.0.0.5:9501 (connection refused); check CMON_ENDPOINT and that "
      "cmon is running");
  e.code = Errc::timeout;
  e.message = "timed out after 30 s";
  EXPECT_EQ(describe(e).rfind("CMON call getBackups timed out after 30 s", 0), 0u) << describe(e);
  e.code = Errc::access_denied;
  e.operation = "getClusterInfo";
  e.message = "Access denied.";
  EXPECT_EQ(
      describe(e),
      "CMON denied access to getClusterInfo: the CMON user lacks the right (CMON said: Access denied.)");
  e.code = Errc::tls;
  e.message = "certificate does not match CMON_TLS_FINGERPRINT (it is AA:BB)";
  EXPECT_EQ(
      describe(e).rfind("TLS certificate of https://10.0.0.5:9501 does not match CMON_TLS_FINGERPRINT", 0),
      0u)
      << describe(e);
  e.code = Errc::auth_failed;
  e.message = "CMON rejected the login of user 'admin' (AccessDenied): check CMON_USERNAME/CMON_PASSWORD";
  EXPECT_EQ(describe(e), e.message);
  e.code = Errc::bad_reply;
  e.http_status = 500;
  e.message = "HTTP 500 reply is not JSON";
  EXPECT_NE(describe(e).find("(HTTP 500)"), std::string::npos);
  // Every kind yields a non-empty sentence that names the operation or the endpoint.
  for (int i = 0; i <= static_cast<int>(Errc::failed); ++i) {
    e.code = static_cast<Errc>(i);
    std::string text = describe(e);
    EXPECT_FALSE(text.empty());
    EXPECT_TRUE(text.find("getClusterInfo") != std::string::npos ||
                text.find("10.0.0.5") != std::string::npos || text.rfind("CMON rejected", 0) == 0)
        << text;
  }
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every real reply decodes, and the outcome agrees with the status in its file name.
TEST(Captures, EveryCapturedReplyDecodesToItsStatus) {
  // The captures live in the shared folder beside the checkout; CMON_MCP_CAPTURES_DIR overrides.
  const char* env = std::getenv("CMON_MCP_CAPTURES_DIR");
  std::filesystem::path dir =
      env && *env ? std::filesystem::path(env)
                  : std::filesystem::path(CMON_MCP_SOURCE_DIR) / ".." / "shared" / "cmon-captures";
  if (!std::filesystem::is_directory(dir))
    GTEST_SKIP() << "no CMON captures at " << dir << " (set CMON_MCP_CAPTURES_DIR to a folder of "
                 << "<Status>-<operation>-rep.json files)";
  int checked = 0;
  std::map<std::string, int> by_status;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.size() < 9 || name.substr(name.size() - 9) != "-rep.json") continue;
    auto dash = name.find('-');
    std::string status = name.substr(0, dash);
    std::string operation = name.substr(dash + 1, name.size() - 9 - dash - 1);
    ReplyContext ctx{"/v2/x", operation, "https://127.0.0.1:9501"};
    auto r = decode_reply(200, read_file(entry.path()), ctx);
    ++checked;
    ++by_status[status];
    SCOPED_TRACE(name);
    if (status == "Ok") {
      ASSERT_TRUE(r) << describe(r.error());
      EXPECT_TRUE(r->is_object());
      continue;
    }
    ASSERT_FALSE(r);
    const Error& e = r.error();
    EXPECT_EQ(e.request_status, status);
    EXPECT_FALSE(e.message.empty());
    std::set<Errc> allowed;
    if (status == "AccessDenied")
      allowed = {is_login_operation(operation) ? Errc::auth_failed : Errc::access_denied};
    if (status == "ObjectNotFound") allowed = {Errc::not_found};
    if (status == "InvalidRequest") allowed = {Errc::invalid_request, Errc::not_found, Errc::access_denied};
    if (status == "UnknownError") allowed = {Errc::failed, Errc::not_found};
    EXPECT_TRUE(allowed.count(e.code)) << to_string(e.code) << ": " << e.message;
  }
  EXPECT_GE(checked, 90);
  EXPECT_GE(by_status["Ok"], 50);
  // The inconsistencies of §1.7, pinned on the files that show them.
  auto code_of = [&](const std::string& file) {
    std::string operation = file.substr(file.find('-') + 1);
    operation = operation.substr(0, operation.size() - 9);
    auto r = decode_reply(200, read_file(std::filesystem::path(dir) / file), {"/v2/x", operation, ""});
    return r ? std::string("ok") : std::string(to_string(r.error().code));
  };
  EXPECT_EQ(code_of("InvalidRequest-getAccounts-rep.json"), "not_found");
  EXPECT_EQ(code_of("InvalidRequest-cat-rep.json"), "access_denied");
  EXPECT_EQ(code_of("InvalidRequest-addToGroup-rep.json"), "invalid_request");
  EXPECT_EQ(code_of("AccessDenied-authenticateWithPassword-rep.json"), "auth_failed");
  EXPECT_EQ(code_of("UnknownError-getReport-rep.json"), "not_found");
}

}  // namespace
}  // namespace cmon_mcp::cmon
