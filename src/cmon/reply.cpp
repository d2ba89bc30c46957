// Reply decoding (cmon-rpc-v2.md §1.6, §1.7): request_status decides, HTTP status only for session
// loss and for bodies that are not CMON replies at all.
#include "cmon_mcp/cmon/reply.hpp"
#include "cmon_mcp/util/json_parse.hpp"

#include "cmon_mcp/cmon/normalize.hpp"

namespace cmon_mcp::cmon {

namespace {

Error make_error(Errc code, std::string message, std::string request_status, int http_status,
                 const ReplyContext& ctx) {
  Error e;
  e.code = code;
  e.message = std::move(message);
  e.request_status = std::move(request_status);
  e.path = std::string(ctx.path);
  e.operation = std::string(ctx.operation);
  e.endpoint = std::string(ctx.endpoint);
  e.http_status = http_status;
  return e;
}

// A short plain-text excerpt of a body that is not JSON, for the error message.
std::string excerpt(std::string_view body) {
  std::string text = strip_html(body);
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (static_cast<unsigned char>(c) < 0x20) continue;
    if (space) out += ' ';
    space = false;
    out += c;
    if (out.size() >= 160) {
      out += "...";
      break;
    }
  }
  return out;
}

bool says_denied(std::string_view text) {
  return icontains(text, "access denied") || icontains(text, "is denied") || icontains(text, "not granted");
}

}  // namespace

ReplyParts::ReplyParts(const json& spec)
    : keep_([&] {
        json with_envelope = spec;
        if (with_envelope.is_object())
          for (const char* key : {"request_status", "error_string", "error_message", "controllers"})
            with_envelope[key] = true;
        return util::JsonKeep(std::move(with_envelope));
      }()) {}

bool is_login_operation(std::string_view operation) {
  return iequals(operation, "authenticateWithPassword") || iequals(operation, "authenticate") ||
         iequals(operation, "authenticateResponse") || iequals(operation, "response");
}

bool says_not_found(std::string_view text) {
  return icontains(text, "not found") || icontains(text, "does not exist") || icontains(text, "no such") ||
         icontains(text, "no cmoncluster instance");
}

Errc errc_for_status(std::string_view status, std::string_view error_string, std::string_view operation) {
  if (iequals(status, "AccessDenied"))
    return is_login_operation(operation) ? Errc::auth_failed : Errc::access_denied;
  if (iequals(status, "AuthRequired")) return Errc::auth_failed;
  if (iequals(status, "ObjectNotFound") || iequals(status, "ClusterNotFound")) return Errc::not_found;
  if (iequals(status, "TryAgain")) return Errc::try_again;
  if (iequals(status, "Redirect")) return Errc::redirect;
  if (iequals(status, "InvalidRequest")) {
    if (says_not_found(error_string)) return Errc::not_found;
    if (says_denied(error_string)) return Errc::access_denied;
    return Errc::invalid_request;
  }
  if (says_not_found(error_string)) return Errc::not_found;  // UnknownError "Report with id 1 was not found."
  return Errc::failed;
}

bool is_session_lost(const Error& e) {
  if (is_login_operation(e.operation)) return false;
  return e.http_status == 401 || e.http_status == 403 || iequals(e.request_status, "AuthRequired");
}

namespace {

Result<json> not_an_object(int http_status, std::string_view body, bool parsed, const ReplyContext& ctx) {
  if ((http_status == 401 || http_status == 403) && !is_login_operation(ctx.operation))
    return unexpected(make_error(Errc::auth_failed,
                                 "the CMON session is not valid (HTTP " + std::to_string(http_status) + ")",
                                 "", http_status, ctx));
  // The raw body is not kept (an HTML page can be large): an excerpt is enough to recognise it.
  std::string message =
      "HTTP " + std::to_string(http_status) + " reply is " + (parsed ? "not a JSON object" : "not JSON");
  if (auto text = excerpt(body); !text.empty()) message += ": " + text;
  return unexpected(make_error(Errc::bad_reply, std::move(message), "", http_status, ctx));
}

}  // namespace

Result<json> decode_reply(int http_status, std::string_view body, const ReplyContext& ctx) {
  bool too_deep = false;
  json reply = util::parse_json(body, &too_deep);
  if (too_deep)
    return unexpected(make_error(Errc::bad_reply,
                                 "HTTP " + std::to_string(http_status) + " reply nests JSON deeper than " +
                                     std::to_string(util::kMaxJsonNesting) + " levels; refused",
                                 "", http_status, ctx));
  if (reply.is_discarded()) return not_an_object(http_status, body, false, ctx);
  return decode_reply_json(http_status, std::move(reply), ctx);
}

Result<json> decode_reply_json(int http_status, json reply, const ReplyContext& ctx) {
  const bool auth_http = http_status == 401 || http_status == 403;
  if (reply.is_discarded()) return not_an_object(http_status, {}, false, ctx);
  if (!reply.is_object()) return not_an_object(http_status, {}, true, ctx);
  std::string status = get_string(reply, "request_status");
  std::string error_string = get_string(reply, "error_string");
  if (status.empty()) {
    if (auth_http && !is_login_operation(ctx.operation))
      return unexpected(make_error(Errc::auth_failed,
                                   "the CMON session is not valid (HTTP " + std::to_string(http_status) + ")",
                                   "", http_status, ctx));
    return unexpected(make_error(Errc::bad_reply,
                                 "HTTP " + std::to_string(http_status) + " reply has no request_status", "",
                                 http_status, ctx));
  }
  if (iequals(status, "Ok") && !auth_http) {
    normalize_reply(reply);
    return reply;
  }
  Errc code = auth_http && !is_login_operation(ctx.operation)
                  ? Errc::auth_failed
                  : errc_for_status(status, error_string, ctx.operation);
  if (auth_http && is_login_operation(ctx.operation) && iequals(status, "Ok")) code = Errc::auth_failed;
  std::string message = error_string;
  if (message.empty()) message = get_string(reply, "error_message");
  if (message.empty()) message = "CMON replied " + status + " without an error text";
  return unexpected(make_error(code, std::move(message), std::move(status), http_status, ctx));
}

}  // namespace cmon_mcp::cmon
