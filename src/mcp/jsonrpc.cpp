// JSON-RPC 2.0 parsing, classification and construction.
#include "cmon_mcp/mcp/jsonrpc.hpp"

#include <stdexcept>

namespace cmon_mcp::mcp {

namespace {

bool valid_id(const json& id) {
  return id.is_string() || id.is_number_integer() || id.is_number_unsigned();
}

struct TooDeep : std::runtime_error {
  TooDeep() : std::runtime_error("too deep") {}
};

}  // namespace

MessageKind classify(const json& m) {
  if (!m.is_object()) return MessageKind::invalid;
  auto jsonrpc = m.find("jsonrpc");
  if (jsonrpc == m.end() || *jsonrpc != "2.0") return MessageKind::invalid;
  auto method = m.find("method");
  auto id = m.find("id");
  if (method != m.end()) {
    if (!method->is_string()) return MessageKind::invalid;
    if (id == m.end()) return MessageKind::notification;
    return valid_id(*id) ? MessageKind::request : MessageKind::invalid;
  }
  if (id != m.end() && (m.contains("result") || m.contains("error"))) return MessageKind::response;
  return MessageKind::invalid;
}

std::optional<json> parse(std::string_view text, ParseFailure* failure) {
  auto limit = [](int depth, json::parse_event_t, json&) {
    if (depth > kMaxJsonDepth) throw TooDeep();
    return true;
  };
  try {
    return json::parse(text.begin(), text.end(), limit);
  } catch (const TooDeep&) {
    if (failure) *failure = {error_code::parse_error, "Parse error: JSON nested deeper than 64 levels"};
  } catch (const json::parse_error& e) {
    if (failure) {
      // nlohmann's text names the byte offset; keep it but not the library prefix.
      std::string what = e.what();
      auto pos = what.find("parse error");
      *failure = {error_code::parse_error,
                  "Parse error: " + (pos == std::string::npos ? what : what.substr(pos))};
    }
  } catch (const json::exception& e) {
    // A number beyond double's range ("1e400") is out_of_range, not parse_error, in nlohmann: without
    // this it escaped to the transport, which dropped the HTTP connection without an answer.
    if (failure) {
      std::string what = e.what();
      auto pos = what.find("number overflow");
      *failure = {error_code::parse_error,
                  "Parse error: " + (pos == std::string::npos ? what : what.substr(pos))};
    }
  }
  return std::nullopt;
}

json make_result(const json& id, json result) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

json make_error(const json& id, int code, std::string message, json data) {
  json error{{"code", code}, {"message", std::move(message)}};
  if (!data.is_null()) error["data"] = std::move(data);
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

json make_notification(std::string method, json params) {
  return json{{"jsonrpc", "2.0"}, {"method", std::move(method)}, {"params", std::move(params)}};
}

json make_request(const json& id, std::string method, json params) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"method", std::move(method)}, {"params", std::move(params)}};
}

json make_raw_result(const json& id, const std::string& serialized_result) {
  json r = make_result(id, nullptr);
  r["result"] = json::binary(std::vector<std::uint8_t>(serialized_result.begin(), serialized_result.end()));
  return r;
}

namespace {

bool has_raw_result(const json& message) {
  if (!message.is_object()) return false;
  auto it = message.find("result");
  return it != message.end() && it->is_binary();
}

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string serialize(const json& message) {
  if (message.is_array()) {
    bool any_raw = false;
    for (const auto& m : message) any_raw = any_raw || has_raw_result(m);
    if (any_raw) {
      std::string out = "[";
      for (size_t i = 0; i < message.size(); ++i) {
        if (i) out += ',';
        out += serialize(message[i]);
      }
      return out + "]";
    }
  }
  if (!has_raw_result(message)) return dump(message);
  // {"id":..,"jsonrpc":"2.0"} then the raw result before the closing brace.
  json rest = json::object();
  for (auto it = message.begin(); it != message.end(); ++it)
    if (it.key() != "result") rest[it.key()] = it.value();
  std::string out = dump(rest);
  out.pop_back();
  const auto& raw = message["result"].get_binary();
  out.reserve(out.size() + raw.size() + 12);
  out += ",\"result\":";
  // One copy of the bytes: append(begin, end) over unsigned chars went through a temporary string
  // filled byte by byte, about 10 instructions a byte for a 200 KB tools/list page.
  out.append(reinterpret_cast<const char*>(raw.data()), raw.size());
  out += '}';
  return out;
}

std::string id_key(const json& id) {
  if (id.is_string()) return "s:" + id.get<std::string>();
  return "n:" + id.dump();
}

}  // namespace cmon_mcp::mcp
